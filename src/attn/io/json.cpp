// The strict header JSON reader (json.hpp): recursive descent over a UTF-8-checked buffer.
#include "attn/io/json.hpp"

#include <string>

namespace attn::io {
namespace {

/// Valid UTF-8 (no overlong forms, no surrogates, ≤ U+10FFFF)? Sets `at` to the first bad byte.
bool valid_utf8(std::string_view s, std::size_t& at) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (std::size_t i = 0; i < s.size();) {
    const unsigned c = p[i];
    std::size_t n = 0;
    std::uint32_t cp = 0, min = 0;
    if (c < 0x80) n = 1, cp = c;
    else if ((c & 0xe0) == 0xc0) n = 2, cp = c & 0x1f, min = 0x80;
    else if ((c & 0xf0) == 0xe0) n = 3, cp = c & 0x0f, min = 0x800;
    else if ((c & 0xf8) == 0xf0) n = 4, cp = c & 0x07, min = 0x10000;
    else return at = i, false;
    if (i + n > s.size()) return at = i, false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((p[i + k] & 0xc0) != 0x80) return at = i, false;
      cp = (cp << 6) | (p[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return at = i, false;
    i += n;
  }
  return true;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) out += char(cp);
  else if (cp < 0x800) out += char(0xc0 | (cp >> 6)), out += char(0x80 | (cp & 0x3f));
  else if (cp < 0x10000)
    out += char(0xe0 | (cp >> 12)), out += char(0x80 | ((cp >> 6) & 0x3f)), out += char(0x80 | (cp & 0x3f));
  else
    out += char(0xf0 | (cp >> 18)), out += char(0x80 | ((cp >> 12) & 0x3f)), out += char(0x80 | ((cp >> 6) & 0x3f)),
        out += char(0x80 | (cp & 0x3f));
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Status document(JsonValue& out) {
    if (Status st = value(out, 0); !st.ok()) return st;
    skip_space();
    if (i_ != s_.size()) return fail("unexpected text after the JSON value");
    return Status::success();
  }

 private:
  Status fail(const std::string& what) const {
    return Status::invalid_data("header JSON: " + what + " at byte " + std::to_string(i_));
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
  }
  bool eat(char c) {
    skip_space();
    if (i_ < s_.size() && s_[i_] == c) return ++i_, true;
    return false;
  }

  Status value(JsonValue& out, int depth) {
    if (depth > kMaxJsonDepth) return fail("nesting deeper than " + std::to_string(kMaxJsonDepth));
    skip_space();
    if (i_ >= s_.size()) return fail("unexpected end");
    const char c = s_[i_];
    if (c == '{') return object(out, depth);
    if (c == '[') return array(out, depth);
    if (c == '"') return out.kind = JsonValue::Kind::string, string(out.text);
    if (c >= '0' && c <= '9') return integer(out);
    return fail(std::string("unexpected '") + c + "' (only objects, arrays, strings and non-negative integers)");
  }

  Status object(JsonValue& out, int depth) {
    out.kind = JsonValue::Kind::object;
    ++i_;
    if (eat('}')) return Status::success();
    do {
      skip_space();
      if (i_ >= s_.size() || s_[i_] != '"') return fail("expected a key string");
      std::string key;
      if (Status st = string(key); !st.ok()) return st;
      for (const auto& m : out.members)
        if (m.first == key) return fail("duplicate key \"" + key + "\"");
      if (!eat(':')) return fail("expected ':'");
      JsonValue v;
      if (Status st = value(v, depth + 1); !st.ok()) return st;
      out.members.emplace_back(std::move(key), std::move(v));
    } while (eat(','));
    if (!eat('}')) return fail("expected ',' or '}'");
    return Status::success();
  }

  Status array(JsonValue& out, int depth) {
    out.kind = JsonValue::Kind::array;
    ++i_;
    if (eat(']')) return Status::success();
    do {
      JsonValue v;
      if (Status st = value(v, depth + 1); !st.ok()) return st;
      out.items.push_back(std::move(v));
    } while (eat(','));
    if (!eat(']')) return fail("expected ',' or ']'");
    return Status::success();
  }

  Status integer(JsonValue& out) {
    out.kind = JsonValue::Kind::integer;
    const std::size_t start = i_;
    std::uint64_t v = 0;
    while (i_ < s_.size() && s_[i_] >= '0' && s_[i_] <= '9') {
      const std::uint64_t d = std::uint64_t(s_[i_] - '0');
      if (v > (UINT64_MAX - d) / 10) return fail("integer larger than 2^64 - 1");
      v = v * 10 + d, ++i_;
    }
    if (i_ - start > 1 && s_[start] == '0') return fail("integer with a leading zero");
    if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) return fail("not an integer");
    out.integer = v;
    return Status::success();
  }

  Status hex4(std::uint32_t& cp) {
    if (i_ + 4 > s_.size()) return fail("truncated \\u escape");
    cp = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_++];
      cp <<= 4;
      if (h >= '0' && h <= '9') cp |= std::uint32_t(h - '0');
      else if (h >= 'a' && h <= 'f') cp |= std::uint32_t(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') cp |= std::uint32_t(h - 'A' + 10);
      else return fail("bad \\u escape");
    }
    return Status::success();
  }

  Status string(std::string& out) {
    ++i_;  // the opening quote
    while (true) {
      if (i_ >= s_.size()) return fail("unterminated string");
      const char c = s_[i_++];
      if (c == '"') return Status::success();
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) return fail("unterminated escape");
      const char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          std::uint32_t cp = 0;
          if (Status st = hex4(cp); !st.ok()) return st;
          if (cp >= 0xdc00 && cp <= 0xdfff) return fail("lone low surrogate");
          if (cp >= 0xd800 && cp <= 0xdbff) {  // a high surrogate must be followed by \u + a low one
            std::uint32_t lo = 0;
            if (i_ + 2 > s_.size() || s_[i_] != '\\' || s_[i_ + 1] != 'u') return fail("lone high surrogate");
            i_ += 2;
            if (Status st = hex4(lo); !st.ok()) return st;
            if (lo < 0xdc00 || lo > 0xdfff) return fail("high surrogate without a low one");
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          }
          append_utf8(out, cp);
          break;
        }
        default: return fail(std::string("bad escape \\") + e);
      }
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace

const JsonValue* JsonValue::member(std::string_view key) const {
  for (const auto& m : members)
    if (m.first == key) return &m.second;
  return nullptr;
}

Status parse_json(std::string_view text, JsonValue& out) {
  std::size_t at = 0;
  if (!valid_utf8(text, at)) return Status::invalid_data("header JSON: not valid UTF-8 at byte " + std::to_string(at));
  JsonValue v;
  if (Status st = Parser(text).document(v); !st.ok()) return st;
  out = std::move(v);
  return Status::success();
}

}  // namespace attn::io
