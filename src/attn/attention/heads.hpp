// Grouped-query heads in one place: which kv head a query head reads, and the rule that makes the grouping valid.
// Not attention itself: sdpa, the MHA block, the cost calculator and the bindings call these.
#pragma once
#include <cstddef>
#include <string>

#include "attn/core/status.hpp"

namespace attn {

/// Heads H and kv heads Hkv (0 = H) are valid when 1 ≤ Hkv ≤ H and H is a multiple of Hkv. The one place this rule
/// is decided: the JS layer asks it through the bindings (validateHeadGroups) before sizing a call.
inline Status validate_head_groups(std::size_t heads, std::size_t kv_heads) {
  const std::size_t hkv = kv_heads ? kv_heads : heads;
  if (heads == 0) return Status::invalid_argument("heads: expected an integer >= 1, received 0");
  if (hkv > heads || heads % hkv != 0)
    return Status::invalid_argument("kv_heads: expected a divisor of heads (" + std::to_string(heads) + "), received " +
                                    std::to_string(hkv));
  return Status::success();
}

/// The head dimension defaults to d_model / heads, so without one d_model must be divisible by heads.
inline Status validate_head_dim(std::size_t d_model, std::size_t heads, std::size_t head_dim) {
  if (head_dim == 0 && heads != 0 && d_model % heads != 0)
    return Status::invalid_argument("d_model (" + std::to_string(d_model) + ") must be divisible by heads (" +
                                    std::to_string(heads) + ") when head_dim is not given");
  return Status::success();
}

/// The kv head query head h reads: h / (H / Hkv), so consecutive query heads share a kv head.
inline std::size_t kv_head_of(std::size_t h, std::size_t heads, std::size_t kv_heads) {
  return h / (heads / (kv_heads ? kv_heads : heads));
}

}  // namespace attn
