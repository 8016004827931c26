// Mask policy implementation: key ranges from causal + window, bias lookup, the per-element predicate.
// Not performance-critical per element: the fast paths call key_range once per row and bias_at only with a bias.
#include "attn/attention/masks.hpp"

#include <cmath>

namespace attn {

namespace {
std::int64_t position(Align align, std::size_t i, std::size_t q_len, std::size_t kv_len) {
  const auto p = static_cast<std::int64_t>(i);
  return align == Align::top_left ? p : p + static_cast<std::int64_t>(kv_len) - static_cast<std::int64_t>(q_len);
}
}  // namespace

KeyRange key_range(const MaskSpec& mask, std::size_t i, std::size_t q_len, std::size_t kv_len) {
  std::int64_t lo = 0, hi = static_cast<std::int64_t>(kv_len);  // [lo, hi)
  if (mask.causal) {
    const std::int64_t p = position(mask.causal_align, i, q_len, kv_len);
    if (p + 1 < hi) hi = p + 1;
  }
  if (mask.has_window()) {
    const std::int64_t p = position(mask.window_align, i, q_len, kv_len);
    if (mask.window_left && p - *mask.window_left > lo) lo = p - *mask.window_left;
    if (mask.window_right && p + *mask.window_right + 1 < hi) hi = p + *mask.window_right + 1;
  }
  if (hi <= lo) return {0, 0};
  return {static_cast<std::size_t>(lo), static_cast<std::size_t>(hi)};
}

float bias_at(const MaskSpec& mask, std::size_t b, std::size_t h, std::size_t i, std::size_t j, std::size_t heads,
              std::size_t q_len, std::size_t kv_len) {
  if (!mask.bias) return 0.f;
  const BiasLayout& l = mask.bias_layout;
  const std::size_t plane = (l.per_batch ? b : 0) * (l.per_head ? heads : 1) + (l.per_head ? h : 0);
  return mask.bias[(plane * q_len + i) * kv_len + j];
}

bool is_visible(const MaskSpec& mask, std::size_t b, std::size_t h, std::size_t i, std::size_t j, std::size_t heads,
                std::size_t q_len, std::size_t kv_len) {
  const KeyRange r = key_range(mask, i, q_len, kv_len);
  if (j < r.lo || j >= r.hi) return false;
  if (mask.key_padding_bk && mask.key_padding_bk[b * kv_len + j] != 0) return false;
  if (mask.bias) {
    const float x = bias_at(mask, b, h, i, j, heads, q_len, kv_len);
    if (std::isinf(x) && x < 0) return false;
  }
  return true;
}

Status validate_mask(const MaskSpec& mask) {
  if (mask.window_left && *mask.window_left < 0)
    return Status::invalid_argument("window.left must be >= 0 (or absent), got " + std::to_string(*mask.window_left));
  if (mask.window_right && *mask.window_right < 0)
    return Status::invalid_argument("window.right must be >= 0 (or absent), got " +
                                    std::to_string(*mask.window_right));
  return Status::success();
}

}  // namespace attn
