// MultiHeadAttention: weights, the traced forward pass and KV-cache decoding (see mha.hpp).
// Not kernels or masks: projections go through the kernel table, attention through attn::sdpa.
#include "attn/attention/mha.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>

#include "attn/core/parallel.hpp"
#include "attn/core/rng.hpp"
#include "attn/attention/heads.hpp"

namespace attn {

namespace {
std::string size_message(const char* name, std::size_t expected, std::size_t got) {
  return std::string(name) + ": expected " + std::to_string(expected) + " floats, got " + std::to_string(got);
}

const float* bias_or_null(const std::vector<float>& b) { return b.empty() ? nullptr : b.data(); }

/// The intermediates of one pass, in floats, in the order forward and decode take them (from the workspace, or as a
/// trace's vectors): x + positions [B, Lq, E], positions [Lq, E], q [B, Lq, H·D], k [B, Lk, Hkv·D],
/// v [B, Lk, Hkv·Dv], heads_out [B, Lq, H·Dv] (decode: Lq = Lk = n). 64-bit: also sizes calls past wasm32's reach.
std::array<std::uint64_t, 6> intermediates(const MhaConfig& c, std::uint64_t B, std::uint64_t Lq, std::uint64_t Lk) {
  const std::uint64_t E = c.d_model, H = c.heads, Hkv = c.kv_heads_or_default();
  const std::uint64_t D = c.head_dim_or_default(), Dv = c.value_dim_or_default();
  return {B * Lq * E, Lq * E, B * Lq * H * D, B * Lk * Hkv * D, B * Lk * Hkv * Dv, B * Lq * H * Dv};
}

/// sdpa's options for a pass; decoding: causal and windows aligned bottom-right (the new tokens are the last n).
SdpaOptions sdpa_options(const MhaOptions& o, bool decoding) {
  SdpaOptions so;
  so.mask = o.mask;
  if (decoding) {
    so.mask.causal = true;
    so.mask.causal_align = Align::bottom_right;
    so.mask.window_align = Align::bottom_right;
  }
  so.scale = o.scale, so.impl = o.impl, so.kernels = o.kernels, so.threads = o.threads;
  return so;
}

void fill_xavier(Rng& rng, std::vector<float>& w, std::size_t fan_in, std::size_t fan_out) {
  // Xavier/Glorot uniform; 6/(in+out) and its sqrt are correctly rounded, so every platform gets the same bits.
  const float limit = std::sqrt(6.0f / static_cast<float>(fan_in + fan_out));
  w.resize(fan_in * fan_out);
  for (auto& x : w) x = limit * rng.uniform_pm1();
}
}  // namespace

Status validate_mha(const MhaConfig& c) {
  if (c.d_model == 0) return Status::invalid_argument("d_model must be >= 1, got 0");
  if (c.heads == 0) return Status::invalid_argument("heads must be >= 1, got 0");
  const std::size_t hkv = c.kv_heads_or_default();
  if (Status st = validate_head_groups(c.heads, hkv); !st.ok()) return st;
  if (Status st = validate_head_dim(c.d_model, c.heads, c.head_dim); !st.ok()) return st;
  if (c.positional == Positional::learned && c.max_len == 0)
    return Status::invalid_argument("max_len must be >= 1 for learned positions, got 0");
  return Status::success();
}

Status MultiHeadAttention::init_random(const MhaConfig& c, std::uint64_t seed) {
  if (Status st = validate_mha(c); !st.ok()) return st;
  const std::size_t E = c.d_model, Ec = c.context_dim_or_default(), H = c.heads, Hkv = c.kv_heads_or_default();
  const std::size_t D = c.head_dim_or_default(), Dv = c.value_dim_or_default();
  MhaWeights w;
  Rng rng(seed);
  fill_xavier(rng, w.w_q, E, H * D);
  fill_xavier(rng, w.w_k, Ec, Hkv * D);
  fill_xavier(rng, w.w_v, Ec, Hkv * Dv);
  fill_xavier(rng, w.w_o, H * Dv, E);
  if (c.bias) {
    w.b_q.assign(H * D, 0.f), w.b_k.assign(Hkv * D, 0.f), w.b_v.assign(Hkv * Dv, 0.f), w.b_o.assign(E, 0.f);
  }
  if (c.positional == Positional::learned) {
    w.positions.resize(c.max_len * E);
    for (auto& x : w.positions) x = 0.5f * rng.uniform_pm1();
  }
  config_ = c;
  weights_ = std::move(w);
  pack_weights();
  return Status::success();
}

Status MultiHeadAttention::init_weights(const MhaConfig& c, MhaWeights w) {
  if (Status st = validate_mha(c); !st.ok()) return st;
  const std::size_t E = c.d_model, Ec = c.context_dim_or_default(), H = c.heads, Hkv = c.kv_heads_or_default();
  const std::size_t D = c.head_dim_or_default(), Dv = c.value_dim_or_default(), b = c.bias ? 1 : 0;
  const std::size_t pos = c.positional == Positional::learned ? c.max_len * E : 0;
  const struct {
    const char* name;
    const std::vector<float>& data;
    std::size_t expected;
  } checks[] = {{"w_q", w.w_q, E * H * D},   {"w_k", w.w_k, Ec * Hkv * D},    {"w_v", w.w_v, Ec * Hkv * Dv},
                {"w_o", w.w_o, H * Dv * E},  {"b_q", w.b_q, b * H * D},       {"b_k", w.b_k, b * Hkv * D},
                {"b_v", w.b_v, b * Hkv * Dv}, {"b_o", w.b_o, b * E},           {"positions", w.positions, pos}};
  for (const auto& ch : checks)
    if (ch.data.size() != ch.expected) return Status::invalid_argument(size_message(ch.name, ch.expected, ch.data.size()));
  config_ = c;
  weights_ = std::move(w);
  pack_weights();
  return Status::success();
}

KvCache MultiHeadAttention::make_cache(std::size_t batch) const {
  return KvCache(batch, config_.kv_heads_or_default(), config_.head_dim_or_default(), config_.value_dim_or_default());
}

void MultiHeadAttention::add_positions(const float* x, std::size_t batch, std::size_t len, std::size_t first,
                                       float* pe, float* out) const {
  const std::size_t E = config_.d_model;
  std::fill(pe, pe + len * E, 0.f);
  if (config_.positional == Positional::sinusoidal) sinusoidal_encoding(first, len, E, pe);
  if (config_.positional == Positional::learned)
    for (std::size_t i = 0; i < len * E; ++i) pe[i] = weights_.positions[first * E + i];
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t i = 0; i < len * E; ++i) out[b * len * E + i] = x[b * len * E + i] + pe[i];
}

