// Embind bindings of the GPT-2 runtime: load a safetensors file placed in the heap, run forward passes with every
// attention matrix, and generate token by token. Thin: wasm/model.js validates options and moves the bytes.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "attn/model/generate.hpp"
#include "attn/model/gpt2.hpp"
#include "attn/model/sampling.hpp"
#include "bind_common.hpp"

namespace {

using attn::js::copy_out;
using attn::js::status_val;
using emscripten::val;

std::vector<std::uint32_t> ids_of(const val& ids) { return emscripten::convertJSArrayToNumberVector<std::uint32_t>(ids); }

/// options: { logits: 'none'|'last'|'all', attention, maxAttentionTokens, heads: [[l, h], …], ablate: [[l, h], …],
/// residual, logitLens, traceHead: [l, h] or null, threads } (checked by model.js).
attn::Gpt2ForwardOptions forward_options(const val& options) {
  attn::Gpt2ForwardOptions o;
  const std::string logits = options["logits"].as<std::string>();
  o.logits = logits == "all" ? attn::LogitsFor::all : logits == "none" ? attn::LogitsFor::none : attn::LogitsFor::last;
  o.attention = options["attention"].as<bool>();
  o.all_attention_max_tokens = options["maxAttentionTokens"].as<std::size_t>();
  const val heads = options["heads"];
  for (unsigned i = 0; i < heads["length"].as<unsigned>(); ++i)
    o.attention_heads.emplace_back(heads[i][0].as<std::size_t>(), heads[i][1].as<std::size_t>());
  const val ablate = options["ablate"];
  for (unsigned i = 0; i < ablate["length"].as<unsigned>(); ++i)
    o.ablate_heads.emplace_back(ablate[i][0].as<std::size_t>(), ablate[i][1].as<std::size_t>());
  o.residual = options["residual"].as<bool>();
  o.logit_lens = options["logitLens"].as<bool>();
  o.threads = options["threads"].as<std::size_t>();
  const val trace = options["traceHead"];
  if (!trace.isNull()) o.trace_head = {{trace[0].as<std::size_t>(), trace[1].as<std::size_t>()}};
  return o;
}

/// { status, logits, attention, allHeads, residual, logitLens, unknownPositions, headTrace? } of one call.
val result_val(const attn::Status& st, const attn::Gpt2ForwardResult& r) {
  val out = val::object();
  out.set("status", status_val(st));
  if (!st.ok()) return out;
  out.set("logits", copy_out(r.logits));
  out.set("attention", copy_out(r.attention));
  out.set("allHeads", r.all_heads);
  out.set("residual", copy_out(r.residual));
  out.set("logitLens", copy_out(r.logit_lens));
  std::vector<std::uint32_t> unknown(r.unknown_positions.begin(), r.unknown_positions.end());
  out.set("unknownPositions", copy_out(unknown));
  if (r.head_trace) {
    const attn::Gpt2HeadTrace& t = *r.head_trace;
    val h = val::object();
    h.set("layer", t.layer), h.set("head", t.head), h.set("headDim", t.head_dim), h.set("scale", t.scale);
    h.set("input", copy_out(t.input)), h.set("q", copy_out(t.q)), h.set("k", copy_out(t.k)), h.set("v", copy_out(t.v));
    h.set("rawScores", copy_out(t.raw_scores)), h.set("scaledScores", copy_out(t.scaled_scores));
    h.set("maskedScores", copy_out(t.masked_scores)), h.set("weights", copy_out(t.weights));
    h.set("out", copy_out(t.out));
    out.set("headTrace", h);
  }
  return out;
}

class Gpt2Js {
 public:
  /// file: a heap address holding `size` bytes of a safetensors file (freed by the caller right after).
  /// keep_f16: F16 tensors stay F16 in memory (loadModel's weights: 'f16', the default); false widens them at load.
  val load(std::uintptr_t file, double size, int heads, bool keep_f16) {
    attn::Gpt2Loader loader;
    attn::Status st = attn::gpt2_loader_from_safetensors(reinterpret_cast<const std::uint8_t*>(file),
                                                         static_cast<std::size_t>(size), loader);
    if (st.ok()) {
      attn::Gpt2LoadOptions o;
      o.heads = heads > 0 ? std::size_t(heads) : 0;
      o.keep_f16 = keep_f16;
      st = model_.load(loader, o);
    }
    return status_val(st);
  }

