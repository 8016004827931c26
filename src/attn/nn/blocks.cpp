// GPT-2's blocks, forward and backward (see blocks.hpp). Plain loops for the element-wise parts, the kernel table's
// GEMMs for the products; row blocks or column blocks over threads, never a shared accumulator.
#include "attn/nn/blocks.hpp"

#include <algorithm>
#include <cmath>

#include "attn/attention/sdpa.hpp"
#include "attn/attention/sdpa_backward.hpp"
#include "attn/core/parallel.hpp"
#include "attn/kernels/matmul.hpp"

namespace attn::nn {
namespace {

constexpr std::size_t kRowBlock = 64;
constexpr float kGeluC = 0.7978845608028654f;  // √(2/π)
constexpr float kGeluA = 0.044715f;

std::size_t blocks_of(std::size_t n, std::size_t block) { return (n + block - 1) / block; }

/// Calls fn(begin, end) for consecutive ranges of `block` items of [0, n), spread over threads.
template <class Fn>
void for_blocks(std::size_t n, std::size_t block, std::size_t threads, Fn&& fn) {
  parallel_for(blocks_of(n, block), threads, [&](std::size_t i, std::size_t) {
    fn(i * block, std::min(n, (i + 1) * block));
  });
}

}  // namespace

float gelu_tanh(float x) { return 0.5f * x * (1.0f + std::tanh(kGeluC * (x + kGeluA * x * x * x))); }

float gelu_tanh_grad(float x) {
  const float th = std::tanh(kGeluC * (x + kGeluA * x * x * x));
  return 0.5f * (1.0f + th) + 0.5f * x * (1.0f - th * th) * kGeluC * (1.0f + 3.0f * kGeluA * x * x);
}

void embed_forward(const std::uint32_t* rows, std::size_t n, std::size_t T, std::size_t C, const float* wte,
                   const float* wpe, float* x) {
  for (std::size_t t = 0; t < n; ++t) {
    const float* e = wte + std::size_t(rows[t]) * C;
    const float* p = wpe + (t % T) * C;
    for (std::size_t c = 0; c < C; ++c) x[t * C + c] = e[c] + p[c];
  }
}

void embed_backward(const float* dx, const std::uint32_t* rows, std::size_t n, std::size_t T, std::size_t C,
                    float* dwte, float* dwpe) {
  for (std::size_t t = 0; t < n; ++t) {
    float* e = dwte + std::size_t(rows[t]) * C;
    float* p = dwpe + (t % T) * C;
    for (std::size_t c = 0; c < C; ++c) e[c] += dx[t * C + c], p[c] += dx[t * C + c];
  }
}

void layer_norm_forward(const float* x, std::size_t n, std::size_t C, const float* g, const float* b, float eps,
                        float* y, float* mean, float* rstd, std::size_t threads) {
  for_blocks(n, kRowBlock, threads, [&](std::size_t r0, std::size_t r1) {
    for (std::size_t r = r0; r < r1; ++r) {
      const float* xr = x + r * C;
      double m = 0, v = 0;
      for (std::size_t c = 0; c < C; ++c) m += xr[c];
      m /= double(C);
      for (std::size_t c = 0; c < C; ++c) v += (xr[c] - m) * (xr[c] - m);
      v /= double(C);
      const float mu = float(m), rs = float(1.0 / std::sqrt(v + double(eps)));
      if (mean) mean[r] = mu;
      if (rstd) rstd[r] = rs;
      for (std::size_t c = 0; c < C; ++c) y[r * C + c] = (xr[c] - mu) * rs * g[c] + b[c];
    }
  });
}

void layer_norm_backward(const float* dy, const float* x, const float* mean, const float* rstd, std::size_t n,
                         std::size_t C, const float* g, float* dx, float* dg, float* db, std::size_t threads) {
  // dx row by row: dx = rstd · (dŷ − mean(dŷ) − x̂ · mean(dŷ · x̂)) with dŷ = dy · g.
  for_blocks(n, kRowBlock, threads, [&](std::size_t r0, std::size_t r1) {
    for (std::size_t r = r0; r < r1; ++r) {
      const float *xr = x + r * C, *dyr = dy + r * C;
      double s = 0, sx = 0;
      for (std::size_t c = 0; c < C; ++c) {
        const float d = dyr[c] * g[c], xh = (xr[c] - mean[r]) * rstd[r];
        s += d, sx += double(d) * xh;
      }
      const float ms = float(s / double(C)), msx = float(sx / double(C));
      for (std::size_t c = 0; c < C; ++c) {
        const float xh = (xr[c] - mean[r]) * rstd[r];
        dx[r * C + c] += rstd[r] * (dyr[c] * g[c] - ms - xh * msx);
      }
    }
  });
  // dg, db column by column, rows in order.
  for_blocks(C, 16, threads, [&](std::size_t c0, std::size_t c1) {
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t c = c0; c < c1; ++c) {
        const float xh = (x[r * C + c] - mean[r]) * rstd[r];
        dg[c] += dy[r * C + c] * xh;
        db[c] += dy[r * C + c];
      }
  });
}

