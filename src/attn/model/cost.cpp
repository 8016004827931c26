// The attention cost calculator (see cost.hpp): plain integer arithmetic on the configuration.
// Not measured: these are counts, the benchmark measures time.
#include "attn/model/cost.hpp"
#include "attn/attention/heads.hpp"

#include <string>

namespace attn {

Status attention_cost(const CostConfig& c, Cost* out) {
  auto positive = [](const char* name, std::uint64_t x) {
    return x == 0 ? Status::invalid_argument(std::string(name) + " must be >= 1, got 0") : Status::success();
  };
  for (auto st : {positive("d_model", c.d_model), positive("heads", c.heads), positive("layers", c.layers),
                  positive("context", c.context), positive("bytes_per_element", c.bytes_per_element)})
    if (!st.ok()) return st;
  const std::uint64_t E = c.d_model, H = c.heads, Hkv = c.kv_heads ? c.kv_heads : c.heads;
  if (Status st = validate_head_groups(H, Hkv); !st.ok()) return st;
  if (Status st = validate_head_dim(E, H, c.head_dim); !st.ok()) return st;
  const std::uint64_t D = c.head_dim ? c.head_dim : E / H, Dv = c.value_dim ? c.value_dim : D;
  const std::uint64_t b = c.bias ? 1 : 0, L = c.layers, n = c.context;
  Cost r{};
  r.params_w_q = E * H * D + b * H * D;
  r.params_w_k = E * Hkv * D + b * Hkv * D;
  r.params_w_v = E * Hkv * Dv + b * Hkv * Dv;
  r.params_w_o = H * Dv * E + b * E;
  r.params_per_query_head = E * D + (E * D + E * Dv) * Hkv / H + Dv * E;
  r.params_per_layer = r.params_w_q + r.params_w_k + r.params_w_v + r.params_w_o;
  r.params_total = r.params_per_layer * L;
  r.kv_cache_bytes_per_token = Hkv * (D + Dv) * c.bytes_per_element * L;
  r.kv_cache_bytes = r.kv_cache_bytes_per_token * n;
  const std::uint64_t weights_per_layer = E * H * D + E * Hkv * D + E * Hkv * Dv + H * Dv * E;  // biases: no multiplies
  r.flops_projections_per_token = 2.0 * static_cast<double>(weights_per_layer) * static_cast<double>(L);
  r.flops_attention_per_token = 2.0 * static_cast<double>(H * (D + Dv)) * static_cast<double>(n) * static_cast<double>(L);
  r.flops_per_token = r.flops_projections_per_token + r.flops_attention_per_token;
  r.flops_attention_full_pass = 2.0 * static_cast<double>(H * (D + Dv)) * (static_cast<double>(n) * static_cast<double>(n + 1) / 2) *
                                static_cast<double>(L);
  *out = r;
  return Status::success();
}

}  // namespace attn
