// The shipped model web/models/tiny-tutor.safetensors, measured again: it loads in the runtime, its corpus hash is
// what the generator makes today, the head scores recorded in it are what measure_heads finds, and its heads pass
// the bars the product promises (induction, noun → adjective, pronoun → antecedent, on at least two heads).
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>

#include "attn/io/safetensors.hpp"
#include "attn/model/gpt2.hpp"
#include "attn/train/corpus.hpp"
#include "attn/train/head_report.hpp"
#include "gpt2_asset.hpp"

namespace {

const char* const kModel = ATTN_SOURCE_DIR "/web/models/tiny-tutor.safetensors";

std::vector<std::uint8_t> read_all(const char* path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE(f.good());
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

/// Every number in a JSON text, in order (the head report is numbers inside a fixed structure).
std::vector<double> numbers_in(const std::string& text) {
  std::vector<double> out;
  for (const char* p = text.c_str(); *p;) {
    if ((*p >= '0' && *p <= '9') || (*p == '-' && p[1] >= '0' && p[1] <= '9')) {
      char* end = nullptr;
      out.push_back(std::strtod(p, &end));
      p = end;
    } else {
      ++p;
    }
  }
  return out;
}

std::size_t option_of(const std::string& text, const std::string& key) {
  const std::size_t at = text.find(key + "=");
  REQUIRE(at != std::string::npos);
  return std::size_t(std::strtoull(text.c_str() + at + key.size() + 1, nullptr, 10));
}

struct Shipped {
  std::vector<std::uint8_t> bytes;
  attn::io::SafetensorsFile file;
  attn::Gpt2Model model;
  const attn::tok::Gpt2Tokenizer& tokenizer = attn_test::gpt2_tokenizer();
  Shipped() : bytes(read_all(kModel)) {
    REQUIRE(attn::io::read_safetensors(bytes.data(), bytes.size(), file).ok());
    attn::Gpt2Loader loader;
    REQUIRE(attn::gpt2_loader_from_safetensors(bytes.data(), bytes.size(), loader).ok());
    REQUIRE(model.load(loader).ok());
  }
  const std::string& meta(const char* key) const {
    INFO("metadata " << key);
    REQUIRE(file.header.metadata.count(key));
    return file.header.metadata.at(key);
  }
};

Shipped& shipped() {
  static Shipped s;
  return s;
}

}  // namespace

TEST_CASE("the shipped model is a small F16 GPT-2 file with its vocabulary, metadata and film", "[tiny_tutor]") {
  Shipped& s = shipped();
  CHECK(s.bytes.size() <= 2u * 1024 * 1024);
  CHECK(s.meta("format") == "attention-wasm-gpt2");
  const attn::Gpt2Config& c = s.model.config();
  CHECK(c.layers == std::stoul(s.meta("n_layer")));
  CHECK(c.heads == std::stoul(s.meta("n_head")));
  REQUIRE(c.unk_row.has_value());
  CHECK(c.gpt2_ids.size() == c.vocab);
  for (const auto& t : s.file.header.tensors)
    if (attn::Gpt2Loader::wanted(t.name) && t.name != "vocab.gpt2_ids") CHECK(t.dtype == attn::io::DType::F16);
  // The vocabulary is the training vocabulary of today's corpus and the tutorial's texts, UNK row included.
  const attn::train::TrainingVocabulary vocab =
      attn::train::training_vocabulary(s.tokenizer, attn::train::tutorial_texts());
  CHECK(c.gpt2_ids == vocab.gpt2_ids);
  CHECK(*c.unk_row == vocab.unk_row);
  CHECK(!s.meta("film_steps").empty());
  CHECK(s.meta("loss_train").front() == '[');
}

TEST_CASE("the shipped model's corpus is what the generator makes today", "[tiny_tutor]") {
  Shipped& s = shipped();
  attn::train::CorpusOptions o;
  o.seed = std::stoull(s.meta("corpus_seed"));
  o.repeated_span_share = std::stod(s.meta("corpus_repeat_share"));
  o.chinese_share = std::stod(s.meta("corpus_chinese_share"));
  const auto span = s.file.header.metadata.find("corpus_span");  // "min-max"; files without it used the defaults
  if (span != s.file.header.metadata.end()) {
    const std::string& text = span->second;
    o.span_min = std::stoul(text.substr(0, text.find('-'))), o.span_max = std::stoul(text.substr(text.find('-') + 1));
  }
  const auto mixed = s.file.header.metadata.find("corpus_mixed_cues");  // files without it drew the original phrases
  if (mixed != s.file.header.metadata.end()) o.mixed_cues = std::stoul(mixed->second);
  o.fresh_repeat_verb = s.file.header.metadata.count("corpus_fresh_repeat_verb") > 0;
  const std::vector<std::uint32_t> stream =
      attn::train::corpus_stream(s.tokenizer, o, std::stoull(s.meta("corpus_tokens")));
  CHECK(attn::train::stream_sha256(stream) == s.meta("corpus_sha256"));
  // The tutorial's sentences, verbatim, are among what the model trained on (their pairs are never held out).
  for (const char* text : {"A fluffy blue creature purrs.", "A fluffy blue creature floats.", "小明和小红去了公园。他唱歌。"}) {
    const auto needle = s.tokenizer.encode(text, attn::tok::SpecialTokens::as_text);
    INFO(text);
    CHECK(std::search(stream.begin(), stream.end(), needle.begin(), needle.end()) != stream.end());
  }
}

TEST_CASE("the shipped model's heads: recorded scores re-measured, and the bars", "[tiny_tutor]") {
  Shipped& s = shipped();
  const std::string& how = s.meta("head_report");
  attn::train::HeadReportOptions ho;
  ho.documents = option_of(how, "documents");
  ho.induction_period = option_of(how, "induction_period");
  ho.induction_sequences = option_of(how, "induction_sequences");
  ho.seed = option_of(how, "seed");
  ho.threads = 2;
  attn::train::HeadReport r;
  REQUIRE(attn::train::measure_heads(s.model, s.tokenizer, ho, r).ok());
  const std::vector<double> now = numbers_in(r.to_json()), recorded = numbers_in(s.meta("head_scores"));
  REQUIRE(now.size() == recorded.size());
  for (std::size_t i = 0; i < now.size(); ++i) {
    INFO("number " << i << " of the head report");
    CHECK(std::abs(now[i] - recorded[i]) <= 2e-3);  // 4 printed decimals + another kernel table's rounding
  }
  WARN("head report of the shipped model: " << r.to_json());

  const std::size_t induction = r.best(r.induction), noun = r.best(r.noun_en.lift),
                    pronoun = r.best(r.pronoun_en.lift);
  CHECK(r.induction[induction] >= 0.6);
  CHECK(r.induction_loss <= 1.0);
  // Noun → its cue adjectives (quality and colours; each cue's verb may follow the noun), the size word excluded.
  CHECK(r.noun_en.lift[noun] >= 0.5);
  CHECK(r.noun_en.p_next >= 0.95);
  CHECK(r.pronoun_en.lift[pronoun] >= 0.5);
  CHECK(r.pronoun_en.p_next >= 0.8);
  CHECK(std::set<std::size_t>{induction, noun, pronoun}.size() >= 2);
}

TEST_CASE("'A fluffy blue creature': the strongest noun → adjective head gathers fluffy and blue", "[tiny_tutor]") {
  // The tutorial's picture: creature gathers meaning from fluffy and blue. The corpus makes every quality and colour
  // adjective a cue (each has its own verb, any of them may follow the noun), drawn from both kinds together, so no
  // kind of cue is special to a head.
  Shipped& s = shipped();
  attn::train::HeadReport r;
  attn::train::HeadReportOptions ho;
  ho.documents = 60, ho.induction_sequences = 1, ho.induction_period = 8;
  REQUIRE(attn::train::measure_heads(s.model, s.tokenizer, ho, r).ok());
  const std::size_t best = r.best(r.noun_en.lift), L = s.model.config().layers, H = s.model.config().heads;
  // Every head's attention from the noun (the last token) over "<|endoftext|>" + text: [L·H][T].
  const auto noun_rows = [&](const char* text, std::size_t tokens) {
    std::vector<std::uint32_t> ids{50256};
    s.tokenizer.encode(text, attn::tok::SpecialTokens::as_text, ids);
    REQUIRE(ids.size() == tokens);
    attn::Gpt2ForwardOptions fo;
    fo.attention = true;
    attn::Gpt2ForwardResult out;
    REQUIRE(s.model.forward(ids.data(), ids.size(), fo, out).ok());
    const std::size_t T = ids.size();
    std::vector<std::vector<float>> rows;
    for (std::size_t lh = 0; lh < L * H; ++lh) {
      const float* row = &out.attention[(lh * T + (T - 1)) * T];
      rows.emplace_back(row, row + T);
    }
    return rows;
  };
  const auto rows = noun_rows("A fluffy blue creature", 5);  // BOS, A, ·fluffy, ·blue, ·creature
  INFO("strongest noun head L" << best / H << "H" << best % H << ": fluffy " << rows[best][2] << ", blue "
                               << rows[best][3]);
  CHECK(rows[best][2] >= 0.25);  // a quarter of the weight or more on each adjective (the page's "reads")
  CHECK(rows[best][3] >= 0.25);
  CHECK(rows[best][2] + rows[best][3] >= 0.75);
  // The size word decides nothing: the head gives it less than either cue.
  const auto big = noun_rows("A big fluffy blue creature", 6);  // BOS, A, ·big, ·fluffy, ·blue, ·creature
  INFO("with 'big': big " << big[best][2] << ", fluffy " << big[best][3] << ", blue " << big[best][4]);
  CHECK(big[best][2] < big[best][3]);
  CHECK(big[best][2] < big[best][4]);
}
