// Choosing the next token from logits: greedy, temperature, top-k, top-p (nucleus), with a seeded generator so
// the same seed gives the same tokens natively and in WebAssembly. Not the model: input is one row of logits.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "attn/core/rng.hpp"
#include "attn/core/status.hpp"

namespace attn {

struct SamplingOptions {
  float temperature = 1.0f;  ///< 0 = greedy (the most likely row; the lowest row on ties)
  std::size_t top_k = 0;     ///< keep the k most likely rows; 0 = all
  float top_p = 1.0f;        ///< keep the fewest most likely rows whose probability sums to ≥ top_p; 1 = all
};

struct SampledToken {
  std::uint32_t row = 0;   ///< the chosen vocabulary row
  double probability = 0;  ///< its probability after temperature, before top-k/top-p truncation
};

/// Checks the options (temperature ≥ 0 and finite, 0 < top_p ≤ 1).
Status validate_sampling(const SamplingOptions& options);

/// Softmax of logits / temperature in double: probs: [V]. temperature 0 puts 1 on the arg max.
void sampling_probabilities(const float* logits, std::size_t vocab, float temperature, std::vector<double>& probs);

/// Draws one row from logits: [V] with options; consumes one draw of rng unless greedy. NaN logits are refused.
Status sample_token(const float* logits, std::size_t vocab, const SamplingOptions& options, Rng& rng,
                    SampledToken& out);

}  // namespace attn