  // Streaming: header(), then addTensor() for each tensor the caller reads, then finish(). One tensor's bytes at a
  // time in the heap instead of the whole file.

  /// json: the N header bytes (after the 8-byte length) of a file of file_size bytes; checked by every rule. Returns
  /// { status, dataStart, tensors: [{ name, begin, end, wanted }] } in data order (wanted: the loader uses it).
  val header(std::uintptr_t json, double header_bytes, double file_size) {
    val out = val::object();
    stream_ = {};
    loader_ = attn::Gpt2Loader();
    const attn::Status st = attn::io::parse_safetensors_header(reinterpret_cast<const std::uint8_t*>(json),
                                                               std::uint64_t(header_bytes), std::uint64_t(file_size),
                                                               stream_);
    out.set("status", status_val(st));
    if (!st.ok()) return out;
    loader_.set_metadata(stream_.metadata);
    val tensors = val::array();
    for (const attn::io::TensorInfo& t : stream_.tensors) {
      val o = val::object();
      o.set("name", t.name), o.set("begin", double(t.begin)), o.set("end", double(t.end));
      o.set("wanted", attn::Gpt2Loader::wanted(t.name));
      tensors.call<void>("push", o);
    }
    out.set("tensors", tensors);
    out.set("dataStart", double(stream_.data_start()));
    return out;
  }

  /// The bytes of tensor `index` of the last header(), at a heap address (freed by the caller right after).
  val addTensor(unsigned index, std::uintptr_t bytes) {
    if (index >= stream_.tensors.size())
      return status_val(attn::Status::out_of_range("addTensor: no tensor " + std::to_string(index) + " in the header"));
    return status_val(attn::gpt2_loader_add_tensor(stream_.tensors[index], reinterpret_cast<const std::uint8_t*>(bytes),
                                                   loader_));
  }

  /// Builds the model from the tensors added since header().
  val finish(int heads, bool keep_f16) {
    attn::Gpt2LoadOptions o;
    o.heads = heads > 0 ? std::size_t(heads) : 0;
    o.keep_f16 = keep_f16;
    const attn::Status st = model_.load(loader_, o);
    loader_ = attn::Gpt2Loader();
    stream_ = {};
    return status_val(st);
  }

  val config() const {
    const attn::Gpt2Config& c = model_.config();
    val o = val::object();
    o.set("layers", c.layers), o.set("heads", c.heads), o.set("dModel", c.d_model), o.set("dFF", c.d_ff);
    o.set("vocabSize", c.vocab), o.set("context", c.context), o.set("headDim", c.head_dim());
    o.set("tiedHead", c.tied_head), o.set("restrictedVocab", !c.gpt2_ids.empty());
    o.set("gpt2Ids", copy_out(c.gpt2_ids));
    o.set("unkRow", c.unk_row ? int(*c.unk_row) : -1);
    o.set("weights", weights_format());
    return o;
  }

  /// ids: GPT-2 ids; options: as forward_options reads them (checked by model.js).
  val forward(const val& ids, const val& options) const {
    const std::vector<std::uint32_t> v = ids_of(ids);
    attn::Gpt2ForwardResult r;
    return result_val(model_.forward(v.data(), v.size(), forward_options(options), r), r);
  }

  const attn::Gpt2Model& model() const { return model_; }

