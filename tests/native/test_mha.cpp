// MultiHeadAttention against a double-precision composition of the oracle, its trace, KV-cache decoding against
// the full pass, the head-variant and permutation properties, positional encodings and the cost calculator.
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "attn/attention/mha.hpp"
#include "attn/attention/ref.hpp"
#include "attn/model/cost.hpp"
#include "tolerance.hpp"

using attn::MhaConfig;
using attn::MhaOptions;
using attn::MultiHeadAttention;
using attn::Positional;
using attn_test::compare;
using attn_test::kSdpaTol;
using attn_test::random_vector;

namespace {

MultiHeadAttention make(MhaConfig c, std::uint64_t seed = 7) {
  MultiHeadAttention m;
  REQUIRE(m.init_random(c, seed).message == "");
  return m;
}

}  // namespace

TEST_CASE("MHA forward matches the double composition for MHA/GQA/MQA, biases and every positional kind", "[mha]") {
  const MhaConfig configs[] = {
      {16, 4, 0, 0, 0, 0, false, Positional::none, 0},       {24, 6, 2, 0, 0, 0, true, Positional::sinusoidal, 0},
      {20, 4, 1, 5, 3, 0, false, Positional::learned, 32},   {9, 3, 3, 3, 3, 0, true, Positional::sinusoidal, 0},
      {64, 2, 1, 17, 0, 0, false, Positional::none, 0},
      {200, 5, 0, 0, 0, 0, true, Positional::none, 0},  // projections cross W's 128-row slices and 64-column panels
  };
  for (const MhaConfig& c : configs)
    for (bool causal : {false, true}) {
      MultiHeadAttention m = make(c);
      const std::size_t B = 2, L = 11;
      auto x = random_vector(B * L * c.d_model, 3);
      attn::MaskSpec mask;
      mask.causal = causal;
      const auto ref = attn::ref::mha(m, x, B, L, mask);
      for (attn::Isa isa : attn::available_isas()) {
        MhaOptions o;
        o.mask = mask, o.kernels = attn::table_for(isa);
        std::vector<float> out(B * L * c.d_model);
        REQUIRE(m.forward(x.data(), B, L, nullptr, 0, out.data(), o).message == "");
        INFO("E=" << c.d_model << " H=" << c.heads << " Hkv=" << c.kv_heads << " causal=" << causal
                  << " isa=" << attn::isa_name(isa));
        CHECK(compare(out, ref, kSdpaTol) == "");
      }
    }
}

TEST_CASE("MHA forward gives bit-identical results for any thread count", "[mha][threads]") {
  // 2 × 150 rows: the projections go in blocks of 128 rows, the attention by (batch, head).
  MultiHeadAttention m = make({200, 5, 0, 0, 0, 0, true, Positional::sinusoidal, 0});
  const std::size_t B = 2, L = 150;
  auto x = random_vector(B * L * 200, 8);
  auto run = [&](std::size_t threads) {
    MhaOptions o;
    o.mask.causal = true, o.threads = threads;
    std::vector<float> out(B * L * 200);
    REQUIRE(m.forward(x.data(), B, L, nullptr, 0, out.data(), o).message == "");
    return out;
  };
  const auto one = run(1);
  CHECK(run(2) == one);
  CHECK(run(3) == one);
}

