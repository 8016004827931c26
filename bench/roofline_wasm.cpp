// WebAssembly SIMD roofline loops (the templates of peak.hpp on xsimd::wasm), compiled by tools/bench.sh with
// `em++ -O3 -msimd128` and timed from Node by wasm-peak.mjs. wasm SIMD has no FMA without relaxed-simd, so the peak
// is f32x4.mul and f32x4.add throughput; which loop reaches it depends on the engine's registers, so there are several
// (forms) and the probe takes the fastest.
#include <emscripten/emscripten.h>

#include <cstddef>
#include <cstdlib>

#include "peak.hpp"

extern "C" {

namespace {
using W = xsimd::wasm;
struct Form {
  float (*run)(long, float);
  int flops_per_iter;  // per lane: 4 lanes in f32x4
};
// Chains of mul then add (peak) at several counts, then mul chains feeding add chains (peak_split) at several counts.
constexpr Form kForms[] = {
    {bench::peak<W, 8>, 8 * 2 * 4},       {bench::peak<W, 10>, 10 * 2 * 4},     {bench::peak<W, 12>, 12 * 2 * 4},
    {bench::peak_split<W, 4>, 4 * 4 * 4}, {bench::peak_split<W, 5>, 5 * 4 * 4}, {bench::peak_split<W, 6>, 6 * 4 * 4},
};
constexpr int kFormCount = sizeof(kForms) / sizeof(kForms[0]);
}  // namespace

/// The number of peak loops (forms); a form is 0 … count−1.
EMSCRIPTEN_KEEPALIVE int peak_f32x4_forms() { return kFormCount; }

/// FLOPs done by one iteration of a form.
EMSCRIPTEN_KEEPALIVE int peak_f32x4_flops(int form) { return form >= 0 && form < kFormCount ? kForms[form].flops_per_iter : 0; }

/// A short name for a form.
EMSCRIPTEN_KEEPALIVE const char* peak_f32x4_name(int form) {
  static const char* const names[] = {"8 mul+add chains", "10 mul+add chains", "12 mul+add chains",
                                      "4 mul→add pairs",  "5 mul→add pairs",   "6 mul→add pairs"};
  static_assert(sizeof(names) / sizeof(names[0]) == kFormCount, "one name per form");
  return form >= 0 && form < kFormCount ? names[form] : "";
}

/// `iters` iterations of one form.
EMSCRIPTEN_KEEPALIVE float peak_f32x4(int form, int iters, float seed) {
  return form >= 0 && form < kFormCount ? kForms[form].run(iters, seed) : 0.0f;
}

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
