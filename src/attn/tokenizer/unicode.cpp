// UTF-8 helpers for the tokenizer: encoding a scalar, replacing invalid subparts, validation, UTF-16 lengths.
// Not the class tables themselves: those are generated at build time into the build folder (unicode_tables.cpp).
#include "attn/tokenizer/unicode.hpp"

namespace attn::tok {

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void append_utf8_replacing_invalid(std::string& out, std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t i = 0, run = 0;  // [run, i) is valid and not yet copied
  while (i < n) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    const Utf8Char c = decode_utf8(s, n, i);
    if (c.valid) {
      i += c.len;
      continue;
    }
    out.append(bytes.data() + run, i - run);
    out.append("\xEF\xBF\xBD");
    i += c.len;
    run = i;
  }
  out.append(bytes.data() + run, n - run);
}

bool is_valid_utf8(std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  for (std::size_t i = 0; i < n;) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    const Utf8Char c = decode_utf8(s, n, i);
    if (!c.valid) return false;
    i += c.len;
  }
  return true;
}

std::size_t utf16_length(std::string_view bytes) {
  const auto* s = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  std::size_t units = 0;
  for (std::size_t i = 0; i < n;) {
    const Utf8Char c = decode_utf8(s, n, i);
    units += c.cp >= 0x10000 ? 2 : 1;
    i += c.len;
  }
  return units;
}

const char* unicode_table_version() { return detail::kUnicodeTableVersion; }

}  // namespace attn::tok
