// A caller-owned scratch arena: 64-byte aligned spans handed out in stack order (a Frame gives back everything
// taken inside it), so a steady stream of calls of one size allocates nothing after the first.
// Not a general allocator: spans are uninitialised, typed only by the caller, and valid until their Frame closes.
#pragma once
#include <cstddef>
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

 private:
  void* take_bytes(std::size_t bytes);
  struct Block {
    std::unique_ptr<unsigned char[]> data;
    std::size_t size = 0, used = 0;
  };
  std::vector<Block> blocks_;
  std::size_t depth_ = 0, in_use_ = 0, high_water_ = 0;
};

}  // namespace attn
