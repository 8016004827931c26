// The demo's two default models: "seeded" (random, untrained) and "teaching" (weights constructed by hand so that
// named heads do what the tutorial describes). Not a trained language model: no MLP, no vocabulary embedding table.
//
// Teaching model, E = 48, H = 4 heads of D = Dv = 16, learned positions (a constructed table):
//   embedding dims [0, 16)  a token signature: ±1/4 per dim, signs from attn::Rng(token id), so |sig| = 1
//                  [16, 32) word-class features: one-hot at 16 + WordClass, and dim 31 always 1
//                  [32, 48) the position table: sin/cos pairs at 8 frequencies 10000^(−k/8), k = 0…7
//   head 0 "noun → adjective": q = 4·[is noun], k = 4·[is adjective] on one head dim, so a noun's score for an
//          adjective is 16/√16 = 4 and 0 for anything else (e^4 ≈ 55× more weight per adjective).
//   head 1 "previous token": q = 7·R(−ω)·pos_i, k = 7·pos_j, so the score is (49/4)·Σ_k cos(ω_k (i − 1 − j)):
//          8·49/4 = 98 at j = i − 1 and at least 6 lower at any other j (e^6 ≈ 400× less weight).
//   head 2 "same token": q = k = 6·sig, so the score is 9·(sig_i·sig_j): 9 for the same token, |·| ≲ 2 otherwise.
//   head 3 "bag of words": q = 0, so every visible token gets the same weight.
//   Every head's values are the token signatures (W_v = identity on dims [0, 16)); W_o averages the heads back
//   into dims [0, 16), so a noun's output mixes in its adjectives' signatures.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "attn/attention/mha.hpp"
#include "attn/core/status.hpp"

namespace attn {

enum class WordClass { noun, adjective, verb, determiner, pronoun, preposition, punctuation, number, other };
const char* word_class_name(WordClass c);
/// The class of a token's text (leading spaces ignored, ASCII case-folded) from a small built-in lexicon.
WordClass word_class(std::string_view token_text);

struct DemoModel {
  MhaConfig config;
  MhaWeights weights;
  std::vector<std::string> head_names;
};

/// The teaching model described above.
DemoModel teaching_model();
/// Embeddings of the teaching model: ids and texts are one token each (same length n) → out: [n, 48].
Status teaching_embeddings(const std::vector<std::uint32_t>& ids, const std::vector<std::string>& texts, float* out_le);
struct TokenScore {
  std::uint32_t id;
  float logit, prob;
};
/// Next-token scores with a tied unembedding: logit[v] = out_row · embedding(v) for every v < vocab_size, softmax
/// over all of them in double; returns the k best, best first. The teaching model's outputs live in the signature
/// dims (W_o writes only there), so its embedding(v) is the signature of v. out_row: [E].
std::vector<TokenScore> next_tokens_teaching(const float* out_row, std::size_t vocab_size, std::size_t k);
std::vector<TokenScore> next_tokens_seeded(std::uint64_t seed, const float* out_row, std::size_t d_model,
                                           std::size_t vocab_size, std::size_t k);

/// Untrained embeddings: token id → E values uniform in [−1, 1) from attn::Rng(seed ⊕ id·φ) → out: [n, E].
void seeded_embeddings(std::uint64_t seed, const std::uint32_t* ids, std::size_t n, std::size_t d_model, float* out_le);

}  // namespace attn
