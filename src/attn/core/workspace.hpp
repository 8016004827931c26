// A caller-owned scratch arena: 64-byte aligned spans handed out in stack order (a Frame gives back everything
// taken inside it), so a steady stream of calls of one size allocates nothing after the first.
// Not a general allocator: spans are uninitialised, typed only by the caller, and valid until their Frame closes.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

namespace attn {

class Workspace {
 public:
  static constexpr std::size_t kAlign = 64;

  /// n uninitialised Ts, 64-byte aligned, valid until the innermost open Frame closes. T must be trivial.
  template <class T>
  T* take(std::size_t n) {
    return static_cast<T*>(take_bytes(n * sizeof(T)));
  }

  /// Everything taken while a Frame is open is given back when it closes; when the outermost one closes after the
  /// arena had to grow, its blocks become one block of the high-water size (so the next call fits without growing).
  class Frame {
   public:
    explicit Frame(Workspace& ws);
    ~Frame();
    Frame(const Frame&) = delete;
    Frame& operator=(const Frame&) = delete;

   private:
    Workspace& ws_;
    std::size_t blocks_, used_, in_use_;
  };

  std::size_t capacity_bytes() const;
  std::size_t high_water_bytes() const { return high_water_; }
  /// The most heap bytes its blocks held at once (each with its alignment slack): for a workspace made for one
  /// call, what that call's scratch cost the heap (WorkspaceSize predicts it).
  std::size_t peak_bytes() const { return peak_held_; }

 private:
  void* take_bytes(std::size_t bytes);
  void add_block(std::size_t size);
  struct Block {
    std::unique_ptr<unsigned char[]> data;
    std::size_t size = 0, used = 0;
  };
  std::vector<Block> blocks_;
  std::size_t depth_ = 0, in_use_ = 0, high_water_ = 0;
  std::size_t held_ = 0, peak_held_ = 0;  // heap bytes of the blocks now, and at most
};

/// The heap bytes a new Workspace holds at its peak for a run of takes inside one Frame, by take's own growth rule
/// (workspace.cpp): a call reports its scratch with it before running. Counted in 64 bits, so a wasm32 caller can
/// size a call past its address space (to refuse it).
class WorkspaceSize {
 public:
  template <class T>
  WorkspaceSize& take(std::uint64_t n) {
    return take_bytes(n * sizeof(T));
  }
  WorkspaceSize& take_bytes(std::uint64_t bytes);
  std::uint64_t peak_bytes() const { return held_; }  // inside one frame blocks only accumulate

 private:
  std::uint64_t block_ = 0, used_ = 0, held_ = 0;  // the last block's size and use; every block's heap bytes
};

}  // namespace attn
