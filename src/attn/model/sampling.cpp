// Sampling: probabilities in double, truncation by rank, one uniform draw from attn::Rng (exact on every platform).
#include "attn/model/sampling.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

namespace attn {

Status validate_sampling(const SamplingOptions& o) {
  if (!(o.temperature >= 0.0f) || !std::isfinite(o.temperature))
    return Status::invalid_argument("temperature: expected a finite number >= 0, received " + std::to_string(o.temperature));
  if (!(o.top_p > 0.0f && o.top_p <= 1.0f))
    return Status::invalid_argument("top_p: expected a number in (0, 1], received " + std::to_string(o.top_p));
  return Status::success();
}

void sampling_probabilities(const float* logits, std::size_t vocab, float temperature, std::vector<double>& probs) {
  probs.assign(vocab, 0.0);
  const std::size_t best = std::size_t(std::max_element(logits, logits + vocab) - logits);
  if (temperature == 0.0f) {
    probs[best] = 1.0;
    return;
  }
  const double top = logits[best];
  double z = 0;
  for (std::size_t v = 0; v < vocab; ++v) z += probs[v] = std::exp((double(logits[v]) - top) / double(temperature));
  for (double& p : probs) p /= z;
}

Status sample_token(const float* logits, std::size_t vocab, const SamplingOptions& options, Rng& rng,
                    SampledToken& out) {
  if (Status st = validate_sampling(options); !st.ok()) return st;
  if (!logits || vocab == 0) return Status::invalid_argument("logits: empty");
  for (std::size_t v = 0; v < vocab; ++v)
    if (std::isnan(logits[v])) return Status::invalid_data("logits: NaN at row " + std::to_string(v));
  std::vector<double> probs;
  sampling_probabilities(logits, vocab, options.temperature, probs);
  if (options.temperature == 0.0f) {
    out.row = std::uint32_t(std::max_element(probs.begin(), probs.end()) - probs.begin());
    out.probability = 1.0;
    return Status::success();
  }
  // Rows by probability, most likely first (lower row first on ties: a total order, so the unstable sorts give the
  // one answer), then the truncations. top_k orders only the rows it keeps (50,257 rows are a few ms in wasm).
  std::vector<std::uint32_t> order(vocab);
  std::iota(order.begin(), order.end(), 0u);
  const auto before = [&](std::uint32_t a, std::uint32_t b) { return probs[a] > probs[b] || (probs[a] == probs[b] && a < b); };
  std::size_t keep = options.top_k ? std::min(options.top_k, vocab) : vocab;
  if (keep < vocab) std::partial_sort(order.begin(), order.begin() + std::ptrdiff_t(keep), order.end(), before);
  else std::sort(order.begin(), order.end(), before);
  if (options.top_p < 1.0f) {
    double mass = 0;
    std::size_t n = 0;
    while (n < keep && mass < double(options.top_p)) mass += probs[order[n++]];
    keep = std::max<std::size_t>(n, 1);
  }
  double total = 0;
  for (std::size_t i = 0; i < keep; ++i) total += probs[order[i]];
  // u in [0, 1): 53 random bits, exact in double.
  const double u = double(rng.next_u64() >> 11) * (1.0 / 9007199254740992.0) * total;
  double acc = 0;
  std::size_t pick = keep - 1;
  for (std::size_t i = 0; i < keep; ++i)
    if ((acc += probs[order[i]]) > u) {
      pick = i;
      break;
    }
  out.row = order[pick];
  out.probability = probs[out.row];
  return Status::success();
}

}  // namespace attn
