// Embind bindings of the GPT-2 tokenizer (class GPT2Tokenizer), wrapped for users by wasm/tokenizer.js.
// Not a JS API of its own: no argument checking beyond what keeps memory safe; errors come back as strings, not throws.
//
// Text crosses as UTF-8 bytes written by the caller straight into the tokenizer's input buffer (inputView + TextEncoder
// encodeInto), not as an Embind std::string: emscripten 3.1.6's stringToUTF8 mis-encodes lone surrogates (it pairs a
// lone high surrogate with whatever unit follows). TextEncoder turns each lone surrogate into U+FFFD (EF BF BD),
// which splits and counts (one UTF-16 unit) exactly like the lone surrogate does in js-tiktoken, so ids and UTF-16
// offsets match the JS string as given.
//
// Results are copied out of the wasm heap (typed_memory_view(...).slice()), so they stay valid after the call.
// Failures return a JS string (the message); successes return a typed array or an object.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <string>
#include <vector>

#include "attn/tokenizer/bpe.hpp"
#include "attn/tokenizer/unicode.hpp"
#include "bind_common.hpp"

namespace {

using attn::js::copy_out;
using attn::js::status_val;
using emscripten::val;
using attn::tok::SpecialTokens;

class GPT2TokenizerJs {
 public:
  /// Loads the asset from a Uint8Array; { code: "OK" } on success, else the failed status.
  val load(const val& bytes) {
    const std::vector<std::uint8_t> data = emscripten::convertJSArrayToNumberVector<std::uint8_t>(bytes);
    return status_val(tok_.load(data.data(), data.size()));
  }

  /// A Uint8Array view of an input buffer of `capacity` bytes inside the wasm heap, to be filled by the caller
  /// (TextEncoder.encodeInto) right before encodeInput / encodeInputWithOffsets. Invalid after any other call.
  val inputView(std::uint32_t capacity) {
    input_.resize(capacity);
    return val(emscripten::typed_memory_view(input_.size(), input_.data()));
  }

  /// Ids (Uint32Array) of the first `n` bytes of the input buffer, or a failed status { code, message }.
  val encodeInput(std::uint32_t n, bool allow_special) {
    if (n > input_.size()) return status_val(too_long(n));
    ids_.clear();
    tok_.encode(view(n), allow_special ? SpecialTokens::allow : SpecialTokens::as_text, ids_);
    val out = copy_out(ids_.data(), ids_.size());
    release_large_scratch();
    return out;
  }

  /// {ids, byteStart, byteEnd, utf16Start, utf16End} (Uint32Arrays of equal length), or a failed status { code, message }.
  val encodeInputWithOffsets(std::uint32_t n, bool allow_special) {
    if (n > input_.size()) return status_val(too_long(n));
    const attn::Status st = tok_.encode_with_offsets(view(n), allow_special ? SpecialTokens::allow : SpecialTokens::as_text, enc_);
    if (!st.ok()) {
      release_large_scratch();
      return status_val(st);
    }
    const std::size_t m = enc_.ids.size();
    column_.resize(m);
    val out = val::object();
    out.set("ids", copy_out(enc_.ids.data(), m));
    const auto put = [&](const char* name, std::uint32_t attn::tok::TokenSpan::*field) {
      for (std::size_t i = 0; i < m; ++i) column_[i] = enc_.spans[i].*field;
      out.set(name, copy_out(column_.data(), m));
    };
    put("byteStart", &attn::tok::TokenSpan::byte_start);
    put("byteEnd", &attn::tok::TokenSpan::byte_end);
    put("utf16Start", &attn::tok::TokenSpan::utf16_start);
    put("utf16End", &attn::tok::TokenSpan::utf16_end);
    release_large_scratch();
    return out;
  }

  /// UTF-8 bytes (Uint8Array) of the ids (a Uint32Array or array of numbers): raw token bytes, or with every invalid
  /// subpart replaced by U+FFFD when `replace_invalid`. A failed status names the first out-of-range id.
  val decode(const val& ids, bool replace_invalid) {
    const std::vector<std::uint32_t> v = emscripten::convertJSArrayToNumberVector<std::uint32_t>(ids);
    const attn::Status st = replace_invalid ? tok_.decode(v.data(), v.size(), text_) : tok_.decode_bytes(v.data(), v.size(), text_);
    if (!st.ok()) return status_val(st);
    val out = copy_out(reinterpret_cast<const std::uint8_t*>(text_.data()), text_.size());
    release_large_scratch();
    return out;
  }

  /// One token's raw bytes (Uint8Array), or a failed status { code, message }.
  val tokenBytes(std::uint32_t id) {
    std::string_view b;
    const attn::Status st = tok_.token_bytes(id, b);
    if (!st.ok()) return status_val(st);
    return copy_out(reinterpret_cast<const std::uint8_t*>(b.data()), b.size());
  }

  std::uint32_t vocabSize() const { return static_cast<std::uint32_t>(tok_.vocab_size()); }
  std::int32_t specialTokenId(const std::string& text) const { return static_cast<std::int32_t>(tok_.special_token_id(text)); }
  bool loaded() const { return tok_.loaded(); }

 private:
  // Scratch larger than this is freed after the call that needed it: one huge text must not hold its buffers for
  // the tokenizer's lifetime, while small ones are kept so that repeated calls do not reallocate.
  static constexpr std::size_t kKeptScratchBytes = std::size_t{1} << 20;
  template <class Buffer>
  static void release_if_large(Buffer& b) {
    if (b.capacity() * sizeof(typename Buffer::value_type) > kKeptScratchBytes) Buffer().swap(b);
  }
  void release_large_scratch() {
    release_if_large(input_), release_if_large(ids_), release_if_large(column_);
    release_if_large(enc_.ids), release_if_large(enc_.spans), release_if_large(text_);
  }

  std::string_view view(std::uint32_t n) const { return {reinterpret_cast<const char*>(input_.data()), n}; }
  attn::Status too_long(std::uint32_t n) const {
    return attn::Status::invalid_argument("encode: " + std::to_string(n) + " bytes requested but the input buffer holds " +
                                          std::to_string(input_.size()));
  }

  attn::tok::Gpt2Tokenizer tok_;
  std::vector<std::uint8_t> input_;
  std::vector<std::uint32_t> ids_, column_;
  attn::tok::Encoding enc_;
  std::string text_;
};

std::string tokenizer_unicode_version() { return attn::tok::unicode_table_version(); }

}  // namespace

EMSCRIPTEN_BINDINGS(attn_tokenizer) {
  emscripten::class_<GPT2TokenizerJs>("GPT2Tokenizer")
      .constructor<>()
      .function("load", &GPT2TokenizerJs::load)
      .function("inputView", &GPT2TokenizerJs::inputView)
      .function("encodeInput", &GPT2TokenizerJs::encodeInput)
      .function("encodeInputWithOffsets", &GPT2TokenizerJs::encodeInputWithOffsets)
      .function("decode", &GPT2TokenizerJs::decode)
      .function("tokenBytes", &GPT2TokenizerJs::tokenBytes)
      .function("vocabSize", &GPT2TokenizerJs::vocabSize)
      .function("specialTokenId", &GPT2TokenizerJs::specialTokenId)
      .function("loaded", &GPT2TokenizerJs::loaded);
  emscripten::function("tokenizerUnicodeVersion", &tokenizer_unicode_version);
}
