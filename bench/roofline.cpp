// Native roofline probe: FMA peak (GFLOP/s) of every x86 arch this CPU runs, which one the library's dispatcher
// picks, and single-thread streaming-read bandwidth (GB/s). Prints one JSON object on stdout.
// Not the attention benchmarks (attn_bench.cpp). Usage: attn_roofline [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "attn/kernels/kernels.hpp"
#include "peak.hpp"

// Instantiated in peak_<arch>.cpp with that arch's flags; never here (this file has baseline flags).
extern template float bench::peak<xsimd::sse2>(long, float);
extern template float bench::peak<xsimd::fma3<xsimd::avx2>>(long, float);
extern template float bench::peak<xsimd::avx512f>(long, float);
extern template float bench::stream_read<xsimd::sse2>(const float*, std::size_t);
extern template float bench::stream_read<xsimd::fma3<xsimd::avx2>>(const float*, std::size_t);
extern template float bench::stream_read<xsimd::avx512f>(const float*, std::size_t);

namespace {
using Clock = std::chrono::steady_clock;

struct Arch {
  attn::Isa isa;
  int lanes;
  float (*peak)(long, float);
  float (*read)(const float*, std::size_t);
};
const Arch kArchs[] = {
    {attn::Isa::sse2, 4, bench::peak<xsimd::sse2>, bench::stream_read<xsimd::sse2>},
    {attn::Isa::avx2_fma, 8, bench::peak<xsimd::fma3<xsimd::avx2>>, bench::stream_read<xsimd::fma3<xsimd::avx2>>},
    {attn::Isa::avx512f, 16, bench::peak<xsimd::avx512f>, bench::stream_read<xsimd::avx512f>},
};

volatile float g_sink;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

struct Stats {
  double median, max;
};
Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return {n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]), v.back()};
}

/// GFLOP/s of arch.peak over `reps` runs of about `target` seconds each (iteration count calibrated first).
Stats measure_peak(const Arch& arch, int reps, double target) {
  const double flops_per_iter = 2.0 * bench::kPeakAccumulators * arch.lanes;
  long iters = 1 << 16;
  for (;;) {  // calibrate (also the warm-up)
    auto t0 = Clock::now();
    g_sink = arch.peak(iters, 1.0f);
    double s = seconds_since(t0);
    if (s > target / 4) {
      iters = static_cast<long>(iters * target / s);
      break;
    }
    iters *= 4;
  }
  std::vector<double> g;
  for (int r = 0; r < reps; ++r) {
    auto t0 = Clock::now();
    g_sink = arch.peak(iters, 1.0f + r);
    g.push_back(flops_per_iter * iters / seconds_since(t0) * 1e-9);
  }
  return stats(g);
}

/// GB/s of a streaming read of `bytes` (well above the last-level cache), `reps` passes after one warm-up pass.
Stats measure_read(const Arch& arch, std::size_t bytes, int reps) {
  const std::size_t n = bytes / sizeof(float);
  float* x = static_cast<float*>(std::aligned_alloc(64, n * sizeof(float)));
  for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(i & 1023) * 1e-3f;  // touch every page
  g_sink = arch.read(x, n);
  std::vector<double> g;
  for (int r = 0; r < reps; ++r) {
    auto t0 = Clock::now();
    g_sink = arch.read(x, n);
    g.push_back(static_cast<double>(bytes) / seconds_since(t0) * 1e-9);
  }
  std::free(x);
  return stats(g);
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int reps = quick ? 5 : 9;
  const auto available = attn::available_isas();
  const attn::Isa best = attn::best_kernels().isa;
  std::string json = "{\n  \"dispatched\": \"" + std::string(attn::isa_name(best)) + "\",\n  \"reps\": " +
                     std::to_string(reps) + ",\n  \"peaks\": {";
  const Arch* best_arch = nullptr;
  bool first = true;
  for (const Arch& a : kArchs) {
    if (std::find(available.begin(), available.end(), a.isa) == available.end()) continue;
    if (a.isa == best) best_arch = &a;
    const Stats s = measure_peak(a, reps, 0.15);
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s\n    \"%s\": { \"gflops_median\": %.2f, \"gflops_max\": %.2f, \"lanes\": %d, \"op\": \"%s\" }",
                  first ? "" : ",", attn::isa_name(a.isa), s.median, s.max, a.lanes,
                  a.isa == attn::Isa::sse2 ? "mulps+addps" : "fma");
    json += buf;
    first = false;
  }
  json += "\n  }";
  if (!best_arch) best_arch = &kArchs[0];  // e.g. a scalar-only dispatch: measure the read with sse2 (x86-64 baseline)
  const std::size_t bytes = std::size_t(quick ? 256 : 512) << 20;
  const Stats bw = measure_read(*best_arch, bytes, quick ? 5 : 7);
  char buf[256];
  std::snprintf(buf, sizeof buf,
                ",\n  \"read_bandwidth\": { \"gbs_median\": %.2f, \"gbs_max\": %.2f, \"bytes\": %zu, \"arch\": \"%s\" }\n}\n",
                bw.median, bw.max, bytes, attn::isa_name(best_arch->isa));
  json += buf;
  std::fputs(json.c_str(), stdout);
  return 0;
}
