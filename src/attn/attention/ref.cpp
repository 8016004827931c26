// The double-precision oracle for attention (see ref.hpp). Written for reading, not for speed.
// Not shared with the fast paths except for the mask predicate, which is the policy both must follow.
#include "attn/attention/ref.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace attn::ref {

SdpaResult sdpa(const SdpaShape& s, const float* q, const float* k, const float* v, const MaskSpec& mask,
                std::optional<float> scale) {
  const std::size_t B = s.batch, Lq = s.q_len, Lk = s.kv_len, rows = s.kv_rows_or_default(), H = s.heads, Hkv = s.kv_heads_or_default();
  const std::size_t D = s.head_dim, Dv = s.value_dim_or_default(), group = H / Hkv;
  const double sc = scale ? double(*scale) : 1.0 / std::sqrt(double(D));
  SdpaResult r;
  r.out.assign(B * Lq * H * Dv, 0.0);
  r.weights.assign(B * H * Lq * Lk, 0.0);
  r.lse.assign(B * H * Lq, -std::numeric_limits<double>::infinity());
  std::vector<double> logit(Lk);
  std::vector<bool> visible(Lk);

  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t h = 0; h < H; ++h) {
      const std::size_t hk = h / group;
      for (std::size_t i = 0; i < Lq; ++i) {
        const float* qi = q + ((b * Lq + i) * H + h) * D;
        double m = -std::numeric_limits<double>::infinity();
        bool any = false, nan = false;
        for (std::size_t j = 0; j < Lk; ++j) {
          visible[j] = is_visible(mask, b, h, i, j, H, Lq, Lk);
          if (!visible[j]) continue;
          const float* kj = k + ((b * rows + j) * Hkv + hk) * D;
          double dot = 0.0;
          for (std::size_t d = 0; d < D; ++d) dot += double(qi[d]) * double(kj[d]);
          logit[j] = sc * dot + double(bias_at(mask, b, h, i, j, H, Lq, Lk));
          nan = nan || std::isnan(logit[j]);
          if (logit[j] > m) m = logit[j];
          any = true;
        }
        if (!any) continue;  // no visible key: zeros, lse = −∞
        double sum = 0.0;
        for (std::size_t j = 0; j < Lk; ++j)
          if (visible[j]) sum += std::exp(logit[j] - m);
        if (nan) sum = std::numeric_limits<double>::quiet_NaN();
        r.lse[(b * H + h) * Lq + i] = m + std::log(sum);
        double* oi = &r.out[((b * Lq + i) * H + h) * Dv];
        for (std::size_t j = 0; j < Lk; ++j) {
          if (!visible[j]) continue;
          const double w = std::exp(logit[j] - m) / sum;
          r.weights[((b * H + h) * Lq + i) * Lk + j] = w;
          const float* vj = v + ((b * rows + j) * Hkv + hk) * Dv;
          for (std::size_t d = 0; d < Dv; ++d) oi[d] += w * double(vj[d]);
        }
      }
    }
  return r;
}

std::vector<double> project(const std::vector<double>& x, std::size_t rows, std::size_t in, const std::vector<float>& w,
                            const std::vector<float>& b, std::size_t out) {
  std::vector<double> y(rows * out, 0.0);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < out; ++c) {
      double s = b.empty() ? 0.0 : b[c];
      for (std::size_t i = 0; i < in; ++i) s += x[r * in + i] * double(w[i * out + c]);
      y[r * out + c] = s;
    }
  return y;
}

std::vector<double> mha(const MultiHeadAttention& m, const std::vector<float>& x, std::size_t B, std::size_t L,
                        const MaskSpec& mask, std::size_t first) {
  const MhaConfig& c = m.config();
  const std::size_t E = c.d_model, H = c.heads, Hkv = c.kv_heads_or_default(), D = c.head_dim_or_default();
  const std::size_t Dv = c.value_dim_or_default();
  std::vector<float> pe(L * E, 0.f);
  if (c.positional == Positional::sinusoidal) sinusoidal_encoding(first, L, E, pe.data());
  if (c.positional == Positional::learned)
    std::copy(m.weights().positions.begin() + first * E, m.weights().positions.begin() + (first + L) * E, pe.begin());
  std::vector<double> xp(B * L * E);
  for (std::size_t i = 0; i < xp.size(); ++i) xp[i] = double(x[i]) + double(pe[i % (L * E)]);
  const auto& w = m.weights();
  const auto to_float = [](const std::vector<double>& v) { return std::vector<float>(v.begin(), v.end()); };
  const auto q = to_float(project(xp, B * L, E, w.w_q, w.b_q, H * D));
  const auto k = to_float(project(xp, B * L, E, w.w_k, w.b_k, Hkv * D));
  const auto v = to_float(project(xp, B * L, E, w.w_v, w.b_v, Hkv * Dv));
  const SdpaResult r = sdpa({B, L, L, H, Hkv, D, Dv, 0}, q.data(), k.data(), v.data(), mask, {});
  return project(r.out, B * L, H * Dv, w.w_o, w.b_o, E);
}

}  // namespace attn::ref
