// WebAssembly SIMD roofline loops (the templates of peak.hpp on xsimd::wasm), compiled by tools/bench.sh with
// `em++ -O3 -msimd128` and timed from Node by run.mjs. wasm SIMD has no FMA without relaxed-simd, so one chain step
// is f32x4.mul then f32x4.add = 2 flops per lane.
#include <emscripten/emscripten.h>

#include <cstddef>
#include <cstdlib>

#include "peak.hpp"

extern "C" {

/// FLOPs done: iters · kPeakAccumulators · 4 · 2.
EMSCRIPTEN_KEEPALIVE float peak_f32x4(int iters, float seed) { return bench::peak<xsimd::wasm>(iters, seed); }

EMSCRIPTEN_KEEPALIVE float* alloc_floats(int n) {
  float* x = static_cast<float*>(std::aligned_alloc(64, static_cast<std::size_t>(n) * sizeof(float)));
  for (int i = 0; x && i < n; ++i) x[i] = static_cast<float>(i & 1023) * 1e-3f;
  return x;
}

EMSCRIPTEN_KEEPALIVE void free_floats(float* x) { std::free(x); }

/// n must be a multiple of 64.
EMSCRIPTEN_KEEPALIVE float read_f32x4(const float* x, int n) {
  return bench::stream_read<xsimd::wasm>(x, static_cast<std::size_t>(n));
}
}