 private:
  /// The in-memory format of the matrices a decode step reads (the 4 projections of each block and the head):
  /// 'f16', 'f32', or 'mixed' (an F16 file with a tensor holding ±∞ or NaN, which stays float32).
  std::string weights_format() const {
    const attn::Gpt2Weights& w = model_.weights();
    std::size_t f16 = w.head().is_f16(), all = 1;
    for (const attn::Gpt2Layer& b : w.layers)
      for (const attn::PackedMatrix* m : {&b.qkv_w, &b.proj_w, &b.fc_w, &b.out_w}) f16 += m->is_f16(), ++all;
    return f16 == all ? "f16" : f16 == 0 ? "f32" : "mixed";
  }

  attn::Gpt2Model model_;
  attn::io::SafetensorsHeader stream_;  // the file being streamed in
  attn::Gpt2Loader loader_;
};

/// One sequence read a piece at a time (Gpt2Session): append() reads new tokens after the kept ones, truncate()
/// forgets the tokens from a position on, so an edited text is re-read from its first changed token only.
class SessionJs {
 public:
  explicit SessionJs(const Gpt2Js& model) : session_(model.model().session()) {}
  val append(const val& ids, const val& options) {
    const std::vector<std::uint32_t> v = ids_of(ids);
    return result_val(session_.append(v.data(), v.size(), forward_options(options), result_), result_);
  }
  void truncate(double position) { session_.truncate(static_cast<std::size_t>(position)); }
  double position() const { return double(session_.position()); }

 private:
  attn::Gpt2Session session_;
  attn::Gpt2ForwardResult result_;
};

/// One generation in progress (attn::Generator), stepped from JS's async iterator.
class GeneratorJs {
 public:
  /// options: { maxTokens, temperature, topK, topP, seed, stop: [GPT-2 ids], threads } (types checked by model.js).
  GeneratorJs(const Gpt2Js& model, const val& prompt, const val& options)
      : generator_(model.model(), ids_of(prompt), generate_options(options)) {}

  /// { status, id, probability, position, last, probabilities? } for the next token; the first call reads the prompt.
  val next(bool with_probabilities) {
    val out = val::object();
    attn::GenerationStep step;
    const attn::Status st = generator_.next(step);
    out.set("status", status_val(st));
    if (!st.ok()) return out;
    out.set("id", step.gpt2_id), out.set("probability", step.probability), out.set("position", step.position);
    out.set("last", step.last);
    if (with_probabilities) {
      std::vector<double> p;
      attn::sampling_probabilities(step.logits, step.vocab, temperature_, p);
      out.set("probabilities", copy_out(std::vector<float>(p.begin(), p.end())));
    }
    return out;
  }

 private:
  attn::GenerateOptions generate_options(const val& options) {
    attn::GenerateOptions o;
    o.max_tokens = options["maxTokens"].as<std::size_t>();
    o.sampling.temperature = temperature_ = options["temperature"].as<float>();
    o.sampling.top_k = options["topK"].as<std::size_t>();
    o.sampling.top_p = options["topP"].as<float>();
    o.seed = static_cast<std::uint64_t>(options["seed"].as<double>());
    o.stop_ids = ids_of(options["stop"]);
    o.threads = options["threads"].as<std::size_t>();
    return o;
  }

  float temperature_ = 1;
  attn::Generator generator_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(attn_model) {
  emscripten::class_<Gpt2Js>("Gpt2Model")
      .constructor<>()
      .function("load", &Gpt2Js::load)
      .function("header", &Gpt2Js::header)
      .function("addTensor", &Gpt2Js::addTensor)
      .function("finish", &Gpt2Js::finish)
      .function("config", &Gpt2Js::config)
      .function("forward", &Gpt2Js::forward);
  emscripten::class_<SessionJs>("Gpt2Session")
      .constructor<const Gpt2Js&>()
      .function("append", &SessionJs::append)
      .function("truncate", &SessionJs::truncate)
      .function("position", &SessionJs::position);
  emscripten::class_<GeneratorJs>("Gpt2Generator")
      .constructor<const Gpt2Js&, const val&, const val&>()
      .function("next", &GeneratorJs::next);
}