void gelu_forward(const KernelTable& kt, const float* x, float* y, std::size_t n, std::size_t threads) {
  for_blocks(n, 4096, threads, [&](std::size_t i0, std::size_t i1) {
    std::copy(x + i0, x + i1, y + i0);
    kt.gelu_tanh(y + i0, i1 - i0);
  });
}

void gelu_backward(const KernelTable& kt, const float* x, const float* dy, float* dx, std::size_t n,
                   std::size_t threads) {
  for_blocks(n, 4096, threads, [&](std::size_t i0, std::size_t i1) {
    kt.gelu_tanh_backward(x + i0, dy + i0, dx + i0, i1 - i0);
  });
}

void linear_forward(const KernelTable& kt, const float* x, std::size_t n, std::size_t in, const float* w,
                    const float* b, std::size_t out, float* y, PackedMatrix& pack, std::size_t threads) {
  matmul_bias(kt, x, n, in, w, b, out, y, threads, pack);
}

void matmul_tn_acc(const KernelTable& kt, const float* a, std::size_t n, std::size_t M, const float* b, std::size_t N,
                   float* c, std::vector<float>& scratch, std::size_t threads) {
  if (scratch.size() < M * n) scratch.resize(M * n);
  float* aT = scratch.data();  // [M, n]
  for_blocks(n, 256, threads, [&](std::size_t r0, std::size_t r1) { kt.transpose(r1 - r0, M, a + r0 * M, M, aT + r0, n); });
  for_blocks(M, 16, threads, [&](std::size_t i0, std::size_t i1) {
    kt.gemm_nn_acc(i1 - i0, N, n, aT + i0 * n, n, b, N, c + i0 * N, N);
  });
}

void linear_backward(const KernelTable& kt, const float* dy, const float* x, std::size_t n, std::size_t in,
                     const float* w, std::size_t out, float* dx, float* dw, float* db, std::vector<float>& scratch,
                     std::size_t threads) {
  if (dx) {
    const std::size_t workers = worker_count(blocks_of(n, kRowBlock), threads);
    if (scratch.size() < workers * kRowBlock * in) scratch.resize(workers * kRowBlock * in);
    parallel_for(blocks_of(n, kRowBlock), threads, [&](std::size_t i, std::size_t worker) {
      const std::size_t r0 = i * kRowBlock, m = std::min(kRowBlock, n - r0);
      float* tmp = scratch.data() + worker * kRowBlock * in;
      kt.gemm_nt(m, in, out, 1.0f, dy + r0 * out, out, w, out, tmp, in);
      for (std::size_t j = 0; j < m * in; ++j) dx[r0 * in + j] += tmp[j];
    });
  }
  matmul_tn_acc(kt, x, n, in, dy, out, dw, scratch, threads);
  if (db)
    for_blocks(out, 64, threads, [&](std::size_t c0, std::size_t c1) {
      for (std::size_t r = 0; r < n; ++r)
        for (std::size_t c = c0; c < c1; ++c) db[c] += dy[r * out + c];
    });
}