void MultiHeadAttention::pack_weights() {
  const MhaConfig& c = config_;
  const std::size_t E = c.d_model, Ec = c.context_dim_or_default(), H = c.heads, Hkv = c.kv_heads_or_default();
  const std::size_t D = c.head_dim_or_default(), Dv = c.value_dim_or_default();
  w_q_.pack(weights_.w_q.data(), E, H * D);
  w_k_.pack(weights_.w_k.data(), Ec, Hkv * D);
  w_v_.pack(weights_.w_v.data(), Ec, Hkv * Dv);
  w_o_.pack(weights_.w_o.data(), H * Dv, E);
}

Status MultiHeadAttention::forward(const float* x, std::size_t batch, std::size_t q_len, const float* context,
                                   std::size_t context_len, float* out, const MhaOptions& o, MhaTrace* trace) const {
  const MhaConfig& c = config_;
  if (c.d_model == 0) return Status::invalid_argument("MultiHeadAttention: not initialised");
  if (batch == 0 || q_len == 0)
    return Status::invalid_argument("batch and length must be >= 1, got " + std::to_string(batch) + " and " +
                                    std::to_string(q_len));
  if (context && context_len == 0) return Status::invalid_argument("context length must be >= 1, got 0");
  if (!context && c.context_dim_or_default() != c.d_model)
    return Status::invalid_argument("this module was built for cross-attention (context_dim " +
                                    std::to_string(c.context_dim) + "): pass a context");
  if (c.positional == Positional::learned && o.first_position + q_len > c.max_len)
    return Status::out_of_range("positions up to " + std::to_string(o.first_position + q_len - 1) +
                                " are beyond the learned table (max_len " + std::to_string(c.max_len) + ")");
  const std::size_t E = c.d_model, H = c.heads, Hkv = c.kv_heads_or_default();
  const std::size_t D = c.head_dim_or_default(), Dv = c.value_dim_or_default();
  const std::size_t Lk = context ? context_len : q_len;
  const SdpaShape shape{batch, q_len, Lk, H, Hkv, D, Dv, 0};
  const std::size_t scores = batch * H * q_len * Lk;

  SdpaOptions so = sdpa_options(o, false);
  Workspace own;  // used only when the caller gave none
  Workspace& ws = o.workspace ? *o.workspace : own;
  const Workspace::Frame frame(ws);
  so.workspace = &ws;
  MhaTrace unused;
  MhaTrace& t = trace ? *trace : unused;
  if (trace) {
    t.weights.assign(scores, 0.f), t.masked_scores.assign(scores, 0.f), t.lse.assign(batch * H * q_len, 0.f);
    so.weights_bhqk = t.weights.data(), so.scores_bhqk = t.masked_scores.data(), so.lse_bhq = t.lse.data();
  }
  if (Status st = validate_sdpa(shape, so); !st.ok()) return st;
  const KernelTable& kt = o.kernels ? *o.kernels : best_kernels();

  // The intermediates: kept in the trace when one is asked for, else scratch from the workspace.
  const auto buffer = [&](std::vector<float>& kept, std::size_t n) {
    if (trace) return kept.resize(n), kept.data();
    return ws.take<float>(n);
  };
  const auto sizes = intermediates(c, batch, q_len, Lk);
  float* xs = buffer(t.x, std::size_t(sizes[0]));
  float* pe = buffer(t.positions, std::size_t(sizes[1]));
  add_positions(x, batch, q_len, o.first_position, pe, xs);
  float* q = buffer(t.q, std::size_t(sizes[2]));
  float* k = buffer(t.k, std::size_t(sizes[3]));
  float* v = buffer(t.v, std::size_t(sizes[4]));
  const float* kv_source = context ? context : xs;
  matmul_bias(kt, xs, batch * q_len, w_q_, bias_or_null(weights_.b_q), q, o.threads);
  matmul_bias(kt, kv_source, batch * Lk, w_k_, bias_or_null(weights_.b_k), k, o.threads);
  matmul_bias(kt, kv_source, batch * Lk, w_v_, bias_or_null(weights_.b_v), v, o.threads);
  float* heads_out = buffer(t.heads_out, std::size_t(sizes[5]));
  // The trace's Q·Kᵀ below needs one transposed K per worker: taken before sdpa's scratch (forward_bytes sizes it so).
  const std::size_t trace_workers = trace ? worker_count(batch * H, o.threads) : 0;
  float* keys_t = trace ? ws.take<float>(trace_workers * D * Lk) : nullptr;
  if (Status st = sdpa(shape, q, k, v, heads_out, so); !st.ok()) return st;
  matmul_bias(kt, heads_out, batch * q_len, w_o_, bias_or_null(weights_.b_o), out, o.threads);

  if (trace) {
    t.batch = batch, t.q_len = q_len, t.kv_len = Lk;
    t.x_in.assign(x, x + batch * q_len * E);
    t.out.assign(out, out + batch * q_len * E);
    t.raw_scores.resize(scores), t.scaled_scores.resize(scores);
    const float scale = sdpa_scale(shape, o.scale);
    // Q·Kᵀ per (batch row, head) as sdpa computes it — the NN kernel against K transposed, summing in the same
    // order — so scaled = scale·raw equals sdpa's own scores bit for bit wherever a key is visible.
    parallel_for(batch * H, o.threads, [&](std::size_t bh, std::size_t worker) {
      const std::size_t b = bh / H, h = bh % H;
      float* kT = keys_t + worker * D * Lk;  // [D, Lk]
      kt.transpose(Lk, D, t.k.data() + b * Lk * Hkv * D + kv_head_of(h, H, Hkv) * D, Hkv * D, kT, Lk);
      kt.gemm_nn(q_len, Lk, D, 1.0f, t.q.data() + b * q_len * H * D + h * D, H * D, kT, Lk,
                 t.raw_scores.data() + bh * q_len * Lk, Lk);
    });
    for (std::size_t i = 0; i < scores; ++i) t.scaled_scores[i] = scale * t.raw_scores[i];
    // What a reader of the trace needs besides the tensors, decided here and not re-derived by the page.
    t.scale = scale;
    t.kv_head.resize(H);
    for (std::size_t h = 0; h < H; ++h) t.kv_head[h] = static_cast<std::uint32_t>(kv_head_of(h, H, Hkv));
    t.visible.resize(scores);
    t.row_sums.resize(batch * H * q_len);
    for (std::size_t b = 0; b < batch; ++b)
      for (std::size_t h = 0; h < H; ++h)
        for (std::size_t i = 0; i < q_len; ++i) {
          const std::size_t row = (b * H + h) * q_len + i;
          double sum = 0;
          for (std::size_t j = 0; j < Lk; ++j) {
            t.visible[row * Lk + j] = is_visible(o.mask, b, h, i, j, H, q_len, Lk) ? 1 : 0;
            sum += t.weights[row * Lk + j];
          }
          t.row_sums[row] = static_cast<float>(sum);
        }
  }
  return Status::success();
}

