// The key/value cache for incremental decoding: K and V rows of every token seen so far, per batch row.
// Not the attention itself (MultiHeadAttention::decode reads it in place through SdpaShape::kv_rows).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "attn/core/status.hpp"

namespace attn {

class KvCache {
 public:
  /// k rows are Hkv·D floats, v rows Hkv·Dv floats; storage grows (doubling) as tokens are appended.
  KvCache(std::size_t batch, std::size_t kv_heads, std::size_t head_dim, std::size_t value_dim);

  /// Appends n tokens per batch row. k: [B, n, Hkv·D], v: [B, n, Hkv·Dv].
  Status append(const float* k_bnx, const float* v_bnx, std::size_t n);
  void clear() { length_ = 0; }
  /// Forgets every token from `length` on (keeps the first min(length, length()) of each batch row).
  void truncate(std::size_t length) { length_ = length < length_ ? length : length_; }

  std::size_t length() const { return length_; }
  std::size_t rows() const { return rows_; }  ///< rows allocated per batch row (≥ length)
  std::size_t batch() const { return batch_; }
  std::size_t k_width() const { return k_width_; }  ///< Hkv·D
  std::size_t v_width() const { return v_width_; }  ///< Hkv·Dv
  /// k: [B, rows, Hkv·D] with the first length() rows of each batch row valid; v likewise with Hkv·Dv.
  const float* k() const { return k_.data(); }
  const float* v() const { return v_.data(); }
  /// Bytes one token adds per sequence: Hkv·(D + Dv) floats — what multi-query and grouped-query shrink.
  std::size_t bytes_per_token() const { return (k_width_ + v_width_) * sizeof(float); }
  std::size_t bytes_in_use() const { return batch_ * length_ * bytes_per_token(); }
  /// Heap bytes append(n) allocates: the grown K and V storage when n more tokens do not fit (the old storage is
  /// still held while it is copied), else 0. 64-bit: a wasm32 caller sizes appends past its address space.
  std::uint64_t append_bytes(std::size_t n) const;

 private:
  void grow(std::size_t min_rows);
  std::size_t grown_rows(std::size_t min_rows) const;  ///< rows per batch row after growing to hold min_rows

  std::size_t batch_, k_width_, v_width_, length_ = 0, rows_ = 0;
  std::vector<float> k_, v_;
};

}  // namespace attn
