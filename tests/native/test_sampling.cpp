// Sampling (attn/model/sampling.hpp) and generation (generate.hpp): greedy and its ties, the temperature softmax,
// top-k / top-p truncation, draw frequencies against the probabilities, refusals, and generate() against a
// greedy loop that recomputes the full pass each step (decode == full pass), seeds, stop ids, the context end.
#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "attn/model/generate.hpp"
#include "attn/model/sampling.hpp"
#include "tolerance.hpp"

namespace {

attn::SampledToken draw(const std::vector<float>& logits, attn::SamplingOptions o, attn::Rng& rng) {
  attn::SampledToken t;
  REQUIRE(attn::sample_token(logits.data(), logits.size(), o, rng, t).ok());
  return t;
}

/// A random 1-block model (C=16, H=2, V=40, P=24) loaded through the loader.
attn::Gpt2Model small_model() {
  const std::size_t C = 16, F = 64, V = 40, P = 24;
  attn::Gpt2Loader loader;
  std::uint64_t seed = 11;
  auto add = [&](const std::string& name, std::vector<std::size_t> shape, float scale, float offset = 0) {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    auto v = attn_test::random_vector(n, seed++, scale);
    for (auto& x : v) x += offset;
    REQUIRE(loader.add(name, shape, v.data()).ok());
  };
  add("wte.weight", {V, C}, 1.0f), add("wpe.weight", {P, C}, 0.5f);
  add("h.0.ln_1.weight", {C}, 0.1f, 1), add("h.0.ln_1.bias", {C}, 0.05f);
  add("h.0.attn.c_attn.weight", {C, 3 * C}, 0.4f), add("h.0.attn.c_attn.bias", {3 * C}, 0.05f);
  add("h.0.attn.c_proj.weight", {C, C}, 0.3f), add("h.0.attn.c_proj.bias", {C}, 0.05f);
  add("h.0.ln_2.weight", {C}, 0.1f, 1), add("h.0.ln_2.bias", {C}, 0.05f);
  add("h.0.mlp.c_fc.weight", {C, F}, 0.3f), add("h.0.mlp.c_fc.bias", {F}, 0.05f);
  add("h.0.mlp.c_proj.weight", {F, C}, 0.2f), add("h.0.mlp.c_proj.bias", {C}, 0.05f);
  add("ln_f.weight", {C}, 0.1f, 1), add("ln_f.bias", {C}, 0.05f);
  attn::Gpt2Model m;
  attn::Gpt2LoadOptions o;
  o.heads = 2;
  REQUIRE(m.load(loader, o).ok());
  return m;
}

}  // namespace

TEST_CASE("sampling: greedy takes the arg max, the lowest row on ties, and draws nothing", "[sampling]") {
  attn::Rng rng(1), untouched(1);
  attn::SamplingOptions greedy;
  greedy.temperature = 0;
  CHECK(draw({0.5f, 2.0f, -1.0f, 2.0f}, greedy, rng).row == 1);
  CHECK(rng.next_u64() == untouched.next_u64());
  attn::SamplingOptions k1;
  k1.top_k = 1;
  for (int i = 0; i < 50; ++i) CHECK(draw({0.5f, 1.0f, 3.0f, 2.9f}, k1, rng).row == 2);
}

TEST_CASE("sampling: probabilities are softmax(logits / temperature)", "[sampling]") {
  const std::vector<float> logits = {1.0f, 2.0f, 0.5f, -3.0f};
  for (float temp : {0.5f, 1.0f, 2.0f}) {
    std::vector<double> p;
    attn::sampling_probabilities(logits.data(), logits.size(), temp, p);
    double z = 0;
    for (float l : logits) z += std::exp(double(l) / double(temp));
    for (std::size_t v = 0; v < logits.size(); ++v) CHECK(p[v] == Catch::Approx(std::exp(double(logits[v]) / temp) / z));
  }
}

TEST_CASE("sampling: draw frequencies follow the truncated, renormalised probabilities", "[sampling]") {
  const std::vector<float> logits = {2.0f, 1.0f, 0.0f, -1.0f, -2.0f};
  std::vector<double> p;
  attn::sampling_probabilities(logits.data(), logits.size(), 1.0f, p);
  const int draws = 40000;
  auto frequencies = [&](attn::SamplingOptions o) {
    attn::Rng rng(7);
    std::vector<double> f(logits.size(), 0.0);
    for (int i = 0; i < draws; ++i) f[draw(logits, o, rng).row] += 1.0 / draws;
    return f;
  };
  // Binomial standard deviation at 40,000 draws is ≤ 0.0025; 0.01 is four of them.
  const auto all = frequencies({});
  for (std::size_t v = 0; v < p.size(); ++v) CHECK(std::abs(all[v] - p[v]) < 0.01);
  attn::SamplingOptions k2;
  k2.top_k = 2;
  const auto top2 = frequencies(k2);
  CHECK(top2[2] + top2[3] + top2[4] == 0.0);
  CHECK(std::abs(top2[0] - p[0] / (p[0] + p[1])) < 0.01);
  attn::SamplingOptions nucleus;
  nucleus.top_p = 0.8f;  // p = 0.64, 0.24, 0.09, …: the first two reach 0.8
  const auto top_p = frequencies(nucleus);
  CHECK(top_p[2] + top_p[3] + top_p[4] == 0.0);
  CHECK(top_p[1] > 0.2);
}

