// Native tests of the GPT-2 tokenizer: exact ids against js-tiktoken's (build-time reference file), round trips,
// offsets, special tokens, invalid UTF-8, corrupt assets and errors. Not the JS/wasm tests (tests/node/tokenizer.test.mjs).
#include <catch2/catch_test_macros.hpp>

#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "attn/tokenizer/bpe.hpp"
#include "attn/tokenizer/pretokenize.hpp"
#include "attn/tokenizer/unicode.hpp"
#include "gpt2_asset.hpp"

using attn::tok::BpeAlgorithm;
using attn::tok::CharClass;
using attn::tok::Encoding;
using attn::tok::Gpt2Tokenizer;
using attn::tok::SpecialTokens;

namespace {

using attn_test::kGpt2Asset;
const char* const kExpected = ATTN_BINARY_DIR "/tokenizer-corpus.r50k.tsv";

std::string read_file(const char* path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

const Gpt2Tokenizer& tokenizer() { return attn_test::gpt2_tokenizer(); }

struct Case {
  std::string text;
  std::vector<std::uint32_t> as_text, allowed;
};

std::vector<std::uint32_t> parse_ids(const std::string& s) {
  std::vector<std::uint32_t> ids;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) ids.push_back(static_cast<std::uint32_t>(std::stoul(item)));
  return ids;
}

std::vector<Case> load_cases() {
  std::ifstream f(kExpected);
  std::vector<Case> cases;
  std::string line;
  while (std::getline(f, line)) {
    const auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    Case c;
    const std::string hex = line.substr(0, t1);
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) c.text.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    c.as_text = parse_ids(line.substr(t1 + 1, t2 - t1 - 1));
    c.allowed = parse_ids(line.substr(t2 + 1));
    cases.push_back(std::move(c));
  }
  return cases;
}

std::string decode_ok(const Gpt2Tokenizer& t, const std::vector<std::uint32_t>& ids) {
  std::string out;
  const attn::Status st = t.decode(ids, out);
  REQUIRE(st.ok());
  return out;
}

// The offsets contract of encode_with_offsets (see bpe.hpp), checked for one text.
void check_offsets(const Gpt2Tokenizer& t, const std::string& text, SpecialTokens mode) {
  Encoding e;
  REQUIRE(t.encode_with_offsets(text, mode, e).ok());
  REQUIRE(e.ids == t.encode(text, mode));
  REQUIRE(e.spans.size() == e.ids.size());
  if (text.empty()) {
    REQUIRE(e.ids.empty());
    return;
  }
  // u16 at every byte: offset of the first character boundary at or after it.
  std::vector<std::uint32_t> u16(text.size() + 1);
  {
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    std::size_t pos = 0;
    std::uint32_t units = 0;
    while (pos < text.size()) {
      const auto c = attn::tok::decode_utf8(s, text.size(), pos);
      for (std::size_t k = 1; k < c.len; ++k) u16[pos + k] = units + (c.cp >= 0x10000 ? 2 : 1);
      u16[pos] = units;
      units += c.cp >= 0x10000 ? 2 : 1;
      pos += c.len;
    }
    u16[text.size()] = units;
  }
  REQUIRE(e.spans.front().byte_start == 0);
  REQUIRE(e.spans.back().byte_end == text.size());
  REQUIRE(e.spans.front().utf16_start == 0);
  REQUIRE(e.spans.back().utf16_end == u16[text.size()]);
  for (std::size_t i = 0; i < e.ids.size(); ++i) {
    const auto& sp = e.spans[i];
    REQUIRE(sp.byte_start < sp.byte_end);
    if (i + 1 < e.ids.size()) {
      REQUIRE(sp.byte_end == e.spans[i + 1].byte_start);
      REQUIRE(sp.utf16_end == e.spans[i + 1].utf16_start);
    }
    REQUIRE(sp.utf16_start <= sp.utf16_end);
    REQUIRE(sp.utf16_start == u16[sp.byte_start]);
    REQUIRE(sp.utf16_end == u16[sp.byte_end]);
    std::string_view tb;
    REQUIRE(t.token_bytes(e.ids[i], tb).ok());
    REQUIRE(text.substr(sp.byte_start, sp.byte_end - sp.byte_start) == tb);
  }
}

}  // namespace

