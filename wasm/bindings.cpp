// Embind bindings of the attention core: plain structs in, a status out, tensors passed as wasm heap addresses.
// Not a place for behaviour or validation of JS values: wasm/index.js validates, copies in and out, and frees.
#include <emscripten/bind.h>
#include <malloc.h>

#include <cstdint>
#include <string>

#include "attention/sdpa.hpp"
#include "kernels/kernels.hpp"

namespace {

using std::uintptr_t;

/// One sdpa call as the JS layer describes it; pointers are byte addresses in the wasm heap (0 = absent).
struct SdpaCall {
  std::size_t batch, q_len, kv_len, heads, kv_heads, head_dim, value_dim;
  bool has_scale;
  float scale;
  bool causal;
  int causal_align;  // 0 top-left, 1 bottom-right
  int window_left, window_right;  // −1 = unbounded on that side
  int window_align;
  int bias_shape;  // attn::BiasShape
  int impl;        // attn::SdpaImpl
  uintptr_t q, k, v, out, weights, scores, lse, key_padding, bias;
};

struct StatusJs {
  std::string code;
  std::string message;
};

StatusJs to_js(const attn::Status& st) { return {attn::code_name(st.code), st.message}; }

template <class T>
T* ptr(uintptr_t address) {
  return reinterpret_cast<T*>(address);
}

StatusJs sdpa(const SdpaCall& c) {
  attn::SdpaShape shape{c.batch, c.q_len, c.kv_len, c.heads, c.kv_heads, c.head_dim, c.value_dim};
  attn::SdpaOptions o;
  if (c.has_scale) o.scale = c.scale;
  o.mask.causal = c.causal;
  o.mask.causal_align = c.causal_align ? attn::Align::bottom_right : attn::Align::top_left;
  if (c.window_left >= 0) o.mask.window_left = c.window_left;
  if (c.window_right >= 0) o.mask.window_right = c.window_right;
  o.mask.window_align = c.window_align ? attn::Align::bottom_right : attn::Align::top_left;
  o.mask.key_padding_bk = ptr<const std::uint8_t>(c.key_padding);
  o.mask.bias = ptr<const float>(c.bias);
  o.mask.bias_shape = static_cast<attn::BiasShape>(c.bias_shape);
  o.weights_bhqk = ptr<float>(c.weights);
  o.scores_bhqk = ptr<float>(c.scores);
  o.lse_bhq = ptr<float>(c.lse);
  o.impl = static_cast<attn::SdpaImpl>(c.impl);
  return to_js(attn::sdpa(shape, ptr<const float>(c.q), ptr<const float>(c.k), ptr<const float>(c.v),
                          ptr<float>(c.out), o));
}

std::string chosen_impl(const SdpaCall& c, bool weights) {
  attn::SdpaShape shape{c.batch, c.q_len, c.kv_len, c.heads, c.kv_heads, c.head_dim, c.value_dim};
  attn::SdpaOptions o;
  o.impl = static_cast<attn::SdpaImpl>(c.impl);
  static float dummy;
  if (weights) o.weights_bhqk = &dummy;
  return attn::impl_name(attn::choose_impl(shape, o));
}

std::string backend() { return attn::isa_name(attn::best_kernels().isa); }
std::size_t simd_width() { return attn::best_kernels().width; }
/// Bytes currently allocated by malloc in the wasm heap: flat across calls means nothing leaks.
std::size_t heap_in_use() { return mallinfo().uordblks; }

}  // namespace

EMSCRIPTEN_BINDINGS(attn_core) {
  using namespace emscripten;
  value_object<StatusJs>("Status").field("code", &StatusJs::code).field("message", &StatusJs::message);
  value_object<SdpaCall>("SdpaCall")
      .field("batch", &SdpaCall::batch)
      .field("qLen", &SdpaCall::q_len)
      .field("kvLen", &SdpaCall::kv_len)
      .field("heads", &SdpaCall::heads)
      .field("kvHeads", &SdpaCall::kv_heads)
      .field("headDim", &SdpaCall::head_dim)
      .field("valueDim", &SdpaCall::value_dim)
      .field("hasScale", &SdpaCall::has_scale)
      .field("scale", &SdpaCall::scale)
      .field("causal", &SdpaCall::causal)
      .field("causalAlign", &SdpaCall::causal_align)
      .field("windowLeft", &SdpaCall::window_left)
      .field("windowRight", &SdpaCall::window_right)
      .field("windowAlign", &SdpaCall::window_align)
      .field("biasShape", &SdpaCall::bias_shape)
      .field("impl", &SdpaCall::impl)
      .field("q", &SdpaCall::q)
      .field("k", &SdpaCall::k)
      .field("v", &SdpaCall::v)
      .field("out", &SdpaCall::out)
      .field("weights", &SdpaCall::weights)
      .field("scores", &SdpaCall::scores)
      .field("lse", &SdpaCall::lse)
      .field("keyPadding", &SdpaCall::key_padding)
      .field("bias", &SdpaCall::bias);
  function("sdpa", &sdpa);
  function("chosenImpl", &chosen_impl);
  function("backend", &backend);
  function("simdWidth", &simd_width);
  function("heapInUse", &heap_in_use);
}
