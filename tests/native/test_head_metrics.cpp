// Head metrics on attention patterns built by hand, whose scores follow from the definitions in
// head_metrics.hpp: a perfect previous-token head, a uniform causal head, an induction head, a "look one back"
// head that the positional control must not credit, a content head it must credit, and the error paths.
#include <catch2/catch_approx.hpp>
#include <catch2/catch_test_macros.hpp>

#include <vector>

#include "attn/model/head_metrics.hpp"

namespace {

/// [L, H, T, T] zeros, with a setter per (l, h, i, j).
struct Pattern {
  std::size_t layers, heads, len;
  std::vector<float> a;
  Pattern(std::size_t l, std::size_t h, std::size_t t) : layers(l), heads(h), len(t), a(l * h * t * t, 0.0f) {}
  float& at(std::size_t l, std::size_t h, std::size_t i, std::size_t j) { return a[((l * heads + h) * len + i) * len + j]; }
  attn::AttentionStack stack() const { return {layers, heads, len, a.data()}; }
};

}  // namespace

TEST_CASE("previous-token score: 1 for a previous-token head, the harmonic mean for a uniform causal head", "[metrics]") {
  const std::size_t T = 9;
  Pattern p(2, 3, T);
  for (std::size_t i = 0; i < T; ++i) {
    p.at(1, 2, i, i == 0 ? 0 : i - 1) = 1.0f;  // layer 1 head 2: previous token
    for (std::size_t j = 0; j <= i; ++j) p.at(0, 1, i, j) = 1.0f / float(i + 1);  // layer 0 head 1: uniform
    p.at(0, 0, i, i) = 1.0f;  // layer 0 head 0: itself
  }
  attn::HeadScores s;
  REQUIRE(attn::add_previous_token_scores(p.stack(), s).ok());
  CHECK(s.count == T - 1);
  CHECK(s.mean(1, 2) == Catch::Approx(1.0));
  CHECK(s.mean(0, 0) == 0.0);
  double expected = 0;  // mean over i = 1…T−1 of 1/(i+1)
  for (std::size_t i = 1; i < T; ++i) expected += 1.0 / double(i + 1);
  CHECK(s.mean(0, 1) == Catch::Approx(expected / double(T - 1)).epsilon(1e-6));
  // A second sequence averages in.
  REQUIRE(attn::add_previous_token_scores(p.stack(), s).ok());
  CHECK(s.count == 2 * (T - 1));
  CHECK(s.mean(1, 2) == Catch::Approx(1.0));
}

TEST_CASE("induction score: 1 for a head that attends to the token after the previous occurrence", "[metrics]") {
  const std::size_t P = 5, T = 2 * P + 1;  // BOS, x1..x5, x1..x5
  Pattern p(1, 2, T);
  for (std::size_t i = 0; i < T; ++i) {
    p.at(0, 0, i, i > P ? i - P + 1 : 0) = 1.0f;  // induction head (BOS as a sink before the second copy)
    p.at(0, 1, i, i == 0 ? 0 : i - 1) = 1.0f;      // previous-token head: no induction credit
  }
  attn::HeadScores s;
  REQUIRE(attn::add_induction_scores(p.stack(), P, s).ok());
  CHECK(s.count == P);
  CHECK(s.mean(0, 0) == Catch::Approx(1.0));
  CHECK(s.mean(0, 1) == 0.0);
  CHECK(attn::add_induction_scores(p.stack(), 6, s).code == attn::Code::invalid_argument);  // 13 tokens needed
}

TEST_CASE("key mass lift: a look-one-back head scores 0 after the control, a content head scores 1", "[metrics]") {
  const std::size_t T = 12;
  Pattern p(1, 2, T);
  const std::size_t noun = 7;
  const std::vector<std::size_t> adjectives = {5, 6};
  for (std::size_t i = 0; i < T; ++i) {
    // head 0: half on the previous token, half on the one before (a local head).
    if (i >= 2) p.at(0, 0, i, i - 1) = p.at(0, 0, i, i - 2) = 0.5f;
    else p.at(0, 0, i, 0) = 1.0f;
    // head 1: the noun row attends to its adjectives, every other row to itself.
    if (i == noun) p.at(0, 1, i, 5) = p.at(0, 1, i, 6) = 0.5f;
    else p.at(0, 1, i, i) = 1.0f;
  }
  std::vector<unsigned char> control(T, 1);
  control[0] = control[1] = 0;  // rows whose offsets reach before the start
  control[noun] = 0;
  attn::LiftScores s;
  REQUIRE(attn::add_key_mass(p.stack(), {{noun, adjectives}}, control, s).ok());
  CHECK(s.mass.mean(0, 0) == Catch::Approx(1.0));  // raw mass is high for the local head …
  CHECK(s.lift(0, 0) == Catch::Approx(0.0).margin(1e-9));  // … and the control takes it all back
  CHECK(s.mass.mean(0, 1) == Catch::Approx(1.0));
  CHECK(s.lift(0, 1) == Catch::Approx(1.0));
}

TEST_CASE("head metrics refuse malformed input with a reason", "[metrics]") {
  Pattern p(1, 1, 4);
  for (std::size_t i = 0; i < 4; ++i) p.at(0, 0, i, 0) = 1.0f;
  attn::LiftScores s;
  const std::vector<unsigned char> control = {1, 1, 1, 0};
  CHECK(attn::add_key_mass(p.stack(), {{4, {0}}}, control, s).code == attn::Code::out_of_range);
  CHECK(attn::add_key_mass(p.stack(), {{2, {3}}}, control, s).code == attn::Code::out_of_range);
  CHECK(attn::add_key_mass(p.stack(), {{2, {1}}}, {0, 0, 0, 0}, s).code == attn::Code::invalid_argument);
  CHECK(attn::add_key_mass(p.stack(), {{2, {1}}}, {1, 1}, s).code == attn::Code::invalid_argument);
  attn::HeadScores h;
  CHECK(attn::add_previous_token_scores({1, 1, 4, nullptr}, h).code == attn::Code::invalid_argument);
  REQUIRE(attn::add_previous_token_scores(p.stack(), h).ok());
  Pattern other(2, 1, 4);
  CHECK(attn::add_previous_token_scores(other.stack(), h).code == attn::Code::invalid_argument);  // 2x1 vs 1x1
}