TEST_CASE("the trace holds every intermediate, consistent with each other", "[mha][trace]") {
  MhaConfig c{12, 3, 0, 0, 0, 0, true, Positional::sinusoidal, 0};
  MultiHeadAttention m = make(c);
  const std::size_t B = 1, L = 5, H = 3, D = 4;
  auto x = random_vector(B * L * 12, 4);
  MhaOptions o;
  o.mask.causal = true;
  attn::MhaTrace t;
  std::vector<float> out(B * L * 12);
  REQUIRE(m.forward(x.data(), B, L, nullptr, 0, out.data(), o, &t).message == "");
  CHECK(t.x_in == x);
  CHECK(t.out == out);
  for (std::size_t i = 0; i < t.x.size(); ++i) CHECK(t.x[i] == x[i] + t.positions[i]);
  const float scale = 1.0f / std::sqrt(4.0f);
  for (std::size_t h = 0; h < H; ++h)
    for (std::size_t i = 0; i < L; ++i)
      for (std::size_t j = 0; j < L; ++j) {
        const std::size_t at = (h * L + i) * L + j;
        double dot = 0;
        for (std::size_t d = 0; d < D; ++d) dot += double(t.q[i * H * D + h * D + d]) * t.k[j * H * D + h * D + d];
        CHECK(std::abs(t.raw_scores[at] - dot) < 1e-5);
        CHECK(t.scaled_scores[at] == scale * t.raw_scores[at]);
        if (j > i) {
          CHECK(t.masked_scores[at] == -std::numeric_limits<float>::infinity());
          CHECK(t.weights[at] == 0.f);
        } else {
          CHECK(t.masked_scores[at] == t.scaled_scores[at]);
        }
      }
  for (std::size_t row = 0; row < H * L; ++row) {
    double sum = 0;
    for (std::size_t j = 0; j < L; ++j) sum += t.weights[row * L + j];
    CHECK(std::abs(sum - 1.0) < 1e-6);
  }
  // heads_out is attention over the traced q, k, v; out is heads_out · W_o + b_o.
  const auto r = attn::ref::sdpa({B, L, L, H, H, D, D, 0}, t.q.data(), t.k.data(), t.v.data(), o.mask, {});
  CHECK(compare(t.heads_out, r.out, kSdpaTol) == "");
  CHECK(compare(out, attn::ref::project(std::vector<double>(t.heads_out.begin(), t.heads_out.end()), L, 12, m.weights().w_o,
                                 m.weights().b_o, 12),
                kSdpaTol) == "");
}

TEST_CASE("KV-cache decoding, one token or chunks at a time, equals the full causal pass", "[mha][decode]") {
  const MhaConfig configs[] = {{16, 4, 0, 0, 0, 0, false, Positional::sinusoidal, 0},
                               {24, 6, 2, 0, 0, 0, true, Positional::learned, 64},
                               {20, 4, 1, 5, 7, 0, false, Positional::none, 0}};
  for (const MhaConfig& c : configs)
    for (bool window : {false, true}) {
      MultiHeadAttention m = make(c, 11);
      const std::size_t B = 2, L = 37, E = c.d_model;
      auto x = random_vector(B * L * E, 5);
      MhaOptions o;
      o.mask.causal = true;
      if (window) o.mask.window_left = 5;
      std::vector<float> full(B * L * E);
      REQUIRE(m.forward(x.data(), B, L, nullptr, 0, full.data(), o).message == "");
      for (std::size_t chunk : {std::size_t(1), std::size_t(4), std::size_t(16)}) {
        attn::KvCache cache = m.make_cache(B);
        std::vector<float> got(B * L * E);
        for (std::size_t t0 = 0; t0 < L; t0 += chunk) {
          const std::size_t n = std::min(chunk, L - t0);
          std::vector<float> xs(B * n * E), ys(B * n * E);
          for (std::size_t b = 0; b < B; ++b)
            std::copy_n(x.begin() + (b * L + t0) * E, n * E, xs.begin() + b * n * E);
          MhaOptions od;
          if (window) od.mask.window_left = 5;
          REQUIRE(m.decode(xs.data(), n, cache, ys.data(), od).message == "");
          for (std::size_t b = 0; b < B; ++b) std::copy_n(ys.begin() + b * n * E, n * E, got.begin() + (b * L + t0) * E);
        }
        INFO("H=" << c.heads << " Hkv=" << c.kv_heads << " window=" << window << " chunk=" << chunk);
        CHECK(cache.length() == L);
        CHECK(cache.bytes_per_token() == c.kv_heads_or_default() * (c.head_dim_or_default() + c.value_dim_or_default()) * 4);
        CHECK(compare(got, std::vector<double>(full.begin(), full.end()), kSdpaTol) == "");
      }
    }
}

