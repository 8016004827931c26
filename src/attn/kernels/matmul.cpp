// matmul_bias over packed or plain weights (see matmul.hpp).
#include "attn/kernels/matmul.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "attn/core/parallel.hpp"

namespace attn {
namespace {

constexpr std::size_t kRowBlock = 128, kFewRows = 16;

void fill_bias(float* y, std::size_t rows, std::size_t out, const float* b) {
  for (std::size_t r = 0; r < rows; ++r)
    if (b) std::memcpy(y + r * out, b, out * sizeof(float));
    else std::fill(y + r * out, y + (r + 1) * out, 0.0f);
}

}  // namespace

PackedMatrix::PackedMatrix(const float* w, std::size_t in, std::size_t out) { pack(w, in, out); }

namespace {
/// Copies w: [in, out] (transposed = false) or the transpose of w: [out, in] (true) into dst in the panel order of a
/// PackedMatrix of shape [in, out] (offset(j, s) → panel start).
template <class T, class Offset>
void pack_panels(const T* w, std::size_t in, std::size_t out, T* dst, const Offset& offset, bool transposed = false) {
  for (std::size_t j = 0; j * PackedMatrix::kPanel < out; ++j)
    for (std::size_t s = 0; s * PackedMatrix::kSlice < in; ++s) {
      const std::size_t nc = std::min(PackedMatrix::kPanel, out - j * PackedMatrix::kPanel);
      const std::size_t kc = std::min(PackedMatrix::kSlice, in - s * PackedMatrix::kSlice);
      const std::size_t i0 = s * PackedMatrix::kSlice, o0 = j * PackedMatrix::kPanel;
      T* p = dst + offset(j, s);
      if (!transposed)
        for (std::size_t t = 0; t < kc; ++t) std::memcpy(p + t * nc, w + (i0 + t) * out + o0, nc * sizeof(T));
      else  // rows of wt read front to back; the writes stay inside one panel (in L1)
        for (std::size_t c = 0; c < nc; ++c)
          for (std::size_t t = 0; t < kc; ++t) p[t * nc + c] = w[(o0 + c) * in + i0 + t];
    }
}
}  // namespace

void PackedMatrix::pack(const float* w, std::size_t in, std::size_t out) {
  in_ = in, out_ = out, f16_shift_ = 0;
  half_ = {};
  data_.resize(in * out);  // within the capacity of an earlier pack: no allocation, nothing zeroed
  pack_panels(w, in, out, data_.data(), [this](std::size_t j, std::size_t s) { return offset(j, s); });
}

void PackedMatrix::pack_f16(const std::uint16_t* w, std::size_t in, std::size_t out) {
  in_ = in, out_ = out;
  data_ = {};
  half_.resize(in * out);
  pack_panels(w, in, out, half_.data(), [this](std::size_t j, std::size_t s) { return offset(j, s); });
  shift_subnormals();
}

void PackedMatrix::pack_transposed(const float* wt, std::size_t in, std::size_t out) {
  in_ = in, out_ = out;
  half_ = {};
  data_.resize(in * out);
  pack_panels(wt, in, out, data_.data(), [this](std::size_t j, std::size_t s) { return offset(j, s); }, true);
  f16_shift_ = 0;
}

void PackedMatrix::pack_f16_transposed(const std::uint16_t* wt, std::size_t in, std::size_t out) {
  in_ = in, out_ = out;
  data_ = {};
  half_.resize(in * out);
  pack_panels(wt, in, out, half_.data(), [this](std::size_t j, std::size_t s) { return offset(j, s); }, true);
  shift_subnormals();
}

void PackedMatrix::shift_subnormals() {
  // A half's exponent as binary16 would store it once normalised: 1 … 30 for normal halves, −9 … 0 for subnormal
  // ones (fraction f, value f·2^−24 = 2^(p − 24)·(f / 2^p) with p = ⌊log2 f⌋ ≤ 9: p fraction bits, which fit).
  const auto exponent = [](std::uint16_t mag) { return std::ilogb(widen_half(mag)) + 15; };
  f16_shift_ = 0;
  // Magnitudes order as values do, so the smallest nonzero and the largest give the exponent range.
  std::uint16_t smallest = 0x7fff, largest = 0;
  for (const std::uint16_t h : half_) {
    const std::uint16_t mag = h & 0x7fff;
    largest = std::max(largest, mag);
    smallest = std::min(smallest, mag ? mag : std::uint16_t(0x7fff));  // ±0 widens to ±0 in every kernel
  }
  if (smallest >= 0x400 || largest == 0) return;  // no subnormal half: nothing to move
  const int shift = 1 - exponent(smallest);
  if (exponent(largest) + shift > 30) return;  // the range does not fit once shifted: kept as is
  std::vector<std::uint16_t> moved(largest + 1u);  // magnitude → shifted magnitude (those present: 0 and smallest …)
  for (int mag = smallest; mag <= largest; ++mag) {
    const int e = exponent(std::uint16_t(mag));
    const int fraction = mag >= 0x400 ? mag & 0x3ff : (mag << (10 - (e + 9))) & 0x3ff;
    moved[std::size_t(mag)] = std::uint16_t(((e + shift) << 10) | fraction);
  }
  for (std::uint16_t& h : half_) h = std::uint16_t((h & 0x8000) | moved[h & 0x7fff]);
  f16_shift_ = shift;
}

float PackedMatrix::at(std::size_t i, std::size_t o) const {
  const std::size_t j = o / kPanel, s = i / kSlice;
  const std::size_t k = offset(j, s) + (i - s * kSlice) * strip_width(j) + (o - j * kPanel);
  return is_f16() ? std::ldexp(widen_half(half_[k]), -f16_shift_) : data_[k];
}

std::vector<float> PackedMatrix::unpack() const {
  std::vector<float> w(in_ * out_);
  for (std::size_t i = 0; i < in_; ++i)
    for (std::size_t o = 0; o < out_; ++o) w[i * out_ + o] = at(i, o);
  return w;
}

void matmul_bias(const KernelTable& kt, const float* x, std::size_t rows, const PackedMatrix& w, const float* b,
                 float* y, std::size_t threads, Workspace* ws) {
  const std::size_t in = w.in(), out = w.out();
  const std::size_t strips = (out + PackedMatrix::kPanel - 1) / PackedMatrix::kPanel;
  const std::size_t slices = (in + PackedMatrix::kSlice - 1) / PackedMatrix::kSlice;
  fill_bias(y, rows, out, b);
  // One strip's output columns of one row block accumulate over every input slice while they sit in L1.
  // widened: room for one binary16 panel as float32 (null for float32 matrices and for few rows).
  const auto strip = [&](std::size_t r0, std::size_t nr, std::size_t j, float* widened) {
    for (std::size_t s = 0; s < slices; ++s) {
      const std::size_t k0 = s * PackedMatrix::kSlice, kc = std::min(PackedMatrix::kSlice, in - k0);
      const std::size_t nc = w.strip_width(j);
      const float* xs = x + r0 * in + k0;
      float* ys = y + r0 * out + j * PackedMatrix::kPanel;
      if (!w.is_f16()) {
        kt.gemm_nn_acc(nr, nc, kc, xs, in, w.panel(j, s), nc, ys, out);
      } else if (!widened) {
        kt.gemm_nn_acc_f16(nr, nc, kc, xs, in, w.panel_f16(j, s), nc, ys, out, w.f16_shift());
      } else {
        kt.widen_f16(w.panel_f16(j, s), widened, kc * nc, w.f16_shift());
        kt.gemm_nn_acc(nr, nc, kc, xs, in, widened, nc, ys, out);
      }
    }
  };
  if (rows < kFewRows) {  // a decode step: every panel read once; column strips are the unit of work
    parallel_for(strips, threads, [&](std::size_t j, std::size_t) { strip(0, rows, j, nullptr); });
    return;
  }
  // Work items are (row block, group of strips): enough of them that every thread gets several even at 128 rows.
  const std::size_t blocks = (rows + kRowBlock - 1) / kRowBlock;
  const std::size_t groups = std::min(strips, std::max<std::size_t>(1, 4 * worker_count(strips, threads) / blocks));
  const std::size_t per_group = (strips + groups - 1) / groups;
  // A binary16 matrix: room for one widened panel per worker, taken before the loop (the workspace is one thread's).
  constexpr std::size_t kPanelFloats = PackedMatrix::kSlice * PackedMatrix::kPanel;
  Workspace own;
  Workspace& room = ws ? *ws : own;
  const Workspace::Frame frame(room);
  float* widened = w.is_f16() ? room.take<float>(worker_count(blocks * groups, threads) * kPanelFloats) : nullptr;
  parallel_for(blocks * groups, threads, [&](std::size_t item, std::size_t worker) {
    const std::size_t block = item / groups, group = item % groups;
    const std::size_t r0 = block * kRowBlock, nr = std::min(kRowBlock, rows - r0);
    for (std::size_t j = group * per_group; j < std::min(strips, (group + 1) * per_group); ++j)
      strip(r0, nr, j, widened ? widened + worker * kPanelFloats : nullptr);
  });
}

void matmul_bias(const KernelTable& kt, const float* x, std::size_t rows, std::size_t in, const float* w,
                 const float* b, std::size_t out, float* y, std::size_t threads) {
  if (rows < kFewRows) {  // too few rows to repay a copy: read W in place, column blocks over threads
    fill_bias(y, rows, out, b);
    constexpr std::size_t kColumnBlock = 256;
    parallel_for((out + kColumnBlock - 1) / kColumnBlock, threads, [&](std::size_t block, std::size_t) {
      const std::size_t j0 = block * kColumnBlock, nc = std::min(kColumnBlock, out - j0);
      kt.gemm_nn_acc(rows, nc, in, x, in, w + j0, out, y + j0, out);
    });
    return;
  }
  matmul_bias(kt, x, rows, PackedMatrix(w, in, out), b, y, threads);
}

void matmul_bias(const KernelTable& kt, const float* x, std::size_t rows, std::size_t in, const float* w,
                 const float* b, std::size_t out, float* y, std::size_t threads, PackedMatrix& pack) {
  if (rows < kFewRows) return matmul_bias(kt, x, rows, in, w, b, out, y, threads);
  pack.pack(w, in, out);
  matmul_bias(kt, x, rows, pack, b, y, threads);
}

}  // namespace attn