Status MultiHeadAttention::decode(const float* x, std::size_t n, KvCache& cache, float* out,
                                  const MhaOptions& o) const {
  const MhaConfig& c = config_;
  if (c.d_model == 0) return Status::invalid_argument("MultiHeadAttention: not initialised");
  if (n == 0) return Status::invalid_argument("decode: number of new tokens must be >= 1, got 0");
  if (c.context_dim_or_default() != c.d_model)
    return Status::invalid_argument("decode is for self-attention; this module was built for cross-attention");
  if (o.mask.key_padding_bk || o.mask.bias)
    return Status::invalid_argument("decode: key padding and bias are not supported (they index the whole cache)");
  const std::size_t H = c.heads, Hkv = c.kv_heads_or_default();
  const std::size_t D = c.head_dim_or_default(), Dv = c.value_dim_or_default(), B = cache.batch();
  const std::size_t first = cache.length();
  if (B == 0 || cache.k_width() != Hkv * D || cache.v_width() != Hkv * Dv)
    return Status::invalid_argument("decode: the cache was not made for this module (use make_cache)");
  if (c.positional == Positional::learned && first + n > c.max_len)
    return Status::out_of_range("positions up to " + std::to_string(first + n - 1) +
                                " are beyond the learned table (max_len " + std::to_string(c.max_len) + ")");
  const KernelTable& kt = o.kernels ? *o.kernels : best_kernels();

  Workspace own;  // used only when the caller gave none
  Workspace& ws = o.workspace ? *o.workspace : own;
  const Workspace::Frame frame(ws);
  const auto sizes = intermediates(c, B, n, n);
  float* xp = ws.take<float>(std::size_t(sizes[0]));
  float* pe = ws.take<float>(std::size_t(sizes[1]));
  float* q = ws.take<float>(std::size_t(sizes[2]));
  float* k = ws.take<float>(std::size_t(sizes[3]));
  float* v = ws.take<float>(std::size_t(sizes[4]));
  float* heads = ws.take<float>(std::size_t(sizes[5]));
  add_positions(x, B, n, first, pe, xp);
  matmul_bias(kt, xp, B * n, w_q_, bias_or_null(weights_.b_q), q, o.threads);
  matmul_bias(kt, xp, B * n, w_k_, bias_or_null(weights_.b_k), k, o.threads);
  matmul_bias(kt, xp, B * n, w_v_, bias_or_null(weights_.b_v), v, o.threads);
  SdpaOptions so = sdpa_options(o, true);
  so.workspace = &ws;
  if (Status st = validate_sdpa({B, n, first + n, H, Hkv, D, Dv, 0}, so); !st.ok()) return st;
  if (Status st = cache.append(k, v, n); !st.ok()) return st;
  const SdpaShape shape{B, n, cache.length(), H, Hkv, D, Dv, cache.rows()};
  if (Status st = sdpa(shape, q, cache.k(), cache.v(), heads, so); !st.ok()) return st;
  matmul_bias(kt, heads, B * n, w_o_, bias_or_null(weights_.b_o), out, o.threads);
  return Status::success();
}

