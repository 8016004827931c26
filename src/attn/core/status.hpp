// attn::Status: how the core reports bad input — an error code plus a message that names the argument.
// Not an exception type: the core never throws (the wasm build has no exception catching); the edges convert.
#pragma once
#include <string>
#include <utility>

namespace attn {

enum class Code { ok, invalid_argument, out_of_range, invalid_data };
/// Every code, for the bindings to list (the JS layer's ERROR_CODES must hold each one's name but ok).
inline constexpr Code kAllCodes[] = {Code::ok, Code::invalid_argument, Code::out_of_range, Code::invalid_data};

/// The name of a code as the JS layer exposes it (`AttentionError.code`).
inline const char* code_name(Code c) {
  switch (c) {
    case Code::ok: return "OK";
    case Code::invalid_argument: return "INVALID_ARGUMENT";
    case Code::out_of_range: return "OUT_OF_RANGE";
    case Code::invalid_data: return "INVALID_DATA";
  }
  return "UNKNOWN";
}

struct [[nodiscard]] Status {
  Code code = Code::ok;
  std::string message;

  bool ok() const { return code == Code::ok; }
  static Status success() { return {}; }
  static Status invalid_argument(std::string m) { return {Code::invalid_argument, std::move(m)}; }
  static Status out_of_range(std::string m) { return {Code::out_of_range, std::move(m)}; }
  static Status invalid_data(std::string m) { return {Code::invalid_data, std::move(m)}; }
};

}  // namespace attn
