// The toy-world corpus: word lists, the sentence renderers (shared by the generator and the vocabulary
// enumeration, so both see the same text), the document sampler, the stream and its hash.
// Not the trainer: no model, no batching; documents are text encoded whole with GPT-2's tokenizer.
#include "attn/train/corpus.hpp"

#include <algorithm>
#include <string_view>
#include <utility>

#include "attn/train/sha256.hpp"

namespace attn::train {
namespace {

using tok::kEndOfText;
constexpr std::size_t kRepeatShare10 = 7;    // 7 in 10 creature stories repeat their noun phrase
constexpr std::size_t kMaxStories = 4;

/// Byte range [begin, end) of a word in the document text.
struct Range {
  std::size_t begin = 0, end = 0;
};

/// A probe before tokenization: byte ranges, resolved to token indices once the document is encoded.
struct PendingProbe {
  PendingProbe(ProbeKind kind_, std::size_t a_, std::size_t b_, bool chinese_, bool female_)
      : kind(kind_), a(a_), b(b_), chinese(chinese_), female(female_) {}
  ProbeKind kind;
  Range row;
  std::vector<Range> keys;  // the quality adjective's range first (noun probes)
  std::size_t a, b;
  bool chinese, female;
  std::vector<Range> distractors;
  std::size_t colour_verb = Probe::no_colour;
  // Noun probes: the sentence starts at byte sentence_begin and its verb at verb_begin; `verbs` are every cue's
  // verb as written there, whose first tokens are the right next ids.
  std::size_t sentence_begin = 0, verb_begin = 0;
  std::vector<std::string> verbs;
  std::vector<Range> first_mention;  // a repeat's noun probe: the first mention's cue ranges, ordered as keys
};

/// The adjective slots of a noun phrase: an index into world()'s qualities, colours or sizes.
enum class Adjective { quality, colour, size };
struct Slot {
  Adjective kind;
  std::size_t index;
};

/// One noun phrase of a creature story: which words, in which order, with which decorations.
struct NounPhrase {
  Slot cues[4];  // the cue adjectives (qualities and colours) in text order; each one's verb may follow the noun
  std::size_t n_cues = 0;
  std::size_t lead = 0;  // the cue a probe lists first (its quality_keys): the first quality, if any
  std::size_t noun = 0;
  bool has_size = false;
  std::size_t size = 0, size_slot = 0;  // the distractor and its place among the adjective slots (0 = first)
  std::size_t verb_from = 0;            // the cue (an index into cues) whose verb follows the noun
  bool very[5] = {};  // per adjective slot in text order (Chinese: only a quality's)
  bool and_last = false;                 // English: " and" before the last adjective when there are two or more
  bool colour_joined = false;  // Chinese: a colour right before the noun joins it without 的 (毛茸茸的蓝色怪兽)
  bool zai = false;  // Chinese: 在 before the verb (怪兽在打呼噜); the noun row then predicts 在: no probe
  bool pair_verb = false;  // CorpusOptions::pair_verbs: every cue together decides the verb
};

}  // namespace

/// The document being written: its text and the probes found in it (byte ranges).
struct CorpusGenerator::Draft {
  std::string text;
  std::vector<PendingProbe> probes;
  Range add(std::string_view w) {
    const Range r{text.size(), text.size() + w.size()};
    text.append(w);
    return r;
  }
};

const World& world() {
  static const World w = [] {
    World x;
    x.qualities = {{"fluffy", "毛茸茸"}, {"spiky", "多刺"},  {"shiny", "亮晶晶"}, {"tiny", "小小"},
                   {"loud", "吵闹"},     {"sleepy", "困倦"}, {"wet", "湿漉漉"},   {"hungry", "饥饿"}};
    // Chinese verbs are chosen so that each one's first token (after any noun or pronoun) differs from the others':
    // the row before the verb must then know which verb comes, not just that "a verb starting with 打" comes.
    x.quality_verbs = {{"purrs", "打呼噜"},   {"hisses", "嘶嘶叫"},    {"glows", "发光"}, {"squeaks", "吱吱叫"},
                       {"roars", "大声吼叫"}, {"yawns", "张嘴打哈欠"}, {"drips", "滴水"}, {"eats", "狼吞虎咽"}};
    x.colours = {{"blue", "蓝色"},  {"red", "红色"},   {"green", "绿色"}, {"yellow", "黄色"},
                 {"white", "白色"}, {"black", "黑色"}, {"pink", "粉色"},  {"purple", "紫色"}};
    // The same rule as the quality verbs: every first token differs from every other verb's.
    x.colour_verbs = {{"floats", "飘起来"}, {"fumes", "生气"},   {"climbs", "上树"},     {"sparkles", "闪闪发亮"},
                      {"hides", "害羞"},    {"runs", "乱跑"},    {"stretches", "伸懒腰"}, {"thinks", "思考"}};
    x.sizes = {{"big", "巨大"}, {"small", "矮小"}, {"old", "古老"}, {"young", "年幼"}};
    // Index order matters for the held-out rule: the tutorial's pairs (fluffy creature 0 + 1, Tom/小明 0 + Anna/小红 1)
    // must not sum to a multiple of 5, so they stay training data.
    x.nouns = {{"cat", "猫"},     {"creature", "怪兽"}, {"robot", "机器人"}, {"bird", "小鸟"},
               {"dragon", "龙"},  {"monster", "怪物"},  {"fox", "狐狸"},     {"dog", "狗"},
               {"mouse", "老鼠"}, {"frog", "青蛙"},     {"bear", "熊"},      {"rabbit", "兔子"}};
    x.noun_measures = {"只", "只", "个", "只", "条", "个", "只", "只", "只", "只", "只", "只"};
    x.male_names = {{"Tom", "小明"},  {"Sam", "小刚"}, {"Ben", "小军"}, {"Max", "小强"},
                    {"Jack", "小龙"}, {"Leo", "小虎"}, {"Paul", ""},    {"John", ""}};
    x.female_names = {{"Mary", "小丽"}, {"Anna", "小红"}, {"Lucy", "小芳"}, {"Emma", "小美"},
                      {"Lily", "小兰"}, {"Kate", "小雪"}, {"Sara", ""},     {"Amy", ""}};
    x.male_verbs = {{"sings", "唱歌"},  {"reads", "看书"}, {"paints", "画画"}, {"writes", "写字"},
                    {"fishes", "钓鱼"}, {"works", "工作"}, {"laughs", ""},     {"jumps", ""}};
    x.female_verbs = {{"sleeps", "睡觉"}, {"dances", "跳舞"}, {"plays", "弹琴"}, {"walks", "散步"},
                      {"smiles", "微笑"}, {"swims", "游泳"},  {"draws", ""},     {"waves", ""}};
    x.places = {{"park", "公园"}, {"school", "学校"}, {"garden", "花园"}, {"shop", "商店"}};
    x.chinese_names = 6;
    return x;
  }();
  return w;
}

bool heldout_pair(std::size_t i, std::size_t j) { return (i + j) % 5 == 0; }

namespace {

// Chinese minimal-pair participants besides the names: 我 你 他 她.
const char* const kZhPronouns[] = {"我", "你", "他", "她"};
constexpr std::size_t kNumZhPronouns = 4;
constexpr std::size_t kNumTemplates = 3;  // pronoun-story first sentences per language

std::size_t num_participants() { return kNumZhPronouns + 2 * world().chinese_names; }
const char* participant(std::size_t i) {
  const World& w = world();
  if (i < kNumZhPronouns) return kZhPronouns[i];
  i -= kNumZhPronouns;
  return i < w.chinese_names ? w.male_names[i].zh : w.female_names[i - w.chinese_names].zh;
}

/// The adjective slots of a noun phrase in text order: its cues with the size word (if any) in its place.
std::size_t adjective_slots(const NounPhrase& np, Slot out[5]) {
  std::size_t n = 0;
  for (std::size_t c = 0; c < np.n_cues; ++c) out[n++] = np.cues[c];
  if (np.has_size) {
    for (std::size_t k = n; k > np.size_slot; --k) out[k] = out[k - 1];
    out[np.size_slot] = {Adjective::size, np.size};
    ++n;
  }
  return n;
}

const Word& adjective_word(Slot slot) {
  const World& w = world();
  return (slot.kind == Adjective::quality ? w.qualities : slot.kind == Adjective::colour ? w.colours : w.sizes)
      [slot.index];
}

/// A cue's verb: quality i's is quality_verbs[i], colour i's colour_verbs[i].
const Word& verb_of(Slot cue) {
  const World& w = world();
  return cue.kind == Adjective::quality ? w.quality_verbs[cue.index] : w.colour_verbs[cue.index];
}

/// The verb after the noun (the cue np.verb_from names, or with pair_verb every cue together) and the right verbs
/// a probe lists (every cue's; with pair_verb that one verb), as Word entries.
const Word& chosen_verb(const NounPhrase& np) {
  const World& w = world();
  if (np.pair_verb) {
    std::size_t k = 0;
    for (std::size_t c = 0; c < np.n_cues; ++c) k += np.cues[c].index;
    k %= w.quality_verbs.size() + w.colour_verbs.size();
    return k < w.quality_verbs.size() ? w.quality_verbs[k] : w.colour_verbs[k - w.quality_verbs.size()];
  }
  return verb_of(np.cues[np.verb_from]);
}
std::vector<const Word*> cue_verbs(const NounPhrase& np) {
  if (np.pair_verb) return {&chosen_verb(np)};
  std::vector<const Word*> out{&verb_of(np.cues[np.lead])};
  for (std::size_t c = 0; c < np.n_cues; ++c)
    if (c != np.lead) out.push_back(&verb_of(np.cues[c]));
  return out;
}

/// A noun probe's fields that name words: a (the lead cue's index), colour_verb (the colour whose verb came).
void name_cues(PendingProbe& p, const NounPhrase& np) {
  p.a = np.cues[np.lead].index;
  p.b = np.noun;
  const Slot came = np.cues[np.verb_from];
  if (!np.pair_verb && came.kind == Adjective::colour) p.colour_verb = came.index;
}

/// Fills a noun probe's slots: a cue's range goes to keys (the lead cue's first), a size's to distractors.
void add_adjective(PendingProbe& p, const NounPhrase& np, std::size_t slot_index, Slot slot, Range r) {
  if (slot.kind == Adjective::size) {
    p.distractors.push_back(r);
  } else if (slot_index == np.lead + (np.has_size && np.size_slot <= np.lead)) {
    p.keys.insert(p.keys.begin(), r);
  } else {
    p.keys.push_back(r);
  }
}

/// "A fluffy blue creature purrs." or, given the first mention's cue ranges, the repeat " Again, the fluffy blue
/// creature purrs."; adds the noun probe. Returns its cue ranges.
template <class Out>
std::vector<Range> render_creature_en(Out& d, const NounPhrase& np, const std::vector<Range>* first_mention) {
  const bool repeat = first_mention != nullptr;
  const World& w = world();
  const std::size_t sentence_begin = d.text.size();
  if (repeat) {
    d.add(" Again");
    d.add(",");
    d.add(" the");
  } else {
    d.add("A");
  }
  Slot slots[5];
  const std::size_t n = adjective_slots(np, slots);
  PendingProbe p(ProbeKind::noun_adjective, 0, 0, false, false);
  name_cues(p, np);
  const std::string space = " ";
  for (std::size_t s = 0; s < n; ++s) {
    if (np.and_last && n >= 2 && s == n - 1) d.add(" and");
    if (np.very[s]) d.add(" very");
    add_adjective(p, np, s, slots[s], d.add(space + adjective_word(slots[s]).en));
  }
  p.row = d.add(space + w.nouns[np.noun].en);
  p.sentence_begin = sentence_begin;
  p.verb_begin = d.text.size();
  for (const Word* v : cue_verbs(np)) p.verbs.push_back(space + v->en);
  d.add(space + chosen_verb(np).en);
  d.add(".");
  std::vector<Range> cues = p.keys;
  if (repeat) p.first_mention = *first_mention;
  d.probes.push_back(std::move(p));
  return cues;
}

/// 一只毛茸茸的蓝色的怪兽打呼噜。 or, given the first mention's cue ranges, the repeat 后来，那只毛茸茸的蓝色的怪兽打呼噜。;
/// adds the noun probe (unless 在 stands between the noun and its verb). Returns its cue ranges.
template <class Out>
std::vector<Range> render_creature_zh(Out& d, const NounPhrase& np, const std::vector<Range>* first_mention) {
  const bool repeat = first_mention != nullptr;
  const World& w = world();
  const std::size_t sentence_begin = d.text.size();
  d.add(repeat ? "后来，那" : "一");
  d.add(w.noun_measures[np.noun]);
  Slot slots[5];
  const std::size_t n = adjective_slots(np, slots);
  PendingProbe p(ProbeKind::noun_adjective, 0, 0, true, false);
  name_cues(p, np);
  for (std::size_t s = 0; s < n; ++s) {
    if (slots[s].kind == Adjective::quality && np.very[s]) d.add("很");
    add_adjective(p, np, s, slots[s], d.add(adjective_word(slots[s]).zh));
    if (!(s == n - 1 && slots[s].kind == Adjective::colour && np.colour_joined)) d.add("的");
  }
  p.row = d.add(w.nouns[np.noun].zh);
  if (np.zai) d.add("在");
  p.sentence_begin = sentence_begin;
  p.verb_begin = d.text.size();
  for (const Word* v : cue_verbs(np)) p.verbs.push_back(v->zh);
  d.add(chosen_verb(np).zh);
  d.add("。");
  std::vector<Range> cues = p.keys;
  if (repeat) p.first_mention = *first_mention;
  if (!np.zai) d.probes.push_back(std::move(p));
  return cues;
}

/// First sentence of a pronoun story: both people, `male_first` deciding who is named first. Returns the name ranges.
template <class Out>
std::pair<Range, Range> render_meeting(Out& d, bool chinese, std::size_t templ, std::size_t male, std::size_t female,
                                       bool male_first, std::size_t place) {
  const World& w = world();
  const Word& first = male_first ? w.male_names[male] : w.female_names[female];
  const Word& second = male_first ? w.female_names[female] : w.male_names[male];
  Range r1, r2;
  if (chinese) {
    r1 = d.add(first.zh);
    if (templ == 0) {
      d.add("和");
      r2 = d.add(second.zh);
      d.add("去了");
      d.add(w.places[place].zh);
    } else if (templ == 1) {
      d.add("在");
      d.add(w.places[place].zh);
      d.add("遇到了");
      r2 = d.add(second.zh);
    } else {
      d.add("见到了");
      r2 = d.add(second.zh);
    }
    d.add("。");
  } else {
    const std::string space = " ";
    r1 = d.add(first.en);
    static const char* const kVerb[kNumTemplates] = {" and", " met", " saw"};
    static const char* const kPrep[kNumTemplates] = {" went to the", " at the", " in the"};
    d.add(kVerb[templ]);
    r2 = d.add(space + second.en);
    // " went to the" is three pre-tokens; added as one string it encodes identically.
    d.add(kPrep[templ]);
    d.add(space + w.places[place].en);
    d.add(".");
  }
  return male_first ? std::make_pair(r1, r2) : std::make_pair(r2, r1);
}

/// " He sings." / 他唱歌。 with the probe from the pronoun to the antecedent's name.
template <class Out>
void render_pronoun(Out& d, bool chinese, bool female, std::size_t male, std::size_t fem, Range antecedent) {
  const World& w = world();
  const std::size_t who = female ? fem : male;
  const Word& verb = female ? w.female_verbs[who] : w.male_verbs[who];
  PendingProbe p(ProbeKind::pronoun_antecedent, male, fem, chinese, female);
  p.keys = {antecedent};
  if (chinese) {
    p.row = d.add(female ? "她" : "他");
    d.add(verb.zh);
    d.add("。");
  } else {
    p.row = d.add(female ? " She" : " He");
    d.add(std::string(" ") + verb.en);
    d.add(".");
  }
  d.probes.push_back(std::move(p));
}

/// 我打他。他哭了。: whoever is hit cries.
template <class Out>
void render_minimal_pair(Out& d, std::size_t hitter, std::size_t hit) {
  d.add(participant(hitter));
  d.add("打");
  d.add(participant(hit));
  d.add("。");
  d.add(participant(hit));
  d.add("哭了。");
}

/// A draft that only keeps the text: for the vocabulary enumeration.
struct TextOnly {
  std::string text;
  std::vector<PendingProbe> probes;
  Range add(std::string_view s) {
    text.append(s);
    return {};
  }
};

/// Every English pre-token the renderers write. Each English word is its own pre-token, so its ids do not depend
/// on its neighbours. Story starts ("A", the first name) have no leading space; every other word has one.
std::vector<std::string> english_pretokens() {
  const World& w = world();
  std::vector<std::string> en = {"A", " Again", ",", " the", ".", " very", " and", "\n", " He", " She"};
  for (const char* s : {" met", " saw", " went", " to", " at", " in"}) en.push_back(s);
  for (const auto* list : {&w.qualities, &w.quality_verbs, &w.colours, &w.colour_verbs, &w.sizes, &w.nouns,
                           &w.male_verbs, &w.female_verbs, &w.places})
    for (const Word& word : *list) en.push_back(std::string(" ") + word.en);
  for (const auto* list : {&w.male_names, &w.female_names})
    for (const Word& word : *list) {
      en.push_back(word.en);
      en.push_back(std::string(" ") + word.en);
    }
  return en;
}

}  // namespace

std::vector<std::uint32_t> span_tokens(const tok::Gpt2Tokenizer& tk) {
  const World& w = world();
  std::vector<std::uint32_t> ids;
  for (const std::string& s : english_pretokens()) tk.encode(s, tok::SpecialTokens::as_text, ids);
  for (const auto* list : {&w.qualities, &w.quality_verbs, &w.colours, &w.colour_verbs, &w.sizes, &w.nouns,
                           &w.male_names, &w.female_names, &w.male_verbs, &w.female_verbs, &w.places})
    for (const Word& word : *list)
      if (*word.zh) tk.encode(word.zh, tok::SpecialTokens::as_text, ids);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  ids.erase(std::remove_if(ids.begin(), ids.end(),
                           [&](std::uint32_t id) {
                             std::string_view bytes;
                             return !tk.token_bytes(id, bytes).ok() || bytes.size() < 2;
                           }),
            ids.end());
  return ids;
}

namespace {

std::uint64_t stream_seed(const CorpusOptions& o) {
  // Different streams per split; the constant only has to differ from 0 and mix well.
  Rng mix(o.seed ^ (o.split == Split::heldout ? 0x68656C646F757421ull : 0));
  return mix.next_u64();
}

/// Token indices [first, last] overlapping bytes [r.begin, r.end); first > last if none.
std::pair<std::size_t, std::size_t> tokens_of(const tok::Encoding& e, Range r) {
  const auto it = std::partition_point(e.spans.begin(), e.spans.end(),
                                       [&](const tok::TokenSpan& s) { return s.byte_end <= r.begin; });
  std::size_t first = static_cast<std::size_t>(it - e.spans.begin()), last = first;
  if (first == e.spans.size() || e.spans[first].byte_start >= r.end) return {1, 0};
  while (last + 1 < e.spans.size() && e.spans[last + 1].byte_start < r.end) ++last;
  return {first, last};
}

}  // namespace

Status validate(const tok::Gpt2Tokenizer& tokenizer, const CorpusOptions& options) {
  if (!tokenizer.loaded()) return Status::invalid_argument("tokenizer: not loaded");
  if (!(options.repeated_span_share >= 0.0 && options.repeated_span_share <= 1.0))
    return Status::invalid_argument("repeated_span_share: must be in [0, 1]");
  if (!(options.chinese_share >= 0.0 && options.chinese_share <= 1.0))
    return Status::invalid_argument("chinese_share: must be in [0, 1]");
  if (options.span_min < 1 || options.span_min > options.span_max || options.span_max > 4096)
    return Status::invalid_argument("span_min, span_max: need 1 <= span_min <= span_max <= 4096");
  if (options.span_pool == 1) return Status::invalid_argument("span_pool: 0 (all) or at least 2 tokens");
  if (options.span_gap_min > options.span_gap_max || options.span_gap_max > 4096)
    return Status::invalid_argument("span_gap_min, span_gap_max: need span_gap_min <= span_gap_max <= 4096");
  if (options.span_copies < 2 || options.span_copies > 64)
    return Status::invalid_argument("span_copies: need 2 <= span_copies <= 64");
  if (!(options.alternation_share >= 0.0 && options.alternation_share <= 1.0))
    return Status::invalid_argument("alternation_share: must be in [0, 1]");
  if (options.mixed_cues > 4) return Status::invalid_argument("mixed_cues: 0 (the original phrases) to 4 cues");
  return Status::success();
}

CorpusGenerator::CorpusGenerator(const tok::Gpt2Tokenizer& tokenizer, CorpusOptions options)
    : tok_(tokenizer), options_(options), rng_(stream_seed(options)) {
  if (validate(tokenizer, options).ok()) {
    span_pool_ = span_tokens(tokenizer);
    if (options.span_pool > 0) span_pool_.resize(std::min(span_pool_.size(), options.span_pool));
  }
}

void CorpusGenerator::creature_story(bool chinese, Draft& s) {
  const World& w = world();
  NounPhrase np;
  if (options_.mixed_cues) {  // 1 to mixed_cues different cues from the qualities and colours together, any order
    const std::size_t n_qualities = w.qualities.size(), n_cues = n_qualities + w.colours.size();
    std::size_t drawn[4];  // an index into the qualities, then the colours
    np.n_cues = 1 + below(options_.mixed_cues);
    for (std::size_t c = 0; c < np.n_cues; ++c) {
      do drawn[c] = below(n_cues);
      while (std::find(drawn, drawn + c, drawn[c]) != drawn + c);
      np.cues[c] = drawn[c] < n_qualities ? Slot{Adjective::quality, drawn[c]} : Slot{Adjective::colour, drawn[c] - n_qualities};
    }
    const auto held_out = [&](std::size_t noun) {
      for (std::size_t c = 0; c < np.n_cues; ++c)
        if (heldout_pair(drawn[c], noun)) return true;
      return false;
    };
    np.noun = below(w.nouns.size());
    while (options_.split == Split::train && held_out(np.noun)) np.noun = below(w.nouns.size());
    np.lead = 0;  // the first quality, if any
    while (np.lead + 1 < np.n_cues && np.cues[np.lead].kind != Adjective::quality) ++np.lead;
    if (np.cues[np.lead].kind != Adjective::quality) np.lead = 0;
    np.verb_from = below(np.n_cues);
    np.has_size = chance(0.4);
    np.size = below(w.sizes.size());
    np.size_slot = below(np.n_cues + 1);
    Slot slots[5];
    const std::size_t n = adjective_slots(np, slots);
    for (std::size_t k = 0; k < n; ++k) np.very[k] = chance(0.2) && (!chinese || slots[k].kind == Adjective::quality);
  } else {
    const std::size_t quality = below(w.qualities.size());
    np.noun = below(w.nouns.size());
    while (options_.split == Split::train && heldout_pair(quality, np.noun)) np.noun = below(w.nouns.size());
    const std::size_t n_colours = below(3);
    std::size_t colours[2] = {below(w.colours.size()), below(w.colours.size() - 1)};
    if (colours[1] >= colours[0]) ++colours[1];  // two different colours
    const bool quality_first = chance(0.5);
    np.has_size = chance(0.4);
    np.size = below(w.sizes.size());
    np.size_slot = below(n_colours + 2);
    const std::size_t verb_cue = below(n_colours + 1);  // 0 the quality, k ≥ 1 colours[k − 1]
    // The cues in text order: the quality first or last, the colours between.
    np.lead = quality_first ? 0 : n_colours;
    np.cues[np.lead] = {Adjective::quality, quality};
    for (std::size_t c = 0; c < n_colours; ++c) np.cues[c + quality_first] = {Adjective::colour, colours[c]};
    np.n_cues = n_colours + 1;
    np.verb_from = verb_cue == 0 ? np.lead : verb_cue - 1 + quality_first;
    const std::size_t quality_slot = np.lead + (np.has_size && np.size_slot <= np.lead);
    for (std::size_t k = 0; k < 4; ++k) np.very[k] = chance(0.2) && (!chinese || k == quality_slot);
  }
  np.pair_verb = options_.pair_verbs;
  np.and_last = !chinese && chance(0.3);
  np.colour_joined = chinese && chance(0.5);
  np.zai = chinese && chance(0.2);
  const std::vector<Range> first_mention = chinese ? render_creature_zh(s, np, nullptr) : render_creature_en(s, np, nullptr);
  if (below(10) < kRepeatShare10) {
    if (options_.fresh_repeat_verb) np.verb_from = below(np.n_cues);
    if (chinese) {
      render_creature_zh(s, np, &first_mention);
    } else {
      render_creature_en(s, np, &first_mention);
    }
  }
}

void CorpusGenerator::pronoun_story(bool chinese, Draft& s) {
  const World& w = world();
  const std::size_t names = chinese ? w.chinese_names : w.male_names.size();
  const std::size_t male = below(names);
  std::size_t female = below(names);
  while (options_.split == Split::train && heldout_pair(male, female)) female = below(names);
  const bool male_first = chance(0.5);
  const std::size_t templ = below(kNumTemplates);
  const std::size_t place = below(w.places.size());
  const auto [male_range, female_range] = render_meeting(s, chinese, templ, male, female, male_first, place);
  const bool first_female = chance(0.5);
  const std::size_t mentions = 1 + below(2);
  for (std::size_t k = 0; k < mentions; ++k) {
    const bool female_k = (k == 0) == first_female;
    render_pronoun(s, chinese, female_k, male, female, female_k ? female_range : male_range);
  }
}

void CorpusGenerator::minimal_pair_story(Draft& s) {
  const std::size_t n = num_participants();
  const std::size_t hitter = below(n);
  std::size_t hit = below(n - 1);
  if (hit >= hitter) ++hit;
  render_minimal_pair(s, hitter, hit);
}

Document CorpusGenerator::alternation_document() {
  Document doc;
  doc.repeated_span = true;
  doc.period = 2;
  const std::size_t n = span_pool_.size(), i = below(n);
  std::size_t j = below(n - 1);
  if (j == i) j = n - 1;  // two different tokens, each ordered pair equally likely
  doc.ids.resize(8 + below(9));
  for (std::size_t k = 0; k < doc.ids.size(); ++k) doc.ids[k] = span_pool_[k % 2 ? j : i];
  return doc;
}

Document CorpusGenerator::repeated_span_document() {
  if (options_.alternation_share > 0 && chance(options_.alternation_share)) return alternation_document();
  Document doc;
  doc.repeated_span = true;
  doc.period = options_.span_min + below(options_.span_max - options_.span_min + 1);
  // No draw for a fixed gap, so documents without a gap come out as they always did (the same stream by seed).
  const std::size_t gaps = options_.span_gap_max - options_.span_gap_min + 1;
  doc.gap = options_.span_gap_min + (gaps > 1 ? below(gaps) : 0);
  const std::size_t distance = doc.period + doc.gap;
  doc.ids.resize(distance + doc.period);
  for (std::size_t i = 0; i < doc.period; ++i) doc.ids[i] = doc.ids[i + distance] = span_pool_[below(span_pool_.size())];
  for (std::size_t i = doc.period; i < distance; ++i) doc.ids[i] = span_pool_[below(span_pool_.size())];
  for (std::size_t c = 2; c < options_.span_copies; ++c) {  // more copies, each after its own gap
    const std::size_t gap = options_.span_gap_min + (gaps > 1 ? below(gaps) : 0);
    for (std::size_t i = 0; i < gap; ++i) doc.ids.push_back(span_pool_[below(span_pool_.size())]);
    for (std::size_t i = 0; i < doc.period; ++i) {
      const std::uint32_t id = doc.ids[i];
      doc.ids.push_back(id);
    }
  }
  return doc;
}

Document CorpusGenerator::next() {
  Document doc;
  if (span_pool_.empty()) return doc;  // not valid (see validate())
  if (chance(options_.repeated_span_share)) return repeated_span_document();
  Draft s;
  doc.stories = 1 + below(kMaxStories);
  for (std::size_t k = 0; k < doc.stories; ++k) {
    if (k > 0) s.add("\n");
    const bool chinese = chance(options_.chinese_share);
    doc.chinese_stories += chinese;
    // English: creature or people, half each. Chinese: 9/20 creature, 8/20 people, 3/20 minimal pair.
    const std::size_t kind = below(20);
    if (kind < (chinese ? 9u : 10u)) {
      creature_story(chinese, s);
    } else if (!chinese || kind < 17) {
      pronoun_story(chinese, s);
    } else {
      minimal_pair_story(s);
    }
  }
  if (!tok_.encode_with_offsets(s.text, tok::SpecialTokens::as_text, encoding_).ok()) return Document{};
  doc.ids = encoding_.ids;
  for (const PendingProbe& pp : s.probes) {
    const auto row_tokens = tokens_of(encoding_, pp.row);
    if (row_tokens.first > row_tokens.second) continue;
    Probe p;
    p.kind = pp.kind;
    p.row = row_tokens.second;
    p.chinese = pp.chinese;
    p.a = pp.a;
    p.b = pp.b;
    p.female = pp.female;
    p.colour_verb = pp.colour_verb;
    // The tokens of each range before the row, once each; `lead` counts those of the first range.
    const auto key_tokens = [&](const std::vector<Range>& ranges, std::vector<std::size_t>& out, std::size_t& lead) {
      for (std::size_t k = 0; k < ranges.size(); ++k) {
        const auto [first, last] = tokens_of(encoding_, ranges[k]);
        for (std::size_t t = first; t <= last && t < p.row; ++t)
          if (std::find(out.begin(), out.end(), t) == out.end()) out.push_back(t);
        if (k == 0) lead = out.size();
      }
    };
    key_tokens(pp.keys, p.keys, p.quality_keys);
    key_tokens(pp.first_mention, p.first_mention_keys, p.first_mention_quality_keys);
    for (const Range& r : pp.distractors) {
      const auto [first, last] = tokens_of(encoding_, r);
      for (std::size_t t = first; t <= last && t < p.row; ++t)
        if (std::find(p.keys.begin(), p.keys.end(), t) == p.keys.end()) p.distractors.push_back(t);
    }
    if (p.keys.empty() || p.row + 1 >= doc.ids.size()) continue;
    p.next_id = doc.ids[p.row + 1];
    p.right_next = {p.next_id};
    if (!pp.verbs.empty()) {
      // The first token each cue's verb would have here: the sentence up to the verb, encoded with and without it.
      const std::string prefix = s.text.substr(pp.sentence_begin, pp.verb_begin - pp.sentence_begin);
      prefix_ids_.clear();
      tok_.encode(prefix, tok::SpecialTokens::as_text, prefix_ids_);
      for (const std::string& verb : pp.verbs) {
        verb_ids_.clear();
        tok_.encode(prefix + verb, tok::SpecialTokens::as_text, verb_ids_);
        const bool extends = verb_ids_.size() > prefix_ids_.size() &&
                             std::equal(prefix_ids_.begin(), prefix_ids_.end(), verb_ids_.begin());
        const std::uint32_t id = extends ? verb_ids_[prefix_ids_.size()] : p.next_id;
        if (std::find(p.right_next.begin(), p.right_next.end(), id) == p.right_next.end()) p.right_next.push_back(id);
      }
    }
    doc.probes.push_back(std::move(p));
  }
  return doc;
}

std::vector<std::uint32_t> corpus_stream(const tok::Gpt2Tokenizer& tokenizer, const CorpusOptions& options,
                                         std::size_t tokens, std::vector<Probe>* probes) {
  std::vector<std::uint32_t> out;
  if (probes) probes->clear();
  if (!validate(tokenizer, options).ok()) return out;
  out.reserve(tokens);
  CorpusGenerator gen(tokenizer, options);
  while (out.size() < tokens) {
    Document doc = gen.next();
    out.push_back(kEndOfText);
    const std::size_t offset = out.size();
    const std::size_t take = std::min(doc.ids.size(), tokens - std::min(tokens, offset));
    out.insert(out.end(), doc.ids.begin(), doc.ids.begin() + static_cast<std::ptrdiff_t>(take));
    if (!probes) continue;
    for (Probe& p : doc.probes) {
      if (p.row + 1 >= take) continue;
      p.row += offset;
      for (std::size_t& k : p.keys) k += offset;
      for (std::size_t& k : p.distractors) k += offset;
      for (std::size_t& k : p.first_mention_keys) k += offset;
      probes->push_back(std::move(p));
    }
  }
  out.resize(tokens);
  return out;
}

std::vector<std::uint32_t> restricted_vocabulary(const tok::Gpt2Tokenizer& tk,
                                                 const std::vector<std::string>& extra_texts) {
  if (!tk.loaded()) return {};
  const World& w = world();
  std::vector<std::uint32_t> ids;
  auto encode = [&](std::string_view text) { tk.encode(text, tok::SpecialTokens::as_text, ids); };
  for (std::uint32_t id = 0; id < tk.ordinary_vocab_size(); ++id) {
    std::string_view bytes;
    if (tk.token_bytes(id, bytes).ok() && bytes.size() == 1) ids.push_back(id);
  }
  ids.push_back(kEndOfText);
  for (const std::string& t : extra_texts) encode(t);
  const std::vector<std::uint32_t> pool = span_tokens(tk);
  ids.insert(ids.end(), pool.begin(), pool.end());

  for (const std::string& s : english_pretokens()) encode(s);

  // Chinese: a run of Han characters is one pre-token, so BPE could merge across words. Sentences end in 。 and
  // start after 。, "\n" or the document start, so they never share a pre-token. A creature sentence is cut at
  // every 的 (always its own token after these adjectives: the sampled-stream test in test_corpus checks it) into
  // a start (一只 / 后来，那只 + 很? + adjective), a middle (很? + adjective) and an end (colour? + noun + 在? + verb +
  // 。); each segment kind is enumerated whole. The other sentences are enumerated whole.
  TextOnly d;
  auto flush = [&] {
    encode(d.text);
    d.text.clear();
    d.probes.clear();
  };
  std::vector<std::string> adjectives;  // with 很 before a quality or not
  for (const Word& q : w.qualities) adjectives.insert(adjectives.end(), {q.zh, std::string("很") + q.zh});
  for (const auto* list : {&w.colours, &w.sizes})
    for (const Word& a : *list) adjectives.push_back(a.zh);
  for (const char* start : {"一", "后来，那"})
    for (const char* measure : w.noun_measures)
      for (const std::string& a : adjectives) {
        d.add(std::string(start) + measure + a);
        flush();
      }
  for (const std::string& a : adjectives) {
    d.add(a);
    flush();
  }
  d.add("的");
  flush();
  for (std::size_t colour = 0; colour <= w.colours.size(); ++colour)  // colours.size(): no colour joined
    for (const Word& noun : w.nouns)
      for (int zai = 0; zai < 2; ++zai)
        for (const auto* verbs : {&w.quality_verbs, &w.colour_verbs})
          for (const Word& verb : *verbs) {
            if (colour < w.colours.size()) d.add(w.colours[colour].zh);
            d.add(noun.zh);
            if (zai) d.add("在");
            d.add(verb.zh);
            d.add("。");
            flush();
          }
  for (std::size_t templ = 0; templ < kNumTemplates; ++templ)
    for (std::size_t m = 0; m < w.chinese_names; ++m)
      for (std::size_t f = 0; f < w.chinese_names; ++f)
        for (int male_first = 0; male_first < 2; ++male_first)
          for (std::size_t place = 0; place < w.places.size(); ++place) {
            render_meeting(d, true, templ, m, f, male_first != 0, place);
            flush();
          }
  for (std::size_t who = 0; who < w.chinese_names; ++who)
    for (int female = 0; female < 2; ++female) {
      render_pronoun(d, true, female != 0, who, who, Range{});
      flush();
    }
  const std::size_t n = num_participants();
  for (std::size_t x = 0; x < n; ++x)
    for (std::size_t y = 0; y < n; ++y)
      if (x != y) {
        render_minimal_pair(d, x, y);
        flush();
      }

  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

TrainingVocabulary training_vocabulary(const tok::Gpt2Tokenizer& tokenizer, const std::vector<std::string>& extra_texts) {
  TrainingVocabulary v;
  v.gpt2_ids = restricted_vocabulary(tokenizer, extra_texts);
  if (v.gpt2_ids.empty()) return v;
  auto& ids = v.gpt2_ids;
  v.unk_id = kEndOfText - 1;
  while (std::binary_search(ids.begin(), ids.end(), v.unk_id)) --v.unk_id;
  const auto at = std::lower_bound(ids.begin(), ids.end(), v.unk_id);
  v.unk_row = std::uint32_t(at - ids.begin());
  ids.insert(at, v.unk_id);
  return v;
}

std::uint32_t TrainingVocabulary::row_of(std::uint32_t id) const {
  const auto it = std::lower_bound(gpt2_ids.begin(), gpt2_ids.end(), id);
  return it == gpt2_ids.end() || *it != id ? unk_row : std::uint32_t(it - gpt2_ids.begin());
}

std::size_t TrainingVocabulary::to_rows(std::vector<std::uint32_t>& ids) const {
  std::size_t unknown = 0;
  for (std::uint32_t& id : ids) {
    const std::uint32_t row = row_of(id);
    unknown += row == unk_row && id != unk_id;
    id = row;
  }
  return unknown;
}

const std::vector<std::string>& tutorial_texts() {
  static const std::vector<std::string> texts = {"a fluffy blue creature",
                                                 "A fluffy blue creature purrs.",
                                                 "一只毛茸茸的蓝色怪兽在打呼噜。",
                                                 "小明和小红去了公园。他唱歌。",
                                                 "我打他",
                                                 "他打我",
                                                 "unhappiness"};
  return texts;
}

std::string stream_sha256(const std::vector<std::uint32_t>& ids) {
  std::string bytes(4 * ids.size(), '\0');
  for (std::size_t i = 0; i < ids.size(); ++i)
    for (std::size_t k = 0; k < 4; ++k) bytes[4 * i + k] = static_cast<char>((ids[i] >> (8 * k)) & 0xff);
  return sha256_hex(bytes.data(), bytes.size());
}

}  // namespace attn::train
