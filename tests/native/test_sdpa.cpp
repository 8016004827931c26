// attn::sdpa on every kernel table and every implementation against the double oracle attn::ref::sdpa:
// shapes around tile and vector sizes, MHA/GQA/MQA, Lq ≠ Lk, every mask kind and combinations, plus properties.
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "attn/attention/ref.hpp"
#include "attn/attention/sdpa.hpp"
#include "tolerance.hpp"

using attn::Align;
using attn::BiasLayout;
using attn::MaskSpec;
using attn::SdpaImpl;
using attn::SdpaShape;
using attn_test::compare;
using attn_test::random_vector;

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

struct Inputs {
  SdpaShape shape;
  std::vector<float> q, k, v;
  std::vector<std::uint8_t> padding;  // [B, Lk]
  std::vector<float> bias;

  explicit Inputs(SdpaShape s, std::uint64_t seed = 1, float scale = 1.f) : shape(s) {
    const std::size_t hkv = s.kv_heads_or_default(), dv = s.value_dim_or_default();
    q = random_vector(s.batch * s.q_len * s.heads * s.head_dim, seed, scale);
    k = random_vector(s.batch * s.kv_len * hkv * s.head_dim, seed + 1, scale);
    v = random_vector(s.batch * s.kv_len * hkv * dv, seed + 2);
  }
};

// The mask kinds the sweep runs; each builds its MaskSpec over `in` (which owns padding / bias storage).
enum class MaskKind { none, causal_tl, causal_br, window_tl, window_br_causal, padding, bias_qk, bias_hqk, bias_b1qk, bias_bhqk, all };
const MaskKind kMaskKinds[] = {MaskKind::none,          MaskKind::causal_tl, MaskKind::causal_br,
                               MaskKind::window_tl,     MaskKind::window_br_causal, MaskKind::padding,
                               MaskKind::bias_qk,       MaskKind::bias_hqk,  MaskKind::bias_b1qk,
                               MaskKind::bias_bhqk,     MaskKind::all};

MaskSpec make_mask(MaskKind kind, Inputs& in) {
  const SdpaShape& s = in.shape;
  MaskSpec m;
  auto add_padding = [&] {
    in.padding.assign(s.batch * s.kv_len, 0);
    for (std::size_t b = 0; b < s.batch; ++b)  // a different amount per batch row; row 1 also pads key 0
      for (std::size_t j = 0; j < s.kv_len; ++j)
        in.padding[b * s.kv_len + j] = (j + 1 + b > s.kv_len) || (b == 1 && j == 0 && s.kv_len > 1);
    m.key_padding_bk = in.padding.data();
  };
  auto add_bias = [&](BiasLayout layout) {
    const std::size_t n = (layout.per_batch ? s.batch : 1) * (layout.per_head ? s.heads : 1) * s.q_len * s.kv_len;
    in.bias = random_vector(n, 99, 2.f);
    for (std::size_t x = 0; x < n; x += 5) in.bias[x] = -kInf;  // some cells masked through the bias
    m.bias = in.bias.data();
    m.bias_layout = layout;
  };
  switch (kind) {
    case MaskKind::none: break;
    case MaskKind::causal_tl: m.causal = true; break;
    case MaskKind::causal_br: m.causal = true, m.causal_align = Align::bottom_right; break;
    case MaskKind::window_tl: m.window_left = 3; break;
    case MaskKind::window_br_causal:
      m.causal = true, m.causal_align = Align::bottom_right;
      m.window_left = 2, m.window_right = 1, m.window_align = Align::bottom_right;
      break;
    case MaskKind::padding: add_padding(); break;
    case MaskKind::bias_qk: add_bias({false, false}); break;
    case MaskKind::bias_hqk: add_bias({false, true}); break;
    case MaskKind::bias_b1qk: add_bias({true, false}); break;
    case MaskKind::bias_bhqk: add_bias({true, true}); break;
    case MaskKind::all:
      m.causal = true, m.window_left = 4;
      add_padding();
      add_bias({true, true});
      break;
  }
  return m;
}

struct Run {
  std::vector<float> out, weights, lse;
};

