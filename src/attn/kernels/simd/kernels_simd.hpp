// The vector kernels, written once as xsimd templates on Arch; each arch_*.cpp instantiates them for one arch.
// Not dispatch: only dispatch.cpp chooses among the instantiations. Keep non-template inline helpers
// (std::min, std::vector, …) out of here: an arch TU would emit them with that arch's instructions.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "attn/kernels/kernels.hpp"

namespace attn::simd {

/// How Arch widens binary16 to float32: `hardware` says whether it has an instruction for it, and then
/// widen2(p, lo, hi) converts the 2·W halves at p (lo: the first W, hi: the next W), exactly. The primary template
/// says no (Kernels::widen2 then uses integer ops); the specialisations below are the arches that do. Each exists
/// only where its intrinsics are compiled in (the translation unit built for that arch, see kernels/CMakeLists.txt),
/// so another translation unit sees the primary template and never instantiates the arch's kernels anyway.
template <class Arch>
struct F16Convert {
  static constexpr bool hardware = false;
};

#if defined(__F16C__)
/// AVX2 + F16C (every AVX2 processor has F16C): vcvtph2ps, 8 halves per instruction.
template <>
struct F16Convert<xsimd::fma3<xsimd::avx2>> {
  static constexpr bool hardware = true;
  template <class V>
  XSIMD_INLINE static void widen2(const std::uint16_t* p, V& lo, V& hi) {
    lo = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    hi = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 8)));
  }
};
#endif

#if defined(__AVX512F__)
/// AVX-512F: vcvtph2ps on 16 halves per instruction.
template <>
struct F16Convert<xsimd::avx512f> {
  static constexpr bool hardware = true;
  template <class V>
  XSIMD_INLINE static void widen2(const std::uint16_t* p, V& lo, V& hi) {
    lo = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    hi = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 16)));
  }
};
#endif

/// Four lane sums at once, each bit-identical to xsimd::reduce_add of its batch (the same pairs added in the same
/// tree; float addition is commutative, so only the tree matters): out[q] = reduce_add(s[q]). The primary template
/// calls reduce_add four times; the specialisations below do the same tree with shared shuffles, and exist only in the
/// translation unit compiled for their arch (as F16Convert).
template <class Arch>
struct Reduce4 {
  template <class V>
  XSIMD_INLINE static void sums(const V* s, float* out) {
    for (int q = 0; q < 4; ++q) out[q] = xsimd::reduce_add(s[q]);
  }
};

#if defined(__AVX2__) && defined(__FMA__)
/// xsimd's AVX sum of x[0, 8): t = low half + high half, then (t0 + t1) + (t2 + t3).
template <>
struct Reduce4<xsimd::fma3<xsimd::avx2>> {
  template <class V>
  XSIMD_INLINE static void sums(const V* s, float* out) {
    const __m256 ab = _mm256_add_ps(_mm256_permute2f128_ps(s[0], s[1], 0x20), _mm256_permute2f128_ps(s[0], s[1], 0x31));
    const __m256 cd = _mm256_add_ps(_mm256_permute2f128_ps(s[2], s[3], 0x20), _mm256_permute2f128_ps(s[2], s[3], 0x31));
    const __m256 pairs = _mm256_hadd_ps(ab, cd);        // [a01 a23 c01 c23 | b01 b23 d01 d23]
    const __m256 sums = _mm256_hadd_ps(pairs, pairs);   // [a c a c | b d b d]
    const __m128 lo = _mm256_castps256_ps128(sums), hi = _mm256_extractf128_ps(sums, 1);
    out[0] = _mm_cvtss_f32(lo);
    out[1] = _mm_cvtss_f32(hi);
    out[2] = _mm_cvtss_f32(_mm_movehdup_ps(lo));
    out[3] = _mm_cvtss_f32(_mm_movehdup_ps(hi));
  }
};
#endif

#if defined(__AVX512F__)
/// xsimd's AVX-512F sum of x[0, 16): r = (Q0 + Q1) + (Q2 + Q3) over its four quarters, then (r0 + r1) + (r2 + r3).
template <>
struct Reduce4<xsimd::avx512f> {
  template <class V>
  XSIMD_INLINE static void sums(const V* s, float* out) {
    // Quarters paired within each batch: [a(Q0+Q1) a(Q2+Q3) b(Q0+Q1) b(Q2+Q3)], the same for c, d.
    const __m512 ab = _mm512_add_ps(_mm512_shuffle_f32x4(s[0], s[1], 0x88), _mm512_shuffle_f32x4(s[0], s[1], 0xDD));
    const __m512 cd = _mm512_add_ps(_mm512_shuffle_f32x4(s[2], s[3], 0x88), _mm512_shuffle_f32x4(s[2], s[3], 0xDD));
    const __m512 r = _mm512_add_ps(_mm512_shuffle_f32x4(ab, cd, 0x88), _mm512_shuffle_f32x4(ab, cd, 0xDD));  // [ra rb rc rd]
    const __m512 h = _mm512_add_ps(r, _mm512_shuffle_ps(r, r, 0xB1));   // [r0+r1, ·, r2+r3, ·] in each quarter
    const __m512 t = _mm512_add_ps(h, _mm512_shuffle_ps(h, h, 0x4E));   // (r0+r1) + (r2+r3) in lane 0 of each quarter
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, t);
    for (int q = 0; q < 4; ++q) out[q] = lanes[4 * q];
  }
};
#endif