void attention_forward(const KernelTable& kt, const float* qkv, std::size_t B, std::size_t T, std::size_t H,
                       std::size_t D, float* out, float* att, Workspace& ws, std::size_t threads) {
  const std::size_t C = H * D, n = B * T;
  const Workspace::Frame frame(ws);
  float *q = ws.take<float>(3 * n * C), *k = q + n * C, *v = k + n * C;
  for (std::size_t t = 0; t < n; ++t) {
    std::copy_n(qkv + t * 3 * C, C, q + t * C);
    std::copy_n(qkv + t * 3 * C + C, C, k + t * C);
    std::copy_n(qkv + t * 3 * C + 2 * C, C, v + t * C);
  }
  SdpaOptions so;
  so.mask.causal = true;
  so.kernels = &kt;
  so.threads = threads;
  so.weights_bhqk = att;
  so.workspace = &ws;
  // Shapes are valid by construction; sdpa's only failure modes are argument errors.
  (void)sdpa(SdpaShape{B, T, T, H, H, D, D, 0}, q, k, v, out, so);
}

void attention_backward(const KernelTable& kt, const float* dout, const float* qkv, const float* att, std::size_t B,
                        std::size_t T, std::size_t H, std::size_t D, float* dqkv, Workspace& ws, std::size_t threads) {
  const std::size_t C = H * D, n = B * T;
  const Workspace::Frame frame(ws);
  float *q = ws.take<float>(6 * n * C), *k = q + n * C, *v = k + n * C, *dq = v + n * C, *dk = dq + n * C, *dv = dk + n * C;
  for (std::size_t t = 0; t < n; ++t) {
    std::copy_n(qkv + t * 3 * C, C, q + t * C);
    std::copy_n(qkv + t * 3 * C + C, C, k + t * C);
    std::copy_n(qkv + t * 3 * C + 2 * C, C, v + t * C);
  }
  SdpaBackwardOptions bo;
  bo.kernels = &kt;
  bo.threads = threads;
  bo.workspace = &ws;
  (void)sdpa_backward(SdpaShape{B, T, T, H, H, D, D, 0}, q, k, v, att, dout, dq, dk, dv, bo);
  for (std::size_t t = 0; t < n; ++t)
    for (std::size_t c = 0; c < C; ++c) {
      dqkv[t * 3 * C + c] += dq[t * C + c];
      dqkv[t * 3 * C + C + c] += dk[t * C + c];
      dqkv[t * 3 * C + 2 * C + c] += dv[t * C + c];
    }
}

double softmax_cross_entropy_forward(float* logits, const std::uint32_t* targets, std::size_t n, std::size_t V,
                                     float* losses, std::size_t threads) {
  std::vector<float> own;  // callers in a loop pass `losses` and allocate nothing
  if (!losses) own.resize(n), losses = own.data();
  for_blocks(n, 16, threads, [&](std::size_t r0, std::size_t r1) {
    for (std::size_t r = r0; r < r1; ++r) {
      float* row = logits + r * V;
      const float mx = *std::max_element(row, row + V);
      const float target_shifted = row[targets[r]] - mx;  // −log p = log Σ − (logit − max): no underflow
      double sum = 0;
      for (std::size_t j = 0; j < V; ++j) sum += (row[j] = std::exp(row[j] - mx));
      const float inv = float(1.0 / sum);
      for (std::size_t j = 0; j < V; ++j) row[j] *= inv;
      losses[r] = float(std::log(sum) - double(target_shifted));
    }
  });
  double total = 0;
  for (std::size_t r = 0; r < n; ++r) total += losses[r];
  return total;
}

void softmax_cross_entropy_backward(const float* probs, const std::uint32_t* targets, std::size_t n, std::size_t V,
                                    float dloss, float* dlogits, std::size_t threads) {
  for_blocks(n, 16, threads, [&](std::size_t r0, std::size_t r1) {
    for (std::size_t r = r0; r < r1; ++r) {
      for (std::size_t j = 0; j < V; ++j) dlogits[r * V + j] = probs[r * V + j] * dloss;
      dlogits[r * V + targets[r]] -= dloss;
    }
  });
}

}  // namespace attn::nn