Run run(const Inputs& in, const MaskSpec& mask, SdpaImpl impl, const attn::KernelTable* kt,
        std::optional<float> scale = {}) {
  const SdpaShape& s = in.shape;
  Run r;
  r.out.assign(s.batch * s.q_len * s.heads * s.value_dim_or_default(), 12345.f);
  r.lse.assign(s.batch * s.heads * s.q_len, 12345.f);
  attn::SdpaOptions o;
  o.mask = mask, o.impl = impl, o.kernels = kt, o.scale = scale, o.lse_bhq = r.lse.data();
  if (impl == SdpaImpl::materialized) {
    r.weights.assign(s.batch * s.heads * s.q_len * s.kv_len, 12345.f);
    o.weights_bhqk = r.weights.data();
  }
  const attn::Status st = attn::sdpa(s, in.q.data(), in.k.data(), in.v.data(), r.out.data(), o);
  REQUIRE(st.message == "");
  return r;
}

std::vector<SdpaImpl> impls_for(const SdpaShape& s) {
  std::vector<SdpaImpl> impls{SdpaImpl::materialized, SdpaImpl::fused};
  if (s.q_len == 1) impls.push_back(SdpaImpl::decode);
  return impls;
}

const SdpaShape kShapes[] = {
    // B, Lq, Lk, H, Hkv, D, Dv
    {1, 1, 1, 1, 1, 1, 1},    {1, 5, 5, 1, 1, 3, 3},     {2, 7, 9, 4, 2, 17, 5},   {1, 17, 17, 2, 2, 64, 64},
    {1, 33, 40, 3, 1, 65, 65}, {2, 16, 16, 4, 4, 96, 96}, {1, 3, 20, 6, 3, 5, 7},  {1, 1, 37, 4, 1, 16, 16},
    {2, 1, 70, 4, 2, 8, 3},   {1, 70, 70, 1, 1, 8, 8},   {1, 40, 150, 2, 2, 4, 4}, {3, 20, 3, 2, 1, 9, 9},
    {1, 70, 300, 2, 1, 16, 16},  // three key tiles of the fused path (128 keys each) and three query blocks (32)
};

}  // namespace

TEST_CASE("sdpa matches the double oracle: every table × implementation × shape × mask", "[sdpa]") {
  for (const SdpaShape& shape : kShapes)
    for (MaskKind kind : kMaskKinds) {
      Inputs in(shape, 7 + shape.head_dim);
      const MaskSpec mask = make_mask(kind, in);
      const attn::ref::SdpaResult ref = attn::ref::sdpa(shape, in.q.data(), in.k.data(), in.v.data(), mask, {});
      for (attn::Isa isa : attn::available_isas())
        for (SdpaImpl impl : impls_for(shape)) {
          INFO("isa=" << attn::isa_name(isa) << " impl=" << attn::impl_name(impl) << " mask=" << int(kind)
                      << " B,Lq,Lk,H,Hkv,D,Dv=" << shape.batch << "," << shape.q_len << "," << shape.kv_len << ","
                      << shape.heads << "," << shape.kv_heads << "," << shape.head_dim << "," << shape.value_dim);
          const Run r = run(in, mask, impl, attn::table_for(isa));
          CHECK(compare(r.out, ref.out, attn_test::kSdpaTol) == "");
          CHECK(compare(r.lse, ref.lse, attn_test::kSdpaTol) == "");
          if (!r.weights.empty()) CHECK(compare(r.weights, ref.weights, attn_test::kSdpaTol) == "");
        }
    }
}

TEST_CASE("weights rows sum to 1, or are all 0 for a row with no visible key", "[sdpa][property]") {
  SdpaShape shape{2, 9, 12, 2, 1, 8, 8};
  for (MaskKind kind : kMaskKinds) {
    Inputs in(shape, 3);
    const Run r = run(in, make_mask(kind, in), SdpaImpl::materialized, nullptr);
    for (std::size_t row = 0; row < r.weights.size() / shape.kv_len; ++row) {
      double sum = 0;
      for (std::size_t j = 0; j < shape.kv_len; ++j) sum += r.weights[row * shape.kv_len + j];
      INFO("mask=" << int(kind) << " row=" << row << " sum=" << sum);
      CHECK((std::abs(sum - 1.0) < 1e-5 || sum == 0.0));
    }
  }
}

