// parallel_for (core/parallel.hpp): every item exactly once, worker indices in range and never shared at once,
// work split over threads when there are several, and nested loops (from the caller and from pool threads) run
// inline without deadlock. Runs under the sanitizers too.
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "attn/core/parallel.hpp"

TEST_CASE("parallel_for runs every item once with valid worker indices", "[parallel]") {
  for (std::size_t threads : {0u, 1u, 2u, 3u})
    for (std::size_t n : {0u, 1u, 2u, 7u, 100u}) {
      std::vector<std::atomic<int>> seen(n);
      const std::size_t workers = attn::worker_count(n, threads);
      std::vector<std::atomic<int>> busy(workers);
      std::atomic<bool> shared{false}, out_of_range{false};
      attn::parallel_for(n, threads, [&](std::size_t i, std::size_t w) {  // no CHECK here: Catch2 is not thread-safe
        if (w >= workers) {
          out_of_range = true;
          return;
        }
        if (busy[w]++ != 0) shared = true;
        ++seen[i];
        --busy[w];
      });
      for (std::size_t i = 0; i < n; ++i) CHECK(seen[i] == 1);
      CHECK_FALSE(shared);
      CHECK_FALSE(out_of_range);
    }
}

TEST_CASE("parallel_for uses more than one thread when asked and the machine has them", "[parallel]") {
  if (attn::hardware_threads() < 2) SKIP("one hardware thread");
  std::mutex m;
  std::set<std::thread::id> ids;
  std::atomic<int> arrived{0};
  attn::parallel_for(2, 2, [&](std::size_t, std::size_t) {
    {
      std::lock_guard<std::mutex> lock(m);
      ids.insert(std::this_thread::get_id());
    }
    ++arrived;
    while (arrived < 2) std::this_thread::yield();  // both items must be in flight at once
  });
  CHECK(ids.size() == 2);
}

TEST_CASE("nested parallel_for runs inline: no deadlock, every pair once", "[parallel]") {
  for (std::size_t threads : {1u, 2u, 0u}) {
    std::vector<std::atomic<int>> seen(8 * 8);
    std::atomic<int> inner_workers_above_zero{0}, nested_counts_above_one{0};
    attn::parallel_for(8, threads, [&](std::size_t i, std::size_t) {
      if (attn::worker_count(8, 2) != 1) ++nested_counts_above_one;
      attn::parallel_for(8, threads, [&](std::size_t j, std::size_t w) {
        if (w != 0) ++inner_workers_above_zero;
        ++seen[i * 8 + j];
      });
    });
    for (auto& s : seen) CHECK(s == 1);
    CHECK(inner_workers_above_zero == 0);
    CHECK(nested_counts_above_one == 0);
    CHECK(attn::worker_count(8, 2) == std::min<std::size_t>(2, attn::hardware_threads()));  // outside again
  }
}
