// GPT-2's forward pass over a session's new tokens: embeddings + positions, pre-LN blocks (attention through
// attn::sdpa reading the layer's KV cache in place, GELU MLP), ln_f and the head. One path for prefill and decode.
#include "attn/model/gpt2.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "attn/attention/sdpa.hpp"
#include "attn/core/parallel.hpp"
#include "attn/kernels/matmul.hpp"
#include "attn/nn/blocks.hpp"

namespace attn {
namespace {

// ---- block math beside attn::nn's LayerNorm and the kernel table's GEMMs -------------------------------------------
/// x ← GELU(x): GPT-2's tanh form through the kernel table (vectorised), or the exact erf form; chunks over threads.
void gelu(const KernelTable& kt, float* x, std::size_t n, GeluForm form, std::size_t threads) {
  constexpr std::size_t kChunk = 4096;
  parallel_for((n + kChunk - 1) / kChunk, threads, [&](std::size_t chunk, std::size_t) {
    float* p = x + chunk * kChunk;
    const std::size_t m = std::min(kChunk, n - chunk * kChunk);
    if (form == GeluForm::tanh) return kt.gelu_tanh(p, m);
    for (std::size_t i = 0; i < m; ++i) p[i] = 0.5f * p[i] * (1.0f + std::erf(p[i] * 0.7071067811865476f));
  });
}

/// The step-by-step trace of head `head` (Gpt2HeadTrace): x_in [n, C] (ln_1), q [n, C] of every head, the cache's
/// k, v ([rows, H·D], first Lk valid), the head's weights [n, Lk] and its output columns of heads_out [n, C].
void trace_one_head(std::size_t head, std::size_t n, std::size_t Lk, std::size_t C, std::size_t D, const float* x_in,
                    const float* q, const KvCache& cache, const float* weights, const float* heads_out,
                    Gpt2HeadTrace& t) {
  const std::size_t first = Lk - n;  // the position of the first new token
  t.head = head, t.head_dim = D, t.scale = 1.0f / std::sqrt(float(D));
  t.input.assign(x_in, x_in + n * C);
  const auto columns = [&](const float* from, std::size_t rows, std::size_t stride, std::vector<float>& to) {
    to.resize(rows * D);
    for (std::size_t i = 0; i < rows; ++i) std::copy_n(from + i * stride + head * D, D, &to[i * D]);
  };
  columns(q, n, C, t.q);
  columns(cache.k(), Lk, cache.k_width(), t.k);
  columns(cache.v(), Lk, cache.v_width(), t.v);
  columns(heads_out, n, C, t.out);
  t.raw_scores.resize(n * Lk), t.scaled_scores.resize(n * Lk), t.masked_scores.resize(n * Lk);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < Lk; ++j) {
      float dot = 0;
      for (std::size_t d = 0; d < D; ++d) dot += t.q[i * D + d] * t.k[j * D + d];
      const std::size_t at = i * Lk + j;
      t.raw_scores[at] = dot;
      t.scaled_scores[at] = dot * t.scale;
      t.masked_scores[at] = j <= first + i ? t.scaled_scores[at] : -std::numeric_limits<float>::infinity();
    }
  t.weights.assign(weights, weights + n * Lk);
}

}  // namespace

std::size_t Gpt2Weights::decode_bytes() const {
  std::size_t bytes = head().is_f16() ? head().size() * 2 : head().size() * 4;
  for (const Gpt2Layer& b : layers) bytes += b.qkv_w.bytes() + b.proj_w.bytes() + b.fc_w.bytes() + b.out_w.bytes();
  return bytes;
}

Status Gpt2Model::load(Gpt2Loader& loader, const Gpt2LoadOptions& options) {
  Gpt2Config config;
  Gpt2Weights weights;
  if (Status st = loader.finish(options, config, weights); !st.ok()) return st;
  config_ = std::move(config);
  weights_ = std::move(weights);
  return Status::success();
}

bool Gpt2Model::row_of(std::uint32_t gpt2_id, std::uint32_t& row) const {
  const auto& ids = config_.gpt2_ids;
  if (ids.empty()) {
    row = gpt2_id;
    return gpt2_id < config_.vocab;
  }
  const auto it = std::lower_bound(ids.begin(), ids.end(), gpt2_id);
  if (it != ids.end() && *it == gpt2_id && (!config_.unk_row || std::size_t(it - ids.begin()) != *config_.unk_row)) {
    row = std::uint32_t(it - ids.begin());
    return true;
  }
  if (!config_.unk_row) return false;
  row = *config_.unk_row;
  return true;
}

Status Gpt2Model::forward(const std::uint32_t* ids, std::size_t n, const Gpt2ForwardOptions& options,
                          Gpt2ForwardResult& out) const {
  Gpt2Session s = session();
  return s.append(ids, n, options, out);
}

Gpt2Session::Gpt2Session(const Gpt2Model* model) : model_(model) { reset(); }

