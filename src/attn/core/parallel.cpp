// parallel_for over a persistent pool of std::threads (see parallel.hpp). The only place the library starts threads.
// Not used at all in a WebAssembly build without pthreads, where everything runs on the calling thread.
#include "attn/core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
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
  // Read once: glibc's hardware_concurrency() reads /sys on every call (~10 µs), and every parallel_for asks.
  static const std::size_t n = std::max(1u, std::thread::hardware_concurrency());
  return n;
#endif
}

namespace {
// True on a thread while it runs items of a parallel_for (the caller's thread and the pool's): a parallel_for
// called from there runs inline, so nested loops neither wait for the pool they occupy nor start more threads.
thread_local bool t_in_job = false;

struct InJob {
  bool saved = t_in_job;
  InJob() { t_in_job = true; }
  ~InJob() { t_in_job = saved; }
};
}  // namespace

std::size_t worker_count(std::size_t n, std::size_t threads) {
  if (t_in_job) return 1;
  std::size_t t = threads ? threads : hardware_threads();
  if (t > hardware_threads()) t = hardware_threads();
  return t < n ? t : (n ? n : 1);
}

namespace {

// Threads started on first use and kept: starting a thread per call costs more than a small attention call.
// One job at a time (callers hold `run_lock`); the caller is worker 0 and helpers take workers 1 … w−1.
class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }

  void run(std::size_t n, std::size_t workers, const ItemFn& fn) {
    std::lock_guard<std::mutex> job_lock(run_lock_);
    while (threads_.size() + 1 < workers) threads_.emplace_back([this, id = threads_.size() + 1] { loop(id); });
    {
      std::lock_guard<std::mutex> lock(m_);
      fn_ = &fn, n_ = n, workers_ = workers, next_ = 0, busy_ = workers - 1, ++generation_;
    }
    wake_.notify_all();
    work(0);
    std::unique_lock<std::mutex> lock(m_);
    done_.wait(lock, [this] { return busy_ == 0; });
  }

 private:
  void work(std::size_t worker) {
    const InJob in_job;
    for (std::size_t i = next_++; i < n_; i = next_++) (*fn_)(i, worker);
  }

  void loop(std::size_t id) {
    std::size_t seen = 0;
    std::unique_lock<std::mutex> lock(m_);
    while (true) {
      wake_.wait(lock, [&] { return stop_ || generation_ != seen; });
      if (stop_) return;
      seen = generation_;
      if (id >= workers_) continue;  // not needed for this job
      lock.unlock();
      work(id);
      lock.lock();
      if (--busy_ == 0) done_.notify_one();
    }
  }

  std::mutex run_lock_, m_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> threads_;
  const ItemFn* fn_ = nullptr;
  std::size_t n_ = 0, workers_ = 0, busy_ = 0, generation_ = 0;
  std::atomic<std::size_t> next_{0};
  bool stop_ = false;
};

}  // namespace

void parallel_for(std::size_t n, std::size_t threads, ItemFn fn) {
  const std::size_t workers = worker_count(n, threads);
  if (workers <= 1) {
    const InJob in_job;
    for (std::size_t i = 0; i < n; ++i) fn(i, 0);
    return;
  }
  static Pool pool;
  pool.run(n, workers, fn);
}

}  // namespace attn
