// gpt2_reference: the forward pass written from the math, one token row at a time, in double.
#include "attn/model/gpt2_ref.hpp"

#include <algorithm>
#include <cmath>

namespace attn {
namespace {

std::vector<double> layer_norm(const std::vector<double>& x, const std::vector<float>& g, const std::vector<float>& b,
                               double eps) {
  const std::size_t C = x.size();
  double mean = 0, var = 0;
  for (double v : x) mean += v;
  mean /= double(C);
  for (double v : x) var += (v - mean) * (v - mean);
  var /= double(C);
  std::vector<double> y(C);
  for (std::size_t c = 0; c < C; ++c) y[c] = (x[c] - mean) / std::sqrt(var + eps) * g[c] + b[c];
  return y;
}

/// y[o] = b[o] + Σ_i x[i] · W[i, o].
std::vector<double> conv1d(const std::vector<double>& x, const PackedMatrix& W, const std::vector<float>& b) {
  std::vector<double> y(b.begin(), b.end());
  for (std::size_t i = 0; i < x.size(); ++i)
    for (std::size_t o = 0; o < W.out(); ++o) y[o] += x[i] * W.at(i, o);
  return y;
}

double gelu(double x, GeluForm form) {
  if (form == GeluForm::erf) return 0.5 * x * (1 + std::erf(x / std::sqrt(2.0)));
  return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
}

}  // namespace

Gpt2Reference gpt2_reference(const Gpt2Config& cfg, const Gpt2Weights& w, const std::vector<std::uint32_t>& rows) {
  const std::size_t T = rows.size(), C = cfg.d_model, H = cfg.heads, D = cfg.head_dim(), L = cfg.layers, V = cfg.vocab;
  const double eps = cfg.ln_eps;
  Gpt2Reference ref;
  ref.attention.assign(L * H * T * T, 0.0);
  std::vector<std::vector<double>> x(T, std::vector<double>(C));
  for (std::size_t t = 0; t < T; ++t)
    for (std::size_t c = 0; c < C; ++c) x[t][c] = double(w.wte.at(rows[t] * C + c)) + double(w.wpe[t * C + c]);
  auto record = [&] {
    for (const auto& row : x) ref.residual.insert(ref.residual.end(), row.begin(), row.end());
  };
  for (std::size_t l = 0; l < L; ++l) {
    const Gpt2Layer& b = w.layers[l];
    record();
    std::vector<std::vector<double>> qkv(T);
    for (std::size_t t = 0; t < T; ++t) qkv[t] = conv1d(layer_norm(x[t], b.ln1_g, b.ln1_b, eps), b.qkv_w, b.qkv_b);
    std::vector<std::vector<double>> mixed(T, std::vector<double>(C, 0.0));
    for (std::size_t h = 0; h < H; ++h)
      for (std::size_t i = 0; i < T; ++i) {
        std::vector<double> s(i + 1);
        for (std::size_t j = 0; j <= i; ++j) {
          double dot = 0;
          for (std::size_t d = 0; d < D; ++d) dot += qkv[i][h * D + d] * qkv[j][C + h * D + d];
          s[j] = dot / std::sqrt(double(D));
        }
        const double top = *std::max_element(s.begin(), s.end());
        double z = 0;
        for (double& e : s) z += (e = std::exp(e - top));
        for (std::size_t j = 0; j <= i; ++j) {
          const double a = s[j] / z;
          ref.attention[((l * H + h) * T + i) * T + j] = a;
          for (std::size_t d = 0; d < D; ++d) mixed[i][h * D + d] += a * qkv[j][2 * C + h * D + d];
        }
      }
    for (std::size_t t = 0; t < T; ++t) {
      std::vector<double> a = conv1d(mixed[t], b.proj_w, b.proj_b);
      for (std::size_t c = 0; c < C; ++c) a[c] += x[t][c];
      std::vector<double> m = conv1d(layer_norm(a, b.ln2_g, b.ln2_b, eps), b.fc_w, b.fc_b);
      for (double& v : m) v = gelu(v, cfg.gelu);
      std::vector<double> y = conv1d(m, b.out_w, b.out_b);
      for (std::size_t c = 0; c < C; ++c) x[t][c] = a[c] + y[c];
    }
  }
  record();
  const Gpt2Table& head = w.head();
  ref.logits.resize(T * V);
  for (std::size_t t = 0; t < T; ++t) {
    const std::vector<double> hrow = layer_norm(x[t], w.lnf_g, w.lnf_b, eps);
    for (std::size_t v = 0; v < V; ++v) {
      double s = 0;
      for (std::size_t c = 0; c < C; ++c) s += hrow[c] * head.at(v * C + c);
      ref.logits[t * V + v] = s;
    }
  }
  return ref;
}

}  // namespace attn