TEST_CASE("multi-query attention equals multi-head attention whose kv heads are copies", "[mha][property]") {
  MhaConfig mq{16, 4, 1, 0, 0, 0, false, Positional::none, 0}, mh = mq;
  mh.kv_heads = 4;
  MultiHeadAttention a = make(mq, 3);
  attn::MhaWeights w = a.weights();
  auto widen = [](const std::vector<float>& narrow, std::size_t rows, std::size_t width, std::size_t copies) {
    std::vector<float> wide(rows * width * copies);
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t h = 0; h < copies; ++h)
        std::copy_n(narrow.begin() + r * width, width, wide.begin() + (r * copies + h) * width);
    return wide;
  };
  w.w_k = widen(w.w_k, 16, 4, 4), w.w_v = widen(w.w_v, 16, 4, 4);
  MultiHeadAttention b;
  REQUIRE(b.init_weights(mh, w).message == "");
  auto x = random_vector(9 * 16, 8);
  std::vector<float> ya(9 * 16), yb(9 * 16);
  MhaOptions o;
  o.mask.causal = true;
  REQUIRE(a.forward(x.data(), 1, 9, nullptr, 0, ya.data(), o).message == "");
  REQUIRE(b.forward(x.data(), 1, 9, nullptr, 0, yb.data(), o).message == "");
  CHECK(compare(yb, std::vector<double>(ya.begin(), ya.end()), kSdpaTol) == "");
}

TEST_CASE("permuting heads permutes the per-head outputs", "[sdpa][property]") {
  const std::size_t L = 6, H = 3, D = 5;
  auto q = random_vector(L * H * D, 1), k = random_vector(L * H * D, 2), v = random_vector(L * H * D, 3);
  const std::size_t perm[H] = {2, 0, 1};
  auto permute = [&](const std::vector<float>& a) {
    std::vector<float> p(a.size());
    for (std::size_t l = 0; l < L; ++l)
      for (std::size_t h = 0; h < H; ++h) std::copy_n(a.begin() + (l * H + perm[h]) * D, D, p.begin() + (l * H + h) * D);
    return p;
  };
  std::vector<float> o1(L * H * D), o2(L * H * D);
  attn::SdpaOptions opt;
  opt.mask.causal = true;
  REQUIRE(attn::sdpa({1, L, L, H, H, D, D, 0}, q.data(), k.data(), v.data(), o1.data(), opt).ok());
  const auto pq = permute(q), pk = permute(k), pv = permute(v);
  REQUIRE(attn::sdpa({1, L, L, H, H, D, D, 0}, pq.data(), pk.data(), pv.data(), o2.data(), opt).ok());
  CHECK(o2 == permute(o1));
}

TEST_CASE("adding a constant to a row of scores changes nothing", "[sdpa][property]") {
  const std::size_t L = 7, D = 6;
  auto q = random_vector(L * D, 4), k = random_vector(L * D, 5), v = random_vector(L * D, 6);
  std::vector<float> bias(L * L);
  for (std::size_t i = 0; i < L; ++i)
    for (std::size_t j = 0; j < L; ++j) bias[i * L + j] = 3.0f * float(i) - 5.0f;  // constant along each row
  std::vector<float> w0(L * L), w1(L * L), o0(L * D), o1(L * D);
  attn::SdpaOptions a, b;
  a.mask.causal = b.mask.causal = true;
  a.weights_bhqk = w0.data(), b.weights_bhqk = w1.data();
  b.mask.bias = bias.data();  // [Lq, Lk]: shared by every batch row and head
  REQUIRE(attn::sdpa({1, L, L, 1, 1, D, D, 0}, q.data(), k.data(), v.data(), o0.data(), a).ok());
  REQUIRE(attn::sdpa({1, L, L, 1, 1, D, D, 0}, q.data(), k.data(), v.data(), o1.data(), b).ok());
  CHECK(compare(w1, std::vector<double>(w0.begin(), w0.end()), kSdpaTol) == "");
  CHECK(compare(o1, std::vector<double>(o0.begin(), o0.end()), kSdpaTol) == "");
}

TEST_CASE("without positions attention cannot tell word order; with them it can (我打他 / 他打我)", "[mha][positional]") {
  const std::size_t E = 8, L = 3;
  auto emb = random_vector(3 * E, 21);  // 我, 打, 他
  auto sentence = [&](std::initializer_list<std::size_t> ids) {
    std::vector<float> x;
    for (std::size_t id : ids) x.insert(x.end(), emb.begin() + id * E, emb.begin() + (id + 1) * E);
    return x;
  };
  const auto a = sentence({0, 1, 2}), b = sentence({2, 1, 0});
  for (Positional p : {Positional::none, Positional::sinusoidal}) {
    MultiHeadAttention m = make({E, 2, 0, 0, 0, 0, false, p, 0}, 5);
    attn::MhaTrace ta, tb;
    std::vector<float> ya(L * E), yb(L * E);
    REQUIRE(m.forward(a.data(), 1, L, nullptr, 0, ya.data(), {}, &ta).ok());
    REQUIRE(m.forward(b.data(), 1, L, nullptr, 0, yb.data(), {}, &tb).ok());
    // Under the permutation π = reverse, weights_b[π i][π j] == weights_a[i][j] exactly when positions are absent.
    double worst = 0;
    for (std::size_t h = 0; h < 2; ++h)
      for (std::size_t i = 0; i < L; ++i)
        for (std::size_t j = 0; j < L; ++j)
          worst = std::max(worst, double(std::abs(ta.weights[(h * L + i) * L + j] -
                                                  tb.weights[(h * L + (L - 1 - i)) * L + (L - 1 - j)])));
    INFO(attn::positional_name(p) << " worst difference " << worst);
    if (p == Positional::none) CHECK(worst < 1e-6);
    else CHECK(worst > 1e-3);
  }
}

