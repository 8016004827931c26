// Training on the corpus: a 200-step run of a small GPT-2 lowers the loss on the held-out split (the trainer and
// the corpus together, as train_gpt2 uses them), and the head report runs on the result.
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "attn/io/safetensors.hpp"
#include "attn/train/corpus.hpp"
#include "attn/train/film.hpp"
#include "attn/train/head_report.hpp"
#include "attn/train/trainer.hpp"
#include "gpt2_asset.hpp"

TEST_CASE("200 steps on the corpus lower the held-out loss", "[corpus][trainer]") {
  const attn::tok::Gpt2Tokenizer& tok = attn_test::gpt2_tokenizer();
  const attn::train::TrainingVocabulary vocab = attn::train::training_vocabulary(tok, attn::train::tutorial_texts());
  attn::train::TrainerConfig c;
  c.layers = 2, c.heads = 2, c.d_model = 32, c.seq = c.context = 32, c.batch = 8, c.vocab = vocab.gpt2_ids.size();
  c.steps = 200, c.warmup = 20, c.lr = 1e-2f, c.threads = 2;
  attn::train::Gpt2Trainer trainer(c);
  REQUIRE(trainer.set_vocabulary(vocab.gpt2_ids, vocab.unk_row).ok());
  const auto rows_of = [&](attn::train::Split split, std::size_t tokens) {
    attn::train::CorpusOptions o;
    o.split = split;
    std::vector<std::uint32_t> ids = attn::train::corpus_stream(tok, o, tokens);
    CHECK(vocab.to_rows(ids) == 0);
    return ids;
  };
  const std::size_t per_step = c.batch * (c.seq + 1);
  const std::vector<std::uint32_t> train = rows_of(attn::train::Split::train, per_step * c.steps);
  const std::vector<std::uint32_t> heldout = rows_of(attn::train::Split::heldout, per_step);
  double before = 0, after = 0;
  REQUIRE(trainer.evaluate(heldout.data(), c.batch, before).ok());
  attn::train::StepReport report;
  for (std::size_t s = 0; s < c.steps; ++s) REQUIRE(trainer.train_step(&train[s * per_step], report).ok());
  REQUIRE(trainer.evaluate(heldout.data(), c.batch, after).ok());
  INFO("held-out loss " << before << " -> " << after);
  CHECK(before > 5.5);  // ≈ ln(425): uniform over the vocabulary
  CHECK(after < before - 2.0);

  attn::Gpt2Loader loader;
  attn::Gpt2Model model;
  REQUIRE(trainer.to_loader(loader).ok());
  REQUIRE(model.load(loader).ok());
  attn::train::HeadReportOptions ho;
  ho.documents = 20, ho.induction_period = 15, ho.induction_sequences = 2;
  attn::train::HeadReport heads;
  REQUIRE(attn::train::measure_heads(model, tok, ho, heads).ok());
  CHECK(heads.induction.size() == 4);
  CHECK(heads.noun_en.probes > 0);
  CHECK(heads.pronoun_en.probes > 0);
  CHECK(heads.noun_en.p_next > 0.0);
}

TEST_CASE("the training film of a short-context model holds its probes cut to the context and reads back", "[film]") {
  const attn::tok::Gpt2Tokenizer& tok = attn_test::gpt2_tokenizer();
  const attn::train::TrainingVocabulary vocab = attn::train::training_vocabulary(tok, attn::train::tutorial_texts());
  attn::train::TrainerConfig c;
  c.layers = 2, c.heads = 2, c.d_model = 16, c.seq = c.context = 16, c.batch = 1, c.vocab = vocab.gpt2_ids.size();
  attn::train::Gpt2Trainer trainer(c);
  REQUIRE(trainer.set_vocabulary(vocab.gpt2_ids, vocab.unk_row).ok());
  attn::Gpt2Loader loader;
  attn::Gpt2Model model;
  REQUIRE(trainer.to_loader(loader).ok());
  REQUIRE(model.load(loader).ok());

  attn::train::Film film = attn::train::make_film(tok, c.context);
  REQUIRE(std::any_of(attn::train::film_texts().begin(), attn::train::film_texts().end(),
                      [](const std::string& t) { return t.size() > 16; }));  // at least one probe was cut
  for (const auto& ids : film.ids) CHECK(ids.size() <= c.context);
  REQUIRE(attn::train::record_frame(model, 0, film).ok());
  REQUIRE(attn::train::record_frame(model, 5, film).ok());

  std::vector<std::uint8_t> bytes;
  REQUIRE(attn::io::write_safetensors(attn::train::film_tensors(film),
                                      {{"film_steps", attn::train::film_steps_json(film)}}, bytes)
              .ok());
  attn::io::SafetensorsFile file;
  REQUIRE(attn::io::read_safetensors(bytes.data(), bytes.size(), file).ok());
  attn::train::Film back = attn::train::make_film(tok, c.context);
  REQUIRE(attn::train::film_from_file(file, back).ok());
  CHECK(back.steps == film.steps);
  CHECK(back.frames == film.frames);
  // Each causal row of each frame holds weights that sum to ≈1 (255 per row, up to rounding).
  const auto& ids = film.ids[0];
  const std::size_t T = ids.size();
  std::size_t cell = 0;
  for (std::size_t lh = 0; lh < c.layers * c.heads; ++lh)
    for (std::size_t i = 0; i < T; ++i) {
      int sum = 0;
      for (std::size_t j = 0; j <= i; ++j) sum += film.frames[0][cell++];
      CHECK(std::abs(sum - 255) <= int(i + 1));
    }

  // A probe longer than the model's context is refused, not cut silently.
  attn::train::Film too_long = attn::train::make_film(tok, 64);
  CHECK(!attn::train::record_frame(model, 0, too_long).ok());
}
