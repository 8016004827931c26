// Head metrics: plain loops over attention weights (see head_metrics.hpp for the definitions).
#include "attn/model/head_metrics.hpp"

#include <string>

namespace attn {
namespace {

Status check_stack(const AttentionStack& a) {
  if (!a.a_lhqk) return Status::invalid_argument("attention: null weights");
  if (a.layers == 0 || a.heads == 0 || a.len == 0)
    return Status::invalid_argument("attention: layers, heads and len must be > 0");
  return Status::success();
}

void prepare(const AttentionStack& a, HeadScores& s) {
  if (s.sum.empty()) {
    s.layers = a.layers, s.heads = a.heads;
    s.sum.assign(a.layers * a.heads, 0.0);
  }
}

Status check_same_heads(const AttentionStack& a, const HeadScores& s) {
  if (!s.sum.empty() && (s.layers != a.layers || s.heads != a.heads))
    return Status::invalid_argument("scores: accumulated for " + std::to_string(s.layers) + "x" +
                                    std::to_string(s.heads) + " heads, given " + std::to_string(a.layers) + "x" +
                                    std::to_string(a.heads));
  return Status::success();
}

}  // namespace

Status add_previous_token_scores(const AttentionStack& a, HeadScores& scores) {
  if (Status st = check_stack(a); !st.ok()) return st;
  if (Status st = check_same_heads(a, scores); !st.ok()) return st;
  if (a.len < 2) return Status::invalid_argument("previous-token score: needs at least 2 tokens");
  prepare(a, scores);
  for (std::size_t l = 0; l < a.layers; ++l)
    for (std::size_t h = 0; h < a.heads; ++h)
      for (std::size_t i = 1; i < a.len; ++i) scores.sum[l * a.heads + h] += a.at(l, h, i, i - 1);
  scores.count += a.len - 1;
  return Status::success();
}

Status add_induction_scores(const AttentionStack& a, std::size_t period, HeadScores& scores) {
  if (Status st = check_stack(a); !st.ok()) return st;
  if (Status st = check_same_heads(a, scores); !st.ok()) return st;
  if (period < 2 || a.len < 2 * period + 1)
    return Status::invalid_argument("induction score: period " + std::to_string(period) + " needs period >= 2 and " +
                                    std::to_string(2 * period + 1) + " tokens, given " + std::to_string(a.len));
  prepare(a, scores);
  for (std::size_t l = 0; l < a.layers; ++l)
    for (std::size_t h = 0; h < a.heads; ++h)
      for (std::size_t i = period + 1; i <= 2 * period; ++i) scores.sum[l * a.heads + h] += a.at(l, h, i, i - period + 1);
  scores.count += period;
  return Status::success();
}

Status add_key_mass(const AttentionStack& a, const std::vector<KeyProbe>& probes,
                    const std::vector<unsigned char>& control_rows, LiftScores& scores) {
  if (Status st = check_stack(a); !st.ok()) return st;
  if (Status st = check_same_heads(a, scores.mass); !st.ok()) return st;
  if (control_rows.size() != a.len)
    return Status::invalid_argument("control_rows: expected " + std::to_string(a.len) + " flags, given " +
                                    std::to_string(control_rows.size()));
  std::size_t n_control = 0;
  for (unsigned char f : control_rows) n_control += f != 0;
  if (n_control == 0) return Status::invalid_argument("control_rows: no control row is set");
  for (std::size_t p = 0; p < probes.size(); ++p) {
    if (probes[p].query >= a.len)
      return Status::out_of_range("probe " + std::to_string(p) + ": query " + std::to_string(probes[p].query) +
                                  " >= " + std::to_string(a.len) + " tokens");
    for (std::size_t k : probes[p].keys)
      if (k > probes[p].query)
        return Status::out_of_range("probe " + std::to_string(p) + ": key " + std::to_string(k) +
                                    " is after the query row " + std::to_string(probes[p].query));
  }
  prepare(a, scores.mass);
  prepare(a, scores.control);
  for (const KeyProbe& probe : probes) {
    for (std::size_t l = 0; l < a.layers; ++l)
      for (std::size_t h = 0; h < a.heads; ++h) {
        double mass = 0, control = 0;
        for (std::size_t k : probe.keys) mass += a.at(l, h, probe.query, k);
        for (std::size_t r = 0; r < a.len; ++r) {
          if (!control_rows[r]) continue;
          for (std::size_t k : probe.keys) {
            const std::size_t offset = probe.query - k;
            if (offset <= r) control += a.at(l, h, r, r - offset);
          }
        }
        scores.mass.sum[l * a.heads + h] += mass;
        scores.control.sum[l * a.heads + h] += control / double(n_control);
      }
  }
  scores.mass.count += probes.size();
  scores.control.count += probes.size();
  return Status::success();
}

}  // namespace attn
