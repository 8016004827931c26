// C++ example: load a GPT-2 checkpoint (safetensors) from disk, generate greedily after a prompt of token ids, and
// print each head's strongest key for the last token — the same as examples/node/generate.mjs.
//   attention_generate <model.safetensors> [nHead]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "attn/model/generate.hpp"
#include "attn/model/gpt2.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: attention_generate <model.safetensors> [nHead]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot open %s\n", argv[1]);
    return 1;
  }
  const std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  attn::Gpt2Loader loader;
  attn::Gpt2LoadOptions options;
  if (argc > 2) options.heads = std::size_t(std::atoi(argv[2]));
  attn::Gpt2Model model;
  attn::Status st = attn::gpt2_loader_from_safetensors(file.data(), file.size(), loader);
  if (st.ok()) st = model.load(loader, options);
  if (!st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message.c_str());
    return 1;
  }
  const attn::Gpt2Config& c = model.config();
  std::printf("model: %zu layers × %zu heads, d_model %zu, vocabulary %zu, context %zu\n", c.layers, c.heads, c.d_model,
              c.vocab, c.context);
  std::vector<std::uint32_t> ids = {5, 17, 3, 9};
  for (auto& id : ids) id %= std::uint32_t(c.vocab);
  attn::GenerateOptions go;
  go.max_tokens = 8, go.sampling.temperature = 0;
  std::vector<std::uint32_t> generated;
  if (st = attn::generate(model, ids.data(), ids.size(), go, generated); !st.ok()) return 1;
  std::printf("prompt");
  for (auto id : ids) std::printf(" %u", id);
  std::printf(" → greedy");
  for (auto id : generated) std::printf(" %u", id);
  std::printf("\n");
  ids.insert(ids.end(), generated.begin(), generated.end());
  attn::Gpt2ForwardOptions fo;
  fo.attention = true, fo.logits = attn::LogitsFor::none;
  attn::Gpt2ForwardResult r;
  if (st = model.forward(ids.data(), ids.size(), fo, r); !st.ok()) return 1;
  const std::size_t T = ids.size();
  for (std::size_t l = 0; l < c.layers; ++l) {
    std::printf("layer %zu, last token:", l);
    for (std::size_t h = 0; h < c.heads; ++h) {
      const float* w = &r.attention[((l * c.heads + h) * T + T - 1) * T];
      std::size_t best = 0;
      for (std::size_t j = 1; j < T; ++j)
        if (w[j] > w[best]) best = j;
      std::printf("  h%zu→%zu (%.2f)", h, best, double(w[best]));
    }
    std::printf("\n");
  }
}
