// What a model's heads do, measured on the corpus's held-out probes: per head the previous-token and induction
// scores, the noun→adjective and pronoun→antecedent lifts (English and Chinese), and the behaviour those heads
// serve (P of the right verb after the noun / the pronoun, the loss on the second copy of a repeated span).
// Works for any GPT-2 the runtime loads (ours or a user's). Not the metric definitions (model/head_metrics.hpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "attn/core/rng.hpp"
#include "attn/core/status.hpp"
#include "attn/model/gpt2.hpp"
#include "attn/train/corpus.hpp"

namespace attn::train {

/// Per-head values are [L·H], head (l, h) at l·H + h.
struct HeadReport {
  std::size_t layers = 0, heads = 0;
  std::vector<double> previous_token, induction;
  double induction_loss = 0;  ///< mean −log p of each next token inside the second copy (nats)
  struct Lift {
    std::vector<double> mass, control, lift;
    std::size_t probes = 0;
    /// Mean P(a right next token | the probe row), summed over the probe's right_next: the behaviour the heads
    /// serve (after a noun, any cue adjective's verb).
    double p_next = 0;
  };
  /// Noun → its cue adjectives (quality and colours, not the size distractor); pronoun → the antecedent's name.
  Lift noun_en, noun_zh, pronoun_en, pronoun_zh;
  /// Noun → the quality adjective alone (one of the cues).
  Lift quality_en, quality_zh;

  /// The head with the largest value of `values`.
  std::size_t best(const std::vector<double>& values) const;
  /// One JSON object (what the model file's metadata and the page read).
  std::string to_json() const;
};

struct HeadReportOptions {
  std::size_t documents = 300;        ///< held-out story documents the lifts are averaged over
  /// Random tokens per copy (drawn from span_tokens()): sequences are [BOS, x, x] (2·period + 1 ≤ context).
  std::size_t induction_period = 30;
  std::size_t induction_sequences = 16;
  /// Draw the random tokens from the first induction_pool of span_tokens() (0: all): a model trained with
  /// CorpusOptions::span_pool knows only those.
  std::size_t induction_pool = 0;
  std::uint64_t seed = 7;  ///< corpus seed of the held-out split and the random induction tokens
  std::size_t threads = 1;
};

/// A repeated random sequence [BOS, x₁…x_P, x₁…x_P] of GPT-2 ids, x drawn uniformly from `pool` with `rng`: the
/// probe the induction score and the second-copy loss are measured on.
std::vector<std::uint32_t> repeated_probe(const std::vector<std::uint32_t>& pool, std::size_t period, Rng& rng);

/// Runs `model` (with every attention matrix kept) over held-out documents and random repeated sequences.
Status measure_heads(const Gpt2Model& model, const tok::Gpt2Tokenizer& tokenizer, const HeadReportOptions& options,
                     HeadReport& out);

}  // namespace attn::train
