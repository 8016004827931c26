// Mask policy, in one place: which key j a query i may attend to, for every mask kind the library supports.
// Not the kernels: sdpa.cpp turns this policy into key ranges and -inf logits; ref.cpp applies it per element.
//
// The rules:
//  - Alignment. A query's position is p(i) = i (`top_left`) or p(i) = i + Lk − Lq (`bottom_right`, the KV-cache
//    case: the last query sits on the last key). Causal: j ≤ p(i). Sliding window: p(i) − left ≤ j ≤ p(i) + right,
//    either bound optional (absent = unbounded on that side), with its own alignment.
//  - Key padding: key_padding[b·Lk + j] == 1 means key j of batch row b is padding and is ignored (0 = real key).
//  - Additive bias [B|1, H|1, Lq, Lk], broadcast like PyTorch's attn_mask (a dim of size 1 is shared by every batch
//    row or head), is added to the scaled scores; a bias of −∞ masks that key exactly like the rules above (its
//    key and value are never read).
//  - A query row with no visible key yields an output of zeros, a weight row of zeros and lse = −∞ — never NaN,
//    whatever the masked keys and values hold. NaN in a *visible* input propagates to the output.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

#include "attn/core/status.hpp"

namespace attn {

enum class Align { top_left, bottom_right };
/// Which leading dims of the bias [B|1, H|1, Lq, Lk] are real (true) or broadcast (false, size 1).
/// {false, false} is [Lq, Lk]; {false, true} [H, Lq, Lk]; {true, false} [B, 1, Lq, Lk]; {true, true} [B, H, Lq, Lk].
struct BiasLayout {
  bool per_batch = false, per_head = false;
};

struct MaskSpec {
  bool causal = false;
  Align causal_align = Align::top_left;
  std::optional<std::int64_t> window_left;   ///< keys at most this many positions before p(i); ≥ 0
  std::optional<std::int64_t> window_right;  ///< keys at most this many positions after p(i); ≥ 0
  Align window_align = Align::top_left;
  const std::uint8_t* key_padding_bk = nullptr;  ///< [B, Lk], 1 = padded; nullptr = no padding
  const float* bias = nullptr;                   ///< additive [B|1, H|1, Lq, Lk] as bias_layout says; nullptr = none
  BiasLayout bias_layout;

  bool has_window() const { return window_left.has_value() || window_right.has_value(); }
};

/// Half-open key interval [lo, hi) allowed by causal + window for query i; empty when lo ≥ hi.
struct KeyRange {
  std::size_t lo, hi;
  bool empty() const { return lo >= hi; }
};
KeyRange key_range(const MaskSpec& mask, std::size_t i, std::size_t q_len, std::size_t kv_len);

/// The additive bias for (b, h, i, j), 0 when there is none.
float bias_at(const MaskSpec& mask, std::size_t b, std::size_t h, std::size_t i, std::size_t j, std::size_t heads,
              std::size_t q_len, std::size_t kv_len);

/// The whole policy for one element: may query i of (b, h) see key j?
bool is_visible(const MaskSpec& mask, std::size_t b, std::size_t h, std::size_t i, std::size_t j, std::size_t heads,
                std::size_t q_len, std::size_t kv_len);

/// Checks the mask's own arguments (window bounds ≥ 0).
Status validate_mask(const MaskSpec& mask);

}  // namespace attn
