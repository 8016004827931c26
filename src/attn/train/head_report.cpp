// measure_heads: held-out documents and random repeated sequences through the runtime, attention into
// model/head_metrics.cpp's definitions, next-token probabilities from the logits.
#include "attn/train/head_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "attn/core/rng.hpp"
#include "attn/model/head_metrics.hpp"

namespace attn::train {
namespace {

using tok::kEndOfText;

/// −log softmax(logits)[row] and softmax(logits)[row], in double.
void next_token(const float* logits, std::size_t V, std::uint32_t row, double& nll, double& p) {
  double mx = logits[0], sum = 0;
  for (std::size_t j = 1; j < V; ++j) mx = std::max<double>(mx, logits[j]);
  for (std::size_t j = 0; j < V; ++j) sum += std::exp(logits[j] - mx);
  nll = std::log(sum) - (logits[row] - mx);
  p = std::exp(-nll);
}

std::vector<double> means(const HeadScores& s) {
  std::vector<double> out(s.layers * s.heads);
  for (std::size_t l = 0; l < s.layers; ++l)
    for (std::size_t h = 0; h < s.heads; ++h) out[l * s.heads + h] = s.mean(l, h);
  return out;
}

void json_array(std::string& out, const std::vector<double>& v) {
  out += '[';
  char buf[32];
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::snprintf(buf, sizeof buf, "%s%.4f", i ? ", " : "", v[i]);
    out += buf;
  }
  out += ']';
}

}  // namespace

std::size_t HeadReport::best(const std::vector<double>& values) const {
  return std::size_t(std::max_element(values.begin(), values.end()) - values.begin());
}

std::string HeadReport::to_json() const {
  std::string out = "{\"layers\": " + std::to_string(layers) + ", \"heads\": " + std::to_string(heads);
  char buf[64];
  out += ", \"previous_token\": ", json_array(out, previous_token);
  out += ", \"induction\": ", json_array(out, induction);
  std::snprintf(buf, sizeof buf, ", \"induction_loss\": %.4f", induction_loss);
  out += buf;
  const auto lift = [&](const char* name, const Lift& l) {
    out += std::string(", \"") + name + "\": {\"lift\": ", json_array(out, l.lift);
    out += ", \"mass\": ", json_array(out, l.mass);
    std::snprintf(buf, sizeof buf, ", \"p_next\": %.4f, \"probes\": %zu}", l.p_next, l.probes);
    out += buf;
  };
  lift("noun_adjective_en", noun_en), lift("noun_adjective_zh", noun_zh);
  lift("pronoun_antecedent_en", pronoun_en), lift("pronoun_antecedent_zh", pronoun_zh);
  lift("noun_quality_en", quality_en), lift("noun_quality_zh", quality_zh);
  return out + "}";
}

std::vector<std::uint32_t> repeated_probe(const std::vector<std::uint32_t>& pool, std::size_t period, Rng& rng) {
  std::vector<std::uint32_t> ids{kEndOfText};
  for (std::size_t i = 0; i < period; ++i) ids.push_back(pool[std::size_t(rng.next_u64() % pool.size())]);
  ids.insert(ids.end(), ids.begin() + 1, ids.end());
  return ids;
}

