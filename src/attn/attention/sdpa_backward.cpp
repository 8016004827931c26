// sdpa_backward: per (batch, kv head) group, the five products of the backward through the kernel table's GEMMs;
// ref::sdpa_backward: the same formulas as plain loops in double.
#include "attn/attention/sdpa_backward.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "attn/attention/ref.hpp"
#include "attn/core/parallel.hpp"

namespace attn {

Status sdpa_backward(const SdpaShape& s, const float* q, const float* k, const float* v, const float* weights,
                     const float* dout, float* dq, float* dk, float* dv, const SdpaBackwardOptions& o) {
  if (Status st = validate_sdpa(s, {}); !st.ok()) return st;
  if (s.kv_rows && s.kv_rows != s.kv_len)
    return Status::invalid_argument("sdpa_backward: kv_rows must be 0 or kv_len (k and v dense)");
  if (!q || !k || !v || !weights || !dout || !dq || !dk || !dv)
    return Status::invalid_argument("sdpa_backward: null q, k, v, weights, dout, dq, dk or dv");
  const KernelTable& kt = o.kernels ? *o.kernels : best_kernels();
  const std::size_t B = s.batch, Lq = s.q_len, Lk = s.kv_len, H = s.heads, Hkv = s.kv_heads_or_default();
  const std::size_t D = s.head_dim, Dv = s.value_dim_or_default(), group = H / Hkv;
  const float scale = sdpa_scale(s, o.scale);
  const std::size_t qw = H * D, kw = Hkv * D, vw = Hkv * Dv, ow = H * Dv;
  // One worker owns one (b, kv head): its query heads add into dk/dv rows nobody else writes.
  const std::size_t pairs = B * Hkv, workers = worker_count(pairs, o.threads);
  Workspace own;  // used only when the caller gave none
  Workspace& ws = o.workspace ? *o.workspace : own;
  const Workspace::Frame frame(ws);
  float* scratch = ws.take<float>(workers * 3 * Lq * Lk);
  parallel_for(pairs, o.threads, [&](std::size_t pair, std::size_t worker) {
    const std::size_t b = pair / Hkv, hk = pair % Hkv;
    float* buf = scratch + worker * 3 * Lq * Lk;
    float *dp = buf, *ds_t = dp + Lq * Lk, *p_t = ds_t + Lq * Lk;  // dP / dS [Lq, Lk], dSᵀ, Pᵀ [Lk, Lq]
    const float* kb = k + b * Lk * kw + hk * D;
    const float* vb = v + b * Lk * vw + hk * Dv;
    float* dkb = dk + b * Lk * kw + hk * D;
    float* dvb = dv + b * Lk * vw + hk * Dv;
    for (std::size_t j = 0; j < Lk; ++j) {
      std::fill_n(dkb + j * kw, D, 0.0f);
      std::fill_n(dvb + j * vw, Dv, 0.0f);
    }
    for (std::size_t h = hk * group; h < (hk + 1) * group; ++h) {
      const float* p = weights + (b * H + h) * Lq * Lk;
      const float* qb = q + b * Lq * qw + h * D;
      const float* dob = dout + b * Lq * ow + h * Dv;
      float* dqb = dq + b * Lq * qw + h * D;
      kt.gemm_nt(Lq, Lk, Dv, 1.0f, dob, ow, vb, vw, dp, Lk);  // dP = dO·Vᵀ
      for (std::size_t i = 0; i < Lq; ++i) {                  // dS = P ⊙ (dP − Σ_j P·dP)
        const float* pi = p + i * Lk;
        float* di = dp + i * Lk;
        double delta = 0;
        for (std::size_t j = 0; j < Lk; ++j) delta += double(pi[j]) * double(di[j]);
        for (std::size_t j = 0; j < Lk; ++j) di[j] = pi[j] * (di[j] - float(delta));
      }
      kt.gemm_nn(Lq, D, Lk, scale, dp, Lk, kb, kw, dqb, qw);  // dQ = scale·dS·K
      kt.transpose(Lq, Lk, dp, Lk, ds_t, Lq);
      kt.gemm_nn_acc(Lk, D, Lq, ds_t, Lq, qb, qw, dkb, kw);  // dK += dSᵀ·Q (scaled below)
      kt.transpose(Lq, Lk, p, Lk, p_t, Lq);
      kt.gemm_nn_acc(Lk, Dv, Lq, p_t, Lq, dob, ow, dvb, vw);  // dV += Pᵀ·dO
    }
    for (std::size_t j = 0; j < Lk; ++j)
      for (std::size_t d = 0; d < D; ++d) dkb[j * kw + d] *= scale;
  });
  return Status::success();
}

namespace ref {

SdpaGradients sdpa_backward(const SdpaShape& s, const float* q, const float* k, const float* v, const float* dout,
                            const MaskSpec& mask, std::optional<float> scale) {
  const std::size_t B = s.batch, Lq = s.q_len, Lk = s.kv_len, H = s.heads, Hkv = s.kv_heads_or_default();
  const std::size_t D = s.head_dim, Dv = s.value_dim_or_default(), group = H / Hkv;
  const double sc = scale ? double(*scale) : 1.0 / std::sqrt(double(D));
  const SdpaResult fwd = ref::sdpa(s, q, k, v, mask, scale);
  SdpaGradients g;
  g.dq.assign(B * Lq * H * D, 0.0), g.dk.assign(B * Lk * Hkv * D, 0.0), g.dv.assign(B * Lk * Hkv * Dv, 0.0);
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t h = 0; h < H; ++h) {
      const std::size_t hk = h / group;
      for (std::size_t i = 0; i < Lq; ++i) {
        const double* p = &fwd.weights[((b * H + h) * Lq + i) * Lk];
        const float* doi = dout + ((b * Lq + i) * H + h) * Dv;
        std::vector<double> dp(Lk, 0.0);
        double delta = 0;
        for (std::size_t j = 0; j < Lk; ++j) {
          const float* vj = v + ((b * Lk + j) * Hkv + hk) * Dv;
          for (std::size_t d = 0; d < Dv; ++d) dp[j] += double(doi[d]) * double(vj[d]);
          delta += p[j] * dp[j];
          for (std::size_t d = 0; d < Dv; ++d) g.dv[((b * Lk + j) * Hkv + hk) * Dv + d] += p[j] * double(doi[d]);
        }
        for (std::size_t j = 0; j < Lk; ++j) {
          const double ds = p[j] * (dp[j] - delta) * sc;
          const float* qi = q + ((b * Lq + i) * H + h) * D;
          const float* kj = k + ((b * Lk + j) * Hkv + hk) * D;
          for (std::size_t d = 0; d < D; ++d) {
            g.dq[((b * Lq + i) * H + h) * D + d] += ds * double(kj[d]);
            g.dk[((b * Lk + j) * Hkv + hk) * D + d] += ds * double(qi[d]);
          }
        }
      }
    }
  return g;
}

}  // namespace ref
}  // namespace attn
