// The scalar kernel table: plain float loops, the readable twin of kernels/simd and the fallback for any CPU.
// Not the oracle: attn::ref (double precision) is what tests compare against.
#include <cmath>
#include <limits>

#include "attn/kernels/kernels.hpp"

namespace attn {

float widen_half(std::uint16_t bits) {
  const int exponent = (bits >> 10) & 0x1f, fraction = bits & 0x3ff;
  const float sign = bits & 0x8000 ? -1.0f : 1.0f;
  if (exponent == 0x1f) return fraction ? std::nanf("") : sign * INFINITY;
  // subnormal: fraction · 2^−24; normal: (1024 + fraction) · 2^(exponent − 25). Both exact in float32.
  return exponent == 0 ? sign * std::ldexp(float(fraction), -24) : sign * std::ldexp(float(1024 + fraction), exponent - 25);
}

namespace {

void gemm_nt(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda, const float* b, size_t ldb,
             float* c, size_t ldc) {
  for (size_t i = 0; i < m; ++i)
    for (size_t j = 0; j < n; ++j) {
      float s = 0.f;
      for (size_t t = 0; t < k; ++t) s += a[i * lda + t] * b[j * ldb + t];
      c[i * ldc + j] = alpha * s;
    }
}

void gemm_nn_store(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda, const float* b, size_t ldb,
                   float* c, size_t ldc) {
  for (size_t i = 0; i < m; ++i)
    for (size_t j = 0; j < n; ++j) {
      float s = 0.f;
      for (size_t t = 0; t < k; ++t) s += a[i * lda + t] * b[t * ldb + j];
      c[i * ldc + j] = alpha * s;
    }
}

template <bool SkipZero>
void gemm_nn(size_t m, size_t n, size_t k, const float* a, size_t lda, const float* b, size_t ldb, float* c,
             size_t ldc) {
  for (size_t i = 0; i < m; ++i)
    for (size_t t = 0; t < k; ++t) {
      const float w = a[i * lda + t];
      if (SkipZero && w == 0.f) continue;
      for (size_t j = 0; j < n; ++j) c[i * ldc + j] += w * b[t * ldb + j];
    }
}

void dots_paired(size_t n, size_t k, float alpha, const float* a, size_t lda, const float* b, size_t ldb, float* c,
                 size_t ldc) {
  for (size_t i = 0; i < n; ++i) gemm_nt(1, 1, k, alpha, a + i * lda, lda, b + i * ldb, ldb, c + i * ldc, 1);
}

void axpy_paired(size_t n, size_t k, const float* x, size_t ldx, const float* b, size_t ldb, float* c, size_t ldc) {
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < k; ++j) c[i * ldc + j] += x[i * ldx] * b[i * ldb + j];
}

float max(const float* x, size_t n) {  // NaN-propagating, like the vector kernels
  float r = x[0];
  for (size_t i = 1; i < n; ++i) r = (x[i] > r || x[i] != x[i]) ? x[i] : r;
  return r;
}

float max_abs(const float* x, size_t n, bool skip_negative_infinity) {
  float r = 0.f;
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != x[i]) return x[i];
    if (skip_negative_infinity && x[i] == -std::numeric_limits<float>::infinity()) continue;
    r = std::fabs(x[i]) > r ? std::fabs(x[i]) : r;
  }
  return r;
}

float exp_shift_sum(float* x, size_t n, float shift) {
  float s = 0.f;
  for (size_t i = 0; i < n; ++i) s += (x[i] = std::exp(x[i] - shift));
  return s;
}

void scale(float* x, size_t n, float a) {
  for (size_t i = 0; i < n; ++i) x[i] *= a;
}

void transpose(size_t rows, size_t cols, const float* src, size_t lds, float* dst, size_t ldd) {
  for (size_t r = 0; r < rows; ++r)
    for (size_t c = 0; c < cols; ++c) dst[c * ldd + r] = src[r * lds + c];
}

void gelu_tanh(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i)
    x[i] = 0.5f * x[i] * (1.0f + std::tanh(0.7978845608028654f * (x[i] + 0.044715f * x[i] * x[i] * x[i])));
}

void gelu_tanh_backward(const float* x, const float* dy, float* dx, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float v = x[i], th = std::tanh(0.7978845608028654f * (v + 0.044715f * v * v * v));
    dx[i] += dy[i] * (0.5f * (1.0f + th) + 0.5f * v * (1.0f - th * th) * 0.7978845608028654f * (1.0f + 3.0f * 0.044715f * v * v));
  }
}

void gemm_nn_acc_f16(size_t m, size_t n, size_t k, const float* a, size_t lda, const std::uint16_t* b, size_t ldb,
                     float* c, size_t ldc, int shift) {
  for (size_t i = 0; i < m; ++i)
    for (size_t t = 0; t < k; ++t) {
      const float w = a[i * lda + t];
      for (size_t j = 0; j < n; ++j) c[i * ldc + j] += w * std::ldexp(widen_half(b[t * ldb + j]), -shift);
    }
}

void gemm_nt_f16(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda, const std::uint16_t* b,
                 size_t ldb, float* c, size_t ldc) {
  for (size_t i = 0; i < m; ++i)
    for (size_t j = 0; j < n; ++j) {
      float s = 0.f;
      for (size_t t = 0; t < k; ++t) s += a[i * lda + t] * widen_half(b[j * ldb + t]);
      c[i * ldc + j] = alpha * s;
    }
}

void widen_f16(const std::uint16_t* src, float* dst, size_t n, int shift) {
  for (size_t i = 0; i < n; ++i) dst[i] = std::ldexp(widen_half(src[i]), -shift);
}

}  // namespace

extern const KernelTable scalar_kernels = {Isa::scalar,  1,   gemm_nt,       gemm_nn_store, gemm_nn<false>,
                                           gemm_nn<true>, dots_paired, axpy_paired, max, max_abs, exp_shift_sum, scale, transpose,
                                           gelu_tanh,     gelu_tanh_backward, gemm_nn_acc_f16,
                                           gemm_nt_f16,   widen_f16};

}  // namespace attn