TEST_CASE("cost calculator reproduces published figures", "[cost]") {
  attn::Cost gpt3{};
  // GPT-3 175B: d_model 12288, 96 heads of 128, 96 layers, context 2048, fp16.
  REQUIRE(attn::attention_cost({12288, 96, 0, 128, 0, 96, 2048, 2, false}, &gpt3).ok());
  CHECK(gpt3.params_w_q == 12288ull * 12288);
  CHECK(gpt3.params_per_query_head == 4ull * 12288 * 128);  // the tutorial's "≈630万" per head
  CHECK(gpt3.params_per_layer == 4ull * 12288 * 12288);      // 603,979,776
  CHECK(gpt3.params_total == 57982058496ull);                // ≈ 1/3 of 175e9, as the tutorial says
  CHECK(gpt3.kv_cache_bytes_per_token == 4718592ull);        // 2 · 12288 · 96 layers · 2 bytes = 4.5 MiB
  CHECK(gpt3.kv_cache_bytes == 4718592ull * 2048);
  // A GQA model (Llama-2-70B's attention): d_model 8192, 64 query heads, 8 kv heads of 128, 80 layers.
  attn::Cost gqa{};
  REQUIRE(attn::attention_cost({8192, 64, 8, 128, 0, 80, 4096, 2, false}, &gqa).ok());
  CHECK(gqa.params_per_layer == 2ull * 8192 * 8192 + 2ull * 8192 * 1024);
  CHECK(gqa.kv_cache_bytes_per_token == 327680ull);  // 320 KiB per token, 8x less than its MHA twin
  attn::Cost mha{};
  REQUIRE(attn::attention_cost({8192, 64, 64, 128, 0, 80, 4096, 2, false}, &mha).ok());
  CHECK(mha.kv_cache_bytes_per_token == 8 * gqa.kv_cache_bytes_per_token);
  CHECK(gqa.flops_attention_per_token == 2.0 * 64 * 256 * 4096 * 80);
  CHECK(attn::attention_cost({12, 5, 0, 0, 0, 1, 1, 2, false}, &mha).message ==
        "d_model (12) must be divisible by heads (5) when head_dim is not given");
  CHECK(attn::attention_cost({12, 4, 3, 0, 0, 1, 1, 2, false}, &mha).message ==
        "kv_heads: expected a divisor of heads (4), received 3");
}

TEST_CASE("MHA errors name the argument", "[mha][errors]") {
  MultiHeadAttention m;
  CHECK(m.init_random({0, 1, 0, 0, 0, 0, false, Positional::none, 0}, 1).message == "d_model must be >= 1, got 0");
  CHECK(m.init_random({8, 3, 0, 0, 0, 0, false, Positional::none, 0}, 1).message ==
        "d_model (8) must be divisible by heads (3) when head_dim is not given");
  CHECK(m.init_random({8, 2, 0, 0, 0, 0, false, Positional::learned, 0}, 1).message ==
        "max_len must be >= 1 for learned positions, got 0");
  attn::MhaWeights w;
  CHECK(m.init_weights({8, 2, 0, 0, 0, 0, false, Positional::none, 0}, w).message == "w_q: expected 64 floats, got 0");
  m = make({8, 2, 0, 0, 0, 0, false, Positional::learned, 4});
  std::vector<float> x(5 * 8), y(5 * 8);
  CHECK(m.forward(x.data(), 1, 5, nullptr, 0, y.data()).message ==
        "positions up to 4 are beyond the learned table (max_len 4)");
}