#if defined(__wasm_simd128__)
/// xsimd's wasm sum of x[0, 4): (x0 + x2) + (x1 + x3).
template <>
struct Reduce4<xsimd::wasm> {
  template <class V>
  XSIMD_INLINE static void sums(const V* s, float* out) {
    const v128_t ab = wasm_f32x4_add(wasm_i32x4_shuffle(s[0], s[1], 0, 1, 4, 5), wasm_i32x4_shuffle(s[0], s[1], 2, 3, 6, 7));
    const v128_t cd = wasm_f32x4_add(wasm_i32x4_shuffle(s[2], s[3], 0, 1, 4, 5), wasm_i32x4_shuffle(s[2], s[3], 2, 3, 6, 7));
    // ab = [a0+a2, a1+a3, b0+b2, b1+b3], cd the same for c, d.
    const v128_t sums = wasm_f32x4_add(wasm_i32x4_shuffle(ab, cd, 0, 2, 4, 6), wasm_i32x4_shuffle(ab, cd, 1, 3, 5, 7));
    wasm_v128_store(out, sums);
  }
};
#endif

template <class Arch>
struct Kernels {
  using V = xsimd::batch<float, Arch>;
  static constexpr size_t W = V::size;

  // c[i, j] = alpha · dot(a_i, b_j). Every dot has one order whatever block computes it: lane-wise FMAs over
  // t < kv, the lanes summed as xsimd::reduce_add sums them, then the tail t ≥ kv in order; blocking only shares
  // loads (and Reduce4 shares the lane sums' shuffles), so it never changes a bit (test_kernels holds it to 1 × 1 calls).
  static void gemm_nt(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda, const float* b,
                      size_t ldb, float* c, size_t ldc) {
    const size_t kv = k - k % W;
    size_t i = 0;
    for (; i + 2 <= m; i += 2) dot_rows<2>(n, k, kv, alpha, a + i * lda, lda, b, ldb, c + i * ldc, ldc);
    if (i < m) dot_rows<1>(n, k, kv, alpha, a + i * lda, lda, b, ldb, c + i * ldc, ldc);
  }

  // gemm_nt's rows a[0, R) against every b row: blocks of R × 4 dots (each load of b serves R rows, each load of a
  // serves 4 b rows), then the b rows left over one at a time.
  template <size_t R>
  static void dot_rows(size_t n, size_t k, size_t kv, float alpha, const float* a, size_t lda, const float* b,
                       size_t ldb, float* c, size_t ldc) {
    size_t j = 0;
    for (; j + 4 <= n; j += 4) {
      const float* bj = b + j * ldb;
      V s[R][4];
      for (size_t r = 0; r < R; ++r)
        for (size_t q = 0; q < 4; ++q) s[r][q] = V(0.f);
      for (size_t t = 0; t < kv; t += W) {
        V x[R];
        for (size_t r = 0; r < R; ++r) x[r] = V::load_unaligned(a + r * lda + t);
        for (size_t q = 0; q < 4; ++q) {
          const V y = V::load_unaligned(bj + q * ldb + t);
          for (size_t r = 0; r < R; ++r) s[r][q] = xsimd::fma(x[r], y, s[r][q]);
        }
      }
      for (size_t r = 0; r < R; ++r) {
        float sum[4];
        Reduce4<Arch>::sums(s[r], sum);
        const float* ar = a + r * lda;
        for (size_t t = kv; t < k; ++t)
          for (size_t q = 0; q < 4; ++q) sum[q] += ar[t] * bj[q * ldb + t];
        for (size_t q = 0; q < 4; ++q) c[r * ldc + j + q] = alpha * sum[q];
      }
    }
    for (; j < n; ++j) {
      const float* bj = b + j * ldb;
      for (size_t r = 0; r < R; ++r) {
        const float* ar = a + r * lda;
        V s(0.f);
        for (size_t t = 0; t < kv; t += W) s = xsimd::fma(V::load_unaligned(ar + t), V::load_unaligned(bj + t), s);
        float sum = xsimd::reduce_add(s);
        for (size_t t = kv; t < k; ++t) sum += ar[t] * bj[t];
        c[r * ldc + j] = alpha * sum;
      }
    }
  }

