// attn::tok::Gpt2Tokenizer: GPT-2's byte-level BPE (r50k_base, 50,257 ids) with byte and UTF-16 offsets, exact to tiktoken.
// Not a tokenizer framework: one asset format (gpt2-bpe.bin), one pre-tokenizer (GPT-2's), no normalization, no training.
//
// Merge rule: tiktoken's. Within a piece, repeatedly join the adjacent pair whose concatenation is the token with the
// lowest id (leftmost on ties) until no adjacent pair concatenates to a token; a piece that is itself a token is
// emitted as that token directly. (For GPT-2's vocabulary, "rank of a merge" == "id of the token it makes"; the asset
// builder checks it.) Pair ranks live in a hash map keyed by (left id, right id), built at load from every split of
// every token into two tokens (byte pairs also in a 256x256 table). Pieces up to 128 bytes use a linear scan, longer
// ones a binary heap with lazy deletion (O(n log n)). Results for short pieces that are not a token themselves are
// kept in a per-thread cache (576 KiB per encoding thread), so const methods stay safe to call from many threads.
//
// Text: any bytes. Valid UTF-8 round-trips exactly: decode(encode(s)) == s. Invalid UTF-8 is encoded byte for byte
// (the split treats each maximal invalid subpart as one non-letter, non-number character, like U+FFFD), so
// decode_bytes(encode(b)) == b for every byte string b, while decode() shows those subparts as U+FFFD.
//
// Offsets (encode_with_offsets): token i covers bytes [byte_start, byte_end) of the UTF-8 input; the ranges are
// monotone and gap-free (byte_end[i] == byte_start[i+1], first start 0, last end == size). Its UTF-16 range is
// [u16(byte_start), u16(byte_end)), where u16(b) is the UTF-16 offset of the first character boundary at or after
// byte b. So a token that starts a multi-byte character gets the whole character, a token that only continues one
// gets an empty range at that character's end, and the UTF-16 ranges are monotone and gap-free too. Invalid
// subparts count as one UTF-16 unit each (the U+FFFD that TextDecoder and TextEncoder give them).
//
// Special tokens: "<|endoftext|>" (id 50256) is recognised only with SpecialTokens::allow; then the text between
// special tokens is split separately (as tiktoken does). With SpecialTokens::as_text it is ordinary text.
//
// Errors are values (attn::Status); nothing throws (apart from std::bad_alloc). A Gpt2Tokenizer that is not loaded
// (or whose last load failed) encodes nothing and reports out_of_range for every id.
//
// Asset format "ATTNBPE1" (written by tools/build-gpt2-asset.mjs; integers little-endian):
//   header (32 bytes): char[8] "ATTNBPE1"; u32 version = 1; u32 n_tokens (ordinary, <= 65535); u32 n_merges;
//                      u32 n_special; u32 token_bytes (sum of lengths); u32 FNV-1a-32 of all bytes after the header
//   u8 length[n_tokens]; u8 bytes[token_bytes]; u16 merges[n_merges][2] (merge r joins (left, right) into id 256 + r);
//   per special token: u32 id (= n_tokens + i), u8 length, bytes.
// Load checks all of it: sizes, checksum, the 256 single-byte tokens, unique tokens, every merge's result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "attn/core/status.hpp"

namespace attn::tok {

/// GPT-2's <|endoftext|> id: the separator before every training document and the probes' BOS.
constexpr std::uint32_t kEndOfText = 50256;

/// Whether special-token strings in the input become special tokens (allow) or are encoded as plain text (as_text).
enum class SpecialTokens { as_text, allow };

/// Which BPE merge loop to use; `automatic` picks by piece length. The others exist so tests can compare them.
enum class BpeAlgorithm { automatic, scan, heap };

/// Where one token came from. Byte offsets index the UTF-8 input; UTF-16 offsets index the same text as a JS string.
struct TokenSpan {
  std::uint32_t byte_start = 0, byte_end = 0;    ///< [start, end) in bytes
  std::uint32_t utf16_start = 0, utf16_end = 0;  ///< [start, end) in UTF-16 code units (see the header comment)
};

/// Result of encode_with_offsets: ids[i] came from spans[i]; both have the same length.
struct Encoding {
  std::vector<std::uint32_t> ids;
  std::vector<TokenSpan> spans;
};

class Gpt2Tokenizer {
 public:
  Gpt2Tokenizer();
  ~Gpt2Tokenizer();
  Gpt2Tokenizer(Gpt2Tokenizer&&) noexcept;
  Gpt2Tokenizer& operator=(Gpt2Tokenizer&&) noexcept;
  Gpt2Tokenizer(const Gpt2Tokenizer&) = delete;
  Gpt2Tokenizer& operator=(const Gpt2Tokenizer&) = delete;

  /// Loads the asset from `size` bytes at `data` (copied; the caller keeps ownership). On failure the tokenizer is
  /// left unloaded and the status (invalid_data / invalid_argument) says what is wrong.
  Status load(const void* data, std::size_t size);
  /// Reads the whole file at `path` and loads it (invalid_argument if it cannot be read).
  Status load_file(const std::string& path);

  bool loaded() const;
  /// Number of ids, special tokens included (GPT-2: 50257). 0 when not loaded.
  std::size_t vocab_size() const;
  /// Number of ordinary (byte-level) tokens (GPT-2: 50256); special ids follow them.
  std::size_t ordinary_vocab_size() const;
  /// Id of a special token by its text ("<|endoftext|>"), or -1.
  std::int64_t special_token_id(std::string_view text) const;

  /// Appends the ids of `text` (any bytes) to `out`.
  void encode(std::string_view text, SpecialTokens special, std::vector<std::uint32_t>& out) const;
  std::vector<std::uint32_t> encode(std::string_view text, SpecialTokens special) const;

  /// Ids plus one TokenSpan per id (replaces `out`'s contents). invalid_argument if text is 4 GiB or longer.
  Status encode_with_offsets(std::string_view text, SpecialTokens special, Encoding& out) const;

  /// The concatenated bytes of ids[0, n) (replaces `out`). out_of_range naming the first bad id and its index.
  Status decode_bytes(const std::uint32_t* ids, std::size_t n, std::string& out) const;
  /// decode_bytes, then each maximal invalid UTF-8 subpart replaced by U+FFFD (TextDecoder's result, as UTF-8).
  Status decode(const std::uint32_t* ids, std::size_t n, std::string& out) const;
  Status decode(const std::vector<std::uint32_t>& ids, std::string& out) const { return decode(ids.data(), ids.size(), out); }

  /// The raw bytes of one token (a view into the tokenizer, valid while it lives and is not reloaded).
  Status token_bytes(std::uint32_t id, std::string_view& out) const;
  /// The token's bytes for display: invalid UTF-8 (e.g. half a character) as U+FFFD.
  Status token_text(std::uint32_t id, std::string& out) const;

  /// Test hook: force one merge loop (default automatic). Not thread-safe against concurrent encodes.
  void set_bpe_algorithm(BpeAlgorithm a);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace attn::tok
