// The cost of one attn::parallel_for call on 1 and 2 threads: empty items and tiny items (a 768-float dot each), as
// many calls in a row as a gpt2-small decode step makes (~60). Prints JSON lines: µs per call, wall and (natively) CPU.
// Native: target parallel_overhead (bench/CMakeLists.txt). Threaded wasm, from the repository root:
//   em++ -O3 -std=c++17 -pthread -sPTHREAD_POOL_SIZE=2 -DATTN_WASM_POOL_SIZE=2 -sEXIT_RUNTIME=1 -Isrc
//     bench/parallel_overhead.cpp src/attn/core/parallel.cpp -o build-bench/po.js
//   node --no-experimental-fetch build-bench/po.js
// (emscripten has no per-process CPU clock: time the node process instead). Not a test: it checks nothing.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <vector>

#include "attn/core/parallel.hpp"

namespace {

double cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

double wall_ms() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

volatile float g_sink = 0;

}  // namespace

int main() {
  std::vector<float> a(64 * 768, 0.5f), out(64, 0.0f);
  const auto dot_item = [&](std::size_t i, std::size_t) {
    float s = 0;
    for (std::size_t k = 0; k < 768; ++k) s += a[i * 768 + k] * a[k];
    out[i] = s;
  };
  constexpr int kCalls = 60, kReps = 40;
  struct Case {
    const char* name;
    std::size_t items;
    bool work;
  };
  for (const Case c : {Case{"empty", 2, false}, Case{"empty", 12, false}, Case{"tiny", 12, true}, Case{"tiny", 64, true}})
    for (std::size_t threads : {1, 2}) {
      std::vector<double> wall, cpu;
      for (int rep = 0; rep < kReps; ++rep) {
        const double w0 = wall_ms(), c0 = cpu_ms();
        for (int call = 0; call < kCalls; ++call) {
          if (c.work) attn::parallel_for(c.items, threads, dot_item);
          else attn::parallel_for(c.items, threads, [&](std::size_t i, std::size_t) { out[i % 64] += 1.0f; });
        }
        if (rep) wall.push_back((wall_ms() - w0) * 1e3 / kCalls), cpu.push_back((cpu_ms() - c0) * 1e3 / kCalls);
      }
      std::sort(wall.begin(), wall.end()), std::sort(cpu.begin(), cpu.end());
      std::printf("{\"case\": \"%s\", \"items\": %zu, \"threads\": %zu, \"us_per_call\": %.2f", c.name, c.items, threads,
                  wall[wall.size() / 2]);
#ifndef __EMSCRIPTEN__
      std::printf(", \"cpu_us_per_call\": %.2f", cpu[cpu.size() / 2]);
#endif
      std::printf("}\n");
    }
  g_sink = out[0];
  return 0;
}
