// What an attention head does, measured: previous-token and induction scores, and the attention mass a query row
// puts on chosen key tokens minus a positional control. Works on any model's attention (ours or a user's GPT-2).
// Not a probe generator (the corpus tools choose the rows and keys) and not a model: inputs are attention weights.
//
// Definitions (one sequence of T tokens; a: [L, H, T, T], a[l][h][i][j] = weight of key j for query i):
//  - previous-token score = mean over i ≥ 1 of a[i, i−1] (for causal rows that sum to 1 this equals the
//    Σ(pattern ⊙ detection) / Σ pattern form used by interpretability tools);
//  - induction score on [BOS, x₁…x_P, x₁…x_P] = mean over the second copy i ∈ [P+1, 2P] of a[i, i−P+1], the token
//    right after the current token's previous occurrence;
//  - key mass of a probe (query row q, key positions K) = Σ_{k∈K} a[q, k]; its control = the same head's mass at
//    the same offsets q−k from every control row r (Σ_k a[r, r−(q−k)], offsets reaching before 0 count 0),
//    averaged; lift = mass − control. Without the control a head that looks a few tokens back scores high for free.
#pragma once
#include <cstddef>
#include <vector>

#include "attn/core/status.hpp"

namespace attn {

/// Attention weights of every layer and head for one sequence: a: [L, H, T, T], row-major, rows sum to 1 where
/// the query sees any key.
struct AttentionStack {
  std::size_t layers = 0, heads = 0, len = 0;
  const float* a_lhqk = nullptr;

  float at(std::size_t l, std::size_t h, std::size_t i, std::size_t j) const {
    return a_lhqk[((l * heads + h) * len + i) * len + j];
  }
};

/// Running means per head ([L·H], head (l, h) at l·H + h), so scores can be averaged over many sequences.
struct HeadScores {
  std::size_t layers = 0, heads = 0;
  std::vector<double> sum;  ///< [L·H]
  std::size_t count = 0;    ///< terms added per head

  double mean(std::size_t l, std::size_t h) const { return count ? sum[l * heads + h] / double(count) : 0.0; }
};

/// One probe: the query row and the key positions whose mass is measured (all < query, or = query).
struct KeyProbe {
  std::size_t query = 0;
  std::vector<std::size_t> keys;
};

/// Mass, control and lift per head for a set of probes (each a mean over the probes added).
struct LiftScores {
  HeadScores mass, control;
  double lift(std::size_t l, std::size_t h) const { return mass.mean(l, h) - control.mean(l, h); }
};

/// Adds a[i, i−1] for i ≥ 1 of every head to `scores` (T − 1 terms). Errors on a malformed stack.
Status add_previous_token_scores(const AttentionStack& a, HeadScores& scores);

/// Adds a[i, i−period+1] for i in the second copy [period+1, 2·period] (needs T ≥ 2·period + 1: BOS, two copies).
Status add_induction_scores(const AttentionStack& a, std::size_t period, HeadScores& scores);

/// Adds each probe's key mass and its positional control; control rows are the rows whose flag is 1 in
/// control_rows ([T]: ordinary tokens, not probe rows). Errors when a position is out of range or no control row exists.
Status add_key_mass(const AttentionStack& a, const std::vector<KeyProbe>& probes,
                    const std::vector<unsigned char>& control_rows, LiftScores& scores);

}  // namespace attn
