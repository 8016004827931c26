// Scaled dot-product attention: softmax(Q·Kᵀ·scale + mask) · V for every batch row and head, in one call.
// Not the projections or the model (attention/mha.hpp), and not the oracle (attention/ref.hpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>

#include "attn/attention/masks.hpp"
#include "attn/core/shapes.hpp"
#include "attn/core/status.hpp"
#include "attn/core/workspace.hpp"
#include "attn/kernels/kernels.hpp"

namespace attn {

/// Sizes of one attention call (letters as in core/shapes.hpp). kv_heads = 0 means `heads` (multi-head);
/// value_dim = 0 means `head_dim`. Grouped-query when 1 < kv_heads < heads, multi-query when kv_heads = 1.
/// kv_rows = rows allocated per batch row in k and v (≥ kv_len; 0 = kv_len), so a KV cache is read in place.
struct SdpaShape {
  std::size_t batch = 1, q_len = 0, kv_len = 0, heads = 1, kv_heads = 0, head_dim = 0, value_dim = 0, kv_rows = 0;

  std::size_t kv_heads_or_default() const { return kv_heads ? kv_heads : heads; }
  std::size_t value_dim_or_default() const { return value_dim ? value_dim : head_dim; }
  std::size_t kv_rows_or_default() const { return kv_rows ? kv_rows : kv_len; }
};

/// Which implementation runs. `automatic`: materialized when weights or scores are requested, the decode path
/// when Lq = 1, the fused tiled online-softmax path otherwise (sdpa.cpp, `choose_impl`, is the one place).
enum class SdpaImpl { automatic, materialized, fused, decode };
const char* impl_name(SdpaImpl impl);

struct SdpaOptions {
  std::optional<float> scale;  ///< default 1/√D
  MaskSpec mask;
  float* weights_bhqk = nullptr;  ///< optional out [B, H, Lq, Lk]: softmax weights (0 where masked)
  float* scores_bhqk = nullptr;   ///< optional out [B, H, Lq, Lk]: scaled + biased logits, −∞ where masked
  float* lse_bhq = nullptr;       ///< optional out [B, H, Lq]: log Σ exp(logits) per row, −∞ for an empty row
  SdpaImpl impl = SdpaImpl::automatic;
  const KernelTable* kernels = nullptr;  ///< nullptr = best_kernels()
  /// Threads splitting the (batch, head) pairs: 1 = the calling thread only, 0 = every hardware thread. Results
  /// are identical for any count (each pair is computed the same way by one thread).
  std::size_t threads = 1;
  /// Scratch for this call (per-worker tiles, K transposed, V packed); nullptr = allocated per call. With a workspace
  /// a steady stream of calls of one size allocates nothing after the first.
  Workspace* workspace = nullptr;
};

/// q: [B, Lq, H·D], k: [B, Lk, Hkv·D], v: [B, Lk, Hkv·Dv] (Lk rows used of kv_rows per batch row) → out: [B, Lq, H·Dv]. Query head h reads kv head
/// h / (H / Hkv). Outputs must not alias inputs. Time O(B·H·Lq·Lk·(D + Dv)); extra memory O(Lq·Lk) for the
/// materialized path, O(tile·(Lk_tile + Dv)) for the fused one. Returns an error (and writes nothing) on bad input.
Status sdpa(const SdpaShape& shape, const float* q_blhd, const float* k_blhd, const float* v_blhd, float* out_blhd,
            const SdpaOptions& options = {});

/// Checks sizes, head grouping, scale and mask without running anything.
Status validate_sdpa(const SdpaShape& shape, const SdpaOptions& options);

/// Refuses finite inputs whose scores scale·q·k (+ bias) can pass float32's range: such a score becomes ±∞ and the
/// softmax NaN (or a row read as fully masked), so no answer would be right. |score| ≤ |scale|·D·max|q|·max|k| +
/// max|bias| (−∞ bias cells mask, they are not scores). Non-finite inputs pass: their NaN is the caller's to see.
/// max_abs_k: max |k| over the keys (kernels.max_abs over k, or a KV cache's running value). O(B·Lq·H·D + bias).
/// Not part of sdpa() itself (a decode step would read K twice): the JS API calls it before every attention call.
Status check_score_range(const SdpaShape& shape, const SdpaOptions& options, const float* q_blhd, float max_abs_k);

/// The scale sdpa uses: the given one, else 1/√D computed in float (the trace reproduces scores with it).
float sdpa_scale(const SdpaShape& shape, std::optional<float> scale);

/// The implementation `sdpa` would run for these options.
SdpaImpl choose_impl(const SdpaShape& shape, const SdpaOptions& options);
/// The same rule for a call sized before its buffers exist: `asked` unless automatic; then materialized when
/// weights or scores are returned, decode when Lq = 1, else fused.
SdpaImpl choose_impl(const SdpaShape& shape, SdpaImpl asked, bool returns_weights);

/// Heap bytes sdpa's scratch takes at its peak for this call: what a call without a workspace adds to the heap,
/// and what a new workspace's peak_bytes() is after it. returns_weights: sized as if weights_bhqk were given (a
/// caller sizing a call before its buffers exist). 64-bit: a wasm32 caller sizes calls past its address space.
std::uint64_t sdpa_scratch_bytes(const SdpaShape& shape, const SdpaOptions& options, bool returns_weights = false);
/// The same takes added to `size` (a caller whose own scratch is taken first, as MultiHeadAttention's is).
void add_sdpa_scratch(const SdpaShape& shape, const SdpaOptions& options, bool returns_weights, WorkspaceSize& size);

}  // namespace attn
