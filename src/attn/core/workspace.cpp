// Workspace: bump allocation in aligned blocks, given back by Frames (see workspace.hpp).
#include "attn/core/workspace.hpp"

#include <algorithm>
#include <cstdint>

namespace attn {
namespace {
std::size_t round_up(std::size_t n) { return (n + Workspace::kAlign - 1) / Workspace::kAlign * Workspace::kAlign; }
}  // namespace

void* Workspace::take_bytes(std::size_t bytes) {
  bytes = round_up(bytes ? bytes : 1);
  if (blocks_.empty() || blocks_.back().size - blocks_.back().used < bytes) {
    // A new block (the old ones stay: spans taken from them are still in use until their Frame closes).
    Block b;
    b.size = std::max(bytes, blocks_.empty() ? std::size_t(1) << 16 : blocks_.back().size * 2);
    b.data.reset(new unsigned char[b.size + kAlign]);
    blocks_.push_back(std::move(b));
  }
  Block& b = blocks_.back();
  auto base = reinterpret_cast<std::uintptr_t>(b.data.get());
  const std::uintptr_t aligned = (base + kAlign - 1) / kAlign * kAlign;
  void* p = reinterpret_cast<void*>(aligned + b.used);
  b.used += bytes;
  in_use_ += bytes;
  high_water_ = std::max(high_water_, in_use_);
  return p;
}

std::size_t Workspace::capacity_bytes() const {
  std::size_t n = 0;
  for (const Block& b : blocks_) n += b.size;
  return n;
}

Workspace::Frame::Frame(Workspace& ws)
    : ws_(ws), blocks_(ws.blocks_.size()), used_(ws.blocks_.empty() ? 0 : ws.blocks_.back().used), in_use_(ws.in_use_) {
  ++ws_.depth_;
}

Workspace::Frame::~Frame() {
  --ws_.depth_;
  ws_.in_use_ = in_use_;
  if (ws_.depth_ == 0 && ws_.blocks_.size() > 1) {  // it grew: one block of the high-water size from now on
    ws_.blocks_.clear();
    Block b;
    b.size = ws_.high_water_;
    b.data.reset(new unsigned char[b.size + kAlign]);
    ws_.blocks_.push_back(std::move(b));
    return;
  }
  // Blocks added inside this frame are kept (the arena only grows); their space is free again.
  for (std::size_t i = blocks_; i < ws_.blocks_.size(); ++i) ws_.blocks_[i].used = 0;
  if (!ws_.blocks_.empty()) ws_.blocks_[blocks_ ? blocks_ - 1 : 0].used = blocks_ ? used_ : 0;
}

}  // namespace attn
