// The demo models (see demo_model.hpp for the construction and why each head behaves as named).
// Not tuned or learned: every weight below is written down from the description in the header.
#include "attn/model/demo_model.hpp"

#include <cctype>
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "attn/core/rng.hpp"

namespace attn {

namespace {

constexpr std::size_t kE = 48, kH = 4, kD = 16, kMaxLen = 1024;
constexpr std::size_t kSig = 0, kClass = 16, kConstant = 31, kPos = 32, kPairs = 8;

const std::unordered_map<std::string, WordClass>& lexicon() {
  static const auto* table = [] {
    auto* t = new std::unordered_map<std::string, WordClass>;
    auto add = [&](WordClass c, std::initializer_list<const char*> words) {
      for (const char* w : words) (*t)[w] = c;
    };
    add(WordClass::adjective,
        {"fluffy", "blue", "red", "green", "big", "small", "little", "happy", "sad", "old", "new", "young", "good",
         "bad", "soft", "hard", "tall", "short", "long", "bright", "dark", "quick", "slow", "lazy", "brown", "white",
         "black", "cute", "furry", "tiny", "huge", "beautiful", "strange", "friendly", "angry", "warm", "cold",
         "yellow", "fast", "wise", "gentle", "shiny", "round"});
    add(WordClass::noun,
        {"creature", "cat", "dog", "fox", "mat", "house", "tree", "bird", "fish", "man", "woman", "child", "king",
         "queen", "city", "car", "book", "sky", "sea", "river", "mountain", "flower", "monster", "animal", "world",
         "model", "word", "token", "attention", "head", "ball", "apple", "teacher", "student", "robot", "dragon"});
    add(WordClass::verb, {"is", "are", "was", "were", "sat", "sits", "jumps", "jumped", "runs", "ran", "ate", "eats",
                          "sees", "saw", "likes", "loves", "hit", "hits", "打", "has", "had", "be", "flies"});
    add(WordClass::determiner, {"a", "an", "the", "this", "that", "these", "those", "every", "some", "my", "your"});
    add(WordClass::pronoun, {"i", "you", "he", "she", "it", "we", "they", "him", "her", "them", "me", "我", "他", "她"});
    add(WordClass::preposition, {"on", "in", "at", "over", "under", "with", "of", "to", "from", "by", "into"});
    return t;
  }();
  return *table;
}

}  // namespace

const char* word_class_name(WordClass c) {
  static const char* names[] = {"noun", "adjective", "verb", "determiner", "pronoun",
                                "preposition", "punctuation", "number", "other"};
  return names[static_cast<int>(c)];
}

WordClass word_class(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n')) text.remove_prefix(1);
  if (text.empty()) return WordClass::other;
  std::string key(text);
  for (char& ch : key)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  if (auto it = lexicon().find(key); it != lexicon().end()) return it->second;
  bool digits = true, punct = true;
  for (unsigned char ch : key) {
    digits = digits && ch >= '0' && ch <= '9';
    punct = punct && ch < 0x80 && !(std::isalnum(ch));
  }
  if (digits) return WordClass::number;
  if (punct) return WordClass::punctuation;
  return WordClass::other;
}

DemoModel teaching_model() {
  DemoModel m;
  m.config = MhaConfig{kE, kH, kH, kD, kD, 0, false, Positional::learned, kMaxLen};
  m.head_names = {"noun → adjective", "previous token", "same token", "bag of words"};
  MhaWeights& w = m.weights;
  const std::size_t HD = kH * kD;
  w.w_q.assign(kE * HD, 0.f), w.w_k.assign(kE * HD, 0.f), w.w_v.assign(kE * HD, 0.f), w.w_o.assign(HD * kE, 0.f);
  auto q = [&](std::size_t in, std::size_t head, std::size_t d) -> float& { return w.w_q[in * HD + head * kD + d]; };
  auto k = [&](std::size_t in, std::size_t head, std::size_t d) -> float& { return w.w_k[in * HD + head * kD + d]; };

  // Head 0: nouns query, adjectives answer, on head dim 0.
  q(kClass + static_cast<std::size_t>(WordClass::noun), 0, 0) = 4.f;
  k(kClass + static_cast<std::size_t>(WordClass::adjective), 0, 0) = 4.f;

  // Head 1: rotate each (sin, cos) pair of the position back by one step; keys read the pairs as they are.
  for (std::size_t p = 0; p < kPairs; ++p) {
    const double omega = std::pow(10000.0, -static_cast<double>(p) / kPairs);
    const float c = static_cast<float>(std::cos(omega)), s = static_cast<float>(std::sin(omega));
    const std::size_t sin_in = kPos + 2 * p, cos_in = sin_in + 1, d_sin = 2 * p, d_cos = 2 * p + 1;
    // sin(ω(i−1)) = sin(ωi)·cos ω − cos(ωi)·sin ω;  cos(ω(i−1)) = cos(ωi)·cos ω + sin(ωi)·sin ω
    q(sin_in, 1, d_sin) = 7.f * c, q(cos_in, 1, d_sin) = -7.f * s;
    q(cos_in, 1, d_cos) = 7.f * c, q(sin_in, 1, d_cos) = 7.f * s;
    k(sin_in, 1, d_sin) = 7.f, k(cos_in, 1, d_cos) = 7.f;
  }

  // Head 2: signatures against signatures.
  for (std::size_t d = 0; d < kD; ++d) q(kSig + d, 2, d) = 6.f, k(kSig + d, 2, d) = 6.f;

  // Head 3: no query, so uniform weights. Values: every head carries the signatures; W_o averages the heads.
  for (std::size_t h = 0; h < kH; ++h)
    for (std::size_t d = 0; d < kD; ++d) {
      w.w_v[(kSig + d) * HD + h * kD + d] = 1.f;
      w.w_o[(h * kD + d) * kE + kSig + d] = 1.f / kH;
    }

  // The learned position table: 8 sin/cos pairs in dims [32, 48), zeros elsewhere.
  w.positions.assign(kMaxLen * kE, 0.f);
  for (std::size_t pos = 0; pos < kMaxLen; ++pos)
    for (std::size_t p = 0; p < kPairs; ++p) {
      const double angle = static_cast<double>(pos) * std::pow(10000.0, -static_cast<double>(p) / kPairs);
      w.positions[pos * kE + kPos + 2 * p] = static_cast<float>(std::sin(angle));
      w.positions[pos * kE + kPos + 2 * p + 1] = static_cast<float>(std::cos(angle));
    }
  return m;
}

namespace {

void teaching_signature(std::uint32_t id, float* sig) {
  Rng rng(0x7EAC4ull ^ (static_cast<std::uint64_t>(id) * 0x9E3779B97F4A7C15ull));
  for (std::size_t d = 0; d < 16; ++d) sig[d] = (rng.next_u64() >> 63) ? 0.25f : -0.25f;
}

template <class Embed>
std::vector<TokenScore> top_k_tied(const float* out, std::size_t width, std::size_t vocab, std::size_t k, Embed embed) {
  std::vector<double> logits(vocab);
  std::vector<float> e(width);
  double m = -INFINITY;
  for (std::size_t v = 0; v < vocab; ++v) {
    embed(static_cast<std::uint32_t>(v), e.data());
    double dot = 0;
    for (std::size_t d = 0; d < width; ++d) dot += double(out[d]) * e[d];
    logits[v] = dot;
    m = std::max(m, dot);
  }
  double sum = 0;
  for (double x : logits) sum += std::exp(x - m);
  std::vector<std::uint32_t> order(vocab);
  for (std::size_t v = 0; v < vocab; ++v) order[v] = static_cast<std::uint32_t>(v);
  k = std::min(k, vocab);
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                    [&](std::uint32_t a, std::uint32_t b) { return logits[a] > logits[b] || (logits[a] == logits[b] && a < b); });
  std::vector<TokenScore> top;
  for (std::size_t r = 0; r < k; ++r)
    top.push_back({order[r], static_cast<float>(logits[order[r]]), static_cast<float>(std::exp(logits[order[r]] - m) / sum)});
  return top;
}

}  // namespace