TEST_CASE("causal: changing a future token leaves earlier outputs bit-identical", "[sdpa][property]") {
  SdpaShape shape{1, 40, 40, 2, 2, 16, 16};
  for (SdpaImpl impl : {SdpaImpl::materialized, SdpaImpl::fused}) {
    Inputs a(shape, 5), b(shape, 5);
    const std::size_t t = 30;  // perturb token t's key and value
    for (std::size_t x = t * 2 * 16; x < (t + 1) * 2 * 16; ++x) b.k[x] += 3.f, b.v[x] -= 2.f;
    MaskSpec mask;
    mask.causal = true;
    const Run ra = run(a, mask, impl, nullptr), rb = run(b, mask, impl, nullptr);
    const std::size_t before = t * 2 * 16;  // outputs of tokens 0..t-1
    INFO("impl=" << attn::impl_name(impl));
    CHECK(std::equal(ra.out.begin(), ra.out.begin() + before, rb.out.begin()));
    CHECK(!std::equal(ra.out.begin() + before, ra.out.end(), rb.out.begin() + before));
  }
}

TEST_CASE("masked keys and values never leak: NaN and huge poison in them changes nothing", "[sdpa][stress]") {
  SdpaShape shape{2, 6, 10, 2, 2, 5, 5};
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (float poison : {nan, 1e30f, -kInf}) {
    Inputs clean(shape, 11);
    MaskSpec mask;
    mask.causal = true;
    clean.padding.assign(shape.batch * shape.kv_len, 0);
    clean.padding[0 * 10 + 9] = 1;  // batch 0: key 9 padded
    for (std::size_t j = 0; j < 10; ++j) clean.padding[1 * 10 + j] = j >= 2;  // batch 1: only keys 0, 1 real
    Inputs dirty = clean;
    mask.key_padding_bk = clean.padding.data();
    MaskSpec dirty_mask = mask;
    dirty_mask.key_padding_bk = dirty.padding.data();
    for (std::size_t b = 0; b < 2; ++b)
      for (std::size_t j = 0; j < 10; ++j)
        if (dirty.padding[b * 10 + j])
          for (std::size_t x = 0; x < 2 * 5; ++x) {
            dirty.k[(b * 10 + j) * 10 + x] = poison;
            dirty.v[(b * 10 + j) * 10 + x] = poison;
          }
    for (attn::Isa isa : attn::available_isas())
      for (SdpaImpl impl : {SdpaImpl::materialized, SdpaImpl::fused}) {
        INFO("poison=" << poison << " isa=" << attn::isa_name(isa) << " impl=" << attn::impl_name(impl));
        const Run rc = run(clean, mask, impl, attn::table_for(isa)), rd = run(dirty, dirty_mask, impl, attn::table_for(isa));
        CHECK(rc.out == rd.out);
        for (float x : rd.out) CHECK(std::isfinite(x));
      }
  }
}

TEST_CASE("a row with no visible key gives zeros and lse = -inf, not NaN", "[sdpa][stress]") {
  SdpaShape shape{1, 4, 6, 1, 1, 3, 3};
  Inputs in(shape, 2);
  in.padding.assign(6, 1);  // every key padded
  MaskSpec mask;
  mask.key_padding_bk = in.padding.data();
  for (attn::Isa isa : attn::available_isas())
    for (SdpaImpl impl : {SdpaImpl::materialized, SdpaImpl::fused}) {
      const Run r = run(in, mask, impl, attn::table_for(isa));
      for (float x : r.out) CHECK(x == 0.f);
      for (float x : r.lse) CHECK(x == -kInf);
      for (float x : r.weights) CHECK(x == 0.f);
    }
}