TEST_CASE("asset loads with GPT-2's vocabulary size and special token", "[tokenizer]") {
  const Gpt2Tokenizer& t = tokenizer();
  REQUIRE(t.loaded());
  REQUIRE(t.vocab_size() == 50257);
  REQUIRE(t.ordinary_vocab_size() == 50256);
  REQUIRE(t.special_token_id("<|endoftext|>") == 50256);
  REQUIRE(t.special_token_id("<|nope|>") == -1);
  std::string text;
  REQUIRE(t.token_text(50256, text).ok());
  REQUIRE(text == "<|endoftext|>");
  REQUIRE(t.token_text(15496, text).ok());
  REQUIRE(text == "Hello");
  REQUIRE(t.token_text(995, text).ok());
  REQUIRE(text == " world");
}

TEST_CASE("known encodings", "[tokenizer]") {
  const Gpt2Tokenizer& t = tokenizer();
  REQUIRE(t.encode("Hello world", SpecialTokens::as_text) == std::vector<std::uint32_t>{15496, 995});
  REQUIRE(t.encode("", SpecialTokens::as_text).empty());
  REQUIRE(t.encode("<|endoftext|>", SpecialTokens::allow) == std::vector<std::uint32_t>{50256});
  const auto plain = t.encode("<|endoftext|>", SpecialTokens::as_text);
  REQUIRE(plain.size() > 1);
  REQUIRE(decode_ok(t, plain) == "<|endoftext|>");
  for (std::uint32_t id : plain) REQUIRE(id != 50256);
}

TEST_CASE("ids equal js-tiktoken r50k_base on the whole corpus", "[tokenizer]") {
  const Gpt2Tokenizer& t = tokenizer();
  const auto cases = load_cases();
  REQUIRE(cases.size() >= 700);
  std::size_t with_special = 0;
  for (const Case& c : cases) {
    INFO("text: " << c.text.substr(0, 80));
    REQUIRE(t.encode(c.text, SpecialTokens::as_text) == c.as_text);
    REQUIRE(t.encode(c.text, SpecialTokens::allow) == c.allowed);
    if (c.allowed != c.as_text) ++with_special;
  }
  REQUIRE(with_special >= 10);
}

TEST_CASE("round trip, offsets and both merge loops on the corpus", "[tokenizer]") {
  const Gpt2Tokenizer& t = tokenizer();
  Gpt2Tokenizer scan = attn_test::load_gpt2_tokenizer(), heap = attn_test::load_gpt2_tokenizer();
  scan.set_bpe_algorithm(BpeAlgorithm::scan);  // pieces > 128 bytes still use the heap
  heap.set_bpe_algorithm(BpeAlgorithm::heap);
  for (const Case& c : load_cases()) {
    INFO("text: " << c.text.substr(0, 80));
    REQUIRE(attn::tok::is_valid_utf8(c.text));  // TextEncoder output
    for (SpecialTokens mode : {SpecialTokens::as_text, SpecialTokens::allow}) {
      const auto ids = t.encode(c.text, mode);
      REQUIRE(decode_ok(t, ids) == c.text);
      REQUIRE(heap.encode(c.text, mode) == ids);
      REQUIRE(scan.encode(c.text, mode) == ids);
      check_offsets(t, c.text, mode);
    }
  }
}

