// Native tests of the training corpus: determinism and hash, SHA-256 test vectors, probe invariants, the restricted
// vocabulary's coverage, the held-out rule, document shares and generation speed. Not a training test.
#include <algorithm>
#include <catch2/catch_test_macros.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "attn/tokenizer/bpe.hpp"
#include "attn/train/corpus.hpp"
#include "attn/train/sha256.hpp"
#include "gpt2_asset.hpp"

using attn::tok::Gpt2Tokenizer;
using attn::train::CorpusGenerator;
using attn::train::CorpusOptions;
using attn::train::Document;
using attn::train::Probe;
using attn::train::ProbeKind;
using attn::train::Split;

namespace {

const Gpt2Tokenizer& tokenizer() { return attn_test::gpt2_tokenizer(); }

std::string bytes_of(const std::vector<std::uint32_t>& ids, const std::vector<std::size_t>& at) {
  std::vector<std::uint32_t> picked;
  for (std::size_t i : at) picked.push_back(ids[i]);
  std::string out;
  REQUIRE(tokenizer().decode_bytes(picked.data(), picked.size(), out).ok());
  return out;
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

CorpusOptions options(std::uint64_t seed, Split split) {
  CorpusOptions o;
  o.seed = seed;
  o.split = split;
  return o;
}

}  // namespace

TEST_CASE("sha256 matches the FIPS 180-4 test vectors", "[corpus]") {
  using attn::train::sha256_hex;
  CHECK(sha256_hex("", 0) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc", 3) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  REQUIRE(two_blocks.size() == 56);
  CHECK(sha256_hex(two_blocks.data(), two_blocks.size()) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  const std::string million(1000000, 'a');
  CHECK(sha256_hex(million.data(), million.size()) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // Every length around the one- and two-block padding boundary hashes differently (no lost tail bytes).
  std::vector<std::string> seen;
  for (std::size_t n = 50; n < 70; ++n) seen.push_back(sha256_hex(million.data(), n));
  std::sort(seen.begin(), seen.end());
  CHECK(std::unique(seen.begin(), seen.end()) == seen.end());
}

TEST_CASE("the corpus stream is deterministic by seed and split", "[corpus]") {
  const Gpt2Tokenizer& tk = tokenizer();
  REQUIRE(attn::train::validate(tk, options(1, Split::train)).ok());
  const auto a = attn::train::corpus_stream(tk, options(1, Split::train), 20000);
  const auto b = attn::train::corpus_stream(tk, options(1, Split::train), 20000);
  const auto other_seed = attn::train::corpus_stream(tk, options(2, Split::train), 20000);
  const auto heldout = attn::train::corpus_stream(tk, options(1, Split::heldout), 20000);
  REQUIRE(a.size() == 20000);
  CHECK(a == b);
  CHECK(attn::train::stream_sha256(a) == attn::train::stream_sha256(b));
  CHECK(a != other_seed);
  CHECK(attn::train::stream_sha256(a) != attn::train::stream_sha256(other_seed));
  CHECK(a != heldout);
  CHECK(a[0] == 50256);
  // A shorter stream is a prefix of a longer one (the last document is cut, not changed).
  const auto shorter = attn::train::corpus_stream(tk, options(1, Split::train), 777);
  CHECK(std::equal(shorter.begin(), shorter.end(), a.begin()));
  std::printf("corpus: sha256 of the first 20,000 train ids (seed 1): %s\n", attn::train::stream_sha256(a).c_str());
}

TEST_CASE("validate rejects an unloaded tokenizer and bad shares", "[corpus]") {
  Gpt2Tokenizer empty;
  CHECK(attn::train::validate(empty, CorpusOptions{}).code == attn::Code::invalid_argument);
  CorpusOptions bad;
  bad.chinese_share = 1.5;
  CHECK(attn::train::validate(tokenizer(), bad).code == attn::Code::invalid_argument);
  bad.chinese_share = 0.3;
  bad.repeated_span_share = -0.1;
  CHECK(attn::train::validate(tokenizer(), bad).code == attn::Code::invalid_argument);
  bad.repeated_span_share = 0.3;
  bad.mixed_cues = 5;
  CHECK(attn::train::validate(tokenizer(), bad).code == attn::Code::invalid_argument);
  bad.mixed_cues = 4;
  CHECK(attn::train::validate(tokenizer(), bad).ok());
  CHECK(attn::train::corpus_stream(empty, CorpusOptions{}, 100).empty());
  CHECK(attn::train::restricted_vocabulary(empty, {}).empty());
}

TEST_CASE("every probe points at the right tokens", "[corpus]") {
  const Gpt2Tokenizer& tk = tokenizer();
  const auto& w = attn::train::world();
  for (Split split : {Split::train, Split::heldout}) {
    std::vector<Probe> probes;
    const auto ids = attn::train::corpus_stream(tk, options(7, split), 100000, &probes);
    std::size_t counts[2][2] = {};  // [kind][chinese]
    for (const Probe& p : probes) {
      REQUIRE(p.row + 1 < ids.size());
      REQUIRE(!p.keys.empty());
      for (std::size_t k : p.keys) REQUIRE(k < p.row);
      REQUIRE(p.next_id == ids[p.row + 1]);
      ++counts[p.kind == ProbeKind::pronoun_antecedent][p.chinese];
      if (p.kind == ProbeKind::noun_adjective) {
        REQUIRE(p.quality_keys >= 1);
        REQUIRE(p.quality_keys <= p.keys.size());
        const std::vector<std::size_t> quality(p.keys.begin(), p.keys.begin() + p.quality_keys);
        const std::string q = bytes_of(ids, quality);
        const std::string noun = bytes_of(ids, {p.row});
        const std::string next = bytes_of(ids, {p.row + 1});
        // The next token starts the verb of the cue that came (the quality's or a colour's), and every cue's
        // verb has its own right next id.
        const auto& verb = p.colour_verb == Probe::no_colour ? w.quality_verbs[p.a] : w.colour_verbs[p.colour_verb];
        REQUIRE(!p.right_next.empty());
        CHECK(p.right_next[0] == p.next_id);
        std::set<std::uint32_t> right(p.right_next.begin(), p.right_next.end());
        CHECK(right.size() == p.right_next.size());
        for (std::size_t d : p.distractors) CHECK(std::find(p.keys.begin(), p.keys.end(), d) == p.keys.end());
        if (p.chinese) {
          CHECK(contains(q, w.qualities[p.a].zh));
          CHECK(std::string(verb.zh).rfind(next, 0) == 0);  // the verb starts with the next token's bytes
        } else {
          CHECK(q == std::string(" ") + w.qualities[p.a].en);
          CHECK(noun == std::string(" ") + w.nouns[p.b].en);
          CHECK((std::string(" ") + verb.en).rfind(next, 0) == 0);
          std::size_t colours = 0;
          for (std::size_t k = p.quality_keys; k < p.keys.size(); ++k) {
            const std::string colour = bytes_of(ids, {p.keys[k]});
            ++colours;
            CHECK(std::any_of(w.colours.begin(), w.colours.end(),
                              [&](const attn::train::Word& c) { return colour == std::string(" ") + c.en; }));
          }
          CHECK(p.right_next.size() == 1 + colours);  // English verbs are their own pre-tokens: one id per cue
          if (p.colour_verb != Probe::no_colour)
            CHECK(contains(bytes_of(ids, p.keys), std::string(" ") + w.colours[p.colour_verb].en));
          if (!p.distractors.empty()) {
            const std::string size = bytes_of(ids, p.distractors);
            INFO("distractor '" << size << "'");
            CHECK(std::any_of(w.sizes.begin(), w.sizes.end(),
                              [&](const attn::train::Word& z) { return size == std::string(" ") + z.en; }));
          }
        }
      } else {
        const auto& name = p.female ? w.female_names[p.b] : w.male_names[p.a];
        const std::string keys = bytes_of(ids, p.keys);
        const std::string pronoun = bytes_of(ids, {p.row});
        if (p.chinese) {
          CHECK(contains(keys, name.zh));
          CHECK(contains(p.female ? "她" : "他", pronoun.substr(pronoun.size() - 1)));
        } else {
          CHECK((keys == name.en || keys == std::string(" ") + name.en));
          CHECK(pronoun == (p.female ? " She" : " He"));
          const auto& verb = p.female ? w.female_verbs[p.b] : w.male_verbs[p.a];
          CHECK(contains(std::string(" ") + verb.en, bytes_of(ids, {p.row + 1})));
        }
      }
    }
    std::printf("corpus: %s probes in 100k tokens: noun en %zu, noun zh %zu, pronoun en %zu, pronoun zh %zu\n",
                split == Split::train ? "train" : "heldout", counts[0][0], counts[0][1], counts[1][0], counts[1][1]);
    CHECK(counts[0][0] > 500);
    CHECK(counts[0][1] > 200);
    CHECK(counts[1][0] > 500);
    CHECK(counts[1][1] > 200);
  }
}

TEST_CASE("mixed cues: one to mixed_cues cue words of either kind, any order, each with its verb", "[corpus]") {
  const Gpt2Tokenizer& tk = tokenizer();
  const auto& w = attn::train::world();
  // A cue word's index among the qualities then the colours (the held-out rule's index), or -1.
  const auto cue_index = [&](const std::string& word) {
    for (std::size_t i = 0; i < w.qualities.size(); ++i)
      if (word == w.qualities[i].en) return int(i);
    for (std::size_t i = 0; i < w.colours.size(); ++i)
      if (word == w.colours[i].en) return int(w.qualities.size() + i);
    return -1;
  };
  CorpusOptions o = options(5, Split::train);
  o.mixed_cues = 3;
  const auto again = attn::train::corpus_stream(tk, o, 20000);
  CHECK(again == attn::train::corpus_stream(tk, o, 20000));
  CHECK(again != attn::train::corpus_stream(tk, options(5, Split::train), 20000));
  for (const auto& [most, split] : {std::pair{3, Split::train}, std::pair{3, Split::heldout}, std::pair{4, Split::train}}) {
    o.mixed_cues = std::size_t(most);
    o.split = split;
    std::vector<Probe> probes;
    const auto ids = attn::train::corpus_stream(tk, o, 100000, &probes);
    std::size_t by_cues[5] = {}, no_quality = 0, two_qualities = 0, colour_first = 0, held_out = 0;
    for (const Probe& p : probes) {
      if (p.kind != ProbeKind::noun_adjective || p.chinese) continue;
      // The keys are the cue words, the lead (the first quality, if any) first: " w1 w2 …".
      std::vector<int> cues;
      std::size_t qualities = 0;
      const std::string keys = bytes_of(ids, p.keys) + " ";
      for (std::size_t at = 1, end; (end = keys.find(' ', at)) != std::string::npos; at = end + 1) {
        const int c = cue_index(keys.substr(at, end - at));
        INFO("keys '" << keys << "'");
        REQUIRE(c >= 0);
        REQUIRE(std::find(cues.begin(), cues.end(), c) == cues.end());
        cues.push_back(c);
        qualities += std::size_t(c) < w.qualities.size();
      }
      REQUIRE(cues.size() >= 1);
      REQUIRE(cues.size() <= o.mixed_cues);
      ++by_cues[cues.size()];
      no_quality += qualities == 0;
      two_qualities += qualities >= 2;
      colour_first += qualities > 0 && std::size_t(cues[0]) >= w.qualities.size();  // the lead is a quality
      // One right next id per cue, each the first token of that cue's verb; the verb that came is one of them.
      std::set<std::uint32_t> verbs;
      for (int c : cues) {
        const auto& verb = std::size_t(c) < w.qualities.size() ? w.quality_verbs[c] : w.colour_verbs[c - w.qualities.size()];
        verbs.insert(tk.encode(std::string(" ") + verb.en, attn::tok::SpecialTokens::as_text)[0]);
      }
      CHECK(std::set<std::uint32_t>(p.right_next.begin(), p.right_next.end()) == verbs);
      CHECK(verbs.count(p.next_id) == 1);
      const std::string noun = bytes_of(ids, {p.row}).substr(1);
      std::size_t n = 0;
      while (n < w.nouns.size() && noun != w.nouns[n].en) ++n;
      REQUIRE(n < w.nouns.size());
      for (int c : cues) held_out += attn::train::heldout_pair(std::size_t(c), n);
    }
    std::printf("corpus: mixed cues (at most %zu), %s: English noun probes with 1 / 2 / 3 / 4 cues %zu / %zu / %zu / "
                "%zu; no quality %zu, two or more %zu; a (cue, noun) pair held out %zu\n", o.mixed_cues,
                split == Split::train ? "train" : "heldout", by_cues[1], by_cues[2], by_cues[3], by_cues[4], no_quality,
                two_qualities, held_out);
    for (std::size_t k = 1; k <= o.mixed_cues; ++k) CHECK(by_cues[k] > 100);
    CHECK(no_quality > 100);
    CHECK(two_qualities > 50);
    CHECK(colour_first == 0);
    if (split == Split::train) CHECK(held_out == 0);
    else CHECK(held_out > 100);
  }
}

TEST_CASE("a repeated noun phrase's probe also holds its first mention's copies of the cue words", "[corpus]") {
  const Gpt2Tokenizer& tk = tokenizer();
  const auto& w = attn::train::world();
  for (std::size_t mixed : {std::size_t{0}, std::size_t{3}}) {
    CorpusOptions o = options(4, Split::heldout);
    o.mixed_cues = mixed;
    std::vector<Probe> probes;
    const auto ids = attn::train::corpus_stream(tk, o, 100000, &probes);
    std::size_t nouns[2] = {}, repeats[2] = {};  // [chinese]
    for (const Probe& p : probes) {
      if (p.kind != ProbeKind::noun_adjective) {
        CHECK(p.first_mention_keys.empty());
        continue;
      }
      ++nouns[p.chinese];
      if (p.first_mention_keys.empty()) {
        CHECK(p.first_mention_quality_keys == 0);
        continue;
      }
      ++repeats[p.chinese];
      const std::vector<std::size_t>& first = p.first_mention_keys;
      REQUIRE(p.first_mention_quality_keys >= 1);
      REQUIRE(p.first_mention_quality_keys <= first.size());
      // Every copy comes before the repeat's own cue words, in the same document (no <|endoftext|> between).
      const std::size_t own = *std::min_element(p.keys.begin(), p.keys.end());
      for (std::size_t k : first) REQUIRE(k < own);
      for (std::size_t t = *std::min_element(first.begin(), first.end()); t < p.row; ++t)
        REQUIRE(ids[t] != attn::tok::kEndOfText);
      const std::string quality = bytes_of(ids, {first.begin(), first.begin() + std::ptrdiff_t(p.first_mention_quality_keys)});
      INFO("first mention '" << bytes_of(ids, first) << "', repeat '" << bytes_of(ids, p.keys) << "'");
      if (p.chinese) {
        if (!mixed) CHECK(contains(quality, w.qualities[p.a].zh));  // the lead is the quality (its tokens may differ)
      } else {
        // English words are their own tokens: the copies are the same tokens, in the same order.
        CHECK(quality == bytes_of(ids, {p.keys.begin(), p.keys.begin() + std::ptrdiff_t(p.quality_keys)}));
        CHECK(bytes_of(ids, first) == bytes_of(ids, p.keys));
      }
    }
    std::printf("corpus: mixed_cues %zu: noun probes en %zu (%zu repeats), zh %zu (%zu repeats)\n", mixed, nouns[0],
                repeats[0], nouns[1], repeats[1]);
    // 7 in 10 creature stories repeat their phrase: a repeat's probe is about 7 in 17 noun probes.
    for (int zh : {0, 1}) {
      CHECK(repeats[zh] * 10 > nouns[zh] * 3);
      CHECK(repeats[zh] * 10 < nouns[zh] * 5);
    }
  }
}

TEST_CASE("fresh_repeat_verb: a repeated noun phrase's verb is drawn again from its cues", "[corpus]") {
  const Gpt2Tokenizer& tk = tokenizer();
  for (bool fresh : {false, true}) {
    CorpusOptions o = options(9, Split::train);
    o.mixed_cues = 3;
    o.fresh_repeat_verb = fresh;
    const auto ids = attn::train::corpus_stream(tk, o, 100000);
    std::string text;
    REQUIRE(tk.decode_bytes(ids.data(), ids.size(), text).ok());
    // "A <phrase> <verb>. Again, the <phrase> <verb>." in English stories: the repeat's phrase is verbatim.
    std::size_t repeats = 0, changed = 0;
    for (std::size_t at = 0; (at = text.find(". Again, the ", at)) != std::string::npos; ++at) {
      const std::size_t start = text.rfind("A ", at), verb = text.rfind(' ', at);
      REQUIRE(start != std::string::npos);
      const std::string phrase = text.substr(start + 1, verb - start - 1), first_verb = text.substr(verb + 1, at - verb - 1);
      const std::size_t second = at + std::string(". Again, the").size();
      INFO("'" << text.substr(start, 120) << "'");
      REQUIRE(text.compare(second, phrase.size(), phrase) == 0);
      const std::size_t end = text.find('.', second + phrase.size());
      const std::string second_verb = text.substr(second + phrase.size() + 1, end - second - phrase.size() - 1);
      ++repeats;
      changed += second_verb != first_verb;
    }
    std::printf("corpus: fresh_repeat_verb %d: %zu English repeats, %zu with another verb\n", int(fresh), repeats, changed);
    CHECK(repeats > 300);
    if (fresh) CHECK(changed > repeats / 4);
    else CHECK(changed == 0);
  }
}

TEST_CASE("the restricted vocabulary covers both splits, the bytes, <|endoftext|> and the tutorial", "[corpus]") {
  const Gpt2Tokenizer& tk = tokenizer();
  const auto t0 = std::chrono::steady_clock::now();
  const auto vocab = attn::train::restricted_vocabulary(tk, attn::train::tutorial_texts());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto corpus_only = attn::train::restricted_vocabulary(tk, {});
  std::printf("corpus: restricted vocabulary %zu ids (%zu without the tutorial texts), built in %.2f s\n", vocab.size(),
              corpus_only.size(), seconds);
  REQUIRE(std::is_sorted(vocab.begin(), vocab.end()));
  REQUIRE(std::adjacent_find(vocab.begin(), vocab.end()) == vocab.end());
  CHECK(vocab.size() < 4096);
  auto in_vocab = [&](std::uint32_t id) { return std::binary_search(vocab.begin(), vocab.end(), id); };
  std::size_t bytes = 0;
  for (std::uint32_t id = 0; id < tk.ordinary_vocab_size(); ++id) {
    std::string_view b;
    REQUIRE(tk.token_bytes(id, b).ok());
    if (b.size() == 1) {
      ++bytes;
      CHECK(in_vocab(id));
    }
  }
  CHECK(bytes == 256);
  CHECK(in_vocab(50256));
  for (const std::string& text : attn::train::tutorial_texts())
    for (std::uint32_t id : tk.encode(text, attn::tok::SpecialTokens::as_text)) CHECK(in_vocab(id));
  const auto pool = attn::train::span_tokens(tk);
  std::printf("corpus: %zu span tokens\n", pool.size());
  CHECK(pool.size() > 100);
  CHECK(std::is_sorted(pool.begin(), pool.end()));
  for (std::uint32_t id : pool) {
    std::string_view b;
    REQUIRE(tk.token_bytes(id, b).ok());
    CHECK(b.size() >= 2);
    CHECK(in_vocab(id));
  }
  for (Split split : {Split::train, Split::heldout}) {
    for (std::uint64_t seed : {1u, 2u}) {
      const auto ids = attn::train::corpus_stream(tk, options(seed, split), 200000);
      std::size_t missing = 0;
      for (std::uint32_t id : ids) missing += !in_vocab(id);
      CHECK(missing == 0);
    }
  }
}

TEST_CASE("the restricted vocabulary is tight: every word token it enumerates is generated", "[corpus]") {
  // The enumeration may not list ids the templates never make (they would be untrained rows of the model).
  const Gpt2Tokenizer& tk = tokenizer();
  std::vector<bool> used(tk.vocab_size(), false);
  for (Split split : {Split::train, Split::heldout})
    for (std::uint32_t id : attn::train::corpus_stream(tk, options(1, split), 2u << 20)) used[id] = true;
  std::size_t words = 0, distinct = 0;
  for (std::size_t id = 0; id < used.size(); ++id) distinct += used[id];
  for (std::uint32_t id : attn::train::restricted_vocabulary(tk, {})) {
    std::string_view b;
    REQUIRE(tk.token_bytes(id, b).ok());
    if (b.size() < 2 || id == 50256) continue;
    ++words;
    INFO("id " << id << " '" << std::string(b) << "'");
    CHECK(used[id]);
  }
  std::printf("corpus: %zu word tokens enumerated; the streams use %zu distinct ids\n", words, distinct);
}

TEST_CASE("held-out pairs occur only in the heldout split", "[corpus]") {
  const Gpt2Tokenizer& tk = tokenizer();
  std::size_t heldout_seen[2] = {};  // [kind]
  for (Split split : {Split::train, Split::heldout}) {
    std::vector<Probe> probes;
    attn::train::corpus_stream(tk, options(3, split), 200000, &probes);
    std::size_t in_rule[2] = {}, total[2] = {};
    for (const Probe& p : probes) {
      const int kind = p.kind == ProbeKind::pronoun_antecedent;
      ++total[kind];
      if ((p.a + p.b) % 5 == 0) ++in_rule[kind];  // the documented rule, restated
    }
    if (split == Split::train) {
      CHECK(in_rule[0] == 0);
      CHECK(in_rule[1] == 0);
    } else {
      heldout_seen[0] = in_rule[0];
      heldout_seen[1] = in_rule[1];
      std::printf("corpus: heldout probes on held-out pairs: noun %zu of %zu, pronoun %zu of %zu\n", in_rule[0],
                  total[0], in_rule[1], total[1]);
    }
  }
  CHECK(heldout_seen[0] > 50);
  CHECK(heldout_seen[1] > 50);
}

TEST_CASE("the tutorial's example sentences are training data", "[corpus]") {
  // Generated verbatim in the train stream (not held out), original phrases (test_tiny_tutor counts them in the
  // shipped model's own stream).
  const Gpt2Tokenizer& tk = tokenizer();
  const auto ids = attn::train::corpus_stream(tk, options(1, Split::train), 8u << 20);
  for (const char* text :
       {"A fluffy blue creature purrs.", "A fluffy blue creature floats.", "小明和小红去了公园。他唱歌。"}) {
    const auto needle = tk.encode(text, attn::tok::SpecialTokens::as_text);
    std::size_t found = 0;
    for (auto it = ids.begin(); (it = std::search(it, ids.end(), needle.begin(), needle.end())) != ids.end(); ++it)
      ++found;
    INFO(text);
    CHECK(found > 0);
    std::printf("corpus: \"%s\" occurs %zu times in 8 Mi train tokens\n", text, found);
  }
}

TEST_CASE("document shares follow the options", "[corpus]") {
  const Gpt2Tokenizer& tk = tokenizer();
  for (double span_share : {0.3, 0.1}) {
    for (double zh_share : {0.35, 0.6}) {
      CorpusOptions o = options(11, Split::train);
      o.repeated_span_share = span_share;
      o.chinese_share = zh_share;
      CorpusGenerator gen(tk, o);
      const auto pool = attn::train::span_tokens(tk);
      std::size_t spans = 0, stories = 0, chinese = 0, tokens = 0, min_len = SIZE_MAX, max_len = 0;
      const std::size_t docs = 2000;
      for (std::size_t i = 0; i < docs; ++i) {
        const Document d = gen.next();
        REQUIRE(!d.ids.empty());
        tokens += d.ids.size();
        min_len = std::min(min_len, d.ids.size());
        max_len = std::max(max_len, d.ids.size());
        if (d.repeated_span) {
          ++spans;
          for (std::uint32_t id : d.ids) REQUIRE(std::binary_search(pool.begin(), pool.end(), id));
          REQUIRE(d.period >= 8);
          REQUIRE(d.period <= 32);
          REQUIRE(d.ids.size() == 2 * d.period);
          REQUIRE(std::equal(d.ids.begin(), d.ids.begin() + static_cast<std::ptrdiff_t>(d.period),
                             d.ids.begin() + static_cast<std::ptrdiff_t>(d.period)));
        } else {
          REQUIRE(d.stories >= 1);
          REQUIRE(d.stories <= 4);
          stories += d.stories;
          chinese += d.chinese_stories;
        }
      }
      const double span_measured = static_cast<double>(spans) / docs;
      const double zh_measured = static_cast<double>(chinese) / static_cast<double>(stories);
      std::printf(
          "corpus: options (spans %.2f, chinese %.2f): repeated-span docs %.3f, chinese stories %.3f, "
          "tokens/doc %.1f (min %zu, max %zu)\n",
          span_share, zh_share, span_measured, zh_measured, static_cast<double>(tokens) / docs, min_len, max_len);
      CHECK(std::abs(span_measured - span_share) < 0.05);
      CHECK(std::abs(zh_measured - zh_share) < 0.05);
    }
  }
}

TEST_CASE("generation speed (printed, not asserted)", "[corpus][speed]") {
  const Gpt2Tokenizer& tk = tokenizer();
  const std::size_t n = 16u << 20;
  const auto t0 = std::chrono::steady_clock::now();
  const auto ids = attn::train::corpus_stream(tk, options(1, Split::train), n);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const auto t1 = std::chrono::steady_clock::now();
  const std::string hash = attn::train::stream_sha256(ids);
  const double hash_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  REQUIRE(ids.size() == n);
  std::printf("corpus: %zu tokens in %.2f s = %.0f tokens/s; sha256 %.2f s: %s\n", n, seconds,
              static_cast<double>(n) / seconds, hash_seconds, hash.c_str());
}

TEST_CASE("dump a few documents (run by hand: test_corpus [dump])", "[.][dump]") {
  const Gpt2Tokenizer& tk = tokenizer();
  CorpusGenerator gen(tk, options(1, Split::train));
  std::size_t over_128 = 0, docs = 0;
  for (std::size_t i = 0; i < 5000; ++i) {
    const Document d = gen.next();
    ++docs;
    over_128 += d.ids.size() > 128;
    if (i < 12) {
      std::string text;
      REQUIRE(tk.decode(d.ids, text).ok());
      std::printf("--- doc %zu: %zu tokens, %zu probes%s\n%s\n", i, d.ids.size(), d.probes.size(),
                  d.repeated_span ? " (repeated span)" : "", text.c_str());
    }
  }
  std::printf("documents over 128 tokens: %zu of %zu\n", over_128, docs);
}

TEST_CASE("the probe's next token names the verb, so the row must find the deciding word", "[corpus]") {
  // next_id -> the verbs it starts, per (kind, language). One verb per next id: the row's prediction then depends on
  // the quality adjective / the antecedent, not only on "some verb starting with this piece comes".
  const Gpt2Tokenizer& tk = tokenizer();
  std::vector<Probe> probes;
  attn::train::corpus_stream(tk, options(5, Split::heldout), 300000, &probes);
  std::map<std::uint32_t, std::set<std::size_t>> verbs_of[2][2];  // [kind][chinese]
  for (const Probe& p : probes) {
    const int kind = p.kind == ProbeKind::pronoun_antecedent;
    const std::size_t verb =
        kind == 0 ? (p.colour_verb == Probe::no_colour ? p.a : 100 + p.colour_verb) : (p.female ? 100 + p.b : p.a);
    verbs_of[kind][p.chinese][p.next_id].insert(verb);
  }
  for (int kind = 0; kind < 2; ++kind)
    for (int zh = 0; zh < 2; ++zh) {
      std::size_t verbs = 0;
      for (const auto& entry : verbs_of[kind][zh]) {
        INFO("kind " << kind << " chinese " << zh << " next id " << entry.first);
        CHECK(entry.second.size() == 1);
        verbs += entry.second.size();
      }
      const std::size_t expected = kind == 0 ? 16 : (zh ? 12 : 16);
      CHECK(verbs == expected);  // every verb seen, each with its own next id(s)
    }
}

TEST_CASE("pair_verbs: the cues together decide the noun's verb: one right next token per probe", "[corpus]") {
  const Gpt2Tokenizer& tk = tokenizer();
  CorpusOptions o = options(6, Split::train);
  o.pair_verbs = true;
  std::vector<Probe> probes;
  const auto ids = attn::train::corpus_stream(tk, o, 200000, &probes);
  CHECK(ids != attn::train::corpus_stream(tk, options(6, Split::train), 200000));  // the verbs differ
  std::size_t noun_probes = 0, several_cues = 0;
  for (const Probe& p : probes) {
    if (p.kind != ProbeKind::noun_adjective) continue;
    ++noun_probes;
    several_cues += p.keys.size() > p.quality_keys;  // a colour too
    CHECK(p.right_next == std::vector<std::uint32_t>{p.next_id});  // one right verb, not one per cue
  }
  CHECK(noun_probes > 100);
  CHECK(several_cues > noun_probes / 3);
}

TEST_CASE("span_pool limits repeated spans to the first word tokens", "[corpus]") {
  const Gpt2Tokenizer& tk = tokenizer();
  CorpusOptions o = options(3, Split::train);
  o.repeated_span_share = 1.0;
  o.span_pool = 24;
  REQUIRE(attn::train::validate(tk, o).ok());
  const auto pool = attn::train::span_tokens(tk);
  const std::set<std::uint32_t> allowed(pool.begin(), pool.begin() + 24);
  CorpusGenerator gen(tk, o);
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 200; ++i) {
    const Document d = gen.next();
    REQUIRE(d.repeated_span);
    for (std::uint32_t id : d.ids) {
      CHECK(allowed.count(id) == 1);
      seen.insert(id);
    }
  }
  CHECK(seen.size() == 24);
  o.span_pool = 1;
  CHECK(attn::train::validate(tk, o).code == attn::Code::invalid_argument);
}

TEST_CASE("alternation documents: two different pool tokens in turn, 8 to 16 long; share 0 draws nothing", "[corpus]") {
  const Gpt2Tokenizer& tk = tokenizer();
  CorpusOptions o = options(6, Split::train);
  o.repeated_span_share = 1.0, o.span_pool = 24, o.span_min = 4, o.span_max = 8, o.alternation_share = 0.5;
  REQUIRE(attn::train::validate(tk, o).ok());
  const auto pool = attn::train::span_tokens(tk);
  const std::set<std::uint32_t> allowed(pool.begin(), pool.begin() + 24);
  CorpusGenerator gen(tk, o), again(tk, o);
  std::size_t alternations = 0;
  std::set<std::size_t> lengths;
  std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
  for (int i = 0; i < 2000; ++i) {
    const Document d = gen.next();
    REQUIRE(d.ids == again.next().ids);  // deterministic by seed
    REQUIRE(d.repeated_span);
    for (std::uint32_t id : d.ids) REQUIRE(allowed.count(id) == 1);
    if (d.period != 2) continue;  // a repeated span (4 … 8 tokens a copy)
    ++alternations, lengths.insert(d.ids.size());
    REQUIRE(d.ids[0] != d.ids[1]);
    for (std::size_t t = 2; t < d.ids.size(); ++t) REQUIRE(d.ids[t] == d.ids[t - 2]);
    pairs.insert({d.ids[0], d.ids[1]});
  }
  CHECK((alternations > 900 && alternations < 1100));  // half of 2000
  CHECK(lengths == std::set<std::size_t>{8, 9, 10, 11, 12, 13, 14, 15, 16});
  CHECK(pairs.size() > 300);  // of 24 · 23 = 552 ordered pairs

  // Share 0 writes none (and draws nothing: test_tiny_tutor regenerates the shipped model's corpus by its hash).
  o.alternation_share = 0;
  CorpusGenerator plain(tk, o);
  for (int i = 0; i < 500; ++i) REQUIRE(plain.next().period >= 4);
  o.alternation_share = 1.5;
  CHECK(attn::train::validate(tk, o).code == attn::Code::invalid_argument);
}

TEST_CASE("a gap of random filler before each copy: exact copies at distances that vary, by seed", "[corpus]") {
  const Gpt2Tokenizer& tk = tokenizer();
  CorpusOptions o = options(5, Split::train);
  o.repeated_span_share = 1.0, o.span_pool = 64, o.span_min = 4, o.span_max = 8, o.span_gap_min = 0,
  o.span_gap_max = 12;
  REQUIRE(attn::train::validate(tk, o).ok());
  const auto pool = attn::train::span_tokens(tk);
  const std::set<std::uint32_t> allowed(pool.begin(), pool.begin() + 64);
  CorpusGenerator gen(tk, o), again(tk, o);
  std::map<std::size_t, std::size_t> distances, gaps;  // how often each occurred
  for (int i = 0; i < 2000; ++i) {
    const Document d = gen.next();
    REQUIRE(d.ids == again.next().ids);  // deterministic by seed
    REQUIRE(d.repeated_span);
    REQUIRE(d.period >= 4);
    REQUIRE(d.period <= 8);
    REQUIRE(d.gap <= 12);
    const std::size_t distance = d.period + d.gap;
    REQUIRE(d.ids.size() == distance + d.period);
    for (std::size_t t = 0; t < d.period; ++t) REQUIRE(d.ids[t + distance] == d.ids[t]);  // the copy is exact
    for (std::uint32_t id : d.ids) REQUIRE(allowed.count(id) == 1);
    ++distances[distance], ++gaps[d.gap];
  }
  // Every distance 4 … 20 and every gap 0 … 12 occurs; none dominates (uniform gaps: 1/13 each ≈ 154 of 2000).
  CHECK(distances.size() == 17);
  CHECK(gaps.size() == 13);
  for (const auto& [gap, n] : gaps) CHECK((n > 100 && n < 210));
  // The filler is random: the token after the first copy equals the copy's first token about 1/64 of the time.
  std::size_t same = 0, with_gap = 0;
  CorpusGenerator third(tk, o);
  for (int i = 0; i < 2000; ++i) {
    const Document d = third.next();
    if (d.gap == 0) continue;
    ++with_gap, same += d.ids[d.period] == d.ids[0];
  }
  CHECK(same < with_gap / 16);

  // A fixed gap draws nothing more: gap 0 … 0 gives the documents written before gaps existed (copies back to back).
  CorpusOptions plain = options(5, Split::train);
  plain.repeated_span_share = 1.0, plain.span_pool = 64, plain.span_min = 4, plain.span_max = 8;
  CorpusGenerator back_to_back(tk, plain);
  for (int i = 0; i < 50; ++i) {
    const Document d = back_to_back.next();
    REQUIRE(d.gap == 0);
    REQUIRE(d.ids.size() == 2 * d.period);
  }
  // More copies: every one exact, each after a gap of 0 … 12 random tokens.
  o.span_copies = 4;
  CorpusGenerator four(tk, o);
  std::set<std::size_t> later_gaps;
  for (int i = 0; i < 500; ++i) {
    const Document d = four.next();
    std::size_t at = d.period + d.gap, copies = 1;  // where the second copy starts
    for (;;) {
      for (std::size_t t = 0; t < d.period; ++t) REQUIRE(d.ids[at + t] == d.ids[t]);
      ++copies, at += d.period;
      if (copies == 4) break;
      // The next copy starts after a gap: the first position from which the span follows and fits in 0 … 12.
      std::size_t gap = 0;
      while (gap <= 12 && !(at + gap + d.period <= d.ids.size() && at + gap + d.period * (4 - copies) <= d.ids.size() &&
                            std::equal(d.ids.begin(), d.ids.begin() + std::ptrdiff_t(d.period),
                                       d.ids.begin() + std::ptrdiff_t(at + gap))))
        ++gap;
      REQUIRE(gap <= 12);
      later_gaps.insert(gap), at += gap;
    }
    REQUIRE(at == d.ids.size());
  }
  CHECK(later_gaps.size() == 13);
  o.span_copies = 1;
  CHECK(attn::train::validate(tk, o).code == attn::Code::invalid_argument);
  o.span_copies = 2, o.span_gap_min = 13;
  CHECK(attn::train::validate(tk, o).code == attn::Code::invalid_argument);
}
