// Workspace: bump allocation in aligned blocks, given back by Frames (see workspace.hpp).
#include "attn/core/workspace.hpp"

#include <algorithm>
#include <cstdint>

namespace attn {
namespace {
// The growth rule, shared by Workspace and WorkspaceSize: takes are rounded up to the alignment; a take that does
// not fit the last block opens a new one of at least twice its size (64 KiB at first).
template <class U>
U round_up(U n) {
  return (n + Workspace::kAlign - 1) / Workspace::kAlign * Workspace::kAlign;
}
template <class U>
U new_block_size(U bytes, U last_block) {
  return std::max<U>(bytes, last_block == 0 ? U(1) << 16 : last_block * 2);
}
}  // namespace

void Workspace::add_block(std::size_t size) {
  Block b;
  b.size = size;
  b.data.reset(new unsigned char[size + kAlign]);
  blocks_.push_back(std::move(b));
  held_ += size + kAlign;
  peak_held_ = std::max(peak_held_, held_);
}

void* Workspace::take_bytes(std::size_t bytes) {
  bytes = round_up(bytes ? bytes : 1);
  // A new block (the old ones stay: spans taken from them are still in use until their Frame closes).
  if (blocks_.empty() || blocks_.back().size - blocks_.back().used < bytes)
    add_block(new_block_size(bytes, blocks_.empty() ? 0 : blocks_.back().size));
  Block& b = blocks_.back();
  auto base = reinterpret_cast<std::uintptr_t>(b.data.get());
  const std::uintptr_t aligned = (base + kAlign - 1) / kAlign * kAlign;
  void* p = reinterpret_cast<void*>(aligned + b.used);
  b.used += bytes;
  in_use_ += bytes;
  high_water_ = std::max(high_water_, in_use_);
  return p;
}

WorkspaceSize& WorkspaceSize::take_bytes(std::uint64_t bytes) {
  bytes = round_up<std::uint64_t>(bytes ? bytes : 1);
  if (block_ == 0 || block_ - used_ < bytes) {
    block_ = new_block_size(bytes, block_), used_ = 0;
    held_ += block_ + Workspace::kAlign;
  }
  used_ += bytes;
  return *this;
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
    ws_.blocks_.clear();  // freed before the new block is made: the peak stays the sum of the old blocks
    ws_.held_ = 0;
    ws_.add_block(ws_.high_water_);
    return;
  }
  // Blocks added inside this frame are kept (the arena only grows); their space is free again.
  for (std::size_t i = blocks_; i < ws_.blocks_.size(); ++i) ws_.blocks_[i].used = 0;
  if (!ws_.blocks_.empty()) ws_.blocks_[blocks_ ? blocks_ - 1 : 0].used = blocks_ ? used_ : 0;
}

}  // namespace attn
