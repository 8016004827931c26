// KvCache storage: per batch row a block of `rows` token rows, regrown by doubling (amortised O(1) per token).
// Not thread-safe; one cache belongs to one decoding sequence batch.
#include "attn/attention/kv_cache.hpp"

#include <algorithm>
#include <cstring>

namespace attn {

KvCache::KvCache(std::size_t batch, std::size_t kv_heads, std::size_t head_dim, std::size_t value_dim)
    : batch_(batch), k_width_(kv_heads * head_dim), v_width_(kv_heads * value_dim) {}

std::size_t KvCache::grown_rows(std::size_t min_rows) const { return std::max<std::size_t>({min_rows, rows_ * 2, 16}); }

std::uint64_t KvCache::append_bytes(std::size_t n) const {
  if (length_ + n <= rows_) return 0;
  return std::uint64_t(batch_) * grown_rows(length_ + n) * (k_width_ + v_width_) * sizeof(float);
}

void KvCache::grow(std::size_t min_rows) {
  const std::size_t rows = grown_rows(min_rows);
  std::vector<float> k(batch_ * rows * k_width_), v(batch_ * rows * v_width_);
  for (std::size_t b = 0; b < batch_ && length_ > 0; ++b) {  // nothing to copy (and no buffer) when empty
    std::memcpy(k.data() + b * rows * k_width_, k_.data() + b * rows_ * k_width_, length_ * k_width_ * sizeof(float));
    std::memcpy(v.data() + b * rows * v_width_, v_.data() + b * rows_ * v_width_, length_ * v_width_ * sizeof(float));
  }
  k_.swap(k);
  v_.swap(v);
  rows_ = rows;
}

Status KvCache::append(const float* k, const float* v, std::size_t n) {
  if (batch_ == 0 || k_width_ == 0 || v_width_ == 0)
    return Status::invalid_argument("KvCache: batch, kv_heads, head_dim and value_dim must be >= 1");
  if (length_ + n > rows_) grow(length_ + n);
  for (std::size_t b = 0; b < batch_; ++b) {
    std::memcpy(k_.data() + (b * rows_ + length_) * k_width_, k + b * n * k_width_, n * k_width_ * sizeof(float));
    std::memcpy(v_.data() + (b * rows_ + length_) * v_width_, v + b * n * v_width_, n * v_width_ * sizeof(float));
  }
  length_ += n;
  return Status::success();
}

}  // namespace attn
