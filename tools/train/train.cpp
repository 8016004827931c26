// train_gpt2: trains our tiny GPT-2 on the corpus generator's stream and writes it as an F16 GPT-2 safetensors file
// with its vocabulary map, loss curve, head scores and training film (what `npm run train` runs).
// Resumable: every --state-every steps it saves parameters, AdamW moments, the loss curve and the film to --state;
// started again with the same options it continues from there and ends with the same bytes.
//   train_gpt2 --out FILE [--state FILE] [--log FILE] [--bpe gpt2-bpe.bin] [--layers 3] [--heads 4] [--d-model 128]
//              [--seq 128] [--batch 8] [--steps 16000] [--warmup 200] [--lr 3e-3] [--seed 1] [--corpus-seed 1]
//              [--threads 2] [--eval-every 500] [--state-every 1000] [--film-frames 16] [--report-docs 300]
//              [--repeat-share 0.3] [--chinese-share 0.35] [--span-min 8] [--span-max 32] [--span-pool 0]
//              [--head-dropout 0] [--pair-verbs 0|1] [--mixed-cues 0..4] [--fresh-repeat-verb 0|1]
// Prints progress to stderr and one JSON summary (timing, throughput, head report) to stdout.
//   train_gpt2 --report FILE [--report-docs 300] [--corpus-seed 1]: prints the head report of any GPT-2 file and
//   its tutorial_noun_row (every head's weights from " creature" onto " fluffy" and " blue").
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "attn/core/parallel.hpp"
#include "attn/core/rng.hpp"
#include "attn/train/corpus.hpp"
#include "attn/train/film.hpp"
#include "attn/train/head_report.hpp"
#include "attn/train/trainer.hpp"
#include "file_io.hpp"
#include "option_reader.hpp"


namespace {

using namespace attn;
using namespace attn::train;

struct Options {
  std::string out, state, log, report, bpe = ATTN_GPT2_ASSET_DEFAULT;
  TrainerConfig trainer;
  std::uint64_t corpus_seed = 1;
  double repeat_share = 0.3, chinese_share = 0.35;  // CorpusOptions' defaults
  std::size_t span_min = 8, span_max = 32, span_pool = 0;
  std::size_t eval_every = 500, state_every = 1000, film_frames = 16, report_docs = 300;
  /// Each step switches each head off with this probability (its output zero for that step: heads learn not to
  /// lean on one another); the draw depends on the seed and the step only, so a resumed run draws the same. 0 = off.
  double head_dropout = 0;
  bool pair_verbs = false;  ///< CorpusOptions::pair_verbs (an experiment)
  std::size_t mixed_cues = 0;  ///< CorpusOptions::mixed_cues
  bool fresh_repeat_verb = false;  ///< CorpusOptions::fresh_repeat_verb
};

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "train_gpt2: %s\n", message.c_str());
  std::exit(1);
}

void check(const Status& st, const char* what) {
  if (!st.ok()) fail(std::string(what) + ": " + st.message);
}

Options parse(int argc, char** argv) {
  Options o;
  o.trainer.steps = 16000, o.trainer.warmup = 200, o.trainer.threads = 2;
  for (tools::OptionReader r(argc, argv, fail); r.next();) {
    const std::string& key = r.key();
    if (key == "--out") o.out = r.text();
    else if (key == "--report") o.report = r.text();
    else if (key == "--state") o.state = r.text();
    else if (key == "--log") o.log = r.text();
    else if (key == "--bpe") o.bpe = r.text();
    else if (key == "--layers") o.trainer.layers = r.whole();
    else if (key == "--heads") o.trainer.heads = r.whole();
    else if (key == "--d-model") o.trainer.d_model = r.whole();
    else if (key == "--seq") o.trainer.seq = o.trainer.context = r.whole();
    else if (key == "--batch") o.trainer.batch = r.whole();
    else if (key == "--steps") o.trainer.steps = r.whole();
    else if (key == "--warmup") o.trainer.warmup = r.whole();
    else if (key == "--seed") o.trainer.seed = r.whole();
    else if (key == "--corpus-seed") o.corpus_seed = r.whole();
    else if (key == "--threads") o.trainer.threads = r.whole();
    else if (key == "--eval-every") o.eval_every = std::max<std::size_t>(1, r.whole());
    else if (key == "--state-every") o.state_every = std::max<std::size_t>(100, r.whole() / 100 * 100);  // whole loss windows
    else if (key == "--film-frames") o.film_frames = r.whole();
    else if (key == "--report-docs") o.report_docs = r.whole();
    else if (key == "--span-min") o.span_min = r.whole();
    else if (key == "--span-pool") o.span_pool = r.whole();
    else if (key == "--span-max") o.span_max = r.whole();
    else if (key == "--repeat-share") o.repeat_share = r.share();
    else if (key == "--chinese-share") o.chinese_share = r.share();
    else if (key == "--head-dropout") o.head_dropout = r.share();
    else if (key == "--pair-verbs") o.pair_verbs = r.whole() != 0;
    else if (key == "--mixed-cues") o.mixed_cues = r.whole();
    else if (key == "--fresh-repeat-verb") o.fresh_repeat_verb = r.whole() != 0;
    else if (key == "--lr") o.trainer.lr = float(r.positive());
    else fail("unknown option " + key + " (see the comment at the top of tools/train/train.cpp)");
  }
  if (o.out.empty() && o.report.empty()) fail("--out FILE (train) or --report FILE (measure a model) is required");
  if (o.state.empty()) o.state = o.out + ".state";
  return o;
}

