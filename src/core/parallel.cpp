// parallel_for over std::thread (see parallel.hpp). The only place the library starts threads.
// Not used at all in a WebAssembly build without pthreads, where everything runs on the calling thread.
#include "core/parallel.hpp"

#include <atomic>
#include <thread>
#include <vector>

namespace attn {

std::size_t hardware_threads() {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  return 1;
#elif defined(__EMSCRIPTEN_PTHREADS__)
  // Never more threads than the pool started with the module: a thread beyond it would need the (blocked)
  // calling thread's event loop to start.
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : (n < ATTN_WASM_POOL_SIZE ? n : ATTN_WASM_POOL_SIZE);
#else
  const unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
#endif
}

std::size_t worker_count(std::size_t n, std::size_t threads) {
  std::size_t t = threads ? threads : hardware_threads();
  if (t > hardware_threads()) t = hardware_threads();
  return t < n ? t : (n ? n : 1);
}

void parallel_for(std::size_t n, std::size_t threads, const std::function<void(std::size_t, std::size_t)>& fn) {
  const std::size_t workers = worker_count(n, threads);
  if (workers <= 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i, 0);
    return;
  }
  std::atomic<std::size_t> next{0};
  auto work = [&](std::size_t worker) {
    for (std::size_t i = next++; i < n; i = next++) fn(i, worker);
  };
  std::vector<std::thread> pool;
  for (std::size_t w = 1; w < workers; ++w) pool.emplace_back(work, w);
  work(0);
  for (auto& t : pool) t.join();
}

}  // namespace attn