Status measure_heads(const Gpt2Model& model, const tok::Gpt2Tokenizer& tokenizer, const HeadReportOptions& options,
                     HeadReport& out) {
  if (!model.loaded()) return Status::invalid_argument("measure_heads: no model is loaded");
  const Gpt2Config& c = model.config();
  const std::size_t L = c.layers, H = c.heads, V = c.vocab, P = options.induction_period;
  if (2 * P + 1 > c.context)
    return Status::invalid_argument("measure_heads: induction sequences of " + std::to_string(2 * P + 1) +
                                    " tokens exceed the context of " + std::to_string(c.context));
  out = HeadReport{};
  out.layers = L, out.heads = H;
  Gpt2ForwardOptions fo;
  fo.attention = true;
  fo.all_attention_max_tokens = c.context;
  fo.logits = LogitsFor::all;
  fo.threads = options.threads;
  Gpt2ForwardResult r;
  Gpt2Session session = model.session();  // one for every pass: its caches and scratch are reused
  const auto pass = [&](const std::vector<std::uint32_t>& ids) {
    session.reset();
    return session.append(ids.data(), ids.size(), fo, r);
  };

  // Previous-token and induction: [BOS, x₁…x_P, x₁…x_P], x drawn from the corpus's word tokens the model knows
  // (never-trained byte tokens of a restricted vocabulary would measure the embedding, not the head).
  std::vector<std::uint32_t> pool;
  std::vector<std::uint32_t> candidates = span_tokens(tokenizer);
  if (options.induction_pool > 0) candidates.resize(std::min(candidates.size(), options.induction_pool));
  for (std::uint32_t id : candidates) {
    std::uint32_t row = 0;
    if (model.row_of(id, row) && !(c.unk_row && row == *c.unk_row)) pool.push_back(id);
  }
  if (pool.size() < 2) return Status::invalid_argument("measure_heads: the model knows too few of the corpus's tokens");
  HeadScores prev{L, H, {}, 0}, induction{L, H, {}, 0};
  Rng rng(options.seed);
  double loss = 0;
  std::size_t loss_terms = 0;
  for (std::size_t s = 0; s < options.induction_sequences; ++s) {
    const std::vector<std::uint32_t> ids = repeated_probe(pool, P, rng);
    if (Status st = pass(ids); !st.ok()) return st;
    const AttentionStack a{L, H, ids.size(), r.attention.data()};
    if (Status st = add_previous_token_scores(a, prev); !st.ok()) return st;
    if (Status st = add_induction_scores(a, P, induction); !st.ok()) return st;
    for (std::size_t i = P + 1; i + 1 < ids.size(); ++i) {  // inside the second copy: the next token is known
      std::uint32_t row = 0;
      model.row_of(ids[i + 1], row);
      double nll = 0, p = 0;
      next_token(&r.logits[i * V], V, row, nll, p);
      loss += nll, ++loss_terms;
    }
  }
  out.previous_token = means(prev);
  out.induction = means(induction);
  out.induction_loss = loss_terms ? loss / double(loss_terms) : 0;

  // Lifts on held-out stories: each document after a BOS, probes shifted by one.
  // Kinds: noun → adjectives (en, zh), pronoun → name (en, zh), noun → the deciding adjective (en, zh).
  LiftScores lifts[6];
  HeadReport::Lift* targets[6] = {&out.noun_en,    &out.noun_zh,    &out.pronoun_en,
                                  &out.pronoun_zh, &out.quality_en, &out.quality_zh};
  for (LiftScores& l : lifts) l.mass = l.control = HeadScores{L, H, {}, 0};
  // The original phrases (mixed_cues 0) for every model, so scores compare across corpora: one quality with zero to
  // two colours, phrases a mixed_cues model trains on too.
  CorpusOptions co;
  co.seed = options.seed;
  co.split = Split::heldout;
  co.repeated_span_share = 0;
  CorpusGenerator gen(tokenizer, co);
  for (std::size_t d = 0, tries = 0; d < options.documents && tries < 20 * options.documents; ++tries) {
    const Document doc = gen.next();
    if (doc.probes.empty() || doc.ids.size() + 1 > c.context) continue;
    ++d;
    std::vector<std::uint32_t> ids{kEndOfText};
    ids.insert(ids.end(), doc.ids.begin(), doc.ids.end());
    if (Status st = pass(ids); !st.ok()) return st;
    const AttentionStack a{L, H, ids.size(), r.attention.data()};
    std::vector<unsigned char> control(ids.size(), 1);
    control[0] = 0;
    for (const Probe& p : doc.probes) control[p.row + 1] = 0;
    std::vector<KeyProbe> kinds[6];
    for (const Probe& p : doc.probes) {
      const int k = (p.kind == ProbeKind::pronoun_antecedent ? 2 : 0) + (p.chinese ? 1 : 0);
      // A repeated noun phrase's row may read its adjectives in either mention: both copies are its keys.
      KeyProbe kp{p.row + 1, {}}, quality{p.row + 1, {}};
      const auto add = [](KeyProbe& to, const std::vector<std::size_t>& keys, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) to.keys.push_back(keys[i] + 1);  // shifted by the BOS in front
      };
      add(kp, p.keys, p.keys.size()), add(kp, p.first_mention_keys, p.first_mention_keys.size());
      add(quality, p.keys, p.quality_keys), add(quality, p.first_mention_keys, p.first_mention_quality_keys);
      double prob = 0;  // P(a right next token): with several cues, the best prediction spreads over their verbs
      for (std::uint32_t id : p.right_next) {
        std::uint32_t row = 0;
        double nll = 0, p_id = 0;
        if (!model.row_of(id, row)) continue;
        next_token(&r.logits[(p.row + 1) * V], V, row, nll, p_id);
        prob += p_id;
      }
      targets[k]->p_next += prob;
      ++targets[k]->probes;
      if (p.kind == ProbeKind::noun_adjective) {
        kinds[4 + k].push_back(std::move(quality));
        targets[4 + k]->p_next += prob;
        ++targets[4 + k]->probes;
      }
      kinds[k].push_back(std::move(kp));
    }
    for (int k = 0; k < 6; ++k)
      if (!kinds[k].empty())
        if (Status st = add_key_mass(a, kinds[k], control, lifts[k]); !st.ok()) return st;
  }
  for (int k = 0; k < 6; ++k) {
    HeadReport::Lift& t = *targets[k];
    if (t.probes) t.p_next /= double(t.probes);
    t.mass = means(lifts[k].mass), t.control = means(lifts[k].control);
    t.lift.resize(L * H);
    for (std::size_t i = 0; i < L * H; ++i) t.lift[i] = t.mass[i] - t.control[i];
  }
  return Status::success();
}

}  // namespace attn::train
