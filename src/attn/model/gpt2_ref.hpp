// The float64 oracle of GPT-2's forward pass: plain loops over Gpt2Weights, every sum in double, no kernels, no
// threads, no KV cache. Not fast: tests hold the runtime (gpt2.hpp) to it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "attn/model/gpt2.hpp"

namespace attn {

struct Gpt2Reference {
  std::vector<double> logits;     ///< [T, V]
  std::vector<double> attention;  ///< [L, H, T, T], zeros above the diagonal
  std::vector<double> residual;   ///< [L + 1, T, C]
};

/// rows: vocabulary rows (not GPT-2 ids), T = rows.size() ≤ context.
Gpt2Reference gpt2_reference(const Gpt2Config& config, const Gpt2Weights& weights, const std::vector<std::uint32_t>& rows);

}  // namespace attn
