// Native GPT-2 runtime benchmark: a gpt2-small-shaped model (L 12, H 12, C 768, V 50257, P 1024) with seeded random
// weights exact in binary16, held as float32 and as binary16 (an F16 file's default): prefill of 128 and 512 tokens
// and one decode step at contexts 128 and 1,024, on 1 and 2 threads.
// Prints one JSON object (medians in ms, useful FLOPs per case) for bench/gpt2.mjs. Not a test: nothing is checked.
//   gpt2_native [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "attn/core/rng.hpp"
#include "attn/io/safetensors.hpp"
#include "attn/model/gpt2.hpp"

namespace {

constexpr std::size_t C = 768, L = 12, F = 3072, V = 50257, P = 1024;

/// The model as read from an F16 file, kept binary16 in memory (f16) or widened to float32.
attn::Gpt2Model small_gpt2(bool f16) {
  attn::Gpt2Loader loader;
  attn::Rng rng(2024);
  auto add = [&](const std::string& name, std::vector<std::size_t> shape, float scale, float offset = 0) {
    std::size_t n = 1;
    for (auto d : shape) n *= d;
    std::vector<float> v(n);
    for (auto& x : v) x = attn::io::f16_to_float(attn::io::float_to_f16(offset + scale * rng.uniform_pm1()));
    if (!loader.add(name, shape, v.data(), true).ok()) std::abort();
  };
  add("wte.weight", {V, C}, 0.1f), add("wpe.weight", {P, C}, 0.02f);
  for (std::size_t l = 0; l < L; ++l) {
    const std::string h = "h." + std::to_string(l) + ".";
    add(h + "ln_1.weight", {C}, 0.1f, 1), add(h + "ln_1.bias", {C}, 0.02f);
    add(h + "attn.c_attn.weight", {C, 3 * C}, 0.04f), add(h + "attn.c_attn.bias", {3 * C}, 0.02f);
    add(h + "attn.c_proj.weight", {C, C}, 0.04f), add(h + "attn.c_proj.bias", {C}, 0.02f);
    add(h + "ln_2.weight", {C}, 0.1f, 1), add(h + "ln_2.bias", {C}, 0.02f);
    add(h + "mlp.c_fc.weight", {C, F}, 0.04f), add(h + "mlp.c_fc.bias", {F}, 0.02f);
    add(h + "mlp.c_proj.weight", {F, C}, 0.02f), add(h + "mlp.c_proj.bias", {C}, 0.02f);
  }
  add("ln_f.weight", {C}, 0.1f, 1), add("ln_f.bias", {C}, 0.02f);
  attn::Gpt2Model m;
  attn::Gpt2LoadOptions options;
  options.keep_f16 = f16;
  if (!m.load(loader, options).ok()) std::abort();
  return m;
}

/// Useful FLOPs of n new tokens after `past` ones: 2 per multiply-add in the 4 projections (12·C² per token and
/// layer), causal attention (2·C per key for scores and 2·C for weights·V) and the head for the last token.
double flops(std::size_t n, std::size_t past) {
  double keys = 0;  // Σ over the new tokens of the keys each sees
  for (std::size_t t = 0; t < n; ++t) keys += double(past + t + 1);
  return double(L) * (2.0 * 12 * C * C * double(n) + 4.0 * C * keys) + 2.0 * C * V;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  std::vector<std::uint32_t> ids(P);
  for (std::size_t t = 0; t < P; ++t) ids[t] = std::uint32_t((t * 7919) % V);
  std::string json = "{\"model\":\"gpt2-small shape, random weights exact in F16\",\"cases\":[";
  std::string bytes_json;
  bool first = true;
  for (const bool f16 : {false, true}) {
    const attn::Gpt2Model model = small_gpt2(f16);
    const char* weights = f16 ? "F16" : "F32";
    bytes_json += std::string(f16 ? "," : "") + "\"" + weights + "\":" + std::to_string(model.weights().decode_bytes());
    const auto emit = [&](const char* kind, std::size_t tokens, std::size_t context, std::size_t threads, double ms,
                          double f) {
      char row[256];
      std::snprintf(row, sizeof row,
                    "%s{\"kind\":\"%s\",\"weights\":\"%s\",\"tokens\":%zu,\"context\":%zu,\"threads\":%zu,\"ms\":%.3f,"
                    "\"flops\":%.0f}",
                    first ? "" : ",", kind, weights, tokens, context, threads, ms, f);
      json += row, first = false;
    };
    for (std::size_t threads : {1u, 2u}) {
      attn::Gpt2ForwardOptions o;
      o.threads = threads;
      for (std::size_t T : {128u, 512u}) {
        if (f16 && T == 512) continue;  // prefill widens each panel once: 128 tokens show its cost
        attn::Gpt2Session s = model.session();
        attn::Gpt2ForwardResult r;
        std::vector<double> ms;
        for (int rep = 0; rep < (quick ? 3 : 5); ++rep) {
          s.reset();
          const auto t0 = std::chrono::steady_clock::now();
          if (!s.append(ids.data(), T, o, r).ok()) return 1;
          ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        emit("prefill", T, T, threads, median(ms), flops(T, 0));
      }
      for (std::size_t context : {128u, 1024u}) {
        attn::Gpt2Session s = model.session();
        attn::Gpt2ForwardResult r;
        if (!s.append(ids.data(), context - 16, o, r).ok()) return 1;
        std::vector<double> ms;
        for (std::size_t t = context - 16; t < context; ++t) {  // 16 steps ending at the context
          const auto t0 = std::chrono::steady_clock::now();
          if (!s.append(&ids[t], 1, o, r).ok()) return 1;
          ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        emit("decode", 1, context, threads, median(ms), flops(1, context - 1));
      }
    }
  }
  json += "],\"weight_bytes\":{" + bytes_json + "}}";
  std::puts(json.c_str());
}
