// The roofline probe's loops, written once as xsimd templates on Arch; peak_<arch>.cpp instantiates them with that
// arch's flags only, roofline_wasm.cpp for wasm. Not timing or arch choice: roofline.cpp / run.mjs do both.
#pragma once
#include <cstddef>
#include <xsimd/xsimd.hpp>

namespace bench {

/// Independent chains, enough to hide FMA latency on every arch measured here.
constexpr int kPeakAccumulators = 12;

/// `iters` iterations of kPeakAccumulators chains `acc = acc·a + b` (xsimd::fma: one FMA where the arch has it,
/// mul then add on sse2 and wasm); returns a value depending on every accumulator so nothing is optimised away.
/// FLOPs done: iters · kPeakAccumulators · lanes · 2.
template <class Arch>
float peak(long iters, float seed) {
  using V = xsimd::batch<float, Arch>;
  const V a(0.999f), b(seed * 1e-3f);
  V acc[kPeakAccumulators];
  for (int j = 0; j < kPeakAccumulators; ++j) acc[j] = V(seed + static_cast<float>(j));
  for (long i = 0; i < iters; ++i)
    for (int j = 0; j < kPeakAccumulators; ++j) acc[j] = xsimd::fma(acc[j], a, b);
  V total = acc[0];
  for (int j = 1; j < kPeakAccumulators; ++j) total += acc[j];
  return xsimd::reduce_add(total);
}

/// Sum of x[0..n), read front to back with aligned vector loads into four accumulators (x aligned to 64 bytes,
/// n a multiple of 64): the streaming-read bandwidth loop.
template <class Arch>
float stream_read(const float* x, std::size_t n) {
  using V = xsimd::batch<float, Arch>;
  constexpr std::size_t W = V::size;
  V s0(0.f), s1(0.f), s2(0.f), s3(0.f);
  for (std::size_t i = 0; i < n; i += 4 * W) {
    s0 += V::load_aligned(x + i);
    s1 += V::load_aligned(x + i + W);
    s2 += V::load_aligned(x + i + 2 * W);
    s3 += V::load_aligned(x + i + 3 * W);
  }
  return xsimd::reduce_add((s0 + s1) + (s2 + s3));
}

}  // namespace bench