// ---- sizing: what a call takes, from the same sizes the calls above use ---------------------------------------------

std::uint64_t MultiHeadAttention::forward_bytes(std::size_t batch, std::size_t q_len, std::size_t context_len,
                                                const MhaOptions& o, bool traced) const {
  const MhaConfig& c = config_;
  const std::size_t Lk = context_len ? context_len : q_len;
  const std::uint64_t H = c.heads, D = c.head_dim_or_default();
  const SdpaShape shape{batch, q_len, Lk, c.heads, c.kv_heads_or_default(), c.head_dim_or_default(),
                        c.value_dim_or_default(), 0};
  const auto sizes = intermediates(c, batch, q_len, Lk);
  WorkspaceSize ws;
  std::uint64_t kept = 0;  // heap bytes outside the workspace: the trace's vectors
  if (!traced) {
    for (std::uint64_t n : sizes) ws.take<float>(n);
  } else {
    // MhaTrace: the intermediates, x_in and out [B, Lq, E], raw / scaled / masked scores and weights
    // [B, H, Lq, Lk], lse and row sums [B, H, Lq], kv_head [H] and the visibility bytes [B, H, Lq, Lk].
    const std::uint64_t scores = batch * H * q_len * Lk, rows = batch * H * q_len, x = batch * q_len * c.d_model;
    for (std::uint64_t n : sizes) kept += 4 * n;
    kept += 4 * (2 * x + 4 * scores + 2 * rows + H) + scores;
    const std::uint64_t workers = worker_count(std::min<std::uint64_t>(batch * H, SIZE_MAX), o.threads);
    ws.take<float>(workers * D * Lk);  // one transposed K per worker
  }
  add_sdpa_scratch(shape, sdpa_options(o, false), traced, ws);
  return kept + ws.peak_bytes();
}

std::uint64_t MultiHeadAttention::decode_bytes(std::size_t n, const KvCache& cache, const MhaOptions& o) const {
  const MhaConfig& c = config_;
  const std::size_t B = cache.batch();
  const SdpaShape shape{B, n, cache.length() + n, c.heads, c.kv_heads_or_default(), c.head_dim_or_default(),
                        c.value_dim_or_default(), 0};
  WorkspaceSize ws;
  for (std::uint64_t size : intermediates(c, B, n, n)) ws.take<float>(size);
  add_sdpa_scratch(shape, sdpa_options(o, true), false, ws);
  // The cache grows while the intermediates are held (its old storage too, while copied): counted on top.
  return ws.peak_bytes() + cache.append_bytes(n);
}

}  // namespace attn
