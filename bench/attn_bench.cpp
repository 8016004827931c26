// Native attention benchmarks (Google Benchmark): SDPA (materialized with weights, fused), single-token decode
// (SDPA decode path and the MHA block's KV-cache step), the MHA block forward, and the kernels themselves, on any
// kernel table. Not the driver: bench/run.mjs decides the cases and passes them as
//   --attn_cases=TOKEN;TOKEN;...   TOKEN = sdpa:ISA:D:S:CAUSAL:WEIGHTS | mha:ISA:S | decode:ISA:CACHE |
//                                          mhadecode:ISA:CACHE:STEPS | kernel:ISA:NAME
// with ISA = best | sse2 | avx2+fma | avx512f | scalar. Inputs come from the same seeded generator as run.mjs
// (bench/inputs.mjs), so native and wasm see identical numbers; each benchmark reports a checksum of its output.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "attn/attention/mha.hpp"
#include "attn/attention/sdpa.hpp"
#include "attn/kernels/kernels.hpp"

namespace {

constexpr std::size_t kHeads = 12, kDModel = 768;
constexpr std::uint64_t kMhaSeed = 42;

/// The bench's input generator (same as inputs.mjs): an LCG whose top 24 bits map exactly to [-1, 1).
std::vector<float> seeded(std::size_t n, std::uint32_t seed) {
  std::vector<float> v(n);
  std::uint32_t s = seed;
  for (auto& x : v) {
    s = s * 1664525u + 1013904223u;
    x = static_cast<float>(s >> 8) * (1.0f / 8388608.0f) - 1.0f;
  }
  return v;
}

double checksum(const float* x, std::size_t n) {
  double s = 0;
  for (std::size_t i = 0; i < n; ++i) s += x[i];
  return s;
}

const attn::KernelTable* table_named(const std::string& name) {
  if (name == "best") return &attn::best_kernels();
  for (attn::Isa isa : attn::available_isas())
    if (name == attn::isa_name(isa)) return attn::table_for(isa);
  return nullptr;  // not on this CPU
}

void fail(benchmark::State& state, const attn::Status& st) {
  state.SkipWithError(st.message.c_str());
}

/// Rough seconds per call, only to pick iteration counts (heavy cases: one iteration per repetition).
double guess_seconds(double flops, const attn::KernelTable& kt) {
  return flops / (kt.width * 3e9);
}

/// Heavy cases run one iteration per repetition, where Google Benchmark allows no warm-up time: the benchmark
/// function calls this before its timing loop, which runs `call` once, untimed, on its first invocation only.
template <class F>
void warm_up_once(const std::shared_ptr<bool>& done, F&& call) {
  if (*done) return;
  *done = true;
  call();
}

void configure(benchmark::internal::Benchmark* b, double seconds) {
  b->UseRealTime()->Unit(benchmark::kMillisecond)->ReportAggregatesOnly(true);
  if (seconds > 0.2)
    b->Iterations(1)->Repetitions(3);  // warm_up_once() below, then three timed calls
  else
    b->MinTime(0.15)->Repetitions(5)->MinWarmUpTime(0.05);
}


// The timed loop every SDPA case shares; false (and the case marked failed) when the call reports an error.
bool time_sdpa(benchmark::State& state, const attn::SdpaShape& shape, const std::vector<float>& q,
               const std::vector<float>& k, const std::vector<float>& v, std::vector<float>& out,
               const attn::SdpaOptions& o) {
  for (auto _ : state) {
    const attn::Status st = attn::sdpa(shape, q.data(), k.data(), v.data(), out.data(), o);
    if (!st.ok()) {
      fail(state, st);
      return false;
    }
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  return true;
}

void add_sdpa(const std::string& isa, std::size_t d, std::size_t s, bool causal, bool weights) {
  const attn::KernelTable* kt = table_named(isa);
  if (!kt) return;
  const double flops = causal ? 2.0 * d * kHeads * s * (s + 1) : 4.0 * d * kHeads * s * s;
  std::ostringstream name;
  name << "sdpa/D:" << d << "/S:" << s << "/causal:" << causal << "/weights:" << weights << "/isa:" << isa;
  auto warmed = std::make_shared<bool>(false);
  auto* b = benchmark::RegisterBenchmark(name.str().c_str(), [=](benchmark::State& state) {
    const attn::SdpaShape shape{1, s, s, kHeads, 0, d, 0, 0};
    const auto q = seeded(s * kHeads * d, 1), k = seeded(s * kHeads * d, 2), v = seeded(s * kHeads * d, 3);
    std::vector<float> out(s * kHeads * d), w(weights ? kHeads * s * s : 0);
    attn::SdpaOptions o;
    o.mask.causal = causal;
    o.kernels = kt;
    o.impl = weights ? attn::SdpaImpl::materialized : attn::SdpaImpl::fused;
    if (weights) o.weights_bhqk = w.data();
    warm_up_once(warmed, [&] { (void)attn::sdpa(shape, q.data(), k.data(), v.data(), out.data(), o); });
    if (!time_sdpa(state, shape, q, k, v, out, o)) return;
    state.counters["flops"] = flops;
    state.counters["checksum"] = checksum(out.data(), out.size());
    state.SetLabel(attn::impl_name(o.impl));
  });
  configure(b, guess_seconds(flops, *kt));
}

void add_decode(const std::string& isa, std::size_t cache) {
  const attn::KernelTable* kt = table_named(isa);
  if (!kt) return;
  const std::size_t d = 64;
  const double flops = 4.0 * d * kHeads * cache;
  auto* b = benchmark::RegisterBenchmark(("decode/cache:" + std::to_string(cache) + "/isa:" + isa).c_str(),
                                         [=](benchmark::State& state) {
    const attn::SdpaShape shape{1, 1, cache, kHeads, 0, d, 0, 0};
    const auto q = seeded(kHeads * d, 1), k = seeded(cache * kHeads * d, 2), v = seeded(cache * kHeads * d, 3);
    std::vector<float> out(kHeads * d);
    attn::SdpaOptions o;
    o.kernels = kt;
    o.impl = attn::SdpaImpl::decode;
    if (!time_sdpa(state, shape, q, k, v, out, o)) return;
    state.counters["flops"] = flops;
    state.counters["bytes"] = 2.0 * cache * kHeads * d * sizeof(float);
    state.counters["checksum"] = checksum(out.data(), out.size());
    state.SetLabel("decode");
  });
  configure(b, 0);
}

std::shared_ptr<attn::MultiHeadAttention> make_mha() {
  auto m = std::make_shared<attn::MultiHeadAttention>();
  attn::MhaConfig c;
  c.d_model = kDModel;
  c.heads = kHeads;
  const attn::Status st = m->init_random(c, kMhaSeed);
  if (!st.ok()) {
    std::fprintf(stderr, "init_random: %s\n", st.message.c_str());
    std::exit(2);
  }
  return m;
}

void add_mha(const std::string& isa, std::size_t s) {
  const attn::KernelTable* kt = table_named(isa);
  if (!kt) return;
  const double d = kDModel / kHeads;
  const double flops = 2.0 * d * kHeads * s * (s + 1) + 8.0 * s * kDModel * kDModel;
  auto warmed = std::make_shared<bool>(false);
  auto* b = benchmark::RegisterBenchmark(("mha/S:" + std::to_string(s) + "/isa:" + isa).c_str(),
                                         [=](benchmark::State& state) {
    static const auto mha = make_mha();
    const auto x = seeded(s * kDModel, 4);
    std::vector<float> out(s * kDModel);
    attn::MhaOptions o;
    o.mask.causal = true;
    o.kernels = kt;
    warm_up_once(warmed, [&] { (void)mha->forward(x.data(), 1, s, nullptr, 0, out.data(), o); });
    for (auto _ : state) {
      const attn::Status st = mha->forward(x.data(), 1, s, nullptr, 0, out.data(), o);
      if (!st.ok()) return fail(state, st);
      benchmark::DoNotOptimize(out.data());
      benchmark::ClobberMemory();
    }
    state.counters["flops"] = flops;
    state.counters["checksum"] = checksum(out.data(), out.size());
    state.SetLabel("forward causal");
  });
  configure(b, guess_seconds(flops, *kt));
}

/// One KV-cache decode step of the MHA block after `cache` prefilled tokens. Every run (warm-up, each repetition)
/// restarts from the prefilled cache and takes exactly `steps` steps, so the cache goes cache+1 … cache+steps.
void add_mha_decode(const std::string& isa, std::size_t cache, std::size_t steps) {
  const attn::KernelTable* kt = table_named(isa);
  if (!kt) return;
  const double d = kDModel / kHeads;
  const double mean_keys = cache + (steps + 1) / 2.0;
  const double flops = 8.0 * kDModel * kDModel + 4.0 * d * kHeads * mean_keys;
  auto* b = benchmark::RegisterBenchmark(
      ("mhadecode/cache:" + std::to_string(cache) + "/isa:" + isa).c_str(), [=](benchmark::State& state) {
        static const auto mha = make_mha();
        attn::MhaOptions o;
        o.kernels = kt;
        // The prefill is the same for every table (a fixed table keeps it identical); only the steps are timed.
        attn::KvCache prefilled = mha->make_cache(1);
        {
          const auto xs = seeded(cache * kDModel, 5);
          std::vector<float> tmp(cache * kDModel);
          const attn::Status st = mha->decode(xs.data(), cache, prefilled, tmp.data(), attn::MhaOptions{});
          if (!st.ok()) return fail(state, st);
        }
        const auto x = seeded(kDModel, 6);
        std::vector<float> out(kDModel);
        attn::KvCache kv = prefilled;
        for (auto _ : state) {
          const attn::Status st = mha->decode(x.data(), 1, kv, out.data(), o);
          if (!st.ok()) return fail(state, st);
          benchmark::DoNotOptimize(out.data());
          benchmark::ClobberMemory();
        }
        state.counters["flops"] = flops;
        state.counters["bytes"] = 2.0 * mean_keys * kDModel * sizeof(float) + 4.0 * kDModel * kDModel * sizeof(float);
        state.counters["checksum"] = checksum(out.data(), out.size());
        state.SetLabel("decode step");
      });
  b->UseRealTime()->Unit(benchmark::kMillisecond)->ReportAggregatesOnly(true)->Iterations(steps)->Repetitions(5);
}

// One kernel of the table on the shape it has inside attention, its operands L1/L2-resident:
//   gemm_tile   c[32,128] = q[32,64]·kT[64,128] (the fused path's score tile; kT rows 1040 floats apart)
//   gemm_proj   c[128,64] += x[128,128]·panel[128,64] (a projection's row block against one dense panel of W)
//   exp         exp_shift_sum over 128 logits (one row of a score tile)
//   transpose   k[1024, 64] → kT[64, 1040] (one head's keys, rows 768 floats apart as with 12 heads)
// Counters: flops (the GEMMs) or elements per call.
void add_kernel(const std::string& isa, const std::string& which) {
  const attn::KernelTable* kt = table_named(isa);
  if (!kt) return;
  if (which != "gemm_tile" && which != "gemm_proj" && which != "exp" && which != "transpose")
    throw std::invalid_argument(which);
  auto* b = benchmark::RegisterBenchmark(("kernel/" + which + "/isa:" + isa).c_str(), [=](benchmark::State& state) {
    if (which == "gemm_tile" || which == "gemm_proj") {
      const bool tile = which == "gemm_tile";
      const std::size_t m = tile ? 32 : 128, n = tile ? 128 : 64, k = tile ? 64 : 128;
      const std::size_t lda = tile ? kHeads * 64 : kDModel, ldb = tile ? 1040 : n, ldc = tile ? n : kDModel;
      const auto a = seeded(m * lda, 1), bm = seeded(k * ldb, 2);
      std::vector<float> c(m * ldc);
      for (auto _ : state) {
        if (tile) kt->gemm_nn(m, n, k, 0.125f, a.data(), lda, bm.data(), ldb, c.data(), ldc);
        else kt->gemm_nn_acc(m, n, k, a.data(), lda, bm.data(), ldb, c.data(), ldc);
        benchmark::DoNotOptimize(c.data());
        benchmark::ClobberMemory();
      }
      state.counters["flops"] = 2.0 * m * n * k;
      state.counters["checksum"] = checksum(c.data(), c.size());
    } else if (which == "exp") {
      const auto row = seeded(128, 3);
      std::vector<float> x(128);
      float sum = 0;
      for (auto _ : state) {
        std::memcpy(x.data(), row.data(), sizeof(float) * 128);  // fresh logits each call; 128 floats, in L1
        sum += kt->exp_shift_sum(x.data(), 128, 1.0f);
        benchmark::DoNotOptimize(x.data());
      }
      state.counters["elements"] = 128;
      state.counters["checksum"] = sum;
    } else {
      const std::size_t rows = 1024, cols = 64, lds = kHeads * 64, ldd = 1040;
      const auto src = seeded(rows * lds, 4);
      std::vector<float> dst(cols * ldd);
      for (auto _ : state) {
        kt->transpose(rows, cols, src.data(), lds, dst.data(), ldd);
        benchmark::DoNotOptimize(dst.data());
        benchmark::ClobberMemory();
      }
      state.counters["elements"] = static_cast<double>(rows * cols);
      state.counters["checksum"] = checksum(dst.data(), dst.size());
    }
  });
  b->UseRealTime()->Unit(benchmark::kMicrosecond)->ReportAggregatesOnly(true)->MinTime(0.1)->Repetitions(5);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string cur;
  std::istringstream in(s);
  while (std::getline(in, cur, sep))
    if (!cur.empty()) parts.push_back(cur);
  return parts;
}

bool register_cases(const std::string& spec) {
  for (const std::string& token : split(spec, ';')) {
    const auto f = split(token, ':');
    auto num = [&](std::size_t i) { return static_cast<std::size_t>(std::stoul(f.at(i))); };
    try {
      if (f.at(0) == "sdpa") add_sdpa(f.at(1), num(2), num(3), num(4) != 0, num(5) != 0);
      else if (f.at(0) == "mha") add_mha(f.at(1), num(2));
      else if (f.at(0) == "decode") add_decode(f.at(1), num(2));
      else if (f.at(0) == "mhadecode") add_mha_decode(f.at(1), num(2), num(3));
      else if (f.at(0) == "kernel") add_kernel(f.at(1), f.at(2));
      else throw std::invalid_argument(f.at(0));
    } catch (const std::exception&) {
      std::fprintf(stderr, "attn_bench: bad case '%s'\n", token.c_str());
      return false;
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string spec = "sdpa:best:64:128:1:0;sdpa:best:64:128:1:1;decode:best:2048;mha:best:128;mhadecode:best:2048:64";
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strncmp(argv[i], "--attn_cases=", 13) == 0) spec = argv[i] + 13;
    else rest.push_back(argv[i]);
  }
  if (!register_cases(spec)) return 2;
  int n = static_cast<int>(rest.size());
  benchmark::Initialize(&n, rest.data());
  if (benchmark::ReportUnrecognizedArguments(n, rest.data())) return 2;
  benchmark::AddCustomContext("dispatched_isa", attn::isa_name(attn::best_kernels().isa));
  std::string isas;
  for (attn::Isa isa : attn::available_isas()) isas += std::string(isas.empty() ? "" : ",") + attn::isa_name(isa);
  benchmark::AddCustomContext("available_isas", isas);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