TEST_CASE("NaN in a visible input propagates to that output", "[sdpa][stress]") {
  SdpaShape shape{1, 3, 5, 1, 1, 4, 4};
  for (SdpaImpl impl : {SdpaImpl::materialized, SdpaImpl::fused}) {
    Inputs in(shape, 4);
    in.v[2 * 4 + 1] = std::numeric_limits<float>::quiet_NaN();  // value of key 2
    MaskSpec mask;
    mask.causal = true;
    const Run r = run(in, mask, impl, nullptr);
    CHECK(!std::isnan(r.out[0 * 4 + 1]));  // query 0 cannot see key 2
    CHECK(!std::isnan(r.out[1 * 4 + 1]));
    CHECK(std::isnan(r.out[2 * 4 + 1]));  // query 2 can
  }
}

TEST_CASE("logits of 90-100 do not overflow", "[sdpa][stress]") {
  SdpaShape shape{1, 9, 9, 1, 1, 10, 10};
  Inputs in(shape, 8);
  for (auto& x : in.q) x = 3.1f + 0.05f * x;  // q·k ≈ 10·3.1·3.1 ≈ 96
  for (auto& x : in.k) x = 3.1f + 0.05f * x;
  const auto ref = attn::ref::sdpa(shape, in.q.data(), in.k.data(), in.v.data(), {}, 1.0f);
  for (attn::Isa isa : attn::available_isas())
    for (SdpaImpl impl : {SdpaImpl::materialized, SdpaImpl::fused}) {
      const Run r = run(in, {}, impl, attn::table_for(isa), 1.0f);
      INFO("isa=" << attn::isa_name(isa) << " impl=" << attn::impl_name(impl));
      CHECK(compare(r.out, ref.out, attn_test::kStressTol) == "");
      if (!r.weights.empty()) CHECK(compare(r.weights, ref.weights, attn_test::kStressTol) == "");
    }
}

TEST_CASE("bad input is an error that names the argument", "[sdpa][errors]") {
  std::vector<float> buf(64, 0.f);
  auto err = [&](SdpaShape s, attn::SdpaOptions o = {}) {
    return attn::sdpa(s, buf.data(), buf.data(), buf.data(), buf.data(), o);
  };
  CHECK(err({1, 0, 2, 1, 1, 2, 2}).message == "q_len must be >= 1, got 0");
  CHECK(err({1, 2, 2, 4, 3, 2, 2}).message == "kv_heads: expected a divisor of heads (4), received 3");
  CHECK(err({1, 2, 2, 2, 4, 2, 2}).message == "kv_heads: expected a divisor of heads (2), received 4");
  attn::SdpaOptions o;
  o.mask.window_left = -1;
  CHECK(err({1, 2, 2, 1, 1, 2, 2}, o).message == "window.left must be >= 0 (or absent), got -1");
  o = {};
  o.scale = kInf;
  CHECK(err({1, 2, 2, 1, 1, 2, 2}, o).code == attn::Code::invalid_argument);
  o = {};
  o.impl = SdpaImpl::decode;
  CHECK(err({1, 2, 2, 1, 1, 2, 2}, o).message == "impl decode needs q_len == 1, got 2");
  const std::size_t huge = std::numeric_limits<std::size_t>::max() / 2;
  CHECK(err({1, huge, huge, 1, 1, 4, 4}).code == attn::Code::out_of_range);
}

TEST_CASE("check_score_range refuses finite inputs whose scores pass float32, and nothing else", "[sdpa][errors]") {
  const SdpaShape shape{1, 2, 2, 1, 1, 8, 8};  // D = 8, default scale 1/√8: bound = √8 · max|q| · max|k| (+ max|bias|)
  std::vector<float> q(16, 1.f);
  attn::SdpaOptions o;
  CHECK(attn::check_score_range(shape, o, q.data(), 1e37f).ok());   // √8 · 1e37 ≈ 2.8e37
  const attn::Status over = attn::check_score_range(shape, o, q.data(), 1.3e38f);  // ≈ 3.7e38
  CHECK(over.code == attn::Code::invalid_argument);
  CHECK(over.message.rfind("scale, q, k: the attention scores scale·q·k can reach 3.68e+38", 0) == 0);
  CHECK(attn::check_score_range(shape, o, q.data(), kInf).ok());  // non-finite: the caller sees NaN
  q[15] = std::numeric_limits<float>::quiet_NaN();
  CHECK(attn::check_score_range(shape, o, q.data(), 1e38f).ok());
  q[15] = 1.f;
  o.scale = 1e30f;
  CHECK(!attn::check_score_range(shape, o, q.data(), 1e8f).ok());  // 1e30 · 8 · 1e8 past 3.4e38
  o.scale = -1e30f;
  CHECK(!attn::check_score_range(shape, o, q.data(), 1e8f).ok());
  o = {};
  std::vector<float> bias = {0.f, -kInf, 3e38f, 0.f};  // [Lq, Lk]: a −∞ cell masks, 3e38 is a score
  o.mask.bias = bias.data();
  const attn::Status with_bias = attn::check_score_range(shape, o, q.data(), 2e37f);  // 5.7e37 + 3e38
  CHECK(with_bias.message.find("scale·q·k + bias can reach") != std::string::npos);
  bias[2] = 1.f;
  CHECK(attn::check_score_range(shape, o, q.data(), 2e37f).ok());  // the −∞ cell alone does not refuse
}