std::string fixed4(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  return buf;
}

/// A JSON array of numbers kept as text, so it round-trips through the state file exactly.
struct Curve {
  std::string json = "[";
  void add(double v) { json += (json.size() > 1 ? ", " : "") + fixed4(v); }
  std::string text() const { return json + "]"; }
  void restore(const std::string& text) { json = text.substr(0, text.size() - 1); }
};

/// Every head's weight from " creature" onto " fluffy" and onto " blue" in "A fluffy blue creature", the tutorial's
/// sentence (its picture: the strongest noun → adjective head reads both), as JSON [[fluffy, blue], …] by l·heads + h.
std::string tutorial_row_json(const Gpt2Model& model, const tok::Gpt2Tokenizer& tokenizer) {
  std::vector<std::uint32_t> ids{tok::kEndOfText};  // BOS, A, ·fluffy, ·blue, ·creature
  tokenizer.encode("A fluffy blue creature", tok::SpecialTokens::as_text, ids);
  Gpt2ForwardOptions fo;
  fo.attention = true;
  Gpt2ForwardResult out;
  check(model.forward(ids.data(), ids.size(), fo, out), "forward on the tutorial's sentence");
  const std::size_t T = ids.size(), heads = model.config().layers * model.config().heads;
  std::string json = "[";
  char buf[64];
  for (std::size_t lh = 0; lh < heads; ++lh) {
    const float* row = &out.attention[(lh * T + T - 1) * T];
    std::snprintf(buf, sizeof buf, "%s[%.4f, %.4f]", lh ? ", " : "", double(row[T - 3]), double(row[T - 2]));
    json += buf;
  }
  return json + "]";
}

