// The scalar oracle for attention: plain, unoptimised double-precision transcriptions of SDPA and of the
// multi-head block (projections + SDPA + output projection).
// Not fast and never used by the product's fast paths; tests compare every kernel, arch and path against it.
#pragma once
#include <optional>
#include <vector>

#include "attn/attention/mha.hpp"
#include "attn/attention/sdpa.hpp"

namespace attn::ref {

struct SdpaResult {
  std::vector<double> out;      ///< [B, Lq, H·Dv]
  std::vector<double> weights;  ///< [B, H, Lq, Lk], 0 where masked
  std::vector<double> lse;      ///< [B, H, Lq], −∞ for a row with no visible key
};

/// Same contract as attn::sdpa (shapes, masks via attn::is_visible, empty rows → zeros), computed in double:
/// each visible logit s = scale·Σ q·k + bias, then max-subtracted softmax, then Σ w·v over visible keys only.
SdpaResult sdpa(const SdpaShape& shape, const float* q_blhd, const float* k_blhd, const float* v_blhd,
                const MaskSpec& mask, std::optional<float> scale);

/// y[r, c] = b[c] + Σ_i x[r, i]·w[i, c] in double. x: [rows, in], w: [in, out], b: [out] or empty → y: [rows, out].
std::vector<double> project(const std::vector<double>& x, std::size_t rows, std::size_t in, const std::vector<float>& w,
                            const std::vector<float>& b, std::size_t out);

/// The multi-head block composed from the oracle: positions added in double, projections in double, ref::sdpa
/// (inputs rounded to float as the module stores them), output projection in double.
/// x: [B, L, E] self-attention from position `first` → [B, L, E].
std::vector<double> mha(const MultiHeadAttention& m, const std::vector<float>& x, std::size_t batch, std::size_t len,
                        const MaskSpec& mask, std::size_t first = 0);

}  // namespace attn::ref