TEST_CASE("sampling: bad options and NaN logits are refused with a reason", "[sampling]") {
  attn::Rng rng(1);
  attn::SampledToken t;
  const std::vector<float> ok = {1.0f, 2.0f}, nan = {1.0f, std::numeric_limits<float>::quiet_NaN()};
  attn::SamplingOptions o;
  o.temperature = -1;
  CHECK(attn::sample_token(ok.data(), 2, o, rng, t).message.find("temperature") != std::string::npos);
  o = {};
  o.top_p = 0;
  CHECK(attn::sample_token(ok.data(), 2, o, rng, t).message.find("top_p") != std::string::npos);
  CHECK(attn::sample_token(nan.data(), 2, {}, rng, t).code == attn::Code::invalid_data);
}

TEST_CASE("generate: greedy equals recomputing the full pass each step; seeds repeat; stops", "[generate]") {
  const attn::Gpt2Model m = small_model();
  const std::vector<std::uint32_t> prompt = {3, 14, 15, 9};
  attn::GenerateOptions greedy;
  greedy.max_tokens = 12, greedy.sampling.temperature = 0;
  std::vector<std::uint32_t> got;
  REQUIRE(attn::generate(m, prompt.data(), prompt.size(), greedy, got).ok());
  REQUIRE(got.size() == 12);
  std::vector<std::uint32_t> seq = prompt;
  for (std::size_t i = 0; i < 12; ++i) {
    attn::Gpt2ForwardResult r;
    REQUIRE(m.forward(seq.data(), seq.size(), {}, r).ok());
    const auto best = std::uint32_t(std::max_element(r.logits.begin(), r.logits.end()) - r.logits.begin());
    CHECK(got[i] == best);
    seq.push_back(got[i]);
  }
  attn::GenerateOptions sampled;
  sampled.max_tokens = 15, sampled.seed = 42, sampled.sampling.top_k = 10;
  std::vector<std::uint32_t> a, b, c;
  REQUIRE(attn::generate(m, prompt.data(), prompt.size(), sampled, a).ok());
  REQUIRE(attn::generate(m, prompt.data(), prompt.size(), sampled, b).ok());
  CHECK(a == b);
  sampled.seed = 43;
  REQUIRE(attn::generate(m, prompt.data(), prompt.size(), sampled, c).ok());
  CHECK(a != c);
  // A stop id ends generation after it; the context (24) ends it too; the callback can end it.
  attn::GenerateOptions stop = greedy;
  stop.stop_ids = {got[3]};
  REQUIRE(attn::generate(m, prompt.data(), prompt.size(), stop, a).ok());
  const auto first = std::find(got.begin(), got.end(), got[3]);
  CHECK(a == std::vector<std::uint32_t>(got.begin(), first + 1));
  attn::GenerateOptions longer = greedy;
  longer.max_tokens = 100;
  REQUIRE(attn::generate(m, prompt.data(), prompt.size(), longer, a).ok());
  CHECK(a.size() == 24 - prompt.size() + 1);
  std::size_t steps = 0;
  REQUIRE(attn::generate(m, prompt.data(), prompt.size(), longer, a, [&](const attn::GenerationStep& s) {
            CHECK(s.vocab == 40);
            return ++steps < 3;
          }).ok());
  CHECK(a.size() == 3);
}

TEST_CASE("Generator: generate()'s steps one call at a time; the last is marked, a call after it refused", "[generate]") {
  const attn::Gpt2Model m = small_model();
  const std::vector<std::uint32_t> prompt = {3, 14, 15, 9};
  attn::GenerateOptions o;
  o.max_tokens = 30, o.seed = 7, o.sampling.top_k = 10;  // the context (24) ends it first
  std::vector<attn::GenerationStep> steps;
  std::vector<std::uint32_t> ids;
  REQUIRE(attn::generate(m, prompt.data(), prompt.size(), o, ids, [&](const attn::GenerationStep& s) {
            steps.push_back(s);
            return true;
          }).ok());
  attn::Generator g(m, prompt, o);
  attn::GenerationStep s;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    REQUIRE(!g.done());
    REQUIRE(g.next(s).ok());
    CHECK(s.gpt2_id == ids[i]);
    CHECK(s.probability == steps[i].probability);
    CHECK(s.position == prompt.size() + i);
    CHECK(s.last == (i + 1 == steps.size()));
  }
  CHECK(s.position == 24);
  CHECK(g.done());
  CHECK(g.next(s).code == attn::Code::out_of_range);
  attn::GenerateOptions bad;
  bad.sampling.temperature = -1;
  CHECK(attn::generate(m, prompt.data(), prompt.size(), bad, ids).message.find("temperature") != std::string::npos);
}
