// live_sweep: the page's live training (web/train-worker.js) run natively, to choose its task and schedule: for each
// seed it trains on the same row stream (train/row_stream.hpp), measures the heads every --report-every steps as the
// page does, and prints one JSON line per seed with the step at which the induction head formed (the best head's
// induction score above --threshold in --confirm measurements in a row, the page's rule), the step of the page's
// copying mark (the loss on the probes' second copies below 2 nats, web/forming.js's rule), the step at which the
// model copies well (below 1 nat), its seconds and ms/step, and the curve of loss and score. A seed stops once it
// copies well and one of the marks has come (or at --max-steps).
// Not a test and not the page's numbers (those come from bench/train-live.bench.mjs in Chromium).
//   live_sweep [--bpe gpt2-bpe.bin] [--seeds 1,2,3] [--layers 2] [--heads 4] [--d-model 64] [--d-ff 0 = 4·d] [--seq 32]
//   [--batch 16]
//              [--lr 3e-3] [--min-lr-ratio 0.1] [--weight-decay 0.1] [--beta2 0.95]
//              [--init-scale 1] [--attention-only 0] [--warmup 50] [--steps 3000] [--max-steps =steps]
//              [--span-min 10] [--span-max 15] [--span-gap-min 0] [--span-gap-max 0] [--span-copies 2] [--span-pool 24] [--alternation-share 0] [--repeat-share 1] [--chinese-share 0.35]
//              [--report-every 50]
//              [--report-docs 10] [--report-sequences 3] [--threshold 0.2] [--confirm 2] [--threads 1]
//              [--run-on 1] [--out path-prefix] [--inspect 0]
// --inspect 1 prints, after each seed, where every head looks on [BOS, x, x] probes of period (seq − 1)/2 and 11: the
// three offsets back (query − key) that take the most attention over the second copy's rows. An induction head
// looks period − 1 back; one that also matches the current token's predecessor and reads the next token through the
// previous-token head looks period − 2 back.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "attn/core/rng.hpp"
#include "attn/model/gpt2.hpp"
#include "attn/train/corpus.hpp"
#include "attn/train/head_report.hpp"
#include "attn/train/row_stream.hpp"
#include "attn/train/trainer.hpp"
#include "file_io.hpp"
#include "option_reader.hpp"

namespace {

using namespace attn;
using namespace attn::train;

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "live_sweep: %s\n", message.c_str());
  std::exit(1);
}

void check(const Status& st, const char* what) {
  if (!st.ok()) fail(std::string(what) + ": " + st.message);
}

struct Options {
  std::string bpe = ATTN_GPT2_ASSET_DEFAULT;
  std::vector<std::uint64_t> seeds{1, 2, 3};
  TrainerConfig trainer;
  CorpusOptions corpus;
  std::size_t max_steps = 0, report_every = 50, report_docs = 10, report_sequences = 3, confirm = 2;
  double threshold = 0.2;
  std::string out;    ///< where each seed's final model goes (".seed<N>.safetensors" appended), if anywhere
  double run_on = 1;  ///< after both marks, go on to run_on × the later one's step (1: stop there)
  bool inspect = false;
};

