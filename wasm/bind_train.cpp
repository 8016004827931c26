// Embind bindings of the trainer for live training in a page or worker: a GPT-2 trained on the corpus generator's
// stream (read as it is needed, not stored), its steps, its heads measured, its attention on any ids, and the model
// as a safetensors file. Thin: wasm/trainer.js validates options; attn/train holds every rule.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "attn/model/gpt2.hpp"
#include "attn/train/corpus.hpp"
#include "attn/train/head_report.hpp"
#include "attn/train/row_stream.hpp"
#include "attn/train/trainer.hpp"
#include "bind_common.hpp"

namespace {

using attn::js::copy_out;
using attn::js::status_val;
using emscripten::val;

class TrainerJs {
 public:
  /// asset: gpt2-bpe.bin's bytes; o: { layers, heads, dModel, seq, batch, lr, minLrRatio, warmup, steps, seed,
  /// initScale, corpusSeed, repeatShare, chineseShare, spanMin, spanMax, spanGapMin, spanGapMax, spanCopies, spanPool, alternationShare, attentionOnly, threads } (checked by trainer.js).
  val init(const val& asset, const val& o) {
    const std::vector<std::uint8_t> bytes = emscripten::convertJSArrayToNumberVector<std::uint8_t>(asset);
    if (attn::Status st = tok_.load(bytes.data(), bytes.size()); !st.ok()) return status_val(st);
    attn::train::CorpusOptions co;
    co.seed = std::uint64_t(o["corpusSeed"].as<double>());
    co.repeated_span_share = o["repeatShare"].as<double>();
    co.chinese_share = o["chineseShare"].as<double>();
    co.span_min = o["spanMin"].as<std::size_t>(), co.span_max = o["spanMax"].as<std::size_t>();
    co.span_pool = o["spanPool"].as<std::size_t>();
    co.span_gap_min = o["spanGapMin"].as<std::size_t>(), co.span_gap_max = o["spanGapMax"].as<std::size_t>();
    co.span_copies = o["spanCopies"].as<std::size_t>();
    co.alternation_share = o["alternationShare"].as<double>();
    if (attn::Status st = attn::train::validate(tok_, co); !st.ok()) return status_val(st);
    vocab_ = attn::train::training_vocabulary(tok_, attn::train::tutorial_texts());
    attn::train::TrainerConfig c;
    c.layers = o["layers"].as<std::size_t>(), c.heads = o["heads"].as<std::size_t>();
    c.d_model = o["dModel"].as<std::size_t>(), c.seq = c.context = o["seq"].as<std::size_t>();
    c.batch = o["batch"].as<std::size_t>(), c.vocab = vocab_.gpt2_ids.size();
    c.lr = o["lr"].as<float>(), c.min_lr_ratio = o["minLrRatio"].as<float>(), c.warmup = o["warmup"].as<std::size_t>(), c.steps = o["steps"].as<std::size_t>();
    c.seed = std::uint64_t(o["seed"].as<double>()), c.init_scale = o["initScale"].as<float>(), c.threads = o["threads"].as<std::size_t>();
    c.attention_only = o["attentionOnly"].as<bool>();
    if (attn::Status st = c.check(); !st.ok()) return status_val(st);
    trainer_ = std::make_unique<attn::train::Gpt2Trainer>(c);
    model_step_ = kNoModel;
    if (attn::Status st = trainer_->set_vocabulary(vocab_.gpt2_ids, vocab_.unk_row); !st.ok()) return status_val(st);
    corpus_ = co;
    stream_ = std::make_unique<attn::train::RowStream>(tok_, co, vocab_);
    return status_val(attn::Status::success());
  }

  /// n steps: { status, step, loss (mean over the n), lr, gradNorm (of the last) }.
  val step(unsigned n) {
    val out = val::object();
    if (!trainer_) return out.set("status", status_val(attn::Status::invalid_argument("trainer: not initialised"))), out;
    const attn::train::TrainerConfig& c = trainer_->config();
    const std::size_t per_step = c.batch * (c.seq + 1);
    attn::train::StepReport r;
    double loss = 0;
    for (unsigned i = 0; i < n; ++i) {
      if (attn::Status st = trainer_->train_step(stream_->next(per_step), r); !st.ok())
        return out.set("status", status_val(st)), out;
      loss += r.loss;
    }
    out.set("status", status_val(attn::Status::success()));
    out.set("step", double(trainer_->step()));
    out.set("loss", n ? loss / n : 0.0);
    out.set("lr", r.lr);
    out.set("gradNorm", r.grad_norm);
    return out;
  }

  /// Heads switched off while training: on [L·H] of 0/1 (empty: every head on). { status }.
  val setHeadMask(const val& on) {
    if (!trainer_) return status_val(attn::Status::invalid_argument("trainer: not initialised"));
    return status_val(trainer_->set_head_mask(emscripten::convertJSArrayToNumberVector<std::uint8_t>(on)));
  }

