// The double-precision oracle for attention (see ref.hpp). Written for reading, not for speed.
// Not shared with the fast paths except for the mask predicate, which is the policy both must follow.
#include "attn/attention/ref.hpp"

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

}  // namespace attn::ref
