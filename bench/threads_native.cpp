// Native thread scaling for `npm run bench`: fused causal SDPA (H=12, D=64) with 1 and 2 threads, medians of 7,
// printed as JSON lines for bench/threads.mjs. Not Google Benchmark: one number per (S, threads) is all it needs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "attn/attention/sdpa.hpp"
#include "attn/core/rng.hpp"

int main() {
  const std::size_t H = 12, D = 64;
  for (std::size_t S : {512, 1024, 2048}) {
    std::vector<float> q(S * H * D), k(q.size()), v(q.size()), o(q.size());
    attn::Rng rng(1);
    for (auto* a : {&q, &k, &v})
      for (auto& x : *a) x = rng.uniform_pm1();
    for (std::size_t threads : {1, 2}) {
      attn::SdpaOptions opt;
      opt.mask.causal = true;
      opt.threads = threads;
      std::vector<double> ms;
      for (int rep = 0; rep < 8; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        if (!attn::sdpa({1, S, S, H, H, D, D, 0}, q.data(), k.data(), v.data(), o.data(), opt).ok()) return 1;
        if (rep) ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      }
      std::sort(ms.begin(), ms.end());
      std::printf("{\"S\": %zu, \"threads\": %zu, \"ms\": %.3f}\n", S, threads, ms[ms.size() / 2]);
    }
  }
}