Options parse(int argc, char** argv) {
  Options o;
  TrainerConfig& t = o.trainer;
  // The page's model and induction task (web/train-worker.js) as the starting point.
  t.layers = 2, t.heads = 4, t.d_model = 64, t.seq = t.context = 32, t.batch = 16, t.warmup = 50, t.steps = 3000;
  t.threads = 1;
  o.corpus.repeated_span_share = 1, o.corpus.span_min = 10, o.corpus.span_max = 15, o.corpus.span_pool = 24;
  for (tools::OptionReader r(argc, argv, fail); r.next();) {
    const std::string& key = r.key();
    const std::string& value = r.text();
    if (key == "--bpe")
      o.bpe = value;
    else if (key == "--seeds") {
      o.seeds.clear();
      for (std::size_t at = 0; at < value.size();) {
        const std::size_t comma = value.find(',', at);
        o.seeds.push_back(std::strtoull(value.substr(at, comma - at).c_str(), nullptr, 10));
        at = comma == std::string::npos ? value.size() : comma + 1;
      }
    } else if (key == "--layers")
      t.layers = r.whole();
    else if (key == "--heads")
      t.heads = r.whole();
    else if (key == "--d-model")
      t.d_model = r.whole();
    else if (key == "--d-ff")
      t.d_ff = r.whole();
    else if (key == "--seq")
      t.seq = t.context = r.whole();
    else if (key == "--batch")
      t.batch = r.whole();
    else if (key == "--lr")
      t.lr = float(r.number());
    else if (key == "--min-lr-ratio")
      t.min_lr_ratio = float(r.number());
    else if (key == "--weight-decay")
      t.weight_decay = float(r.number());
    else if (key == "--beta2")
      t.beta2 = float(r.number());
    else if (key == "--init-scale")
      t.init_scale = float(r.number());
    else if (key == "--warmup")
      t.warmup = r.whole();
    else if (key == "--steps")
      t.steps = r.whole();
    else if (key == "--max-steps")
      o.max_steps = r.whole();
    else if (key == "--span-min")
      o.corpus.span_min = r.whole();
    else if (key == "--span-max")
      o.corpus.span_max = r.whole();
    else if (key == "--span-gap-min")
      o.corpus.span_gap_min = r.whole();
    else if (key == "--span-gap-max")
      o.corpus.span_gap_max = r.whole();
    else if (key == "--span-copies")
      o.corpus.span_copies = r.whole();
    else if (key == "--span-pool")
      o.corpus.span_pool = r.whole();
    else if (key == "--attention-only")
      t.attention_only = r.whole() != 0;
    else if (key == "--alternation-share")
      o.corpus.alternation_share = r.number();
    else if (key == "--repeat-share")
      o.corpus.repeated_span_share = r.number();
    else if (key == "--chinese-share")
      o.corpus.chinese_share = r.number();
    else if (key == "--report-every")
      o.report_every = std::max<std::size_t>(1, r.whole());
    else if (key == "--report-docs")
      o.report_docs = r.whole();
    else if (key == "--report-sequences")
      o.report_sequences = r.whole();
    else if (key == "--threshold")
      o.threshold = r.number();
    else if (key == "--confirm")
      o.confirm = std::max<std::size_t>(1, r.whole());
    else if (key == "--threads")
      t.threads = r.whole();
    else if (key == "--inspect")
      o.inspect = r.whole() != 0;
    else if (key == "--out")
      o.out = value;
    else if (key == "--run-on")
      o.run_on = r.number();
    else
      fail("unknown option " + key + " (see the comment at the top of tools/train/live_sweep.cpp)");
  }
  if (!o.max_steps) o.max_steps = t.steps;
  return o;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Prints each head's three most-attended offsets (query − key) over the second copy of one [BOS, x, x] probe of
/// period P, for P = (context − 1)/2 and P = 11: a head that finds the earlier copy moves with P, one that looks a
/// fixed distance back does not.
void inspect(const Gpt2Model& model, const CorpusOptions& corpus, const tok::Gpt2Tokenizer& tokenizer) {
  const Gpt2Config& c = model.config();
  std::vector<std::uint32_t> pool = span_tokens(tokenizer);
  if (corpus.span_pool) pool.resize(std::min(pool.size(), corpus.span_pool));
  for (std::size_t P : {(c.context - 1) / 2, std::size_t(11)}) {
    Rng rng(corpus.seed + 99);
    const std::vector<std::uint32_t> ids = repeated_probe(pool, P, rng);
    Gpt2ForwardOptions fo;
    fo.attention = true;
    fo.all_attention_max_tokens = c.context;
    fo.logits = LogitsFor::none;
    Gpt2ForwardResult r;
    Gpt2Session session = model.session();
    check(session.append(ids.data(), ids.size(), fo, r), "inspect");
    const std::size_t T = ids.size();
    for (std::size_t lh = 0; lh < c.layers * c.heads; ++lh) {
      std::vector<double> by_offset(T, 0.0);
      for (std::size_t i = P + 1; i < T; ++i)
        for (std::size_t j = 0; j <= i; ++j) by_offset[i - j] += r.attention[(lh * T + i) * T + j] / double(P);
      std::vector<std::size_t> order(T);
      for (std::size_t k = 0; k < T; ++k) order[k] = k;
      std::partial_sort(order.begin(), order.begin() + 3, order.end(),
                        [&](std::size_t a, std::size_t b) { return by_offset[a] > by_offset[b]; });
      std::fprintf(stderr, "  L%zuH%zu (period %zu):", lh / c.heads, lh % c.heads, P);
      for (std::size_t k = 0; k < 3; ++k) std::fprintf(stderr, "  %zu back %.2f", order[k], by_offset[order[k]]);
      std::fprintf(stderr, "\n");
    }
  }
}

/// One seed: trains until the induction head is confirmed or max_steps; prints its JSON line.
void run(const Options& o, const tok::Gpt2Tokenizer& tokenizer, const TrainingVocabulary& vocab, std::uint64_t seed) {
  TrainerConfig tc = o.trainer;
  tc.seed = seed;
  Gpt2Trainer trainer(tc);
  check(trainer.set_vocabulary(vocab.gpt2_ids, vocab.unk_row), "vocabulary");
  RowStream stream(tokenizer, o.corpus, vocab);
  HeadReportOptions ho;  // as bind_train.cpp's report()
  ho.documents = o.report_docs, ho.induction_sequences = o.report_sequences, ho.seed = o.corpus.seed;
  ho.induction_period = (tc.context - 1) / 2, ho.induction_pool = o.corpus.span_pool;

  double train_s = 0, measure_s = 0, window_loss = 0, best = 0, induction_loss = 0;
  std::size_t formed = 0, copies = 0, marked = 0, run_length = 0, copy_run = 0, window = 0, best_at = 0;
  std::string curve = "[";  // the mean loss of each report window
  StepReport r;
  for (std::size_t s = 1; s <= o.max_steps; ++s) {
    auto t0 = std::chrono::steady_clock::now();
    check(trainer.train_step(stream.next(tc.batch * (tc.seq + 1)), r), "step");
    train_s += seconds_since(t0);
    window_loss += r.loss, ++window;
    if (s % o.report_every) continue;
    t0 = std::chrono::steady_clock::now();
    Gpt2Loader loader;
    check(trainer.to_loader(loader), "model");
    Gpt2Model model;
    check(model.load(loader), "model");
    HeadReport heads;
    check(measure_heads(model, tokenizer, ho, heads), "head report");
    measure_s += seconds_since(t0);
    // An induction head reads a previous layer (K-composition), so only heads of layer ≥ 1 count: a layer-0 head
    // that scores is a fixed-offset head matching the probe's period, not one that finds the earlier copy.
    // A 1-layer model has no such head: its best stays 0.
    best_at = tc.heads;
    for (std::size_t k = tc.heads; k < heads.induction.size(); ++k)
      if (heads.induction[k] > heads.induction[best_at]) best_at = k;
    best = best_at < heads.induction.size() ? heads.induction[best_at] : 0, induction_loss = heads.induction_loss;
    const std::size_t layer0_best = heads.best({heads.induction.begin(), heads.induction.begin() + long(tc.heads)});
    const std::size_t prev_at = heads.best(heads.previous_token);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s[%zu, %.3f, %.3f]", curve.size() > 1 ? ", " : "", s, window_loss / window, best);
    curve += buf, window_loss = 0, window = 0;
    std::fprintf(stderr,
                 "seed %llu step %zu  loss %.3f  previous-token L%zuH%zu %.3f  induction L%zuH%zu %.3f (layer 0: %.3f)  "
                 "copy loss %.3f\n",
                 static_cast<unsigned long long>(seed), s, r.loss, prev_at / tc.heads, prev_at % tc.heads,
                 heads.previous_token[prev_at], best_at / tc.heads, best_at % tc.heads, best,
                 heads.induction[layer0_best], induction_loss);
    run_length = best > o.threshold ? run_length + 1 : 0;
    if (run_length == o.confirm && !formed)
      formed = s - (o.confirm - 1) * o.report_every;  // the page marks the first of the confirming measurements
    // The page's copying mark (web/forming.js): below 2 nats in --confirm measurements in a row, at the first.
    copy_run = induction_loss < 2.0 ? copy_run + 1 : 0;
    if (copy_run == o.confirm && !marked) marked = s - (o.confirm - 1) * o.report_every;
    // Copying for real: the loss on the second copy below 1 nat (ln of a 64-token pool is 4.16).
    if (!copies && induction_loss < 1.0) copies = s;
    if ((formed || marked) && copies && s >= o.run_on * std::max(formed ? formed : marked, copies)) break;
  }
  if (o.inspect) {
    Gpt2Loader loader;
    check(trainer.to_loader(loader), "model");
    Gpt2Model model;
    check(model.load(loader), "model");
    inspect(model, o.corpus, tokenizer);
  }
  if (!o.out.empty()) {  // the final model, for a closer look (e.g. its attention in the runtime)
    std::vector<std::uint8_t> bytes;
    check(trainer.save(io::DType::F32, {}, bytes), "save");
    tools::write_file(o.out + ".seed" + std::to_string(seed) + ".safetensors", bytes, fail);
  }
  std::printf(
      "{\"seed\": %llu, \"formed_step\": %s, \"copying_mark_step\": %s, \"copies_step\": %s, \"steps_run\": %zu, \"train_seconds\": %.2f, "
      "\"measure_seconds\": %.2f, \"ms_per_step\": %.2f, \"induction\": %.3f, \"induction_loss\": %.3f, "
      "\"curve\": %s]}\n",
      static_cast<unsigned long long>(seed), formed ? std::to_string(formed).c_str() : "null",
      marked ? std::to_string(marked).c_str() : "null", copies ? std::to_string(copies).c_str() : "null", std::size_t(trainer.step()), train_s, measure_s,
      1000 * train_s / double(trainer.step()), best, induction_loss, curve.c_str());
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  tok::Gpt2Tokenizer tokenizer;
  check(tokenizer.load_file(o.bpe), "tokenizer");
  check(validate(tokenizer, o.corpus), "corpus options");
  const TrainingVocabulary vocab = training_vocabulary(tokenizer, tutorial_texts());
  o.trainer.vocab = vocab.gpt2_ids.size();
  check(o.trainer.check(), "trainer options");
  const TrainerConfig& t = o.trainer;
  std::printf(
      "{\"options\": {\"layers\": %zu, \"heads\": %zu, \"d_model\": %zu, \"seq\": %zu, \"batch\": %zu, "
      "\"d_ff\": %zu, \"lr\": %g, \"min_lr_ratio\": %g, \"weight_decay\": %g, \"beta2\": %g, \"init_scale\": %g, \"attention_only\": %d, "
      "\"warmup\": %zu, \"steps\": %zu, \"max_steps\": %zu, "
      "\"span_min\": %zu, \"span_max\": %zu, \"span_gap_min\": %zu, \"span_gap_max\": %zu, \"span_copies\": %zu, \"span_pool\": %zu, \"alternation_share\": %g, \"repeat_share\": %g, \"chinese_share\": %g, "
      "\"report_every\": %zu, "
      "\"threshold\": %g, \"confirm\": %zu, \"threads\": %zu, \"vocab\": %zu}}\n",
      t.layers, t.heads, t.d_model, t.seq, t.batch, t.ff(), double(t.lr), double(t.min_lr_ratio),
      double(t.weight_decay), double(t.beta2), double(t.init_scale), int(t.attention_only), t.warmup, t.steps, o.max_steps, o.corpus.span_min,
      o.corpus.span_max, o.corpus.span_gap_min, o.corpus.span_gap_max, o.corpus.span_copies, o.corpus.span_pool, o.corpus.alternation_share, o.corpus.repeated_span_share, o.corpus.chinese_share, o.report_every,
      o.threshold, o.confirm, t.threads, vocab.gpt2_ids.size());
  std::fflush(stdout);
  for (std::uint64_t seed : o.seeds) run(o, tokenizer, vocab, seed);
  return 0;
}
