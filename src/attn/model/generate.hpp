// Text generation with a GPT-2 model: prefill the prompt into a session, then one token per step (sampled as
// attn/model/sampling.hpp says), stopping at max_tokens, a stop token, the context's end, or when the caller says so.
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
  bool last = false;           ///< generation ends after this token: a stop token, max_tokens, or the context is full
  std::size_t position = 0;    ///< tokens the session has read (the prompt and every token before this one)
  const float* logits = nullptr;  ///< [V] the step's logits (local vocabulary rows), valid until the next step
  std::size_t vocab = 0;
};

/// A generation in progress, one token per next(): the first call reads the prompt, each later one feeds back the
/// token before and samples the next. The one loop behind generate() and the wasm binding's async iterator.
class Generator {
 public:
  /// model must outlive the generator; prompt: n ≥ 1 GPT-2 ids (checked by the first next()).
  Generator(const Gpt2Model& model, std::vector<std::uint32_t> prompt, GenerateOptions options);
  /// The next token; refused when done() (or with the reason the prompt or the options are bad).
  Status next(GenerationStep& step);
  /// Whether the last step was the last one (GenerationStep::last), or max_tokens is 0.
  bool done() const { return done_; }

 private:
  const Gpt2Model* model_;
  GenerateOptions options_;
  std::vector<std::uint32_t> prompt_;
  Gpt2Session session_;
  Gpt2ForwardResult forward_;
  Rng rng_;
  std::size_t produced_ = 0;
  std::uint32_t last_id_ = 0;
  bool done_ = false;
};

/// Generates after prompt (n ≥ 1 ids, n + max_tokens ≤ context is not required: generation stops at the context).
/// on_step may be null; returning false from it stops generation. out receives the generated GPT-2 ids.
Status generate(const Gpt2Model& model, const std::uint32_t* prompt, std::size_t n, const GenerateOptions& options,
                std::vector<std::uint32_t>& out, const std::function<bool(const GenerationStep&)>& on_step = nullptr);

}  // namespace attn
