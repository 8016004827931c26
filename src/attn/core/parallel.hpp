// A minimal parallel-for: items handed out one at a time from an atomic counter to up to N pooled threads.
// Not a task system: one job at a time (concurrent callers wait their turn); threads start on first use and stay.
#pragma once
#include <cstddef>
#include <type_traits>
#include <utility>

namespace attn {

/// A non-owning reference to a callable fn(item, worker): unlike std::function it never allocates. Valid while the
/// callable it was made from lives (a lambda passed straight to parallel_for lives through the call).
class ItemFn {
 public:
  template <class F, class = std::enable_if_t<!std::is_same_v<std::decay_t<F>, ItemFn>>>
  ItemFn(F&& f) : obj_(const_cast<void*>(static_cast<const void*>(&f))), call_(&invoke<std::remove_reference_t<F>>) {}
  void operator()(std::size_t item, std::size_t worker) const { call_(obj_, item, worker); }

 private:
  template <class F>
  static void invoke(void* obj, std::size_t item, std::size_t worker) {
    (*static_cast<F*>(obj))(item, worker);
  }
  void* obj_;
  void (*call_)(void*, std::size_t, std::size_t);
};

/// Threads this build can use: hardware threads natively, 1 in a WebAssembly build without pthreads.
std::size_t hardware_threads();

/// Calls fn(item, worker) for every item in [0, n), worker in [0, min(threads, n)); threads = 0 means
/// hardware_threads(). Items run in any order; each worker index is used by one thread at a time.
/// Re-entrant: called from inside an fn (a nested loop), it runs its items inline on that thread as worker 0.
void parallel_for(std::size_t n, std::size_t threads, ItemFn fn);

/// The number of workers parallel_for(n, threads, …) will use (1 inside another parallel_for's items).
std::size_t worker_count(std::size_t n, std::size_t threads);

}  // namespace attn