TEST_CASE("pre-tokenizer follows the GPT-2 pattern", "[tokenizer]") {
  const auto split = [](const std::string& s) {
    std::vector<std::string> out;
    for (auto [b, e] : attn::tok::pretokenize_gpt2(s)) out.push_back(s.substr(b, e - b));
    return out;
  };
  using V = std::vector<std::string>;
  REQUIRE(split("Hello world") == V{"Hello", " world"});
  REQUIRE(split("I'm DON'T they'll") == V{"I", "'m", " DON", "'", "T", " they", "'ll"});
  REQUIRE(split("a   b") == V{"a", "  ", " b"});
  REQUIRE(split("a \nb") == V{"a", " ", "\n", "b"});
  REQUIRE(split("a  \n b") == V{"a", "  \n", " b"});
  REQUIRE(split("end   ") == V{"end", "   "});
  REQUIRE(split(" 42abc!? x") == V{" 42", "abc", "!?", " x"});
  REQUIRE(split("?'s") == V{"?'", "s"});
  REQUIRE(split("\xC2\xA0x") == V{"\xC2\xA0", "x"});                  // U+00A0 is JS whitespace
  REQUIRE(split("a\xC2\x85" "b") == V{"a", "\xC2\x85", "b"});        // U+0085 is not (it is in Python's \s)
  REQUIRE(split("e\xCC\x81" "a") == V{"e", "\xCC\x81", "a"});        // combining mark: not a letter
  REQUIRE(split("x\xFF\xFEy") == V{"x", "\xFF\xFE", "y"});           // invalid bytes split like U+FFFD (other)
}

TEST_CASE("Unicode classes come from the JS engine", "[tokenizer]") {
  using attn::tok::char_class;
  REQUIRE(char_class(U'a') == CharClass::letter);
  REQUIRE(char_class(U'7') == CharClass::number);
  REQUIRE(char_class(U' ') == CharClass::space);
  REQUIRE(char_class(U'\t') == CharClass::space);
  REQUIRE(char_class(U'!') == CharClass::other);
  REQUIRE(char_class(0x00E9u) == CharClass::letter);   // é
  REQUIRE(char_class(0x4E2Du) == CharClass::letter);   // 中
  REQUIRE(char_class(0x0663u) == CharClass::number);   // ٣
  REQUIRE(char_class(0x2162u) == CharClass::number);   // Ⅲ (Nl)
  REQUIRE(char_class(0x00A0u) == CharClass::space);
  REQUIRE(char_class(0x3000u) == CharClass::space);
  REQUIRE(char_class(0xFEFFu) == CharClass::space);    // JS \s, not Python's
  REQUIRE(char_class(0x0085u) == CharClass::other);    // Python's \s, not JS's
  REQUIRE(char_class(0x001Cu) == CharClass::other);
  REQUIRE(char_class(0x200Bu) == CharClass::other);    // zero width space is not \s
  REQUIRE(char_class(0x0301u) == CharClass::other);
  REQUIRE(char_class(0x1F600u) == CharClass::other);
  REQUIRE(char_class(0x20000u) == CharClass::letter);  // CJK extension B
  REQUIRE(char_class(0x110000u) == CharClass::other);
  REQUIRE(std::string(attn::tok::unicode_table_version()).size() >= 3);
}