std::vector<TokenScore> next_tokens_teaching(const float* out_row, std::size_t vocab_size, std::size_t k) {
  return top_k_tied(out_row + kSig, 16, vocab_size, k, teaching_signature);
}

std::vector<TokenScore> next_tokens_seeded(std::uint64_t seed, const float* out_row, std::size_t d_model,
                                           std::size_t vocab_size, std::size_t k) {
  return top_k_tied(out_row, d_model, vocab_size, k,
                    [&](std::uint32_t id, float* e) { seeded_embeddings(seed, &id, 1, d_model, e); });
}

Status teaching_embeddings(const std::vector<std::uint32_t>& ids, const std::vector<std::string>& texts, float* out) {
  if (ids.size() != texts.size())
    return Status::invalid_argument("texts: expected one per id (" + std::to_string(ids.size()) + "), got " +
                                    std::to_string(texts.size()));
  for (std::size_t t = 0; t < ids.size(); ++t) {
    float* e = out + t * kE;
    for (std::size_t d = 0; d < kE; ++d) e[d] = 0.f;
    teaching_signature(ids[t], e + kSig);
    e[kClass + static_cast<std::size_t>(word_class(texts[t]))] = 1.f;
    e[kConstant] = 1.f;
  }
  return Status::success();
}

void seeded_embeddings(std::uint64_t seed, const std::uint32_t* ids, std::size_t n, std::size_t d_model, float* out) {
  for (std::size_t t = 0; t < n; ++t) {
    Rng rng(seed ^ (static_cast<std::uint64_t>(ids[t]) * 0x9E3779B97F4A7C15ull));
    for (std::size_t d = 0; d < d_model; ++d) out[t * d_model + d] = rng.uniform_pm1();
  }
}

}  // namespace attn
