// Native GPT-2 tokenizer throughput (Google Benchmark): encode, encode_with_offsets and decode, in bytes/second.
// Not a test: built by bench/CMakeLists.txt and run by tools/bench.sh (the build lines below are for doing it by hand).
//
// Text: the file named by ATTN_BENCH_TEXT (e.g. written by `node bench/tokenizer.bench.mjs 4 build-wasm --dump t.txt`,
// so native and wasm see the same text), else a built-in mixed text of about 4 MB.
// Asset: the environment variable ATTN_GPT2_ASSET, else the compile definition ATTN_BENCH_ASSET, else
// build-native/gpt2-bpe.bin (relative to the working directory).
// Build by hand:  g++ -std=c++17 -O3 -DNDEBUG -Isrc bench/tokenizer_bench.cpp -Lbuild-native -lattn_tokenizer -lbenchmark -lpthread -o tokbench
// or in CMake:    add_executable(tokenizer_bench bench/tokenizer_bench.cpp)
//                 target_link_libraries(tokenizer_bench PRIVATE attn_tokenizer benchmark::benchmark)
//                 target_compile_definitions(tokenizer_bench PRIVATE ATTN_BENCH_ASSET="<binary dir of the library>/gpt2-bpe.bin")
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "attn/tokenizer/bpe.hpp"

#ifndef ATTN_BENCH_ASSET
#define ATTN_BENCH_ASSET "build-native/gpt2-bpe.bin"
#endif

namespace {

const char* asset_path() {
  const char* env = std::getenv("ATTN_GPT2_ASSET");
  return env ? env : ATTN_BENCH_ASSET;
}

std::string builtin_text(std::size_t bytes) {
  static const char* const words[] = {"the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be",
                                      "by", "on", "not", "he", "I", "this", "are", "or", "his", "from", "at", "which",
                                      "tokenizer", "attention", "merging", "throughput", "benchmark", "quantization"};
  static const char* const extra[] = {"for (int i = 0; i < n; ++i) { sum += a[i]; }\n", "东京は日本の首都です。", "😀 👍🏽 ", "café naïve ",
                                      "1234.5678, ", "\n\n", "don't ", "it's "};
  std::string s;
  std::uint32_t x = 2463534242u;
  const auto rnd = [&] { x ^= x << 13; x ^= x >> 17; x ^= x << 5; return x; };
  while (s.size() < bytes) {
    if (rnd() % 10 == 0) {
      s += extra[rnd() % (sizeof extra / sizeof *extra)];
    } else {
      s += words[rnd() % (sizeof words / sizeof *words)];
      s += ' ';
    }
  }
  return s;
}

const std::string& text() {
  static const std::string t = [] {
    if (const char* path = std::getenv("ATTN_BENCH_TEXT")) {
      std::ifstream f(path, std::ios::binary);
      std::ostringstream ss;
      ss << f.rdbuf();
      if (!ss.str().empty()) return ss.str();
      std::fprintf(stderr, "cannot read ATTN_BENCH_TEXT=%s; using the built-in text\n", path);
    }
    return builtin_text(4000000);
  }();
  return t;
}

const attn::tok::Gpt2Tokenizer& tokenizer() {
  static const attn::tok::Gpt2Tokenizer tok = [] {
    attn::tok::Gpt2Tokenizer t;
    const attn::Status st = t.load_file(asset_path());
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.message.c_str());
      std::exit(1);
    }
    return t;
  }();
  return tok;
}

void BM_Load(benchmark::State& state) {
  std::ifstream f(asset_path(), std::ios::binary);
  std::ostringstream ss;
  ss << f.rdbuf();
  const std::string data = ss.str();
  for (auto _ : state) {
    attn::tok::Gpt2Tokenizer t;
    benchmark::DoNotOptimize(t.load(data.data(), data.size()).ok());
  }
}

void BM_Encode(benchmark::State& state) {
  const auto& tok = tokenizer();
  std::vector<std::uint32_t> ids;
  for (auto _ : state) {
    ids.clear();
    tok.encode(text(), attn::tok::SpecialTokens::as_text, ids);
    benchmark::DoNotOptimize(ids.data());
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(text().size()));
  state.counters["tokens"] = double(ids.size());
}

void BM_EncodeWithOffsets(benchmark::State& state) {
  const auto& tok = tokenizer();
  attn::tok::Encoding e;
  for (auto _ : state) {
    benchmark::DoNotOptimize(tok.encode_with_offsets(text(), attn::tok::SpecialTokens::as_text, e).ok());
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(text().size()));
}

void BM_Decode(benchmark::State& state) {
  const auto& tok = tokenizer();
  const auto ids = tok.encode(text(), attn::tok::SpecialTokens::as_text);
  std::string out;
  for (auto _ : state) {
    benchmark::DoNotOptimize(tok.decode(ids, out).ok());
  }
  state.SetBytesProcessed(std::int64_t(state.iterations()) * std::int64_t(text().size()));
}

}  // namespace

BENCHMARK(BM_Load)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Encode)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_EncodeWithOffsets)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Decode)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
