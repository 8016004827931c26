// attn::train corpus: the deterministic training text for the tiny GPT-2 that shows the tutorial's heads — a toy
// world of creatures and people in English and Chinese, plus repeated random spans — as GPT-2 ids with probes.
// Not a general data loader and not random text: every document comes from the templates below, by seed.
//
// Why each template (a causal LM attends to a key only if the row's NEXT-token prediction needs it):
//   noun → adjectives   "A big fluffy blue creature glows." Every quality and colour adjective before the noun is a
//                       cue: each has its own verb (fluffy→purrs, spiky→hisses …, blue→floats, red→fumes …) and the
//                       verb after the noun is the verb of one of them, drawn uniformly. So the noun row needs all of
//                       them (the best prediction spreads over their verbs), as "creature" gathers "fluffy" and
//                       "blue" in the tutorial. One quality, 0–2 colours, and 0–1 size word (big, small …) that
//                       decides nothing: the distractor. Order, "very" and "and" vary; the noun is random, so only
//                       attention from the noun row to the adjectives predicts the verb.
//                       Chinese: 一只巨大的毛茸茸的蓝色怪兽飘起来。 (the verb follows the noun directly; 的 follows each
//                       adjective but may be left out between a colour and the noun; 很 may precede the quality).
//                       One in five has 在 before the verb (…怪兽在打呼噜。, the tutorial's sentence); its noun row
//                       predicts 在, so it carries no probe.
//   pronoun → name      "Tom and Anna went to the park. He sings." Two people of different gender; each name has a
//                       fixed signature verb, so the pronoun row must find the gender-matched name (他 → 小明).
//   repetition          ~70 % of creature stories repeat the noun phrase verbatim ("Again, the fluffy blue creature
//                       purrs." / 后来，那只毛茸茸的蓝色怪兽打呼噜。) for previous-token and induction heads.
//   repeated spans      `repeated_span_share` of documents are 8–32 random word tokens, then (after a gap of
//                       random filler tokens, span_gap_min–span_gap_max, none by default) the same again. A gap that
//                       varies makes the distance between the copies vary, so no head that looks a fixed distance
//                       back can copy: only a previous-token head and an induction head reading it can.
//   minimal pairs       Chinese only: 我打他。他哭了。 / 他打我。我哭了。 — whoever is hit cries, so order matters.
// A document is 1–4 stories (each English or Chinese, Chinese with probability `chinese_share`) joined by "\n"
// (its own token, so every story starts a fresh pre-token), 5–280 tokens, 55 on average (5 % over 128) with the default
// options.
//
// Held-out rule (the one place: heldout_pair): the (quality adjective i, noun j) pairs and the (male name i, female
// name j) pairs with (i + j) % 5 == 0 never occur in the train split (with mixed_cues: the (cue i, noun j) pairs, i
// indexing the qualities then the colours, for every cue of the phrase); the heldout split samples every pair
// uniformly, so about a fifth of its probes are pairs the train split never showed. The splits also use different
// random streams. Indices are into world()'s lists (English and Chinese lists are index-aligned); the tutorial's own
// pairs (fluffy + creature, 小明 + 小红, Tom + Anna) are ordered to stay in the train split.
//
// Determinism: only attn::Rng (SplitMix64) integer draws and exact 53-bit fractions, so every platform (native
// and wasm) gives the same ids for the same (seed, split). Errors: a tokenizer that is not loaded gives empty
// documents (check with validate()); nothing throws.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "attn/core/rng.hpp"
#include "attn/core/status.hpp"
#include "attn/tokenizer/bpe.hpp"

