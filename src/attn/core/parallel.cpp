// parallel_for over a persistent pool of std::threads (see parallel.hpp). The only place the library starts threads.
// Not used at all in a WebAssembly build without pthreads, where everything runs on the calling thread.
#include "attn/core/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace attn {

std::size_t hardware_threads() {
#if defined(__EMSCRIPTEN__) && !defined(__EMSCRIPTEN_PTHREADS__)
  return 1;
#else
  // Read once: every parallel_for asks, and the answer is slow to get (glibc reads /sys, ~10 µs; emscripten on Node
  // calls os.cpus(), ~100 µs).
  static const std::size_t n = [] {
    const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
#if defined(__EMSCRIPTEN_PTHREADS__)
    // Never more threads than the pool started with the module: a thread beyond it would need the (blocked)
    // calling thread's event loop to start.
    return std::min<std::size_t>(cores, ATTN_WASM_POOL_SIZE);
#else
    return cores;
#endif
  }();
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

/// How long a waiting thread polls before it sleeps. A decode step makes ~60 parallel_for calls a few µs apart;
/// waking a sleeping thread costs ~10 µs natively and more in wasm (Atomics.wait/notify), so waits that short spin.
constexpr std::chrono::microseconds kSpin{50};

/// Polls ready() for up to kSpin; true as soon as it holds, false if it still does not after kSpin.
template <class Ready>
bool spin_until(const Ready& ready) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  for (unsigned i = 1;; ++i) {
    if (ready()) return true;
    if (i % 64 == 0 && std::chrono::steady_clock::now() > until) return ready();
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
}

// Threads started on first use and kept: starting a thread per call costs more than a small attention call.
// One job at a time (callers hold `run_lock_`); the caller is worker 0 and helpers take workers 1 … w−1.
// A job is one atomic word: generation, open, workers, joined. A helper joins an open job of its generation (if its
// id < workers) by counting itself in; the caller runs items too, then closes the job and waits only for the helpers
// that joined. So a helper that is late (asleep, or descheduled on a busy machine) never holds the caller up, and
// never reads a job's fields after it closed. Waits spin briefly, then sleep.
class Pool {
 public:
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(m_);
      stop_.store(true, std::memory_order_relaxed);
      job_.store(next_generation(), std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }

  void run(std::size_t n, std::size_t workers, const ItemFn& fn) {
    std::lock_guard<std::mutex> job_lock(run_lock_);
    while (threads_.size() + 1 < workers) threads_.emplace_back([this, id = threads_.size() + 1] { loop(id); });
    bool sleepers;
    {
      std::lock_guard<std::mutex> lock(m_);
      fn_ = &fn, n_ = n;
      next_.store(0, std::memory_order_relaxed);
      job_.store(next_generation() | kOpen | std::uint64_t(workers) << kWorkersShift, std::memory_order_release);
      sleepers = sleepers_ > 0;
    }
    if (sleepers) wake_.notify_all();
    work(0);
    const auto done = [this] { return (job_.load(std::memory_order_acquire) & kJoinedMask) == 0; };
    if ((job_.fetch_and(~kOpen, std::memory_order_acq_rel) & kJoinedMask) == 0 || spin_until(done)) return;
    std::unique_lock<std::mutex> lock(m_);
    caller_sleeps_ = true;
    done_.wait(lock, done);
    caller_sleeps_ = false;
  }

 private:
  // job_: generation (bits 32…63) | open (bit 31) | workers (bits 16…30) | helpers joined (bits 0…15).
  static constexpr std::uint64_t kOpen = std::uint64_t(1) << 31, kJoinedMask = 0xffff;
  static constexpr int kWorkersShift = 16;
  static constexpr std::uint64_t kWorkersMask = 0x7fff;
  static std::uint64_t generation(std::uint64_t job) { return job >> 32; }

  std::uint64_t next_generation() const {
    return (generation(job_.load(std::memory_order_relaxed)) + 1) << 32;
  }

  void work(std::size_t worker) {
    const InJob in_job;
    for (std::size_t i = next_++; i < n_; i = next_++) (*fn_)(i, worker);
  }

  /// Counts helper `id` into the job of generation `gen` if that job is still open and needs it.
  bool join(std::size_t id, std::uint64_t gen) {
    std::uint64_t job = job_.load(std::memory_order_acquire);
    while (generation(job) == gen && (job & kOpen) && id < ((job >> kWorkersShift) & kWorkersMask))
      if (job_.compare_exchange_weak(job, job + 1, std::memory_order_acq_rel, std::memory_order_acquire)) return true;
    return false;
  }

  void loop(std::size_t id) {
    std::uint64_t seen = 0;  // the generation of the last job this helper looked at
    while (true) {
      const auto fresh = [&] { return generation(job_.load(std::memory_order_acquire)) != seen; };
      if (!spin_until(fresh)) {
        std::unique_lock<std::mutex> lock(m_);
        ++sleepers_;
        wake_.wait(lock, fresh);
        --sleepers_;
      }
      if (stop_.load(std::memory_order_acquire)) return;
      seen = generation(job_.load(std::memory_order_acquire));
      if (!join(id, seen)) continue;
      work(id);
      const std::uint64_t before = job_.fetch_sub(1, std::memory_order_acq_rel);
      if ((before & kJoinedMask) == 1 && !(before & kOpen)) {  // the last helper out of a closed job
        std::lock_guard<std::mutex> lock(m_);
        if (caller_sleeps_) done_.notify_one();
      }
    }
  }

  std::mutex run_lock_, m_;
  std::condition_variable wake_, done_;
  std::vector<std::thread> threads_;
  const ItemFn* fn_ = nullptr;
  std::size_t n_ = 0, sleepers_ = 0;
  std::atomic<std::uint64_t> job_{0};
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> stop_{false};
  bool caller_sleeps_ = false;
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
