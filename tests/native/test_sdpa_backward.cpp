// The attention backward (attention/sdpa_backward.hpp): its double oracle against central finite differences of
// the forward oracle, then the fast path against the oracle on every kernel table, across sizes around the
// vector widths, grouped-query heads, causal masks (top-left and bottom-right) and thread counts.
#include <catch2/catch_test_macros.hpp>

#include <cmath>
#include <cstring>
#include <vector>

#include "attn/attention/ref.hpp"
#include "attn/attention/sdpa_backward.hpp"
#include "tolerance.hpp"

using attn_test::compare;
using attn_test::random_vector;

namespace {

/// Σ dout ⊙ ref::sdpa(q, k, v): its gradient is what sdpa_backward computes.
double objective(const attn::SdpaShape& s, const std::vector<float>& q, const std::vector<float>& k,
                 const std::vector<float>& v, const std::vector<float>& dout, const attn::MaskSpec& mask) {
  const auto r = attn::ref::sdpa(s, q.data(), k.data(), v.data(), mask, std::nullopt);
  double f = 0;
  for (std::size_t i = 0; i < r.out.size(); ++i) f += r.out[i] * double(dout[i]);
  return f;
}

}  // namespace

TEST_CASE("sdpa backward oracle: equals central finite differences of the forward oracle", "[backward]") {
  const attn::SdpaShape s{2, 5, 5, 4, 2, 3, 4, 0};
  attn::MaskSpec causal;
  causal.causal = true;
  auto q = random_vector(2 * 5 * 4 * 3, 1), k = random_vector(2 * 5 * 2 * 3, 2), v = random_vector(2 * 5 * 2 * 4, 3);
  const auto dout = random_vector(2 * 5 * 4 * 4, 4);
  const auto g = attn::ref::sdpa_backward(s, q.data(), k.data(), v.data(), dout.data(), causal, std::nullopt);
  // h = 2^-8 is exact in float, so x ± h is exact for |x| < 1: the error is the O(h²) truncation, ~1e-5 here.
  const float h = 1.0f / 256;
  const auto check = [&](std::vector<float>& x, const std::vector<double>& grad) {
    std::vector<double> numeric(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const float keep = x[i];
      x[i] = keep + h;
      const double up = objective(s, q, k, v, dout, causal);
      x[i] = keep - h;
      const double down = objective(s, q, k, v, dout, causal);
      x[i] = keep;
      numeric[i] = (up - down) / (2.0 * double(h));
    }
    CHECK(compare(grad, numeric, {1e-4, 1e-3}) == "");
  };
  check(q, g.dq);
  check(k, g.dk);
  check(v, g.dv);
}

TEST_CASE("sdpa backward: every kernel table matches the oracle; threads change no bit", "[backward]") {
  struct Case {
    std::size_t B, Lq, Lk, H, Hkv, D, Dv;
    bool causal;
    attn::Align align;
  };
  const Case cases[] = {
      {1, 1, 1, 1, 1, 4, 4, false, attn::Align::top_left},  {2, 5, 5, 4, 4, 8, 8, true, attn::Align::top_left},
      {1, 17, 17, 4, 2, 16, 16, true, attn::Align::top_left}, {2, 9, 9, 3, 1, 7, 5, false, attn::Align::top_left},
      {1, 4, 13, 2, 2, 15, 17, true, attn::Align::bottom_right}, {1, 33, 33, 2, 1, 33, 9, true, attn::Align::top_left}};
  for (const Case& c : cases)
    for (attn::Isa isa : attn::available_isas()) {
      INFO("B" << c.B << " Lq" << c.Lq << " Lk" << c.Lk << " H" << c.H << "/" << c.Hkv << " D" << c.D << " Dv" << c.Dv
               << (c.causal ? " causal " : " ") << attn::isa_name(isa));
      const attn::SdpaShape s{c.B, c.Lq, c.Lk, c.H, c.Hkv, c.D, c.Dv, 0};
      const auto q = random_vector(c.B * c.Lq * c.H * c.D, 11), k = random_vector(c.B * c.Lk * c.Hkv * c.D, 12);
      const auto v = random_vector(c.B * c.Lk * c.Hkv * c.Dv, 13), dout = random_vector(c.B * c.Lq * c.H * c.Dv, 14);
      attn::SdpaOptions fo;
      fo.mask.causal = c.causal, fo.mask.causal_align = c.align, fo.kernels = attn::table_for(isa);
      std::vector<float> out(c.B * c.Lq * c.H * c.Dv), weights(c.B * c.H * c.Lq * c.Lk);
      fo.weights_bhqk = weights.data();
      REQUIRE(attn::sdpa(s, q.data(), k.data(), v.data(), out.data(), fo).ok());
      std::vector<float> dq(q.size(), 9.0f), dk(k.size(), 9.0f), dv(v.size(), 9.0f);  // overwritten, not added to
      attn::SdpaBackwardOptions bo;
      bo.kernels = attn::table_for(isa);
      REQUIRE(attn::sdpa_backward(s, q.data(), k.data(), v.data(), weights.data(), dout.data(), dq.data(), dk.data(),
                                  dv.data(), bo).ok());
      const auto g = attn::ref::sdpa_backward(s, q.data(), k.data(), v.data(), dout.data(), fo.mask, std::nullopt);
      CHECK(compare(dq, g.dq, attn_test::kSdpaTol) == "");
      CHECK(compare(dk, g.dk, attn_test::kSdpaTol) == "");
      CHECK(compare(dv, g.dv, attn_test::kSdpaTol) == "");
      bo.threads = 2;
      std::vector<float> dq2(q.size()), dk2(k.size()), dv2(v.size());
      REQUIRE(attn::sdpa_backward(s, q.data(), k.data(), v.data(), weights.data(), dout.data(), dq2.data(),
                                  dk2.data(), dv2.data(), bo).ok());
      CHECK(std::memcmp(dq.data(), dq2.data(), dq.size() * sizeof(float)) == 0);
      CHECK(std::memcmp(dk.data(), dk2.data(), dk.size() * sizeof(float)) == 0);
      CHECK(std::memcmp(dv.data(), dv2.data(), dv.size() * sizeof(float)) == 0);
    }
}

TEST_CASE("sdpa backward refuses what it cannot do with a reason", "[backward]") {
  const attn::SdpaShape cached{1, 1, 4, 1, 1, 4, 4, 8};
  std::vector<float> x(64, 0.5f);
  CHECK(attn::sdpa_backward(cached, x.data(), x.data(), x.data(), x.data(), x.data(), x.data(), x.data(), x.data())
            .message.find("kv_rows") != std::string::npos);
  const attn::SdpaShape s{1, 2, 2, 1, 1, 4, 4, 0};
  CHECK(attn::sdpa_backward(s, x.data(), x.data(), x.data(), nullptr, x.data(), x.data(), x.data(), x.data()).code ==
        attn::Code::invalid_argument);
}
