// The teaching model's heads do what demo_model.hpp claims, on the tutorial's phrase and on longer text;
// the seeded embeddings are deterministic and the word classes come from the lexicon.
#include <catch2/catch_test_macros.hpp>

#include <string>
#include <vector>

#include "attn/model/demo_model.hpp"
#include "tolerance.hpp"

namespace {

struct Run {
  attn::MhaTrace trace;
  std::size_t n;
  float w(std::size_t head, std::size_t i, std::size_t j) const { return trace.weights[(head * n + i) * n + j]; }
};

Run run(const std::vector<std::uint32_t>& ids, const std::vector<std::string>& texts) {
  const attn::DemoModel dm = attn::teaching_model();
  attn::MultiHeadAttention m;
  REQUIRE(m.init_weights(dm.config, dm.weights).ok());
  const std::size_t n = ids.size();
  std::vector<float> x(n * 48), out(n * 48);
  REQUIRE(attn::teaching_embeddings(ids, texts, x.data()).ok());
  Run r{{}, n};
  attn::MhaOptions o;
  o.mask.causal = true;
  REQUIRE(m.forward(x.data(), 1, n, nullptr, 0, out.data(), o, &r.trace).ok());
  return r;
}

}  // namespace

TEST_CASE("teaching model on 'a fluffy blue creature': the noun head puts most weight on the adjectives", "[demo]") {
  // GPT-2 ids of "a", " fluffy", " blue", " creature".
  const Run r = run({64, 39145, 4171, 7185}, {"a", " fluffy", " blue", " creature"});
  const float to_adjectives = r.w(0, 3, 1) + r.w(0, 3, 2);
  INFO("creature → fluffy " << r.w(0, 3, 1) << ", blue " << r.w(0, 3, 2));
  CHECK(to_adjectives > 0.9f);
  CHECK(r.w(0, 3, 1) > r.w(0, 3, 0));
  for (std::size_t i = 1; i < 4; ++i) CHECK(r.w(1, i, i - 1) > 0.99f);  // previous token
  for (std::size_t i = 0; i < 4; ++i) CHECK(r.w(2, i, i) > 0.5f);         // same token
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = 0; j <= i; ++j) CHECK(std::abs(r.w(3, i, j) - 1.0f / float(i + 1)) < 1e-6f);  // uniform
}

TEST_CASE("teaching model: previous-token head over 300 tokens, same-token head on repeats", "[demo]") {
  std::vector<std::uint32_t> ids;
  std::vector<std::string> texts;
  for (std::uint32_t t = 0; t < 300; ++t) ids.push_back(1000 + (t * 7919) % 5000), texts.push_back(" w");
  const Run r = run(ids, texts);
  for (std::size_t i = 1; i < 300; ++i) {
    INFO("i=" << i << " weight on i-1: " << r.w(1, i, i - 1));
    CHECK(r.w(1, i, i - 1) > 0.95f);
  }
  // "the cat sat on the mat": the second "the" (5th token) looks mostly at the tokens equal to it.
  const Run s = run({464, 3797, 3332, 319, 262, 262}, {"The", " cat", " sat", " on", " the", " the"});
  CHECK(s.w(2, 5, 4) + s.w(2, 5, 5) > 0.9f);
}

TEST_CASE("word classes and seeded embeddings", "[demo]") {
  CHECK(attn::word_class(" Fluffy") == attn::WordClass::adjective);
  CHECK(attn::word_class(" creature") == attn::WordClass::noun);
  CHECK(attn::word_class("我") == attn::WordClass::pronoun);
  CHECK(attn::word_class(" 42") == attn::WordClass::number);
  CHECK(attn::word_class("...") == attn::WordClass::punctuation);
  CHECK(attn::word_class(" zebu") == attn::WordClass::other);
  std::vector<float> a(2 * 8), b(2 * 8);
  const std::uint32_t ids[] = {5, 9};
  attn::seeded_embeddings(1, ids, 2, 8, a.data());
  attn::seeded_embeddings(1, ids, 2, 8, b.data());
  CHECK(a == b);
  CHECK(std::vector<float>(a.begin(), a.begin() + 8) != std::vector<float>(a.begin() + 8, a.end()));
  std::vector<float> e(48);
  CHECK(attn::teaching_embeddings({1, 2}, {"a"}, e.data()).message == "texts: expected one per id (2), got 1");
}

TEST_CASE("next-token scores: a tied unembedding over the whole vocabulary", "[demo]") {
  // An output equal to token 4171's signature scores 4171 highest; probabilities are a softmax over every token.
  std::vector<float> e(48);
  REQUIRE(attn::teaching_embeddings({4171}, {" blue"}, e.data()).ok());
  const auto top = attn::next_tokens_teaching(e.data(), 50257, 5);
  REQUIRE(top.size() == 5);
  CHECK(top[0].id == 4171);
  CHECK(std::abs(top[0].logit - 1.0f) < 1e-6f);  // |signature|² = 16 · (1/4)²
  for (std::size_t r = 1; r < 5; ++r) CHECK(top[r].logit <= top[r - 1].logit);
  double brute = 0;
  std::vector<float> s(48);
  for (std::uint32_t v = 0; v < 50257; ++v) {
    (void)attn::teaching_embeddings({v}, {"x"}, s.data());  // cannot fail: one id, one text
    double dot = 0;
    for (std::size_t d = 0; d < 16; ++d) dot += double(e[d]) * s[d];
    brute += std::exp(dot - 1.0);
  }
  CHECK(std::abs(top[0].prob - 1.0 / brute) < 1e-6);
  const auto seeded = attn::next_tokens_seeded(3, e.data(), 48, 100, 3);
  CHECK(seeded.size() == 3);
}
