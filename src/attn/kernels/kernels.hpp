// The kernel table: the few vector primitives attention is built from, one table per instruction set.
// Not the algorithms (attention/ composes these) and not the choice of arch (dispatch.cpp is the only place).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace attn {
using std::size_t;

/// Instruction sets a table can be built for. `scalar` is plain C++ float loops (no xsimd), always present.
enum class Isa { scalar, sse2, avx2_fma, avx512f, wasm_simd128, neon64 };
const char* isa_name(Isa isa);

/// Function pointers to one arch's kernels. Strides (`ld*`) are in floats; matrices are row-major.
struct KernelTable {
  Isa isa;
  size_t width;  ///< floats per vector register

  /// c[M,N] = alpha · a[M,K] · b[N,K]ᵀ   (scores: a = Q rows, b = K rows). O(M·N·K).
  void (*gemm_nt)(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda, const float* b,
                  size_t ldb, float* c, size_t ldc);
  /// c[M,N] = alpha · a[M,K] · b[K,N]   (scores against a transposed K: b = Kᵀ [D, Lk]).
  void (*gemm_nn)(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda, const float* b, size_t ldb,
                  float* c, size_t ldc);
  /// c[M,N] += a[M,K] · b[K,N]   (projections: a = X, b = W stored [in, out]). IEEE semantics, no skipping.
  void (*gemm_nn_acc)(size_t m, size_t n, size_t k, const float* a, size_t lda, const float* b, size_t ldb,
                      float* c, size_t ldc);
  /// c[M,N] += p[M,K] · v[K,N], skipping terms whose p is exactly 0 — so a masked key's value row (which may
  /// hold NaN or ∞) is never read into the output. Used for weights·V.
  void (*pv_acc)(size_t m, size_t n, size_t k, const float* p, size_t ldp, const float* v, size_t ldv, float* c,
                 size_t ldc);
  /// c[i·ldc] = alpha · dot(a_i[0, k), b_i[0, k)) for i < n, a_i = a + i·lda, b_i = b + i·ldb (ldb 0: one b for
  /// all)   (a decode step's scores: head i's query against head i's part of one key row). Each dot is summed as
  /// gemm_nt sums it: the bits of gemm_nt(1, 1, k, alpha, a_i, ·, b_i, ·, ·, ·).
  void (*dots_paired)(size_t n, size_t k, float alpha, const float* a, size_t lda, const float* b, size_t ldb,
                      float* c, size_t ldc);
  /// c_i[0, k) += x[i·ldx] · b_i[0, k) for i < n, c_i = c + i·ldc, b_i = b + i·ldb (ldb 0: one b for all)
  /// (a decode step's weights·V: head i's output plus its weight on one key times head i's part of that value row).
  /// Each element adds its term as gemm_nn_acc adds one term of its k loop: called for key 0, 1, … in order, it
  /// gives gemm_nn_acc's bits. IEEE semantics, no skipping.
  void (*axpy_paired)(size_t n, size_t k, const float* x, size_t ldx, const float* b, size_t ldb, float* c,
                      size_t ldc);
  /// max over x[0..n); n ≥ 1; NaN if any element is NaN.
  float (*max)(const float* x, size_t n);
  /// max |x[i]| over [0, n) (0 for n = 0); NaN if any element is NaN; ±∞ counts as ∞ unless skip_negative_infinity
  /// skips −∞ elements (a bias's masked cells). Exact: the result is one |x[i]|, whatever the order.
  float (*max_abs)(const float* x, size_t n, bool skip_negative_infinity);
  /// x[i] = exp(x[i] − shift) in place; returns Σ x[i]. shift must be finite and ≥ every x[i] (the row max);
  /// −∞ gives exactly 0, NaN stays NaN.
  float (*exp_shift_sum)(float* x, size_t n, float shift);
  /// x[i] *= a.
  void (*scale)(float* x, size_t n, float a);
  /// dst[c, r] = src[r, c] for r < rows, c < cols   (keys [Lk, D] → Kᵀ [D, Lk] for the NN score kernel).
  void (*transpose)(size_t rows, size_t cols, const float* src, size_t lds, float* dst, size_t ldd);
  /// x[i] = GELU(x[i]) in GPT-2's tanh form: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
  void (*gelu_tanh)(float* x, size_t n);
  /// dx[i] += dy[i] · GELU_tanh'(x[i]), the derivative written with 1 − tanh² (no overflow for large |x|).
  void (*gelu_tanh_backward)(const float* x, const float* dy, float* dx, size_t n);

  // Weights kept as binary16 (IEEE half) bit patterns and widened to float32 in registers: a decode step reads half
  // the bytes. Halves must be finite (normal, subnormal or ±0): the model keeps a matrix holding ±∞/NaN as float32.
  // Each sums in the order of its float32 twin, so it gives the same bits as that twin on the widened matrix.
  // shift (0 ≤ shift ≤ 24): b holds the halves of w·2^shift and the kernel reads w = widen(b)·2^−shift, exactly —
  // PackedMatrix::f16_shift moves a matrix's subnormal halves into the normal range (matmul.hpp).
  /// c[M,N] += a[M,K] · widen(b[K,N])·2^−shift   (gemm_nn_acc's twin: a decode step's projections).
  void (*gemm_nn_acc_f16)(size_t m, size_t n, size_t k, const float* a, size_t lda, const std::uint16_t* b, size_t ldb,
                          float* c, size_t ldc, int shift);
  /// c[M,N] = alpha · a[M,K] · widen(b[N,K])ᵀ   (gemm_nt's twin: the LM head on binary16 wte rows).
  void (*gemm_nt_f16)(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda, const std::uint16_t* b,
                      size_t ldb, float* c, size_t ldc);
  /// dst[i] = widen(src[i])·2^−shift   (a panel widened once for a prefill's GEMM, an embedding row).
  void (*widen_f16)(const std::uint16_t* src, float* dst, size_t n, int shift);
};

/// A binary16 bit pattern's value as float32, exactly (finite halves: what the *_f16 kernels accept). Scalar.
float widen_half(std::uint16_t bits);

/// The vector exp's constants (simd/kernels_simd.hpp; defined in exp_constants.cpp): 1.5·2^23, log2 e, −ln 2 in two
/// parts, the Taylor coefficients 1/720 … 1/2 and 1, and the flush threshold −87.
extern const float kExpConstants[11];

/// The table for `isa`, or nullptr when this build or this CPU cannot run it.
const KernelTable* table_for(Isa isa);
/// Every Isa this build can run on this CPU, best last (`scalar` first).
std::vector<Isa> available_isas();
/// The best table for this CPU (chosen once, by xsimd's dispatcher natively; wasm SIMD128 in WebAssembly).
const KernelTable& best_kernels();

}  // namespace attn
