// The multi-head attention block: positional encoding, Q/K/V projections, SDPA over heads, concat, W_o — with a
// trace of every intermediate and a KV-cache decode path. Not a full transformer layer (no MLP, no norm).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "attn/attention/kv_cache.hpp"
#include "attn/attention/sdpa.hpp"
#include "attn/attention/positional.hpp"
#include "attn/core/status.hpp"
#include "attn/kernels/matmul.hpp"

namespace attn {

/// E = d_model; Ec = context_dim (the K/V source width for cross-attention). 0 means the default in brackets.
struct MhaConfig {
  std::size_t d_model = 0, heads = 1, kv_heads = 0 /* heads */, head_dim = 0 /* E / H */, value_dim = 0 /* D */;
  std::size_t context_dim = 0;  ///< [d_model]
  bool bias = false;            ///< projections with bias vectors
  Positional positional = Positional::none;
  std::size_t max_len = 0;  ///< rows of the learned position table (learned only)

  std::size_t kv_heads_or_default() const { return kv_heads ? kv_heads : heads; }
  std::size_t head_dim_or_default() const { return head_dim ? head_dim : (heads ? d_model / heads : 0); }
  std::size_t value_dim_or_default() const { return value_dim ? value_dim : head_dim_or_default(); }
  std::size_t context_dim_or_default() const { return context_dim ? context_dim : d_model; }
};
Status validate_mha(const MhaConfig& config);

/// Weights, stored [in, out] row-major so that Y = X·W. Biases are empty when config.bias is false;
/// `positions` is empty unless positional == learned.
struct MhaWeights {
  std::vector<float> w_q;  ///< [E, H·D]
  std::vector<float> w_k;  ///< [Ec, Hkv·D]
  std::vector<float> w_v;  ///< [Ec, Hkv·Dv]
  std::vector<float> w_o;  ///< [H·Dv, E]
  std::vector<float> b_q, b_k, b_v, b_o;  ///< [H·D], [Hkv·D], [Hkv·Dv], [E]
  std::vector<float> positions;           ///< [max_len, E]
};

struct MhaOptions {
  MaskSpec mask;               ///< applies to the attention scores [Lq, Lk]
  std::optional<float> scale;  ///< default 1/√D
  SdpaImpl impl = SdpaImpl::automatic;
  const KernelTable* kernels = nullptr;
  std::size_t first_position = 0;  ///< position of the first query token (for positional encodings)
  std::size_t threads = 1;         ///< as SdpaOptions::threads
  Workspace* workspace = nullptr;  ///< scratch (as SdpaOptions::workspace): with one, steady calls allocate nothing
};

/// Every intermediate of one forward pass (B, Lq, Lk as in the call; Lk = Lq for self-attention).
/// Per-head tensors keep their head in the layout: head h of q is columns h·D … h·D + D − 1 of each row.
struct MhaTrace {
  std::size_t batch = 0, q_len = 0, kv_len = 0;
  std::vector<float> x_in;           ///< [B, Lq, E] the input embeddings
  std::vector<float> positions;      ///< [Lq, E] the positional encoding added (zeros for none)
  std::vector<float> x;              ///< [B, Lq, E] x_in + positions
  std::vector<float> q;              ///< [B, Lq, H·D]
  std::vector<float> k;              ///< [B, Lk, Hkv·D]
  std::vector<float> v;              ///< [B, Lk, Hkv·Dv]
  std::vector<float> raw_scores;     ///< [B, H, Lq, Lk] q·k
  std::vector<float> scaled_scores;  ///< [B, H, Lq, Lk] q·k · scale
  std::vector<float> masked_scores;  ///< [B, H, Lq, Lk] scaled + bias, −∞ where masked
  std::vector<float> weights;        ///< [B, H, Lq, Lk] softmax
  std::vector<float> lse;            ///< [B, H, Lq]
  std::vector<float> heads_out;      ///< [B, Lq, H·Dv] per-head outputs, concatenated
  std::vector<float> out;            ///< [B, Lq, E] heads_out · W_o (+ b_o)
  float scale = 0;                   ///< the scale applied to q·k (the given one, else 1/√D)
  std::vector<std::uint32_t> kv_head;   ///< [H] the kv head each query head reads (grouped-query attention)
  std::vector<std::uint8_t> visible;    ///< [B, H, Lq, Lk] 1 where query i may see key j (masks.hpp: causal, window, padding, a −∞ bias)
  std::vector<float> row_sums;          ///< [B, H, Lq] Σ_j weights: 1, or 0 for a row with no visible key
};

class MultiHeadAttention {
 public:
  /// Xavier-uniform weights from attn::Rng(seed): bit-identical natively and in WebAssembly. Biases start at 0;
  /// a learned position table starts uniform in [−0.5, 0.5).
  Status init_random(const MhaConfig& config, std::uint64_t seed);
  /// Takes weights whose sizes match the config (messages name the array, expected and received size).
  Status init_weights(const MhaConfig& config, MhaWeights weights);

  const MhaConfig& config() const { return config_; }
  const MhaWeights& weights() const { return weights_; }

  /// Self-attention when context is null (K, V from x); cross-attention otherwise (K, V from context, which gets
  /// no positional encoding). x: [B, Lq, E], context: [B, Lk, Ec] → out: [B, Lq, E]. trace may be null.
  Status forward(const float* x_ble, std::size_t batch, std::size_t q_len, const float* context_bme,
                 std::size_t context_len, float* out_ble, const MhaOptions& options = {},
                 MhaTrace* trace = nullptr) const;

  /// Incremental decoding: n new tokens per batch row attend to every cached token and to themselves (causal,
  /// bottom-right aligned; options.mask may add a window). Positions continue from cache.length().
  /// x: [B, n, E] → out: [B, n, E]; appends the new K, V rows to the cache.
  Status decode(const float* x_bne, std::size_t n, KvCache& cache, float* out_bne,
                const MhaOptions& options = {}) const;

  /// A cache shaped for this module.
  KvCache make_cache(std::size_t batch) const;

  /// Heap bytes forward(…, options, traced ? trace : nullptr) takes at its peak without a workspace: its scratch
  /// (intermediates, sdpa's tiles) and, traced, the trace's vectors. context_len = 0: self-attention. The wasm layer
  /// refuses calls that would not fit its heap with it; 64-bit, so calls past wasm32's reach are sized too.
  std::uint64_t forward_bytes(std::size_t batch, std::size_t q_len, std::size_t context_len, const MhaOptions& options,
                              bool traced) const;
  /// The same for decode(x, n, cache, …, options): its scratch and the cache's growth (KvCache::append_bytes).
  std::uint64_t decode_bytes(std::size_t n, const KvCache& cache, const MhaOptions& options) const;

 private:
  /// out: [batch, len, E] = x + pe, with pe: [len, E] filled with the positions first … first + len − 1.
  void add_positions(const float* x, std::size_t batch, std::size_t len, std::size_t first, float* pe,
                     float* out) const;
  void pack_weights();

  MhaConfig config_{};
  MhaWeights weights_{};
  /// weights_'s matrices packed once for matmul_bias (the projections read these; weights() returns the originals).
  PackedMatrix w_q_, w_k_, w_v_, w_o_;
};

}  // namespace attn