  // c[i·ldc] = alpha · dot(a_i, b_i): each dot in gemm_nt's order (lane-wise FMAs over t < kv, the lanes summed as
  // reduce_add sums them, the tail in order); four pairs at a time share Reduce4's shuffles.
  static void dots_paired(size_t n, size_t k, float alpha, const float* a, size_t lda, const float* b, size_t ldb,
                          float* c, size_t ldc) {
    const size_t kv = k - k % W;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
      V s[4] = {V(0.f), V(0.f), V(0.f), V(0.f)};
      for (size_t t = 0; t < kv; t += W)
        for (size_t q = 0; q < 4; ++q)
          s[q] = xsimd::fma(V::load_unaligned(a + (i + q) * lda + t), V::load_unaligned(b + (i + q) * ldb + t), s[q]);
      float sum[4];
      Reduce4<Arch>::sums(s, sum);
      for (size_t t = kv; t < k; ++t)
        for (size_t q = 0; q < 4; ++q) sum[q] += a[(i + q) * lda + t] * b[(i + q) * ldb + t];
      for (size_t q = 0; q < 4; ++q) c[(i + q) * ldc] = alpha * sum[q];
    }
    for (; i < n; ++i) {
      const float *ai = a + i * lda, *bi = b + i * ldb;
      V s(0.f);
      for (size_t t = 0; t < kv; t += W) s = xsimd::fma(V::load_unaligned(ai + t), V::load_unaligned(bi + t), s);
      float sum = xsimd::reduce_add(s);
      for (size_t t = kv; t < k; ++t) sum += ai[t] * bi[t];
      c[i * ldc] = alpha * sum;
    }
  }

  // c_i += x_i · b_i, one term of gemm_nn_acc's k loop: vectors by FMA, the columns past the last vector in scalar
  // code, as block and tail add them.
  static void axpy_paired(size_t n, size_t k, const float* x, size_t ldx, const float* b, size_t ldb, float* c,
                          size_t ldc) {
    for (size_t i = 0; i < n; ++i) {
      const float xi = x[i * ldx];
      const V xv(xi);
      const float* bi = b + i * ldb;
      float* ci = c + i * ldc;
      size_t j = 0;
      for (; j + W <= k; j += W)
        xsimd::fma(xv, V::load_unaligned(bi + j), V::load_unaligned(ci + j)).store_unaligned(ci + j);
      for (; j < k; ++j) {
        float sum = ci[j];
        sum += xi * bi[j];
        ci[j] = sum;
      }
    }
  }

  // ---- c[M,N] (=|+=) a[M,K]·b[K,N]: register-tiled microkernel -----------------------------------------------
  // A block of MR rows × NV vectors of c lives in registers for the whole t loop; per t it costs NV loads of b,
  // MR broadcasts of a and MR·NV FMAs (4×4 on AVX-512: FMA-bound, not load-bound).
  enum Mode { kStore, kAccumulate, kAccumulateSkipZero };
  static constexpr size_t NV = W >= 16 ? 4 : 2;  // vectors per block row: 16 accumulators on AVX-512, 8 elsewhere
  static constexpr size_t MR = 4;

  template <Mode M, size_t R, size_t NVB>
  static void block(size_t k, float alpha, const float* a, size_t lda, const float* b, size_t ldb, float* c,
                    size_t ldc) {
    V acc[R][NVB];
    for (size_t r = 0; r < R; ++r)
      for (size_t v = 0; v < NVB; ++v) acc[r][v] = M == kStore ? V(0.f) : V::load_unaligned(c + r * ldc + v * W);
    const float* ar[R];  // one pointer per row, stepped with t: no index arithmetic per element in the loop
    for (size_t r = 0; r < R; ++r) ar[r] = a + r * lda;
    for (size_t t = 0; t < k; ++t, b += ldb) {
      V bv[NVB];
      for (size_t v = 0; v < NVB; ++v) bv[v] = V::load_unaligned(b + v * W);
      for (size_t r = 0; r < R; ++r) {
        const float x = *ar[r]++;
        if (M == kAccumulateSkipZero && x == 0.f) continue;  // a masked key's value row is never read
        const V xv(x);
        for (size_t v = 0; v < NVB; ++v) acc[r][v] = xsimd::fma(xv, bv[v], acc[r][v]);
      }
    }
    const V s(alpha);
    for (size_t r = 0; r < R; ++r)
      for (size_t v = 0; v < NVB; ++v) (M == kStore ? acc[r][v] * s : acc[r][v]).store_unaligned(c + r * ldc + v * W);
  }

  // Columns past the last full vector, one row at a time, in scalar code.
  template <Mode M>
  static void tail(size_t rows, size_t j0, size_t n, size_t k, float alpha, const float* a, size_t lda,
                   const float* b, size_t ldb, float* c, size_t ldc) {
    for (size_t r = 0; r < rows; ++r)
      for (size_t j = j0; j < n; ++j) {
        float sum = M == kStore ? 0.f : c[r * ldc + j];
        for (size_t t = 0; t < k; ++t) {
          const float x = a[r * lda + t];
          if (M == kAccumulateSkipZero && x == 0.f) continue;
          sum += x * b[t * ldb + j];
        }
        c[r * ldc + j] = M == kStore ? alpha * sum : sum;
      }
  }

  // A single row (decode, matrix-vector) has registers to spare: a wider strip means fewer passes over b.
  static constexpr size_t NV1 = W >= 16 ? 4 : 8;

  template <Mode M, size_t R>
  static void rows(size_t n, size_t k, float alpha, const float* a, size_t lda, const float* b, size_t ldb, float* c,
                   size_t ldc) {
    size_t j = 0;
    if (R == 1)
      for (; j + NV1 * W <= n; j += NV1 * W) block<M, 1, NV1>(k, alpha, a, lda, b + j, ldb, c + j, ldc);
    for (; j + NV * W <= n; j += NV * W) block<M, R, NV>(k, alpha, a, lda, b + j, ldb, c + j, ldc);
    for (; j + W <= n; j += W) block<M, R, 1>(k, alpha, a, lda, b + j, ldb, c + j, ldc);
    if (j < n) tail<M>(R, j, n, k, alpha, a, lda, b, ldb, c, ldc);
  }

  template <Mode M>
  static void gemm(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda, const float* b, size_t ldb,
                   float* c, size_t ldc) {
    size_t i = 0;
    for (; i + MR <= m; i += MR) rows<M, MR>(n, k, alpha, a + i * lda, lda, b, ldb, c + i * ldc, ldc);
    for (; i < m; ++i) rows<M, 1>(n, k, alpha, a + i * lda, lda, b, ldb, c + i * ldc, ldc);
  }

  static void gemm_nn(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda, const float* b,
                      size_t ldb, float* c, size_t ldc) {
    gemm<kStore>(m, n, k, alpha, a, lda, b, ldb, c, ldc);
  }
  static void gemm_nn_acc(size_t m, size_t n, size_t k, const float* a, size_t lda, const float* b, size_t ldb,
                          float* c, size_t ldc) {
    gemm<kAccumulate>(m, n, k, 1.f, a, lda, b, ldb, c, ldc);
  }
  static void pv_acc(size_t m, size_t n, size_t k, const float* p, size_t ldp, const float* v, size_t ldv, float* c,
                     size_t ldc) {
    gemm<kAccumulateSkipZero>(m, n, k, 1.f, p, ldp, v, ldv, c, ldc);
  }

  // NaN-propagating: a NaN anywhere makes the max NaN (so a NaN logit is never mistaken for a masked row).
  static float max(const float* x, size_t n) {
    size_t i = 0;
    float r = x[0];
    bool nan = false;
    if (n >= W) {
      V mv = V::load_unaligned(x);
      auto bad = mv != mv;
      for (i = W; i + W <= n; i += W) {
        const V v = V::load_unaligned(x + i);
        mv = xsimd::max(mv, v);
        bad = bad || (v != v);
      }
      r = xsimd::reduce_max(mv);
      nan = xsimd::any(bad);
    }
    for (; i < n; ++i) {
      nan = nan || x[i] != x[i];
      r = x[i] > r ? x[i] : r;
    }
    return nan ? __builtin_nanf("") : r;
  }

  // max |x| (a score-range check over q, k or a bias): exact, so the lanes' order does not matter; four
  // accumulators, as one max's latency would otherwise bound a pass over a KV cache's keys.
  static float max_abs(const float* x, size_t n, bool skip_negative_infinity) {
    const V minus_inf(-std::numeric_limits<float>::infinity());
    auto abs_of = [&](const V& v) {
      return skip_negative_infinity ? xsimd::select(v == minus_inf, V(0.f), xsimd::abs(v)) : xsimd::abs(v);
    };
    V m[4] = {V(0.f), V(0.f), V(0.f), V(0.f)};
    auto bad = m[0] != m[0];
    size_t i = 0;
    for (; i + 4 * W <= n; i += 4 * W)
      for (size_t u = 0; u < 4; ++u) {
        const V v = V::load_unaligned(x + i + u * W);
        m[u] = xsimd::max(m[u], abs_of(v));
        bad = bad || (v != v);
      }
    for (; i + W <= n; i += W) {
      const V v = V::load_unaligned(x + i);
      m[0] = xsimd::max(m[0], abs_of(v));
      bad = bad || (v != v);
    }
    float r = xsimd::reduce_max(xsimd::max(xsimd::max(m[0], m[1]), xsimd::max(m[2], m[3])));
    bool nan = xsimd::any(bad);
    for (; i < n; ++i) {
      nan = nan || x[i] != x[i];
      if (skip_negative_infinity && x[i] == -std::numeric_limits<float>::infinity()) continue;
      r = std::fabs(x[i]) > r ? std::fabs(x[i]) : r;
    }
    return nan ? __builtin_nanf("") : r;
  }

  // exp for the softmax, on x ≤ 0 (callers shift by the row max; x > 88 would overflow the exponent bits):
  // e^x = 2^n · e^r with n = round(x·log2 e), r = x − n·ln 2 (two-step Cody–Waite), e^r by a degree-6 Taylor
  // polynomial on |r| ≤ ln2/2 (relative error < 2e-7). Rounding uses the 1.5·2^23 trick, whose low mantissa bits
  // are n itself, so no float→int conversion is needed. Results below e^−87 (< 1.7e-38) are flushed to 0 — so
  // exp(−∞) is exactly 0 — and NaN stays NaN, both by the final selects (no clamps: WebAssembly's f32x4.min/max
  // cost several x86 instructions each). About twice as fast as xsimd::exp here.
  // The constants come from kExpConstants (kernels.hpp), defined in another translation unit, so they are loaded
  // once per call. Written as literals, they reach a WebAssembly engine as v128.const inside the loop; the table
  // measured faster in V8 (fused causal D64 S1024: 40.2 → 39.0 ms).
  struct ExpConstants {
    V magic, log2e, ln2_hi, ln2_lo, c6, c5, c4, c3, c2, c1, flush;
    ExpConstants()
        : magic(kExpConstants[0]),
          log2e(kExpConstants[1]),
          ln2_hi(kExpConstants[2]),
          ln2_lo(kExpConstants[3]),
          c6(kExpConstants[4]),
          c5(kExpConstants[5]),
          c4(kExpConstants[6]),
          c3(kExpConstants[7]),
          c2(kExpConstants[8]),
          c1(kExpConstants[9]),
          flush(kExpConstants[10]) {}
  };

  XSIMD_INLINE static V exp(V x, const ExpConstants& k) {
    const V t = xsimd::fma(x, k.log2e, k.magic);
    const V n = t - k.magic;
    V r = xsimd::fma(n, k.ln2_hi, x);  // −ln 2, high bits (exact product)
    r = xsimd::fma(n, k.ln2_lo, r);    // −ln 2, the rest
    V p = k.c6;
    p = xsimd::fma(p, r, k.c5);
    p = xsimd::fma(p, r, k.c4);
    p = xsimd::fma(p, r, k.c3);
    p = xsimd::fma(p, r, k.c2);
    p = xsimd::fma(p, r, k.c1);
    p = xsimd::fma(p, r, k.c1);
    using I = xsimd::batch<int32_t, Arch>;
    const I shift = (xsimd::bitwise_cast<int32_t>(t) - xsimd::bitwise_cast<int32_t>(k.magic)) << 23;
    const V y = xsimd::bitwise_cast<float>(xsimd::bitwise_cast<int32_t>(p) + shift);
    return xsimd::select(x != x, x, xsimd::select(x < k.flush, V(0.f), y));
  }

  // The tail goes through the same vector exp (padded with −∞, whose exp is 0) so every element sees one exp.
  static float exp_shift_sum(float* x, size_t n, float shift) {
    const ExpConstants k;
    const V s(shift);
    V acc(0.f);
    size_t i = 0;
    for (; i + W <= n; i += W) {
      const V e = exp(V::load_unaligned(x + i) - s, k);
      e.store_unaligned(x + i);
      acc += e;
    }
    if (i < n) {
      alignas(64) float tail[W];
      for (size_t t = 0; t < W; ++t) tail[t] = i + t < n ? x[i + t] : -__builtin_inff();
      const V e = exp(V::load_aligned(tail) - s, k);
      acc += e;
      e.store_aligned(tail);
      for (size_t t = 0; i + t < n; ++t) x[i + t] = tail[t];
    }
    return xsimd::reduce_add(acc);
  }

  static void scale(float* x, size_t n, float a) {
    const V av(a);
    size_t i = 0;
    for (; i + W <= n; i += W) (V::load_unaligned(x + i) * av).store_unaligned(x + i);
    for (; i < n; ++i) x[i] *= a;
  }

  // T × T blocks transposed in registers: T vector loads and T vector stores per block instead of T² scalar pairs
  // (the scalar loop waits on strided loads). The edges go element by element. T = 8 on AVX-512 (its 256-bit half,
  // AVX2, which -mavx512f includes): xsimd has no in-register 16 × 16 float transpose and goes through memory.
  using VT = std::conditional_t<(W > 8), xsimd::batch<float, xsimd::avx2>, V>;
  static constexpr size_t T = VT::size;

  static void transpose(size_t rows, size_t cols, const float* src, size_t lds, float* dst, size_t ldd) {
    size_t r = 0;
    for (; r + T <= rows; r += T) {
      size_t c = 0;
      for (; c + T <= cols; c += T) {
        VT blk[T];
        for (size_t i = 0; i < T; ++i) blk[i] = VT::load_unaligned(src + (r + i) * lds + c);
        xsimd::transpose(blk, blk + T);
        for (size_t i = 0; i < T; ++i) blk[i].store_unaligned(dst + (c + i) * ldd + r);
      }
      for (; c < cols; ++c)
        for (size_t i = 0; i < T; ++i) dst[c * ldd + r + i] = src[(r + i) * lds + c];
    }
    for (; r < rows; ++r)
      for (size_t c = 0; c < cols; ++c) dst[c * ldd + r] = src[r * lds + c];
  }

  // GPT-2's GELU with xsimd's vector tanh (libm's scalar tanhf was the largest scalar cost of a GPT-2 prefill).
  static void gelu_tanh(float* x, size_t n) {
    const V half(0.5f), one(1.0f), k(0.7978845608028654f), c(0.044715f);
    size_t i = 0;
    for (; i + W <= n; i += W) {
      const V v = V::load_unaligned(x + i);
      (half * v * (one + xsimd::tanh(k * (v + c * v * v * v)))).store_unaligned(x + i);
    }
    for (; i < n; ++i) x[i] = 0.5f * x[i] * (1.0f + std::tanh(0.7978845608028654f * (x[i] + 0.044715f * x[i] * x[i] * x[i])));
  }

  static void gelu_tanh_backward(const float* x, const float* dy, float* dx, size_t n) {
    const V half(0.5f), one(1.0f), k(0.7978845608028654f), c(0.044715f), c3(3.0f * 0.044715f);
    size_t i = 0;
    for (; i + W <= n; i += W) {
      const V v = V::load_unaligned(x + i), v2 = v * v;
      const V th = xsimd::tanh(k * (v + c * v2 * v));
      const V grad = half * (one + th) + half * v * (one - th * th) * k * (one + c3 * v2);
      (V::load_unaligned(dx + i) + V::load_unaligned(dy + i) * grad).store_unaligned(dx + i);
    }
    for (; i < n; ++i) {
      const float th = std::tanh(0.7978845608028654f * (x[i] + 0.044715f * x[i] * x[i] * x[i]));
      dx[i] += dy[i] * (0.5f * (1.0f + th) + 0.5f * x[i] * (1.0f - th * th) * 0.7978845608028654f *
                                              (1.0f + 3.0f * 0.044715f * x[i] * x[i]));
    }
  }

  // ---- binary16 weights, widened in registers (kernels.hpp: finite halves only) --------------------------------------
  // Arches with a conversion instruction use it (F16Convert<Arch>, below the class). Elsewhere integer ops move
  // sign, exponent and fraction to where float32 keeps them (5 ops per 2·W halves, see widen2): the float read from
  // those bits is v·2^−112 (the exponent biases differ by 112), exactly, for normal and subnormal halves. One multiply
  // by 2^112 restores v; a decode step's projection instead multiplies its row of a by 2^112 once (see row_f16), which
  // gives the same products for fewer operations. A subnormal half's v·2^−112 is a float32 subnormal, which x86 cores
  // multiply through a slow microcode path: PackedMatrix stores such matrices as w·2^shift (kernels.hpp), whose
  // halves are all normal, and the factor that restores w becomes 2^(112 − shift).
  static constexpr bool kHardwareWiden = F16Convert<Arch>::hardware;

  /// What turns widen2<false>'s floats into the weights of halves holding w·2^shift: 2^−shift after a hardware
  /// conversion (exact v), 2^(112 − shift) after the bit tricks (v·2^−112).
  static float restore_factor(int shift) { return std::ldexp(1.0f, (kHardwareWiden ? 0 : 112) - shift); }
  static constexpr float kRestore0 = kHardwareWiden ? 1.0f : 0x1p112f;  ///< restore_factor(0)

  /// 2·W halves at p → lo (the first W) and hi (the next W), times `restore` (restore_factor) when Exact;
  /// Exact = false: the raw conversion (v·2^−112 on arches without one).
  template <bool Exact = true>
  XSIMD_INLINE static void widen2(const std::uint16_t* p, V& lo, V& hi, float restore = kRestore0) {
    if constexpr (kHardwareWiden) {
      F16Convert<Arch>::widen2(p, lo, hi);
      if (Exact && restore != 1.0f) lo *= V(restore), hi *= V(restore);
    } else {
      // Per half, in 16-bit lanes: the float's upper half is sign | 000 | exponent | fraction's top 7 bits, i.e.
      // (h >>arith 3) with the 3 copies of the sign cleared; its lower half is the fraction's last 3 bits, h << 13.
      // Interleaving the two (lower first: little-endian) gives the float bits.
      using H = xsimd::batch<int16_t, Arch>;
      static_assert(H::size == 2 * W, "a vector of halves widens into two vectors of floats");
      const H h = H::load_unaligned(reinterpret_cast<const int16_t*>(p));
      const H upper = (h >> 3) & H(int16_t(0x8fff)), lower = h << 13;
      lo = xsimd::bitwise_cast<float>(xsimd::zip_lo(lower, upper));
      hi = xsimd::bitwise_cast<float>(xsimd::zip_hi(lower, upper));
      if constexpr (Exact) lo *= V(restore), hi *= V(restore);
    }
  }

  /// Fewer than 2·W halves (a tail), through a zero-padded copy so they see the same conversion as the rest.
  XSIMD_INLINE static void widen_tail(const std::uint16_t* p, size_t n, float* out, float restore = kRestore0) {
    alignas(64) std::uint16_t h[2 * W] = {};
    alignas(64) float f[2 * W];
    for (size_t i = 0; i < n; ++i) h[i] = p[i];
    V lo, hi;
    widen2(h, lo, hi, restore);
    lo.store_aligned(f), hi.store_aligned(f + W);
    for (size_t i = 0; i < n; ++i) out[i] = f[i];
  }

  static void widen_f16(const std::uint16_t* src, float* dst, size_t n, int shift) {
    const float restore = restore_factor(shift);
    size_t i = 0;
    for (; i + 2 * W <= n; i += 2 * W) {
      V lo, hi;
      widen2(src + i, lo, hi, restore);
      lo.store_unaligned(dst + i), hi.store_unaligned(dst + i + W);
    }
    if (i < n) widen_tail(src + i, n - i, dst + i, restore);
  }

  // c += a·widen(b) one row of a at a time (a decode step has one): NP pairs of vectors of c stay in registers over
  // the whole t loop, as block<kAccumulate, 1, ·> does for float32 — each column sums in the same order.
  // Scaled: a[t]·restore (2^(112 − shift)) times the unscaled widening (w·2^shift)·2^−112 — both scalings exact
  // (|a| < 2^16, checked by the caller; the widening ≥ 2^−136 fits float32), so every product and sum is bit for
  // bit the float32 kernel's.
  static constexpr size_t NP = W >= 16 ? 2 : 4;

  template <size_t P, bool Scaled>
  XSIMD_INLINE static void row_f16(size_t k, const float* a, const std::uint16_t* b, size_t ldb, float* c,
                                   float restore) {
    V acc[2 * P];
    for (size_t v = 0; v < 2 * P; ++v) acc[v] = V::load_unaligned(c + v * W);
    for (size_t t = 0; t < k; ++t, b += ldb) {
      const V x(Scaled ? a[t] * restore : a[t]);
      for (size_t p = 0; p < P; ++p) {
        V lo, hi;
        widen2<!Scaled>(b + 2 * p * W, lo, hi, restore);
        acc[2 * p] = xsimd::fma(x, lo, acc[2 * p]);
        acc[2 * p + 1] = xsimd::fma(x, hi, acc[2 * p + 1]);
      }
    }
    for (size_t v = 0; v < 2 * P; ++v) acc[v].store_unaligned(c + v * W);
  }

  /// Whether a row of a may be scaled by 2^112 (every |a_t| < 2^16; NaN and ∞ may not): generic arches only.
  static bool scalable(const float* a, size_t k) {
    if constexpr (kHardwareWiden) return false;
    float amax = 0.f;
    for (size_t t = 0; t < k; ++t) {
      const float mag = a[t] < 0.f ? -a[t] : a[t];
      amax = mag > amax || mag != mag ? mag : amax;
    }
    return amax < 0x1p16f;
  }

  /// row_f16 over the full column blocks of [j, n); returns where they end.
  template <bool Scaled>
  static size_t rows_f16(size_t n, size_t k, const float* a, const std::uint16_t* b, size_t ldb, float* c,
                         float restore) {
    size_t j = 0;
    for (; j + 2 * NP * W <= n; j += 2 * NP * W) row_f16<NP, Scaled>(k, a, b + j, ldb, c + j, restore);
    for (; j + 2 * W <= n; j += 2 * W) row_f16<1, Scaled>(k, a, b + j, ldb, c + j, restore);
    return j;
  }

  static void gemm_nn_acc_f16(size_t m, size_t n, size_t k, const float* a, size_t lda, const std::uint16_t* b,
                              size_t ldb, float* c, size_t ldc, int shift) {
    const float restore = restore_factor(shift);
    for (size_t i = 0; i < m; ++i) {
      const float* ai = a + i * lda;
      float* ci = c + i * ldc;
      const size_t j = scalable(ai, k) ? rows_f16<true>(n, k, ai, b, ldb, ci, restore)
                                       : rows_f16<false>(n, k, ai, b, ldb, ci, restore);
      if (j < n) {  // the last columns, widened a row at a time: one vector (fma) then scalars, as the float32 kernel
        alignas(64) float w[2 * W];
        const bool vector = j + W <= n;
        V acc = vector ? V::load_unaligned(ci + j) : V(0.f);
        for (size_t t = 0; t < k; ++t) {
          widen_tail(b + t * ldb + j, n - j, w, restore);
          if (vector) acc = xsimd::fma(V(ai[t]), V::load_aligned(w), acc);
          for (size_t jj = vector ? j + W : j; jj < n; ++jj) ci[jj] += ai[t] * w[jj - j];
        }
        if (vector) acc.store_unaligned(ci + j);
      }
    }
  }

  /// s[r] += a[0, kv) · widen(b_r[0, kv)) for 4 rows b_r, 2·W at a time; Scaled as row_f16 (a scaled once per 4 rows).
  template <bool Scaled>
  XSIMD_INLINE static void dots4(size_t kv, const float* a, const std::uint16_t* const* b, V* s) {
    const V scale(Scaled ? 0x1p112f : 1.f);
    for (size_t t = 0; t < kv; t += 2 * W) {
      V x0 = V::load_unaligned(a + t), x1 = V::load_unaligned(a + t + W);
      if (Scaled) x0 *= scale, x1 *= scale;
      for (size_t r = 0; r < 4; ++r) {
        V lo, hi;
        widen2<!Scaled>(b[r] + t, lo, hi);
        s[r] = xsimd::fma(x0, lo, s[r]);
        s[r] = xsimd::fma(x1, hi, s[r]);
      }
    }
  }

  // c[i, j] = alpha · dot(a_i, widen(b_j)): gemm_nt with each b row widened as it streams past.
  static void gemm_nt_f16(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                          const std::uint16_t* b, size_t ldb, float* c, size_t ldc) {
    const size_t kv = k - k % (2 * W);
    alignas(64) float tail[4][2 * W];
    for (size_t i = 0; i < m; ++i) {
      const float* ai = a + i * lda;
      size_t j = 0;
      const bool scaled = scalable(ai, kv);
      for (; j + 4 <= n; j += 4) {
        const std::uint16_t* bj[4] = {b + j * ldb, b + (j + 1) * ldb, b + (j + 2) * ldb, b + (j + 3) * ldb};
        V s[4] = {V(0.f), V(0.f), V(0.f), V(0.f)};
        if (scaled) dots4<true>(kv, ai, bj, s);
        else dots4<false>(kv, ai, bj, s);
        for (size_t r = 0; r < 4; ++r) {
          float sum = xsimd::reduce_add(s[r]);
          if (kv < k) {
            widen_tail(bj[r] + kv, k - kv, tail[r]);
            for (size_t t = kv; t < k; ++t) sum += ai[t] * tail[r][t - kv];
          }
          c[i * ldc + j + r] = alpha * sum;
        }
      }
      for (; j < n; ++j) {
        const std::uint16_t* bj = b + j * ldb;
        V s(0.f);
        for (size_t t = 0; t < kv; t += 2 * W) {
          V lo, hi;
          widen2(bj + t, lo, hi);
          s = xsimd::fma(V::load_unaligned(ai + t), lo, s);
          s = xsimd::fma(V::load_unaligned(ai + t + W), hi, s);
        }
        float sum = xsimd::reduce_add(s);
        if (kv < k) {
          widen_tail(bj + kv, k - kv, tail[0]);
          for (size_t t = kv; t < k; ++t) sum += ai[t] * tail[0][t - kv];
        }
        c[i * ldc + j] = alpha * sum;
      }
    }
  }
};

/// The table of Arch's kernels; explicitly instantiated in that arch's translation unit only.
template <class Arch>
KernelTable make_table(Isa isa) {
  using K = Kernels<Arch>;
  return KernelTable{isa,     K::W,           &K::gemm_nt, &K::gemm_nn,   &K::gemm_nn_acc, &K::pv_acc,
                     &K::dots_paired, &K::axpy_paired,
                     &K::max, &K::max_abs, &K::exp_shift_sum, &K::scale,   &K::transpose, &K::gelu_tanh,
                     &K::gelu_tanh_backward, &K::gemm_nn_acc_f16, &K::gemm_nt_f16, &K::widen_f16};
}

}  // namespace attn::simd
