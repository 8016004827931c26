// Softmax over attention logits, the two ways the implementations need it: a whole row at once, and online over
// key tiles (running max and sum, FlashAttention-style), with the library's empty-row rule in both.
// Not masking (masks.hpp sets −∞ first) and not the vector math (the kernel table's max, exp, scale do the work).
//
// softmax(x)_j = exp(x_j − m) / Σ_k exp(x_k − m) with m = max_k x_k (subtracting m keeps exp in range);
// log-sum-exp = m + log Σ_k exp(x_k − m). A row whose every logit is −∞ sees no key: weights 0, lse −∞, no NaN.
// Online: after a tile with max m_t, m' = max(m, m_t); what was summed so far is scaled by exp(m − m'), and so
// must be the output accumulated so far (update() returns that factor).
#pragma once
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>

#include "attn/kernels/kernels.hpp"

namespace attn {

inline constexpr float kNoKey = -std::numeric_limits<float>::infinity();

/// In place: logits row [n] → softmax weights; returns its log-sum-exp (−∞ and zeros for a row of −∞ only).
inline float softmax_row(const KernelTable& kt, float* row, std::size_t n) {
  const float m = kt.max(row, n);
  if (m == kNoKey) {
    std::memset(row, 0, n * sizeof(float));
    return kNoKey;
  }
  const float sum = kt.exp_shift_sum(row, n, m);
  kt.scale(row, n, 1.0f / sum);
  return m + std::log(sum);
}

/// One query row's running state while key tiles stream past (fused attention).
struct OnlineSoftmax {
  float max = kNoKey;  ///< largest logit seen so far
  float sum = 0.0f;    ///< Σ exp(logit − max) over the keys seen so far

  /// tile: this row's masked logits for the next keys [n], in place → exp(logit − new max) (zeros when the tile
  /// shows the row no key: then nothing changes). Returns the factor the row's accumulated output must be scaled
  /// by (1 when the max did not move).
  float update(const KernelTable& kt, float* tile, std::size_t n) {
    const float tile_max = kt.max(tile, n);
    if (tile_max == kNoKey) {
      std::memset(tile, 0, n * sizeof(float));
      return 1.0f;
    }
    const float new_max = (tile_max != tile_max || tile_max > max) ? tile_max : max;  // NaN propagates
    const float correction = new_max == max ? 1.0f : std::exp(max - new_max);
    sum = sum * correction + kt.exp_shift_sum(tile, n, new_max);
    max = new_max;
    return correction;
  }

  bool saw_a_key() const { return sum != 0.0f; }
  /// The row's log-sum-exp (−∞ when it saw no key).
  float lse() const { return saw_a_key() ? max + std::log(sum) : kNoKey; }
};

}  // namespace attn
