// The vector kernels, written once as xsimd templates on Arch; each arch_*.cpp instantiates them for one arch.
// Not dispatch: only dispatch.cpp chooses among the instantiations. Keep non-template inline helpers
// (std::min, std::vector, …) out of here: an arch TU would emit them with that arch's instructions.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <xsimd/xsimd.hpp>

#include "attn/kernels/kernels.hpp"

namespace attn::simd {

template <class Arch>
struct Kernels {
  using V = xsimd::batch<float, Arch>;
  static constexpr size_t W = V::size;

  // c[i, j] = alpha · dot(a_i, b_j): four b rows share each load of a_i; lanes reduced once per dot.
  static void gemm_nt(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda, const float* b,
                      size_t ldb, float* c, size_t ldc) {
    const size_t kv = k - k % W;
    for (size_t i = 0; i < m; ++i) {
      const float* ai = a + i * lda;
      size_t j = 0;
      for (; j + 4 <= n; j += 4) {
        const float* b0 = b + j * ldb;
        const float* b1 = b0 + ldb;
        const float* b2 = b1 + ldb;
        const float* b3 = b2 + ldb;
        V s0(0.f), s1(0.f), s2(0.f), s3(0.f);
        for (size_t t = 0; t < kv; t += W) {
          const V x = V::load_unaligned(ai + t);
          s0 = xsimd::fma(x, V::load_unaligned(b0 + t), s0);
          s1 = xsimd::fma(x, V::load_unaligned(b1 + t), s1);
          s2 = xsimd::fma(x, V::load_unaligned(b2 + t), s2);
          s3 = xsimd::fma(x, V::load_unaligned(b3 + t), s3);
        }
        float r0 = xsimd::reduce_add(s0), r1 = xsimd::reduce_add(s1);
        float r2 = xsimd::reduce_add(s2), r3 = xsimd::reduce_add(s3);
        for (size_t t = kv; t < k; ++t) {
          r0 += ai[t] * b0[t];
          r1 += ai[t] * b1[t];
          r2 += ai[t] * b2[t];
          r3 += ai[t] * b3[t];
        }
        float* ci = c + i * ldc + j;
        ci[0] = alpha * r0;
        ci[1] = alpha * r1;
        ci[2] = alpha * r2;
        ci[3] = alpha * r3;
      }
      for (; j < n; ++j) {
        const float* bj = b + j * ldb;
        V s(0.f);
        for (size_t t = 0; t < kv; t += W) s = xsimd::fma(V::load_unaligned(ai + t), V::load_unaligned(bj + t), s);
        float r = xsimd::reduce_add(s);
        for (size_t t = kv; t < k; ++t) r += ai[t] * bj[t];
        c[i * ldc + j] = alpha * r;
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
};

/// The table of Arch's kernels; explicitly instantiated in that arch's translation unit only.
template <class Arch>
KernelTable make_table(Isa isa) {
  using K = Kernels<Arch>;
  return KernelTable{isa,     K::W,           &K::gemm_nt, &K::gemm_nn,   &K::gemm_nn_acc, &K::pv_acc,
                     &K::max, &K::exp_shift_sum, &K::scale,   &K::transpose, &K::gelu_tanh,
                     &K::gelu_tanh_backward};
}

}  // namespace attn::simd
