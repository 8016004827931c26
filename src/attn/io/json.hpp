// A strict reader for the JSON a safetensors header holds: objects, arrays, strings and non-negative integers.
// Not a general JSON library: true, false, null, negative or fractional numbers are refused (no header needs them),
// duplicate keys are refused, nesting is capped, and the text must be valid UTF-8.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attn/core/status.hpp"

namespace attn::io {

struct JsonValue {
  enum class Kind { object, array, string, integer } kind = Kind::object;
  std::string text;                                       ///< string
  std::uint64_t integer = 0;                              ///< integer
  std::vector<std::pair<std::string, JsonValue>> members;  ///< object, in file order
  std::vector<JsonValue> items;                           ///< array

  const JsonValue* member(std::string_view key) const;
};

inline constexpr int kMaxJsonDepth = 16;

/// Parses `text` as one JSON value (surrounding whitespace allowed). Errors say what and at which byte.
Status parse_json(std::string_view text, JsonValue& out);

}  // namespace attn::io
