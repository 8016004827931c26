// The scalar oracle for attention: a plain, unoptimised double-precision transcription of the definition.
// Not fast and never used by the product's fast paths; tests compare every kernel, arch and path against it.
#pragma once
#include <optional>
#include <vector>

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

}  // namespace attn::ref