  /// The heads measured now (train/head_report.hpp): { status, json }.
  val report(unsigned documents, unsigned sequences) {
    val out = val::object();
    const attn::Gpt2Model* model = nullptr;
    attn::Status st = model_now(model);
    attn::train::HeadReport heads;
    if (st.ok()) {
      attn::train::HeadReportOptions ho;
      ho.documents = documents, ho.induction_sequences = sequences, ho.seed = corpus_.seed;
      ho.induction_period = (model->config().context - 1) / 2;
      ho.induction_pool = corpus_.span_pool;
      st = attn::train::measure_heads(*model, tok_, ho, heads);
    }
    out.set("status", status_val(st));
    if (st.ok()) out.set("json", heads.to_json());
    return out;
  }

  /// Every head's attention on GPT-2 ids (≤ seq of them): { status, attention [L, H, T, T], unknownPositions }.
  val attention(const val& ids) {
    val out = val::object();
    const std::vector<std::uint32_t> v = emscripten::convertJSArrayToNumberVector<std::uint32_t>(ids);
    const attn::Gpt2Model* model = nullptr;
    attn::Status st = model_now(model);
    attn::Gpt2ForwardResult r;
    if (st.ok()) {
      attn::Gpt2ForwardOptions fo;
      fo.attention = true, fo.logits = attn::LogitsFor::none, fo.all_attention_max_tokens = v.size();
      st = model->forward(v.data(), v.size(), fo, r);
    }
    out.set("status", status_val(st));
    if (st.ok()) out.set("attention", copy_out(r.attention)), out.set("unknownPositions", copy_out(r.unknown_positions));
    return out;
  }

  /// The model as a safetensors file (F16 or F32) the model picker opens: { status, bytes }.
  val save(bool f16) {
    val out = val::object();
    std::vector<std::uint8_t> file;
    attn::Status st = trainer_ ? trainer_->save(f16 ? attn::io::DType::F16 : attn::io::DType::F32,
                                                {{"trained_in", "attention-wasm live training"}}, file)
                               : attn::Status::invalid_argument("trainer: not initialised");
    out.set("status", status_val(st));
    if (st.ok()) out.set("bytes", copy_out(file));
    return out;
  }

  /// { layers, heads, dModel, seq, batch, vocabSize, parameters, step, spanPool (the GPT-2 ids repeated spans draw
  /// from: a page builds its induction probe from them) }.
  val config() const {
    val o = val::object();
    if (!trainer_) return o;
    const attn::train::TrainerConfig& c = trainer_->config();
    o.set("layers", c.layers), o.set("heads", c.heads), o.set("dModel", c.d_model), o.set("seq", c.seq);
    o.set("batch", c.batch), o.set("vocabSize", c.vocab), o.set("parameters", double(trainer_->params().size()));
    o.set("step", double(trainer_->step()));
    std::vector<std::uint32_t> pool = attn::train::span_tokens(tok_);
    if (corpus_.span_pool > 0) pool.resize(std::min(pool.size(), corpus_.span_pool));
    o.set("spanPool", copy_out(pool));
    return o;
  }

 private:
  /// The model as the runtime sees it now; rebuilt only when a step has run since the last call.
  attn::Status model_now(const attn::Gpt2Model*& model) {
    if (!trainer_) return attn::Status::invalid_argument("trainer: not initialised");
    if (model_step_ != trainer_->step()) {
      model_step_ = kNoModel;
      attn::Gpt2Loader loader;
      if (attn::Status st = trainer_->to_loader(loader); !st.ok()) return st;
      if (attn::Status st = model_.load(loader); !st.ok()) return st;
      model_step_ = trainer_->step();
    }
    model = &model_;
    return attn::Status::success();
  }

  attn::tok::Gpt2Tokenizer tok_;
  attn::train::CorpusOptions corpus_;
  attn::train::TrainingVocabulary vocab_;
  std::unique_ptr<attn::train::RowStream> stream_;  ///< reads vocab_: declared after it
  static constexpr std::size_t kNoModel = ~std::size_t{0};
  attn::Gpt2Model model_;               ///< the trainer's weights at step model_step_ (kNoModel: none yet)
  std::size_t model_step_ = kNoModel;
  std::unique_ptr<attn::train::Gpt2Trainer> trainer_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(attn_train) {
  emscripten::class_<TrainerJs>("Gpt2Trainer")
      .constructor<>()
      .function("init", &TrainerJs::init)
      .function("step", &TrainerJs::step)
      .function("setHeadMask", &TrainerJs::setHeadMask)
      .function("report", &TrainerJs::report)
      .function("attention", &TrainerJs::attention)
      .function("save", &TrainerJs::save)
      .function("config", &TrainerJs::config);
}