namespace attn::train {

enum class Split { train, heldout };

struct CorpusOptions {
  std::uint64_t seed = 1;
  Split split = Split::train;
  double repeated_span_share = 0.3;  ///< share of documents that are a random span of corpus tokens repeated once
  double chinese_share = 0.35;       ///< share of stories written in Chinese
  /// Tokens per copy of a repeated span, drawn uniformly from [span_min, span_max] (a context of 32 tokens, as in
  /// the page's live training, wants spans that fit twice).
  std::size_t span_min = 8, span_max = 32;
  /// Repeated spans draw from the first span_pool of span_tokens() (0: all of them). A small pool (e.g. 24)
  /// leaves a tiny model nothing to learn in a span but copying (natively, 2 layers of d 64 on 15-token spans only,
  /// lr 3e-3 over 4,000 steps, seed 1: the induction phase change came at ~1,700 steps; not every setting gets one).
  std::size_t span_pool = 0;
  /// Random filler tokens (from the same pool) between the two copies, drawn uniformly from [span_gap_min,
  /// span_gap_max]: the copies stand span + gap apart. 0, 0 (the default) writes the copies back to back.
  std::size_t span_gap_min = 0, span_gap_max = 0;
  /// Copies of the span per document (at least 2), each after its own gap: from the third on, a copy can be read
  /// from any earlier one, and more of the document is predictable by copying.
  std::size_t span_copies = 2;
  /// Share of repeated-span documents that instead alternate two pool tokens (a b a b …, 8–16 tokens): each next
  /// token is the one before the current one, so a head that reads the previous token predicts them by itself. The
  /// induction head of the other spans reads such a head (K-composition); without one it has nothing to match.
  /// 0 (the default) writes none and draws nothing, so other streams stay as they were.
  double alternation_share = 0;
  /// The verb after a creature's noun is decided by all of its cue adjectives together — the 16 cue verbs (the
  /// qualities' then the colours') indexed by the quality's index plus each colour's, modulo 16 — instead of being
  /// one cue's verb drawn at random: a head that reads every cue at once then serves as well as several heads that
  /// each read one. An experiment for the noun → adjective heads; false (the default) changes nothing.
  bool pair_verbs = false;
  /// n ≥ 1: a creature's cue adjectives are 1 to n (at most 4) different words drawn from the qualities and the
  /// colours together, in any order (instead of one quality, first or last, with zero to two colours), and the verb
  /// after the noun is one cue's, drawn at random: no kind of cue is special, and with more cues than a layer has
  /// heads to spare, heads that each pick one cue cannot cover them all. 3 is the shipped model's (tools/train/
  /// tiny-tutor.args); 0 (the default) draws the original phrases.
  std::size_t mixed_cues = 0;
  /// A repeated noun phrase ("Again, the fluffy blue creature …") is followed by a verb drawn again from its cues
  /// instead of the first sentence's verb: copying that verb no longer predicts it, so the repeat's noun row reads the
  /// cues as the first one does. false (the default) changes nothing.
  bool fresh_repeat_verb = false;
};

enum class ProbeKind { noun_adjective, pronoun_antecedent };

/// A place in a document where a head-metric probe reads attention: query row `row` (a token index in the
/// document), the key token indices that row should attend to, and the GPT-2 id that comes next
/// (next_id == ids[row + 1]). A word's tokens are the tokens overlapping its bytes; a word's row is its last token.
struct Probe {
  ProbeKind kind = ProbeKind::noun_adjective;
  std::size_t row = 0;
  /// Token indices, all < row, each word's tokens ascending. noun_adjective: the cue adjectives', the quality's
  /// first (keys[0, quality_keys)), then the colours' in text order (with mixed_cues: the first quality's first, or
  /// the first cue's when the phrase has no quality, then the others in text order). pronoun_antecedent: the name's.
  std::vector<std::size_t> keys;
  std::size_t quality_keys = 0;
  std::vector<std::size_t> distractors;  ///< noun_adjective: the size word's tokens (it decides nothing), or none
  std::uint32_t next_id = 0;
  /// Every next id that is right, next_id among them: noun_adjective, the first token of each cue's verb (in this
  /// sentence); pronoun_antecedent, next_id alone. A model that found every cue spreads its prediction over these.
  std::vector<std::uint32_t> right_next;
  bool chinese = false;
  /// Indices into world(): noun_adjective (quality, noun), the quality being the first-listed cue's index (a
  /// colour's with mixed_cues when the phrase has no quality); pronoun_antecedent (male name, female name).
  std::size_t a = 0, b = 0;
  /// noun_adjective: the verb that came is the colour colour_verb's (an index into world().colours), or the
  /// quality's when colour_verb == no_colour.
  static constexpr std::size_t no_colour = ~std::size_t{0};
  std::size_t colour_verb = no_colour;
  bool female = false;  ///< pronoun_antecedent: the pronoun is she / 她 (the antecedent is the female name)
  /// noun_adjective, when the sentence repeats an earlier noun phrase ("Again, the fluffy blue creature …"): the first
  /// mention's tokens of the same cue words, ordered as keys (its lead cue's in [0, first_mention_quality_keys)).
  /// The words are the same, so a head reading either copy reads the noun's adjectives. Empty for a first mention.
  std::vector<std::size_t> first_mention_keys;
  std::size_t first_mention_quality_keys = 0;
};

struct Document {
  std::vector<std::uint32_t> ids;
  std::vector<Probe> probes;
  bool repeated_span = false;
  std::size_t period = 0;                        ///< span length (tokens) for repeated-span documents, else 0
  std::size_t gap = 0;                           ///< filler tokens between the first two copies (repeated-span documents)
  std::size_t stories = 0, chinese_stories = 0;  ///< story counts (0 for repeated-span documents)
};

/// The toy world's word lists. English and Chinese entries with the same index are the same thing.
struct Word {
  const char* en;
  const char* zh;
};
struct World {
  std::vector<Word> qualities;      ///< quality adjectives; quality i's verb is quality_verbs[i]
  std::vector<Word> quality_verbs;  ///< English: third person singular ("purrs"); Chinese: verb phrase (打呼噜)
  std::vector<Word> colours;        ///< colour adjectives; colour i's verb is colour_verbs[i]
  std::vector<Word> colour_verbs;
  std::vector<Word> sizes;          ///< distractor adjectives: they decide nothing
  std::vector<Word> nouns;          ///< creatures; zh measure word in noun_measures
  std::vector<const char*> noun_measures;      ///< 只 / 个 / 条, index-aligned with nouns
  std::vector<Word> male_names, female_names;  ///< English: 8 + 8; Chinese uses the first 6 of each
  std::vector<Word> male_verbs, female_verbs;  ///< signature verb of the name with the same index
  std::vector<Word> places;
  std::size_t chinese_names = 6;  ///< Chinese stories use names [0, chinese_names) of each gender
};
const World& world();

/// The held-out rule: true when the pair (quality i, noun j) or (male name i, female name j) is kept out of the
/// train split: (i + j) % 5 == 0.
bool heldout_pair(std::size_t i, std::size_t j);

/// ok, or why the generator would give nothing useful (tokenizer not loaded, a share outside [0, 1]).
Status validate(const tok::Gpt2Tokenizer& tokenizer, const CorpusOptions& options);

class CorpusGenerator {
 public:
  /// Keeps a reference to `tokenizer`: it must outlive the generator.
  CorpusGenerator(const tok::Gpt2Tokenizer& tokenizer, CorpusOptions options);
  /// The next document of the deterministic sequence for (seed, split).
  Document next();

