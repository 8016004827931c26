// UTF-8 scanning (WHATWG decoder, maximal-subpart errors) and the character classes of GPT-2's pre-tokenizer.
// Not a general Unicode library: no normalization, no case mapping, only letter / number / whitespace / other.
//
// The classes are those of the JS engine that ran tools/gen-unicode-tables.mjs (the committed unicode_tables.cpp): /\p{L}/u, /\p{N}/u and
// /\s/u, i.e. exactly what js-tiktoken's r50k pattern uses in that engine. Whitespace is therefore JS `\s`
// (U+0009-000D, U+0020, U+00A0, U+1680, U+2000-200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF), not the
// `\s` of Python's `regex` module used by the original GPT-2 code (which adds U+001C-001F and U+0085, drops U+FEFF).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace attn::tok {

/// The four classes GPT-2's split pattern distinguishes. Values are fixed (the generated table uses them).
enum class CharClass : std::uint8_t { other = 0, letter = 1, number = 2, space = 3 };

/// One step of UTF-8 decoding: a scalar value, or one maximal invalid subpart (which decodes to U+FFFD).
struct Utf8Char {
  std::uint32_t cp;   ///< the scalar value; 0xFFFD when !valid
  std::uint32_t len;  ///< bytes consumed, 1..4 (never 0)
  bool valid;         ///< false for a maximal invalid subpart
};

namespace detail {
extern const char* const kUnicodeTableVersion;  ///< Unicode version of the generating JS engine ("17.0")
extern const std::uint16_t kClassStage1[0x1100];  ///< code point >> 8 -> block number
extern const std::uint8_t kClassStage2[];         ///< 64 bytes per block: 256 classes of 2 bits

/// ASCII classes (JS \s includes \t \n \v \f \r and space).
inline constexpr std::uint8_t kAsciiClass[128] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3, 3, 3, 0, 0,  // 0x00
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x10
    3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // 0x20
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0,  // 0x30
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  // 0x40
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,  // 0x50
    0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,  // 0x60
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0,  // 0x70
};
}  // namespace detail

/// The pre-tokenizer class of a scalar value (cp <= 0x10FFFF; anything larger is `other`).
inline CharClass char_class(std::uint32_t cp) {
  if (cp < 0x80) return static_cast<CharClass>(detail::kAsciiClass[cp]);
  if (cp > 0x10FFFF) return CharClass::other;
  const std::uint32_t block = detail::kClassStage1[cp >> 8];
  const std::uint32_t lo = cp & 0xFF;
  return static_cast<CharClass>((detail::kClassStage2[block * 64 + (lo >> 2)] >> ((lo & 3) * 2)) & 3);
}

/// Decodes the character starting at s[i] (requires i < n) like the WHATWG UTF-8 decoder (and TextDecoder):
/// a byte that cannot start a sequence, or a truncated / ill-formed sequence, yields one invalid unit spanning the
/// maximal subpart (the lead byte plus the continuation bytes that were still acceptable), and decoding resumes after it.
inline Utf8Char decode_utf8(const unsigned char* s, std::size_t n, std::size_t i) {
  const unsigned b0 = s[i];
  if (b0 < 0x80) return {b0, 1, true};
  unsigned need;
  std::uint32_t cp;
  unsigned lo = 0x80, hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;  // no overlong forms
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return {0xFFFD, 1, false};
  }
  std::size_t j = i + 1;
  for (unsigned k = 0; k < need; ++k) {
    if (j >= n || s[j] < lo || s[j] > hi) return {0xFFFD, static_cast<std::uint32_t>(j - i), false};
    cp = (cp << 6) | (s[j] & 0x3Fu);
    ++j;
    lo = 0x80;
    hi = 0xBF;
  }
  return {cp, static_cast<std::uint32_t>(j - i), true};
}

/// The class used for splitting: invalid units count as `other` (like the U+FFFD they decode to).
inline CharClass char_class(const Utf8Char& c) { return c.valid ? char_class(c.cp) : CharClass::other; }

/// Appends the UTF-8 encoding of a scalar value.
void append_utf8(std::string& out, std::uint32_t cp);

/// Appends `bytes` to `out` with every maximal invalid subpart replaced by U+FFFD (EF BF BD): the result is what
/// TextDecoder("utf-8") would produce, re-encoded as UTF-8. Valid input is appended unchanged.
void append_utf8_replacing_invalid(std::string& out, std::string_view bytes);

/// True if `bytes` is well-formed UTF-8 (no surrogates, no overlong forms, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

/// UTF-16 code units of the string that decoding `bytes` gives (invalid subparts count 1, as U+FFFD).
std::size_t utf16_length(std::string_view bytes);

/// Unicode version of the class tables (the version of the JS engine that generated them).
const char* unicode_table_version();

}  // namespace attn::tok
