// What every binding file shares: a status as the { code, message } object the JS layer throws, and copies of C++
// arrays into JS-owned typed arrays. Not behaviour: the bindings stay thin.
#pragma once
#include <emscripten/val.h>

#include <cstddef>
#include <string>
#include <vector>

#include "attn/core/status.hpp"

namespace attn::js {

/// { code, message } (code "OK" on success), the shape every binding returns.
inline emscripten::val status_val(const Status& st) {
  emscripten::val out = emscripten::val::object();
  out.set("code", std::string(code_name(st.code)));
  out.set("message", st.message);
  return out;
}

/// A JS-owned copy (Float32Array, Uint32Array, Uint8Array … by element type) of n elements at data.
template <class T>
emscripten::val copy_out(const T* data, std::size_t n) {
  return emscripten::val(emscripten::typed_memory_view(n, data)).template call<emscripten::val>("slice");
}
template <class T>
emscripten::val copy_out(const std::vector<T>& v) {
  return copy_out(v.data(), v.size());
}

}  // namespace attn::js