 private:
  struct Draft;  // the document being written (text + probes as byte ranges)
  void creature_story(bool chinese, Draft& s);
  void pronoun_story(bool chinese, Draft& s);
  void minimal_pair_story(Draft& s);
  Document repeated_span_document();
  Document alternation_document();
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(rng_.next_u64() % n); }
  bool chance(double p) { return static_cast<double>(rng_.next_u64() >> 11) * 0x1.0p-53 < p; }

  const tok::Gpt2Tokenizer& tok_;
  CorpusOptions options_;
  Rng rng_;
  std::vector<std::uint32_t> span_pool_;  ///< word tokens (not single bytes) repeated-span documents draw from
  tok::Encoding encoding_;                ///< reused between documents
  std::vector<std::uint32_t> prefix_ids_, verb_ids_;  ///< reused: a noun probe's sentence without / with a verb
};

/// Training stream: documents, each preceded by <|endoftext|> (50256), until `tokens` ids (the last one cut).
/// Probes (if asked) are re-indexed to stream positions; probes whose next token was cut are dropped.
std::vector<std::uint32_t> corpus_stream(const tok::Gpt2Tokenizer& tokenizer, const CorpusOptions& options,
                                         std::size_t tokens, std::vector<Probe>* probes = nullptr);

/// The word tokens repeated-span documents draw from, sorted GPT-2 ids: every token of the English pre-tokens the
/// templates write and of each Chinese word alone, minus the single-byte tokens. Also the pool for an induction
/// probe's random tokens (they are all in the restricted vocabulary). Empty if the tokenizer is not loaded.
std::vector<std::uint32_t> span_tokens(const tok::Gpt2Tokenizer& tokenizer);

/// The restricted vocabulary, sorted GPT-2 ids: every id the generator can ever emit (enumerated from the word
/// lists and templates, not sampled), all 256 single-byte tokens, 50256, and every id of `extra_texts`.
/// Empty if the tokenizer is not loaded.
std::vector<std::uint32_t> restricted_vocabulary(const tok::Gpt2Tokenizer& tokenizer,
                                                 const std::vector<std::string>& extra_texts);

/// What a model trained on the corpus reads and writes: the restricted vocabulary plus one UNK row (the largest
/// GPT-2 id below <|endoftext|> the vocabulary does not hold), so the model names a word it does not know instead
/// of refusing it. Row r is gpt2_ids[r]; the one place that maps GPT-2 ids to rows for training.
struct TrainingVocabulary {
  std::vector<std::uint32_t> gpt2_ids;  ///< sorted, UNK included; empty if the tokenizer was not loaded
  std::uint32_t unk_id = 0, unk_row = 0;
  /// The row of a GPT-2 id, unk_row for an id the vocabulary does not hold.
  std::uint32_t row_of(std::uint32_t id) const;
  /// GPT-2 ids → rows in place; returns how many became UNK (0 for any corpus stream).
  std::size_t to_rows(std::vector<std::uint32_t>& ids) const;
};
TrainingVocabulary training_vocabulary(const tok::Gpt2Tokenizer& tokenizer, const std::vector<std::string>& extra_texts);

/// The texts the restricted vocabulary must cover besides the corpus: the tutorial's example phrases.
const std::vector<std::string>& tutorial_texts();

/// Hex SHA-256 of a stream's ids as little-endian u32 bytes (the corpus hash a trained model file records).
std::string stream_sha256(const std::vector<std::uint32_t>& ids);

}  // namespace attn::train
