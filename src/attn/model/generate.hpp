// Text generation with a GPT-2 model: prefill the prompt into a session, then one token per step (sampled as
// attn/model/sampling.hpp says), stopping at max_tokens, a stop token, or when the caller says so.
// Not tokenization: ids in and out are GPT-2 ids.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "attn/model/gpt2.hpp"
#include "attn/model/sampling.hpp"

namespace attn {

struct GenerateOptions {
  std::size_t max_tokens = 16;
  SamplingOptions sampling;             ///< temperature 1, no truncation; temperature 0 = greedy
  std::uint64_t seed = 0;               ///< the same seed gives the same tokens, natively and in wasm
  std::vector<std::uint32_t> stop_ids;  ///< GPT-2 ids that end generation (the stop token is reported, not fed)
  std::size_t threads = 1;
  const KernelTable* kernels = nullptr;
};

/// One generated token and the distribution it was drawn from.
struct GenerationStep {
  std::size_t index = 0;       ///< 0 for the first generated token
  std::uint32_t gpt2_id = 0;
  double probability = 0;      ///< of the chosen token, after temperature
  bool stop = false;           ///< the token is one of stop_ids (generation ends after it)
  const float* logits = nullptr;  ///< [V] the step's logits (local vocabulary rows), valid during the callback
  std::size_t vocab = 0;
};

/// Generates after prompt (n ≥ 1 ids, n + max_tokens ≤ context is not required: generation stops at the context).
/// on_step may be null; returning false from it stops generation. out receives the generated GPT-2 ids.
Status generate(const Gpt2Model& model, const std::uint32_t* prompt, std::size_t n, const GenerateOptions& options,
                std::vector<std::uint32_t>& out, const std::function<bool(const GenerationStep&)>& on_step = nullptr);

}  // namespace attn
