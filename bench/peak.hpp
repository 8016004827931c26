// The roofline probe's loops, written once as xsimd templates on Arch; peak_<arch>.cpp instantiates them with that
// arch's flags only, roofline_wasm.cpp for wasm. Not timing or arch choice: roofline.cpp / run.mjs do both.
#pragma once
#include <cstddef>
#include <xsimd/xsimd.hpp>

namespace bench {

/// Independent chains for the native FMA probe: enough to hide FMA latency on every arch measured here.
constexpr int kPeakAccumulators = 12;

/// `iters` iterations of N independent chains `acc = acc·a + b` (xsimd::fma: one FMA where the arch has it,
/// mul then add on sse2 and wasm); returns a value depending on every accumulator so nothing is optimised away.
/// FLOPs done: iters · N · lanes · 2. With mul then add, one step's latency is a mul's plus an add's, so hiding it
/// needs more chains than there are registers on some engines (V8 on x86: 16 xmm); see peak_split.
template <class Arch, int N = kPeakAccumulators>
float peak(long iters, float seed) {
  using V = xsimd::batch<float, Arch>;
  const V a(0.999f), b(seed * 1e-3f);
  V acc[N];
  for (int j = 0; j < N; ++j) acc[j] = V(seed + static_cast<float>(j));
  for (long i = 0; i < iters; ++i)
    for (int j = 0; j < N; ++j) acc[j] = xsimd::fma(acc[j], a, b);
  V total = acc[0];
  for (int j = 1; j < N; ++j) total += acc[j];
  return xsimd::reduce_add(total);
}

/// The mul+add peak without FMA, the way a dot product uses it: M chains of multiplies (p·a then p·c, c ≈ 1/a, so p
/// stays near its start and never turns subnormal), each feeding an add chain (s + p). A chain waits on one op, not
/// a mul and an add, so fewer chains and registers (2M + 2) reach the engine's mul and add throughput than `peak`.
/// FLOPs done: iters · M · lanes · 4 (two muls and two adds per chain pair).
template <class Arch, int M>
float peak_split(long iters, float seed) {
  using V = xsimd::batch<float, Arch>;
  const V a(1.0009765625f), c(1.0f / 1.0009765625f);
  V p[M], s[M];
  for (int j = 0; j < M; ++j) p[j] = V(seed + static_cast<float>(j)), s[j] = V(static_cast<float>(j));
  for (long i = 0; i < iters; ++i) {
    for (int j = 0; j < M; ++j) p[j] = p[j] * a, s[j] = s[j] + p[j];
    for (int j = 0; j < M; ++j) p[j] = p[j] * c, s[j] = s[j] + p[j];
  }
  V total = s[0];
  for (int j = 1; j < M; ++j) total += s[j];
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
