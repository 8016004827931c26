// The vector kernels, written once as xsimd templates on Arch; each arch_*.cpp instantiates them for one arch.
// Not dispatch: only dispatch.cpp chooses among the instantiations. Keep non-template inline helpers
// (std::min, std::vector, …) out of here: an arch TU would emit them with that arch's instructions.
#pragma once
#include <cstddef>
#include <xsimd/xsimd.hpp>

#include "kernels/kernels.hpp"

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

  // c_i += Σ_t a[i,t] · b_t: a strip of four vectors of c_i stays in registers across the whole t loop.
  template <bool SkipZero>
  static void gemm_nn(size_t m, size_t n, size_t k, const float* a, size_t lda, const float* b, size_t ldb, float* c,
                      size_t ldc) {
    for (size_t i = 0; i < m; ++i) {
      const float* ai = a + i * lda;
      float* ci = c + i * ldc;
      size_t j = 0;
      for (; j + 4 * W <= n; j += 4 * W) {
        V c0 = V::load_unaligned(ci + j), c1 = V::load_unaligned(ci + j + W);
        V c2 = V::load_unaligned(ci + j + 2 * W), c3 = V::load_unaligned(ci + j + 3 * W);
        for (size_t t = 0; t < k; ++t) {
          if (SkipZero && ai[t] == 0.f) continue;
          const V w(ai[t]);
          const float* bt = b + t * ldb + j;
          c0 = xsimd::fma(w, V::load_unaligned(bt), c0);
          c1 = xsimd::fma(w, V::load_unaligned(bt + W), c1);
          c2 = xsimd::fma(w, V::load_unaligned(bt + 2 * W), c2);
          c3 = xsimd::fma(w, V::load_unaligned(bt + 3 * W), c3);
        }
        c0.store_unaligned(ci + j);
        c1.store_unaligned(ci + j + W);
        c2.store_unaligned(ci + j + 2 * W);
        c3.store_unaligned(ci + j + 3 * W);
      }
      for (; j + W <= n; j += W) {
        V c0 = V::load_unaligned(ci + j);
        for (size_t t = 0; t < k; ++t) {
          if (SkipZero && ai[t] == 0.f) continue;
          c0 = xsimd::fma(V(ai[t]), V::load_unaligned(b + t * ldb + j), c0);
        }
        c0.store_unaligned(ci + j);
      }
      for (; j < n; ++j) {
        float s = ci[j];
        for (size_t t = 0; t < k; ++t) {
          if (SkipZero && ai[t] == 0.f) continue;
          s += ai[t] * b[t * ldb + j];
        }
        ci[j] = s;
      }
    }
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

  // The tail goes through the same vector exp (padded with −∞, whose exp is 0) so every element sees one exp.
  static float exp_shift_sum(float* x, size_t n, float shift) {
    const V s(shift);
    V acc(0.f);
    size_t i = 0;
    for (; i + W <= n; i += W) {
      const V e = xsimd::exp(V::load_unaligned(x + i) - s);
      e.store_unaligned(x + i);
      acc += e;
    }
    if (i < n) {
      alignas(64) float tail[W];
      for (size_t t = 0; t < W; ++t) tail[t] = i + t < n ? x[i + t] : -__builtin_inff();
      const V e = xsimd::exp(V::load_aligned(tail) - s);
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
};

/// The table of Arch's kernels; explicitly instantiated in that arch's translation unit only.
template <class Arch>
KernelTable make_table(Isa isa) {
  using K = Kernels<Arch>;
  return KernelTable{isa,          K::W,      &K::gemm_nt,        &K::template gemm_nn<false>,
                     &K::template gemm_nn<true>, &K::max, &K::exp_shift_sum, &K::scale};
}

}  // namespace attn::simd