TEST_CASE("decode replaces maximal invalid subparts with U+FFFD like TextDecoder", "[tokenizer]") {
  const auto fix = [](const std::string& raw) {
    std::string out;
    attn::tok::append_utf8_replacing_invalid(out, raw);
    return out;
  };
  const std::string R = "\xEF\xBF\xBD";
  // Unicode Standard, Table 3-8 (U+FFFD for each maximal subpart).
  REQUIRE(fix("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64") == "a" + R + R + R + "b" + R + "c" + R + R + "d");
  REQUIRE(fix("\xC0\xAF") == R + R);              // overlong: C0 never starts a sequence
  REQUIRE(fix("\xE0\x80\xAF") == R + R + R);      // E0 needs A0..BF next
  REQUIRE(fix("\xED\xA0\x80") == R + R + R);      // surrogate
  REQUIRE(fix("\xF4\x90\x80\x80") == R + R + R + R);  // above U+10FFFF
  REQUIRE(fix("\xF0\x9F\x98") == R);              // truncated 4-byte sequence: one subpart
  REQUIRE(fix("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");
  REQUIRE(fix("\xFF") == R);
  REQUIRE(attn::tok::utf16_length("a\xF0\x9F\x98\x80\xFF") == 4);

  // Through the tokenizer: 😀 is several byte tokens; a prefix of them decodes to one U+FFFD.
  const Gpt2Tokenizer& t = tokenizer();
  const auto ids = t.encode("\xF0\x9F\x98\x80", SpecialTokens::as_text);
  REQUIRE(ids.size() >= 2);
  REQUIRE(decode_ok(t, {ids.begin(), ids.end() - 1}) == R);
  std::string raw;
  REQUIRE(t.decode_bytes(ids.data(), ids.size() - 1, raw).ok());
  REQUIRE(raw.size() < 4);
  std::string text;
  REQUIRE(t.token_text(ids[0], text).ok());
  REQUIRE(text.find(R) != std::string::npos);
}

TEST_CASE("offsets of tokens that split a character", "[tokenizer]") {
  const Gpt2Tokenizer& t = tokenizer();
  const std::string text = "a\xF0\x9F\x98\x80" "b";  // a😀b: 😀 is 4 bytes, 2 UTF-16 units
  Encoding e;
  REQUIRE(t.encode_with_offsets(text, SpecialTokens::as_text, e).ok());
  REQUIRE(e.ids.size() >= 3);
  check_offsets(t, text, SpecialTokens::as_text);
  // The token holding 😀's first byte covers the whole character in UTF-16; continuations are empty at its end.
  bool saw_empty = false;
  for (const auto& sp : e.spans) {
    if (sp.byte_start == 1 || (sp.byte_start < 1 && sp.byte_end > 1)) REQUIRE(sp.utf16_end >= 3);
    if (sp.byte_start > 1 && sp.byte_start < 5) {
      REQUIRE(sp.utf16_start == 3);
      REQUIRE(sp.utf16_end == 3);
      saw_empty = true;
    }
  }
  REQUIRE(saw_empty);
}

TEST_CASE("any bytes encode and round-trip through decode_bytes", "[tokenizer]") {
  const Gpt2Tokenizer& t = tokenizer();
  std::mt19937 gen(12345);
  for (int round = 0; round < 300; ++round) {
    std::string s(gen() % 300, '\0');
    for (char& ch : s) ch = static_cast<char>(gen() % 256);
    if (round % 3 == 0) s += "<|endoftext|>" + s;
    for (SpecialTokens mode : {SpecialTokens::as_text, SpecialTokens::allow}) {
      const auto ids = t.encode(s, mode);
      std::string raw;
      REQUIRE(t.decode_bytes(ids.data(), ids.size(), raw).ok());
      REQUIRE(raw == s);
      std::string shown;
      REQUIRE(t.decode(ids, shown).ok());
      std::string expect;
      attn::tok::append_utf8_replacing_invalid(expect, s);
      REQUIRE(shown == expect);
      REQUIRE(attn::tok::is_valid_utf8(shown));
      check_offsets(t, s, mode);
    }
  }
}

TEST_CASE("very long words use the heap loop and agree with the scan loop", "[tokenizer]") {
  Gpt2Tokenizer scan = attn_test::load_gpt2_tokenizer(), heap = attn_test::load_gpt2_tokenizer();
  heap.set_bpe_algorithm(BpeAlgorithm::heap);
  scan.set_bpe_algorithm(BpeAlgorithm::scan);
  std::mt19937 gen(7);
  for (int round = 0; round < 200; ++round) {
    const std::string alphabet = round % 2 ? "abcdefghijklmnopqrstuvwxyz" : "ab ";
    std::string s(1 + gen() % 128, 'x');  // <= 128 bytes: the scan loop really runs
    for (char& ch : s) ch = alphabet[gen() % alphabet.size()];
    REQUIRE(scan.encode(s, SpecialTokens::as_text) == heap.encode(s, SpecialTokens::as_text));
  }
  const std::string big(100000, 'a');
  const auto ids = tokenizer().encode(big, SpecialTokens::as_text);
  REQUIRE(decode_ok(tokenizer(), ids) == big);
  REQUIRE(ids.size() <= big.size() / 4);
}

TEST_CASE("errors are values that name the problem", "[tokenizer]") {
  const Gpt2Tokenizer& t = tokenizer();
  std::string out;
  const std::vector<std::uint32_t> bad{15496, 50257, 1};
  attn::Status st = t.decode(bad, out);
  REQUIRE(st.code == attn::Code::out_of_range);
  REQUIRE(st.message.find("50257") != std::string::npos);
  REQUIRE(st.message.find("index 1") != std::string::npos);
  REQUIRE(out.empty());
  std::string_view tb;
  st = t.token_bytes(4000000000u, tb);
  REQUIRE(st.code == attn::Code::out_of_range);
  REQUIRE(st.message.find("4000000000") != std::string::npos);

  Gpt2Tokenizer u;
  REQUIRE(!u.loaded());
  REQUIRE(u.encode("hello", SpecialTokens::as_text).empty());
  REQUIRE(u.decode(std::vector<std::uint32_t>{0}, out).code == attn::Code::out_of_range);

  st = u.load_file("/nonexistent/gpt2-bpe.bin");
  REQUIRE(st.code == attn::Code::invalid_argument);
  REQUIRE(st.message.find("/nonexistent/gpt2-bpe.bin") != std::string::npos);
}

TEST_CASE("corrupt assets are rejected with a message", "[tokenizer]") {
  const std::string good = read_file(kGpt2Asset);
  REQUIRE(good.size() > 500000);
  Gpt2Tokenizer u;
  REQUIRE(u.load(good.data(), good.size()).ok());
  REQUIRE(u.loaded());

  const auto rejects = [&](const std::string& data, const char* needle) {
    attn::Status st = u.load(data.data(), data.size());
    INFO(st.message);
    REQUIRE(!st.ok());
    REQUIRE(st.code == attn::Code::invalid_data);
    REQUIRE(st.message.find(needle) != std::string::npos);
    REQUIRE(!u.loaded());  // a failed load leaves the tokenizer unloaded
    REQUIRE(u.encode("x", SpecialTokens::as_text).empty());
  };
  rejects("", "too short");
  rejects(good.substr(0, 31), "too short");
  rejects("XXXXXXXX" + good.substr(8), "magic");
  rejects(good.substr(0, good.size() - 1), "checksum");
  std::string flipped = good;
  flipped[100000] ^= 0x40;
  rejects(flipped, "checksum");
  rejects(good + "x", "checksum");
  // A structurally wrong file with a correct checksum: merge 0 made to refer to other tokens.
  std::string wrong = good;
  const std::size_t merges_at = 32 + 50256 + (static_cast<unsigned char>(good[24]) | (static_cast<unsigned char>(good[25]) << 8) |
                                              (static_cast<unsigned char>(good[26]) << 16));
  wrong[merges_at] = 'z';
  std::uint32_t h = 0x811C9DC5u;
  for (std::size_t i = 32; i < wrong.size(); ++i) h = (h ^ static_cast<unsigned char>(wrong[i])) * 0x01000193u;
  for (int k = 0; k < 4; ++k) wrong[28 + k] = static_cast<char>((h >> (8 * k)) & 0xFF);
  rejects(wrong, "merge 0");
  REQUIRE(u.load(nullptr, 10).code == attn::Code::invalid_argument);
  REQUIRE(u.load(good.data(), good.size()).ok());
}
