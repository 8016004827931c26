// The backward pass of scaled dot-product attention, for training: given the forward's softmax weights P and the
// gradient of its output, the gradients of Q, K and V. Beside it, the same in double as the oracle tests use.
// Not the forward (sdpa.hpp) and not the bias's or mask's gradient (masks are constants; masked weights are 0).
//
// With S = scale·Q·Kᵀ (+ bias), P = softmax(S) per row and O = P·V:
//   dV = Pᵀ·dO      dP = dO·Vᵀ      dS = P ⊙ (dP − rowsum(P ⊙ dP))      dQ = scale·dS·K      dK = scale·dSᵀ·Q
// Query heads that share a kv head (grouped-query) add their dK and dV into it.
#pragma once
#include <cstddef>
#include <optional>
#include <vector>

#include "attn/attention/sdpa.hpp"
#include "attn/core/status.hpp"
#include "attn/core/workspace.hpp"
#include "attn/kernels/kernels.hpp"

namespace attn {

struct SdpaBackwardOptions {
  std::optional<float> scale;            ///< as the forward's (default 1/√D)
  const KernelTable* kernels = nullptr;  ///< nullptr = best_kernels()
  std::size_t threads = 1;               ///< splits (batch, kv head) pairs; results do not depend on it
  Workspace* workspace = nullptr;        ///< scratch (3·Lq·Lk floats per thread); nullptr = allocated per call
};

/// q: [B, Lq, H·D], k: [B, Lk, Hkv·D], v: [B, Lk, Hkv·Dv], weights: [B, H, Lq, Lk] (SdpaOptions::weights_bhqk of
/// the forward), dout: [B, Lq, H·Dv] → dq: [B, Lq, H·D], dk: [B, Lk, Hkv·D], dv: [B, Lk, Hkv·Dv], all overwritten.
/// shape.kv_rows must be 0 (k and v dense). Outputs must not alias inputs.
Status sdpa_backward(const SdpaShape& shape, const float* q_blhd, const float* k_blhd, const float* v_blhd,
                     const float* weights_bhqk, const float* dout_blhd, float* dq_blhd, float* dk_blhd,
                     float* dv_blhd, const SdpaBackwardOptions& options = {});

namespace ref {

struct SdpaGradients {
  std::vector<double> dq, dk, dv;  ///< shaped as sdpa_backward's outputs
};

/// The same in double, from the definition (weights recomputed by ref::sdpa with the given mask).
SdpaGradients sdpa_backward(const SdpaShape& shape, const float* q_blhd, const float* k_blhd, const float* v_blhd,
                            const float* dout_blhd, const MaskSpec& mask, std::optional<float> scale);

}  // namespace ref
}  // namespace attn
