// GPT-2's pre-tokenization split, hand-written (no std::regex): the pieces that BPE then encodes one by one.
// Not configurable: it implements exactly the r50k pattern below, with the JS engine's Unicode classes.
//
// Pattern (as in GPT-2's encoder.py and js-tiktoken's r50k_base, evaluated with the `u` flag):
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// Notes on the equivalence:
//   - contractions are case-sensitive ASCII ("DON'T" splits as "DON", "'", "T");
//   - the optional prefix is U+0020 only; a run never mixes classes;
//   - `\s+(?!\S)` with backtracking: a whitespace run followed by a non-space character gives back its last
//     character (which then starts the next piece, e.g. as " word"), unless the run is one character long;
//   - `\s` is JS's whitespace (see unicode.hpp), `\p{L}` / `\p{N}` come from the generated tables;
//   - invalid UTF-8 (only possible from C++ callers) splits like U+FFFD: one `other` character per maximal
//     invalid subpart; its bytes are kept as they are, so BPE still encodes every byte.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

#include "attn/tokenizer/unicode.hpp"

namespace attn::tok {

/// Splits s[0, n) into GPT-2 pieces, calling emit(begin, end) (byte offsets, end exclusive) for each, in order.
/// The pieces are non-empty and cover [0, n) without gaps.
template <class Emit>
inline void pretokenize_gpt2(const unsigned char* s, std::size_t n, Emit&& emit) {
  std::size_t i = 0;
  while (i < n) {
    const std::size_t start = i;
    const unsigned b = s[i];
    if (b == '\'' && i + 1 < n) {  // 's 't 'm 'd 're 've 'll
      const unsigned c = s[i + 1];
      if (c == 's' || c == 't' || c == 'm' || c == 'd') {
        emit(start, i + 2);
        i += 2;
        continue;
      }
      if (i + 2 < n) {
        const unsigned d = s[i + 2];
        if ((c == 'r' && d == 'e') || (c == 'v' && d == 'e') || (c == 'l' && d == 'l')) {
          emit(start, i + 3);
          i += 3;
          continue;
        }
      }
    }
    Utf8Char ch = decode_utf8(s, n, i);
    CharClass cls = char_class(ch);
    std::size_t j = i;
    if (b == ' ' && i + 1 < n) {  // " ?" prefix of the letter / number / other alternatives
      const Utf8Char next = decode_utf8(s, n, i + 1);
      const CharClass next_cls = char_class(next);
      if (next_cls != CharClass::space) {
        ch = next;
        cls = next_cls;
        j = i + 1;
      }
    }
    j += ch.len;
    if (cls != CharClass::space) {  // \p{L}+ | \p{N}+ | [^\s\p{L}\p{N}]+
      while (j < n) {
        const Utf8Char c = decode_utf8(s, n, j);
        if (char_class(c) != cls) break;
        j += c.len;
      }
      emit(start, j);
      i = j;
      continue;
    }
    std::size_t last = i;  // start of the run's last character
    while (j < n) {
      const Utf8Char c = decode_utf8(s, n, j);
      if (char_class(c) != CharClass::space) break;
      last = j;
      j += c.len;
    }
    if (j < n && last > start) j = last;  // \s+(?!\S): leave the last space for the next piece
    emit(start, j);
    i = j;
  }
}

/// Convenience form of pretokenize_gpt2 for tests and tools: the (begin, end) byte ranges of the pieces.
std::vector<std::pair<std::size_t, std::size_t>> pretokenize_gpt2(std::string_view text);

}  // namespace attn::tok
