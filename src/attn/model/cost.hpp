// The parameter / FLOP / KV-cache calculator for an attention configuration (the tutorial's §4.3 and §5.1).
// Not a whole-model calculator: it counts the attention block (W_q, W_k, W_v, W_o), not MLPs or embeddings.
#pragma once
#include <cstddef>
#include <cstdint>

#include "attn/core/status.hpp"

namespace attn {

struct CostConfig {
  std::uint64_t d_model = 0, heads = 0, kv_heads = 0 /* 0 = heads */, head_dim = 0 /* 0 = d_model / heads */;
  std::uint64_t value_dim = 0 /* 0 = head_dim */, layers = 1, context = 1, bytes_per_element = 2 /* fp16 */;
  bool bias = false;
};

/// Counts are exact integers (uint64: GPT-3's 58e9 attention weights do not fit 32 bits); FLOPs count a
/// multiply-add as 2.
struct Cost {
  std::uint64_t params_w_q, params_w_k, params_w_v, params_w_o;  ///< one layer, biases included when asked
  std::uint64_t params_per_query_head;  ///< E·D + E·D·(Hkv/H) + E·Dv·(Hkv/H) + Dv·E, as the tutorial counts a head
  std::uint64_t params_per_layer, params_total;
  std::uint64_t kv_cache_bytes_per_token;  ///< all layers: Hkv·(D + Dv) elements per layer
  std::uint64_t kv_cache_bytes;            ///< for `context` tokens
  double flops_projections_per_token;      ///< 2 · params_per_layer · layers
  double flops_attention_per_token;        ///< the last token of the context: 2 · H · (D + Dv) · context · layers
  double flops_per_token;                  ///< the two above
  double flops_attention_full_pass;        ///< causal pass over the context: 2·H·(D+Dv)·n(n+1)/2 · layers
};

/// Fills `out`; an error names the argument when a size is 0, H % Hkv ≠ 0 or E is not divisible by H (with
/// head_dim unset).
Status attention_cost(const CostConfig& config, Cost* out);

}  // namespace attn
