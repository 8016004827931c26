// C++ example: the same as examples/node — tokenize, one MultiHeadAttention pass with a trace, each head's top links.
// Not a trained model: seeded weights and hash embeddings, so the links show how to read a trace, nothing more.
//
// Installed library (the library's own build made gpt2-bpe.bin when Node and npm ci were there):
//   cmake --preset native-release && cmake --install build-native --prefix /opt/attention-wasm
//   cmake -S examples/cpp -B build-example -G Ninja -DCMAKE_PREFIX_PATH=/opt/attention-wasm
//   cmake --build build-example && ./build-example/attention_example "Your own sentence here." [gpt2-bpe.bin]
// Without -DCMAKE_PREFIX_PATH the example builds the library from this source tree (add_subdirectory).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "attn/attention/mha.hpp"
#include "attn/tokenizer/bpe.hpp"

namespace {

constexpr std::size_t kDModel = 32, kHeads = 4, kTop = 3;
constexpr std::uint64_t kSeed = 7;

/// Embeddings [n, d_model]: a stand-in for a learned table, xorshift32 seeded by the token id (as in the JS examples).
std::vector<float> embed(const std::vector<std::uint32_t>& ids, std::size_t d_model) {
  std::vector<float> x(ids.size() * d_model);
  for (std::size_t t = 0; t < ids.size(); ++t) {
    std::uint32_t s = (ids[t] + 1u) * 0x9e3779b1u;
    if (s == 0) s = 1;
    for (std::size_t e = 0; e < d_model; ++e) {
      s ^= s << 13, s ^= s >> 17, s ^= s << 5;
      x[t * d_model + e] = static_cast<float>(s / 4294967296.0 * 2.0 - 1.0);
    }
  }
  return x;
}

/// A token's text as JSON.stringify would show it (quotes, escapes for quotes, backslashes and control bytes).
std::string quoted(const std::string& s) {
  std::string r = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\') r += '\\', r += c;
    else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      r += buf;
    } else r += c;
  }
  return r + "\"";
}

int fail(const attn::Status& st) {
  std::fprintf(stderr, "error: %s\n", st.message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string text = argc > 1 ? argv[1] : "The cat sat on the mat because it was tired.";
  const std::string asset = argc > 2 ? argv[2] : ATTN_EXAMPLE_GPT2_ASSET;
  if (asset.empty()) {
    std::fprintf(stderr, "no gpt2-bpe.bin known to this build: pass its path as the second argument\n");
    return 2;
  }

  // 1. Tokens, with the byte range each came from.
  attn::tok::Gpt2Tokenizer tokenizer;
  if (attn::Status st = tokenizer.load_file(asset); !st.ok()) return fail(st);
  attn::tok::Encoding enc;
  if (attn::Status st = tokenizer.encode_with_offsets(text, attn::tok::SpecialTokens::as_text, enc); !st.ok()) return fail(st);
  std::vector<std::string> pieces;
  for (const auto& span : enc.spans) pieces.push_back(text.substr(span.byte_start, span.byte_end - span.byte_start));
  std::printf("tokenizer: gpt2, %zu ids\ntokens (%zu):", tokenizer.vocab_size(), enc.ids.size());
  for (const auto& p : pieces) std::printf(" %s", quoted(p).c_str());
  std::printf("\n");

  // 2. One causal self-attention pass with every intermediate kept.
  attn::MhaConfig config;
  config.d_model = kDModel;
  config.heads = kHeads;
  config.positional = attn::Positional::sinusoidal;
  attn::MultiHeadAttention mha;
  if (attn::Status st = mha.init_random(config, kSeed); !st.ok()) return fail(st);
  const std::size_t len = enc.ids.size();
  const std::vector<float> x = embed(enc.ids, kDModel);
  std::vector<float> out(len * kDModel);
  attn::MhaOptions options;
  options.mask.causal = true;
  attn::MhaTrace trace;
  if (attn::Status st = mha.forward(x.data(), 1, len, nullptr, 0, out.data(), options, &trace); !st.ok()) return fail(st);
  std::printf("MultiHeadAttention dModel=%zu heads=%zu headDim=%zu seed=%llu, causal; out [1,%zu,%zu]\n", kDModel, kHeads,
              mha.config().head_dim_or_default(), static_cast<unsigned long long>(kSeed), len, kDModel);

  // 3. trace.weights is [B, H, Lq, Lk]; token 0 only sees itself, so links start at token 1.
  struct Link { std::size_t i, j; float w; };
  for (std::size_t h = 0; h < kHeads; ++h) {
    std::vector<Link> links;
    for (std::size_t i = 1; i < len; ++i)
      for (std::size_t j = 0; j <= i; ++j) links.push_back({i, j, trace.weights[(h * len + i) * trace.kv_len + j]});
    std::stable_sort(links.begin(), links.end(), [](const Link& a, const Link& b) { return a.w > b.w; });
    std::printf("head %zu:", h);
    for (std::size_t n = 0; n < std::min(kTop, links.size()); ++n)
      std::printf("%s %s → %s %.4f", n ? "," : "", quoted(pieces[links[n].i]).c_str(), quoted(pieces[links[n].j]).c_str(),
                  static_cast<double>(links[n].w));
    std::printf("\n");
  }
  std::printf("out[last, 0:4]:");
  for (std::size_t e = 0; e < 4; ++e) std::printf(" %.4f", static_cast<double>(out[(len - 1) * kDModel + e]));
  std::printf("\n");
  return 0;
}
