// A minimal parallel-for: items handed out one at a time from an atomic counter to up to N pooled threads.
// Not a task system: one job at a time (concurrent callers wait their turn); threads start on first use and stay.
#pragma once
#include <cstddef>
#include <functional>

namespace attn {

/// Threads this build can use: hardware threads natively, 1 in a WebAssembly build without pthreads.
std::size_t hardware_threads();

/// Calls fn(item, worker) for every item in [0, n), worker in [0, min(threads, n)); threads = 0 means
/// hardware_threads(). Items run in any order; each worker index is used by one thread at a time.
/// Re-entrant: called from inside an fn (a nested loop), it runs its items inline on that thread as worker 0.
void parallel_for(std::size_t n, std::size_t threads, const std::function<void(std::size_t, std::size_t)>& fn);

/// The number of workers parallel_for(n, threads, …) will use (1 inside another parallel_for's items).
std::size_t worker_count(std::size_t n, std::size_t threads);

}  // namespace attn