/// --report FILE: the head report of any GPT-2 file (ours or a user's) on the corpus's held-out split.
int report(const Options& o, const tok::Gpt2Tokenizer& tokenizer) {
  std::vector<std::uint8_t> bytes;
  if (!tools::read_file(o.report, bytes)) fail("cannot read " + o.report);
  Gpt2Loader loader;
  check(gpt2_loader_from_safetensors(bytes.data(), bytes.size(), loader), o.report.c_str());
  Gpt2Model model;
  check(model.load(loader), o.report.c_str());
  HeadReportOptions ho;
  ho.documents = o.report_docs;
  ho.seed = o.corpus_seed;
  ho.threads = o.trainer.threads;
  ho.induction_period = std::min<std::size_t>(30, (model.config().context - 1) / 2);
  ho.induction_pool = o.span_pool;
  HeadReport heads;
  check(measure_heads(model, tokenizer, ho, heads), "head report");
  std::printf("{\"heads\": %s, \"tutorial_noun_row\": %s}\n", heads.to_json().c_str(),
              tutorial_row_json(model, tokenizer).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  TrainerConfig& tc = o.trainer;
  tok::Gpt2Tokenizer tokenizer;
  check(tokenizer.load_file(o.bpe), "tokenizer");
  if (!o.report.empty()) return report(o, tokenizer);

  const TrainingVocabulary vocab = training_vocabulary(tokenizer, tutorial_texts());
  if (vocab.gpt2_ids.empty()) fail("empty vocabulary");
  tc.vocab = vocab.gpt2_ids.size();
  check(tc.check(), "config");
  const auto to_rows = [&](std::vector<std::uint32_t>& ids) {
    if (std::size_t unknown = vocab.to_rows(ids)) fail(std::to_string(unknown) + " corpus ids are not in the vocabulary");
  };

  // Data: step s reads sequences [s·B, (s+1)·B) of T + 1 consecutive stream tokens.
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t per_step = tc.batch * (tc.seq + 1);
  CorpusOptions train_opts;
  train_opts.seed = o.corpus_seed;
  train_opts.repeated_span_share = o.repeat_share;
  train_opts.chinese_share = o.chinese_share;
  train_opts.span_min = o.span_min, train_opts.span_max = o.span_max, train_opts.span_pool = o.span_pool;
  train_opts.pair_verbs = o.pair_verbs;
  train_opts.mixed_cues = o.mixed_cues;
  train_opts.fresh_repeat_verb = o.fresh_repeat_verb;
  check(validate(tokenizer, train_opts), "corpus options");
  std::vector<std::uint32_t> stream = corpus_stream(tokenizer, train_opts, per_step * tc.steps);
  const std::string corpus_sha = stream_sha256(stream);
  to_rows(stream);
  CorpusOptions held_opts = train_opts;
  held_opts.split = Split::heldout;
  std::vector<std::uint32_t> heldout = corpus_stream(tokenizer, held_opts, per_step * 4);
  to_rows(heldout);
  const double corpus_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::fprintf(stderr, "corpus: %zu tokens in %.1f s, sha256 %s; vocabulary %zu rows (UNK = id %u at row %u)\n",
               stream.size(), corpus_seconds, corpus_sha.c_str(), vocab.gpt2_ids.size(), vocab.unk_id, vocab.unk_row);

  Gpt2Trainer trainer(tc);
  check(trainer.set_vocabulary(vocab.gpt2_ids, vocab.unk_row), "vocabulary");
  Film film = make_film(tokenizer, tc.context);
  const std::vector<std::size_t> film_at = film_schedule(tc.steps + 1, o.film_frames);
  Curve train_curve, heldout_curve;
  double window_loss = 0;
  std::size_t window = 0;

  std::vector<std::uint8_t> state_bytes;
  if (tools::read_file(o.state, state_bytes)) {
    std::map<std::string, std::string> meta;
    check(trainer.load_state(state_bytes.data(), state_bytes.size(), meta), o.state.c_str());
    if (meta["corpus_sha256"] != corpus_sha) fail(o.state + ": made from another corpus");
    io::SafetensorsFile f;
    check(io::read_safetensors(state_bytes.data(), state_bytes.size(), f), o.state.c_str());
    check(film_from_file(f, film), "film in the state file");
    train_curve.restore(meta["loss_train"]), heldout_curve.restore(meta["loss_heldout"]);
    std::fprintf(stderr, "resuming %s at step %zu\n", o.state.c_str(), trainer.step());
  }

  const auto model_now = [&](Gpt2Model& model) {
    Gpt2Loader loader;
    check(trainer.to_loader(loader), "export");
    check(model.load(loader), "reload");
  };
  const auto heldout_loss = [&]() {
    double sum = 0;
    for (std::size_t b = 0; b < 4; ++b) {
      double loss = 0;
      check(trainer.evaluate(&heldout[b * per_step], tc.batch, loss), "evaluate");
      sum += loss;
    }
    return sum / 4;
  };
  const auto save_state = [&]() {
    std::vector<std::uint8_t> bytes;
    check(trainer.save_state({{"corpus_sha256", corpus_sha}, {"loss_train", train_curve.text()},
                              {"loss_heldout", heldout_curve.text()}, {"film_steps", film_steps_json(film)}},
                             film_tensors(film), bytes),
          "state");
    tools::write_file(o.state, bytes, fail);
  };

  FILE* log = o.log.empty() ? nullptr : std::fopen(o.log.c_str(), trainer.step() ? "a" : "w");
  const auto run_start = std::chrono::steady_clock::now();
  const std::size_t first_step = trainer.step();
  StepReport report;
  for (std::size_t s = trainer.step(); s <= tc.steps; ++s) {
    if (std::find(film_at.begin(), film_at.end(), s) != film_at.end() && (film.steps.empty() || film.steps.back() < s)) {
      Gpt2Model model;
      model_now(model);
      check(record_frame(model, s, film), "film");
    }
    if (s == tc.steps) break;
    if (o.head_dropout > 0) {
      Rng rng(tc.seed * 0x9E3779B97F4A7C15ull + s);
      std::vector<std::uint8_t> on(tc.layers * tc.heads);
      for (auto& x : on) x = 0.5f * (rng.uniform_pm1() + 1.0f) >= float(o.head_dropout);
      check(trainer.set_head_mask(std::move(on)), "head dropout");
    }
    check(trainer.train_step(&stream[s * per_step], report), "step");
    if (o.head_dropout > 0) check(trainer.set_head_mask({}), "head dropout");
    window_loss += report.loss, ++window;
    if ((s + 1) % 100 == 0) {
      train_curve.add(window_loss / double(window));
      window_loss = 0, window = 0;
    }
    if ((s + 1) % o.eval_every == 0 || s + 1 == tc.steps) {
      const double held = heldout_loss();
      if ((s + 1) % o.eval_every == 0) heldout_curve.add(held);
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
      const double tps = double((s + 1 - first_step) * tc.batch * tc.seq) / secs;
      std::fprintf(stderr, "step %5zu  loss %.4f  held-out %.4f  lr %.2e  |g| %.3f  %.0f tok/s\n", s + 1, report.loss,
                   held, double(report.lr), report.grad_norm, tps);
      if (log) {
        std::fprintf(log, "{\"step\": %zu, \"loss\": %.4f, \"heldout\": %.4f, \"lr\": %.3e, \"grad_norm\": %.4f, \"tokens_per_s\": %.0f}\n",
                     s + 1, report.loss, held, double(report.lr), report.grad_norm, tps);
        std::fflush(log);
      }
    }
    if ((s + 1) % o.state_every == 0 && s + 1 < tc.steps) save_state();
  }
  if (log) std::fclose(log);
  const double train_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();

  // Measure the heads of the model as shipped (weights rounded to F16, read back by the runtime's loader), so the
  // scores in the file are what a test of the file measures again.
  std::vector<std::uint8_t> file;
  check(trainer.save(io::DType::F16, {}, file), "save");
  Gpt2Model model;
  {
    Gpt2Loader loader;
    check(gpt2_loader_from_safetensors(file.data(), file.size(), loader), "reload");
    check(model.load(loader), "reload");
  }
  HeadReportOptions ho;
  ho.documents = o.report_docs;
  ho.seed = o.corpus_seed;
  ho.threads = tc.threads;
  ho.induction_period = std::min<std::size_t>(30, (tc.context - 1) / 2);
  ho.induction_pool = o.span_pool;
  HeadReport heads;
  check(measure_heads(model, tokenizer, ho, heads), "head report");
  const std::string head_json = heads.to_json();
  std::map<std::string, std::string> meta = {
      {"corpus_seed", std::to_string(o.corpus_seed)},
      {"corpus_repeat_share", fixed4(o.repeat_share)},
      {"corpus_chinese_share", fixed4(o.chinese_share)},
      {"corpus_span", std::to_string(o.span_min) + "-" + std::to_string(o.span_max)},
      {"corpus_sha256", corpus_sha},
      {"corpus_tokens", std::to_string(stream.size())},
      {"train_steps", std::to_string(tc.steps)},
      {"trainer", trainer.fingerprint()},
      {"loss_train", train_curve.text()},
      {"loss_train_every", "100"},
      {"loss_heldout", heldout_curve.text()},
      {"loss_heldout_every", std::to_string(o.eval_every)},
      {"head_scores", head_json},
      {"film_steps", film_steps_json(film)},
      {"film_texts", std::to_string(film.ids.size())},
      {"head_report", "documents=" + std::to_string(ho.documents) + " induction_period=" +
                          std::to_string(ho.induction_period) + " induction_sequences=" +
                          std::to_string(ho.induction_sequences) + " seed=" + std::to_string(ho.seed)},
  };
  if (o.head_dropout > 0) meta["train_head_dropout"] = fixed4(o.head_dropout);
  if (o.pair_verbs) meta["corpus_pair_verbs"] = "1";
  if (o.mixed_cues) meta["corpus_mixed_cues"] = std::to_string(o.mixed_cues);
  if (o.fresh_repeat_verb) meta["corpus_fresh_repeat_verb"] = "1";
  if (o.span_pool) meta["corpus_span_pool"] = std::to_string(o.span_pool);
  check(trainer.save(io::DType::F16, meta, file, film_tensors(film)), "save");
  tools::write_file(o.out, file, fail);
  std::remove(o.state.c_str());
  std::printf("{\"out\": \"%s\", \"bytes\": %zu, \"steps\": %zu, \"train_seconds\": %.1f, \"corpus_seconds\": %.1f, "
              "\"tokens_per_s\": %.0f, \"threads\": %zu, \"vocab\": %zu, \"heldout_loss\": %.4f, \"heads\": %s, "
              "\"tutorial_noun_row\": %s}\n",
              o.out.c_str(), file.size(), tc.steps, train_seconds, corpus_seconds,
              double((tc.steps - first_step) * tc.batch * tc.seq) / std::max(train_seconds, 1e-9), tc.threads,
              vocab.gpt2_ids.size(), heldout_loss(), head_json.c_str(), tutorial_row_json(model, tokenizer).c_str());
  return 0;
}
