// libFuzzer target: encode/decode of arbitrary bytes must not crash, must round-trip, and must keep the offset rules.
// Not a correctness reference (that is js-tiktoken, in the native and node tests): it checks invariants only.
//
// Built by cmake/fuzz.cmake with clang++-14 -fsanitize=fuzzer,address,undefined; the asset path comes in as
// ATTN_GPT2_ASSET. Input layout: byte 0 chooses the mode (bit 0: allow special tokens, bit 1: force the heap merge
// loop on a second tokenizer and compare), the rest is the text; the same bytes read as little-endian u32 ids are
// also decoded (mostly out of range: must fail cleanly).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "attn/tokenizer/bpe.hpp"
#include "attn/tokenizer/pretokenize.hpp"
#include "attn/tokenizer/unicode.hpp"

using attn::tok::Gpt2Tokenizer;
using attn::tok::SpecialTokens;

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_tokenizer: invariant violated: %s\n", what);
    std::abort();
  }
}

struct Tokenizers {
  Gpt2Tokenizer normal, heap;
  Tokenizers() {
    for (Gpt2Tokenizer* t : {&normal, &heap}) {
      const attn::Status st = t->load_file(ATTN_GPT2_ASSET);
      if (!st.ok()) {
        std::fprintf(stderr, "fuzz_tokenizer: %s\n", st.message.c_str());
        std::abort();
      }
    }
    heap.set_bpe_algorithm(attn::tok::BpeAlgorithm::heap);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static Tokenizers toks;
  if (size == 0) return 0;
  const unsigned mode = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  const SpecialTokens special = (mode & 1) ? SpecialTokens::allow : SpecialTokens::as_text;
  const Gpt2Tokenizer& t = toks.normal;

  const std::vector<std::uint32_t> ids = t.encode(text, special);
  std::string raw;
  check(t.decode_bytes(ids.data(), ids.size(), raw).ok(), "decode_bytes of encode succeeds");
  check(raw == text, "decode_bytes(encode(b)) == b");
  std::string shown;
  check(t.decode(ids, shown).ok(), "decode of encode succeeds");
  check(attn::tok::is_valid_utf8(shown), "decode output is valid UTF-8");
  if (attn::tok::is_valid_utf8(text)) check(shown == text, "decode(encode(s)) == s for valid UTF-8");
  if (mode & 2) check(toks.heap.encode(text, special) == ids, "heap merge loop == automatic");

  attn::tok::Encoding enc;
  check(t.encode_with_offsets(text, special, enc).ok(), "encode_with_offsets succeeds");
  check(enc.ids == ids, "encode_with_offsets ids == encode ids");
  std::uint32_t byte_pos = 0, u16_pos = 0;
  for (std::size_t i = 0; i < enc.ids.size(); ++i) {
    const auto& sp = enc.spans[i];
    check(sp.byte_start == byte_pos && sp.byte_end > sp.byte_start, "byte ranges gap-free and non-empty");
    check(sp.utf16_start == u16_pos && sp.utf16_end >= sp.utf16_start, "UTF-16 ranges gap-free and monotone");
    std::string_view tb;
    check(t.token_bytes(enc.ids[i], tb).ok(), "token_bytes of an encoded id");
    check(text.compare(sp.byte_start, sp.byte_end - sp.byte_start, tb) == 0, "byte range holds the token's bytes");
    byte_pos = sp.byte_end;
    u16_pos = sp.utf16_end;
  }
  check(byte_pos == text.size(), "byte ranges end at the end");
  check(u16_pos == attn::tok::utf16_length(text), "UTF-16 ranges end at the UTF-16 length");

  std::size_t covered = 0;
  attn::tok::pretokenize_gpt2(reinterpret_cast<const unsigned char*>(text.data()), text.size(), [&](std::size_t b, std::size_t e) {
    check(b == covered && e > b, "pieces are contiguous and non-empty");
    covered = e;
  });
  check(covered == text.size(), "pieces cover the text");

  // Arbitrary ids: either all valid (then decode works) or an out_of_range error naming an id.
  std::vector<std::uint32_t> any((size - 1) / 4);
  if (!any.empty()) std::memcpy(any.data(), data + 1, any.size() * 4);
  for (auto& id : any)
    if (mode & 4) id %= 50300;  // often valid, sometimes just past the end
  const attn::Status st = t.decode(any, shown);
  bool all_valid = true;
  for (std::uint32_t id : any) all_valid = all_valid && id < t.vocab_size();
  check(st.ok() == all_valid, "decode fails exactly when an id is out of range");
  if (!st.ok()) check(st.code == attn::Code::out_of_range && shown.empty(), "out_of_range with empty output");
  return 0;
}