void Gpt2Session::reset() {
  const Gpt2Config& c = model_->config_;
  // New caches only when the model's shape is not theirs (a first reset, or a model loaded since).
  const bool fits = caches_.size() == c.layers &&
                    std::all_of(caches_.begin(), caches_.end(), [&](const KvCache& kv) { return kv.k_width() == c.d_model; });
  if (!fits) {
    caches_.clear();
    for (std::size_t l = 0; l < c.layers; ++l) caches_.emplace_back(1, c.heads, c.head_dim(), c.head_dim());
  }
  for (KvCache& cache : caches_) cache.clear();  // keeps its memory for the next sequence
  position_ = 0;
}

void Gpt2Session::truncate(std::size_t position) {
  if (position >= position_) return;
  for (KvCache& cache : caches_) cache.truncate(position);
  position_ = position;
}

Status Gpt2Session::append(const std::uint32_t* ids, std::size_t n, const Gpt2ForwardOptions& options,
                           Gpt2ForwardResult& out) {
  const Gpt2Config& cfg = model_->config_;
  const Gpt2Weights& w = model_->weights_;
  if (!model_->loaded()) return Status::invalid_argument("gpt2: no model is loaded");
  if (n == 0) return Status::invalid_argument("ids: at least one token is needed");
  if (!ids) return Status::invalid_argument("ids: null");
  if (position_ + n > cfg.context)
    return Status::out_of_range("ids: positions " + std::to_string(position_) + ".." + std::to_string(position_ + n - 1) +
                                " go past the model's context of " + std::to_string(cfg.context) + " tokens");
  for (const auto* list : {&options.attention_heads, &options.ablate_heads})
    for (const auto& [layer, head] : *list)
      if (layer >= cfg.layers || head >= cfg.heads)
        return Status::out_of_range(std::string(list == &options.attention_heads ? "attention_heads" : "ablate_heads") +
                                    ": (" + std::to_string(layer) + ", " + std::to_string(head) +
                                    ") is not a head of a " + std::to_string(cfg.layers) + "x" +
                                    std::to_string(cfg.heads) + " model");
  if (options.trace_head && (options.trace_head->first >= cfg.layers || options.trace_head->second >= cfg.heads))
    return Status::out_of_range("trace_head: (" + std::to_string(options.trace_head->first) + ", " +
                                std::to_string(options.trace_head->second) + ") is not a head of a " +
                                std::to_string(cfg.layers) + "x" + std::to_string(cfg.heads) + " model");
  // Every per-call buffer comes from ws, given back when the call returns (frame).
  Workspace& ws = options.workspace ? *options.workspace : workspace_;
  const Workspace::Frame frame(ws);
  std::uint32_t* rows = ws.take<std::uint32_t>(n);  // [n] vocabulary rows
  std::size_t* unknown = ws.take<std::size_t>(n);   // the first `unknowns` of them: positions mapped to UNK
  std::size_t unknowns = 0;
  for (std::size_t t = 0; t < n; ++t) {
    if (!model_->row_of(ids[t], rows[t]))
      return Status::out_of_range("ids[" + std::to_string(t) + "] = " + std::to_string(ids[t]) +
                                  " is not in the model's vocabulary of " + std::to_string(cfg.vocab));
    if (!cfg.gpt2_ids.empty() && cfg.unk_row && rows[t] == *cfg.unk_row && ids[t] != cfg.gpt2_ids[rows[t]])
      unknown[unknowns++] = t;
  }
  // Checks are over: fill `out`, reusing its buffers (a decode loop then allocates nothing per step).
  Gpt2ForwardResult& r = out;
  r.unknown_positions.assign(unknown, unknown + unknowns);
  r.logits.clear(), r.attention.clear(), r.residual.clear(), r.logit_lens.clear();
  r.head_trace.reset();

  const KernelTable& kt = options.kernels ? *options.kernels : best_kernels();
  const std::size_t C = cfg.d_model, F = cfg.d_ff, H = cfg.heads, D = cfg.head_dim(), L = cfg.layers, V = cfg.vocab;
  const std::size_t Lk = position_ + n, threads = options.threads;
  r.tokens = n, r.context = Lk;
  r.all_heads = options.attention && n <= options.all_attention_max_tokens;
  const bool keep_heads = r.all_heads || !options.attention_heads.empty() || options.trace_head;
  if (r.all_heads) r.attention.assign(L * H * n * Lk, 0.0f);
  else if (keep_heads) r.attention.assign(options.attention_heads.size() * n * Lk, 0.0f);

  // x: [n, C] the residual stream; h: [n, C] a block's normalised input, or its output before the residual add.
  float *x = ws.take<float>(n * C), *h = ws.take<float>(n * C), *qkv = ws.take<float>(n * 3 * C);
  float *q = ws.take<float>(n * C), *k = ws.take<float>(n * C), *v = ws.take<float>(n * C);
  float *heads_out = ws.take<float>(n * C), *mlp = ws.take<float>(n * F);
  float* weights_hqk = keep_heads ? ws.take<float>(H * n * Lk) : nullptr;  // [H, n, Lk] one layer's weights
  for (std::size_t t = 0; t < n; ++t) {
    float* xt = &x[t * C];
    if (w.wte.is_f16()) kt.widen_f16(&w.wte.f16[rows[t] * C], xt, C, 0);
    else std::copy_n(&w.wte.f32[rows[t] * C], C, xt);
    for (std::size_t c = 0; c < C; ++c) xt[c] += w.wpe[(position_ + t) * C + c];
  }
  if (options.residual) r.residual.reserve((L + 1) * n * C);
  // lens_rows: [L + 1, C] the last token's residual at each depth.
  float* lens_rows = options.logit_lens ? ws.take<float>((L + 1) * C) : nullptr;
  const auto record = [&](std::size_t depth) {
    if (options.residual) r.residual.insert(r.residual.end(), x, x + n * C);
    if (options.logit_lens) std::copy_n(&x[(n - 1) * C], C, &lens_rows[depth * C]);
  };

  for (std::size_t l = 0; l < L; ++l) {
    const Gpt2Layer& b = w.layers[l];
    record(l);
    // Attention: Q | K | V columns of one projection, head h at columns h·D of each third.
    nn::layer_norm_forward(x, n, C, b.ln1_g.data(), b.ln1_b.data(), cfg.ln_eps, h, nullptr, nullptr, threads);
    matmul_bias(kt, h, n, b.qkv_w, b.qkv_b.data(), qkv, threads, &ws);
    for (std::size_t t = 0; t < n; ++t) {
      std::copy_n(&qkv[t * 3 * C], C, &q[t * C]);
      std::copy_n(&qkv[t * 3 * C + C], C, &k[t * C]);
      std::copy_n(&qkv[t * 3 * C + 2 * C], C, &v[t * C]);
    }
    KvCache& cache = caches_[l];
    if (Status st = cache.append(k, v, n); !st.ok()) return st;
    SdpaShape shape{1, n, Lk, H, H, D, D, cache.rows()};
    SdpaOptions so;
    so.mask.causal = true;
    so.mask.causal_align = Align::bottom_right;  // the new tokens are the last Lk positions
    so.kernels = &kt;
    so.threads = threads;
    so.workspace = &ws;
    if (keep_heads) so.weights_bhqk = weights_hqk;
    if (Status st = sdpa(shape, q, cache.k(), cache.v(), heads_out, so); !st.ok()) return st;
    if (r.all_heads) std::copy_n(weights_hqk, H * n * Lk, r.attention.begin() + l * H * n * Lk);
    else
      for (std::size_t i = 0; i < options.attention_heads.size(); ++i)
        if (options.attention_heads[i].first == l)
          std::copy_n(&weights_hqk[options.attention_heads[i].second * n * Lk], n * Lk, &r.attention[i * n * Lk]);
    if (options.trace_head && options.trace_head->first == l) {
      Gpt2HeadTrace& t = r.head_trace.emplace();
      t.layer = l;
      const std::size_t th = options.trace_head->second;
      trace_one_head(th, n, Lk, C, D, h, q, cache, &weights_hqk[th * n * Lk], heads_out, t);
    }
    for (const auto& [layer, head] : options.ablate_heads)
      if (layer == l)
        for (std::size_t t = 0; t < n; ++t) std::fill_n(&heads_out[t * C + head * D], D, 0.0f);
    matmul_bias(kt, heads_out, n, b.proj_w, b.proj_b.data(), h, threads, &ws);
    for (std::size_t i = 0; i < n * C; ++i) x[i] += h[i];
    // MLP.
    nn::layer_norm_forward(x, n, C, b.ln2_g.data(), b.ln2_b.data(), cfg.ln_eps, h, nullptr, nullptr, threads);
    matmul_bias(kt, h, n, b.fc_w, b.fc_b.data(), mlp, threads, &ws);
    gelu(kt, mlp, n * F, cfg.gelu, threads);
    matmul_bias(kt, mlp, n, b.out_w, b.out_b.data(), h, threads, &ws);
    for (std::size_t i = 0; i < n * C; ++i) x[i] += h[i];
  }
  record(L);

  if (options.logits != LogitsFor::none) {
    const std::size_t first = options.logits == LogitsFor::all ? 0 : n - 1, m = n - first;
    nn::layer_norm_forward(x + first * C, m, C, w.lnf_g.data(), w.lnf_b.data(), cfg.ln_eps, h, nullptr, nullptr,
                           threads);
    r.logits.resize(m * V);
    // logits: [m, V] = ln_f(x) · head: [V, C]ᵀ, on the head packed as [C, V] (see Gpt2Weights::head_packed).
    matmul_bias(kt, h, m, w.head_packed, nullptr, r.logits.data(), threads, &ws);
  }
  if (options.logit_lens) {
    // Each depth's residual of the last token, read out as if it were the last layer's.
    r.logit_lens.resize((L + 1) * V);
    for (std::size_t d = 0; d <= L; ++d) {
      nn::layer_norm_forward(&lens_rows[d * C], 1, C, w.lnf_g.data(), w.lnf_b.data(), cfg.ln_eps, h, nullptr, nullptr, 1);
      matmul_bias(kt, h, 1, w.head_packed, nullptr, &r.logit_lens[d * V], threads, &ws);
    }
  }
  position_ += n;
  return Status::success();
}

}  // namespace attn
