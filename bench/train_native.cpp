// Native trainer benchmark: the default model's shape (L 3, H 4, C 128, T 128, batch 8, a restricted vocabulary of
// 1,024 rows) on random tokens, 1 and 2 threads. Prints one JSON object (median ms per step, tokens/s, GFLOP/s of the
// matmul + attention work) for tools/bench.sh. Not a test: nothing is checked.
//   train_native [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "attn/core/rng.hpp"
#include "attn/train/trainer.hpp"

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  attn::train::TrainerConfig c;
  c.layers = 3, c.heads = 4, c.d_model = 128, c.vocab = 1024, c.context = 128, c.batch = 8, c.seq = 128;
  c.steps = 1000;
  const std::size_t C = c.d_model, T = c.seq, L = c.layers, V = c.vocab, F = c.ff();
  // Training ≈ 3 × the forward: 2 FLOP per weight of every matmul (12C² per layer with F = 4C, the C·V head) plus the
  // causal attention's two products (≈ T/2 keys per query on average).
  const double flops_per_token = 3.0 * (2.0 * (L * (4.0 * C * C + 2.0 * C * F) + double(C) * V) + L * 2.0 * 2.0 * C * (T / 2.0));
  attn::Rng rng(1);
  const std::size_t steps = quick ? 5 : 15;
  std::vector<std::uint32_t> rows(c.batch * (c.seq + 1) * steps);
  for (auto& r : rows) r = std::uint32_t(rng.next_u64() % V);
  std::printf("{\"config\": {\"layers\": %zu, \"heads\": %zu, \"d_model\": %zu, \"seq\": %zu, \"batch\": %zu, \"vocab\": %zu},"
              " \"flops_per_token\": %.0f, \"runs\": [",
              L, c.heads, C, T, c.batch, V, flops_per_token);
  for (std::size_t threads : {1, 2}) {
    c.threads = threads;
    attn::train::Gpt2Trainer trainer(c);
    attn::train::StepReport report;
    std::vector<double> ms;
    for (std::size_t s = 0; s < steps; ++s) {
      const auto t0 = std::chrono::steady_clock::now();
      if (!trainer.train_step(&rows[s * c.batch * (c.seq + 1)], report).ok()) return 1;
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    ms.erase(ms.begin());  // first step: page faults and pool start
    std::sort(ms.begin(), ms.end());
    const double med = ms[ms.size() / 2], tokens = double(c.batch * c.seq);
    std::printf("%s{\"threads\": %zu, \"ms_per_step\": %.2f, \"tokens_per_s\": %.0f, \"gflops\": %.2f}", threads == 1 ? "" : ", ",
                threads, med, tokens / med * 1e3, tokens * flops_per_token / med * 1e-6);
  }
  std::printf("]}\n");
  return 0;
}
