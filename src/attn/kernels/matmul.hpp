// The projection every layer runs, y = x·W + b, on weights packed once into the panels the kernel table's GEMM
// streams best. Not a kernel itself (kernels.hpp) and not a layer (attn/nn, attention/mha and the model use it).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "attn/core/workspace.hpp"
#include "attn/kernels/kernels.hpp"

namespace attn {

/// W: [in, out] rearranged once into dense panels: panel (j, s) holds W[s·kSlice + t, j·kPanel + c] for
/// t < kc, c < nc as a [kc, nc] block, panels of one column strip j after each other. A panel stays in L1 while a
/// block of rows streams past it (prefill), and a decode step reads each panel once, front to back.
/// Stored as float32, or as binary16 (pack_f16: half the bytes for a decode step to read; finite halves only).
/// A binary16 matrix with subnormal halves is stored as W·2^f16_shift() when every value then fits the normal range
/// (exactly: subnormals have spare fraction bits): kernels without a conversion instruction read a subnormal half as a
/// float32 subnormal, which x86 multiplies through microcode (in wasm, a gpt2-small-shaped decode step with 0.06–0.3 %
/// subnormal weights took 19.4 ms, 16.3 ms shifted); the kernels take the shift and give the same bits either way.
class PackedMatrix {
 public:
  static constexpr std::size_t kSlice = 128, kPanel = 64;

  PackedMatrix() = default;
  /// w: [in, out] row-major.
  PackedMatrix(const float* w, std::size_t in, std::size_t out);
  /// Packs w: [in, out] into this matrix, reusing its memory (a trainer repacks changing weights every step).
  void pack(const float* w, std::size_t in, std::size_t out);
  /// Packs w: [in, out] binary16 bit patterns, kept as such (every one finite: the kernels widen finite halves only).
  void pack_f16(const std::uint16_t* w, std::size_t in, std::size_t out);
  /// Packs the transpose of wt: [out, in] (a table whose rows are W's columns, as an LM head [V, C] is), float32 or
  /// binary16 as pack / pack_f16; no transposed copy is made.
  void pack_transposed(const float* wt, std::size_t in, std::size_t out);
  void pack_f16_transposed(const std::uint16_t* wt, std::size_t in, std::size_t out);

  std::size_t in() const { return in_; }
  std::size_t out() const { return out_; }
  bool empty() const { return data_.empty() && half_.empty(); }
  bool is_f16() const { return !half_.empty(); }
  /// The binary16 panels hold W·2^f16_shift() (0: W itself); pass it to the *_f16 kernels.
  int f16_shift() const { return f16_shift_; }
  /// Bytes of weights held (what a decode step reads).
  std::size_t bytes() const { return data_.size() * sizeof(float) + half_.size() * sizeof(std::uint16_t); }
  /// Panel of column strip j (columns j·kPanel …) and input slice s (rows s·kSlice …): [kc, nc]. Float32 matrices.
  const float* panel(std::size_t j, std::size_t s) const { return data_.data() + offset(j, s); }
  /// The same panel of a binary16 matrix (holding W·2^f16_shift()).
  const std::uint16_t* panel_f16(std::size_t j, std::size_t s) const { return half_.data() + offset(j, s); }
  std::size_t strip_width(std::size_t j) const { return out_ - j * kPanel < kPanel ? out_ - j * kPanel : kPanel; }
  /// W[i, o] (for references and export; not for loops that need speed).
  float at(std::size_t i, std::size_t o) const;
  /// W back as [in, out].
  std::vector<float> unpack() const;

 private:
  std::size_t offset(std::size_t j, std::size_t s) const { return j * kPanel * in_ + s * kSlice * strip_width(j); }
  void shift_subnormals();
  std::size_t in_ = 0, out_ = 0;
  int f16_shift_ = 0;
  std::vector<float> data_;          // float32 panels, or empty
  std::vector<std::uint16_t> half_;  // binary16 panels, or empty
};

/// y: [rows, out] = x: [rows, in] · w + b: [out] (b may be null: no bias). Work is split over `threads` (as
/// SdpaOptions::threads): row blocks for many rows, column strips for a few; the bits do not depend on the split.
/// A binary16 w gives the bits of its float32 widening: a few rows widen in registers (gemm_nn_acc_f16), a block of
/// rows widens each panel once into float32 (one panel's room per worker, from ws) and runs gemm_nn_acc.
/// ws: that room; nullptr = allocated per call (a caller that must not allocate passes its workspace).
void matmul_bias(const KernelTable& kt, const float* x, std::size_t rows, const PackedMatrix& w, const float* b,
                 float* y, std::size_t threads, Workspace* ws = nullptr);

/// The same on an unpacked w: [in, out], packing it on the fly (a block of rows reuses each panel it copies).
void matmul_bias(const KernelTable& kt, const float* x, std::size_t rows, std::size_t in, const float* w,
                 const float* b, std::size_t out, float* y, std::size_t threads);
/// The same, packing into `pack` (its memory reused from call to call: no allocation in a steady loop).
void matmul_bias(const KernelTable& kt, const float* x, std::size_t rows, std::size_t in, const float* w,
                 const float* b, std::size_t out, float* y, std::size_t threads, PackedMatrix& pack);

}  // namespace attn