TEST_CASE("threads: any thread count gives bit-identical results on every implementation", "[sdpa][threads]") {
  const SdpaShape shapes[] = {{2, 37, 37, 4, 2, 16, 16}, {3, 1, 50, 6, 3, 8, 8}};
  for (const SdpaShape& shape : shapes) {
    Inputs in(shape, 13);
    MaskSpec mask;
    mask.causal = true;
    for (SdpaImpl impl : impls_for(shape)) {
      auto with = [&](std::size_t threads) {
        std::vector<float> out(shape.batch * shape.q_len * shape.heads * shape.value_dim), lse(shape.batch * shape.heads * shape.q_len);
        attn::SdpaOptions o;
        o.mask = mask, o.impl = impl, o.threads = threads, o.lse_bhq = lse.data();
        REQUIRE(attn::sdpa(shape, in.q.data(), in.k.data(), in.v.data(), out.data(), o).ok());
        out.insert(out.end(), lse.begin(), lse.end());
        return out;
      };
      const auto one = with(1);
      INFO("impl=" << attn::impl_name(impl));
      CHECK(with(2) == one);
      CHECK(with(0) == one);
      CHECK(with(64) == one);
    }
  }
}

TEST_CASE("a broadcast bias equals the full [B, H, Lq, Lk] bias it stands for", "[sdpa][mask]") {
  // The layout's meaning checked without bias_at: each broadcast plane is repeated by hand into a full bias.
  const SdpaShape s{3, 5, 7, 4, 2, 8, 8, 0};
  const auto q = random_vector(3 * 5 * 4 * 8, 1), k = random_vector(3 * 7 * 2 * 8, 2), v = random_vector(3 * 7 * 2 * 8, 3);
  const std::size_t qk = 5 * 7;
  for (const BiasLayout layout : {BiasLayout{false, false}, BiasLayout{false, true}, BiasLayout{true, false}}) {
    const std::size_t planes = (layout.per_batch ? 3 : 1) * (layout.per_head ? 4 : 1);
    auto small = random_vector(planes * qk, 7, 2.f);
    small[4] = -kInf;
    std::vector<float> full(3 * 4 * qk);
    for (std::size_t b = 0; b < 3; ++b)
      for (std::size_t h = 0; h < 4; ++h) {
        const std::size_t plane = layout.per_batch ? (layout.per_head ? b * 4 + h : b) : (layout.per_head ? h : 0);
        std::copy_n(&small[plane * qk], qk, &full[(b * 4 + h) * qk]);
      }
    for (SdpaImpl impl : {SdpaImpl::materialized, SdpaImpl::fused}) {
      attn::SdpaOptions a, b;
      a.impl = b.impl = impl;
      a.mask.bias = small.data(), a.mask.bias_layout = layout;
      b.mask.bias = full.data(), b.mask.bias_layout = {true, true};
      std::vector<float> out_a(3 * 5 * 4 * 8), out_b(out_a.size());
      REQUIRE(attn::sdpa(s, q.data(), k.data(), v.data(), out_a.data(), a).ok());
      REQUIRE(attn::sdpa(s, q.data(), k.data(), v.data(), out_b.data(), b).ok());
      CHECK(out_a == out_b);
    }
  }
}
