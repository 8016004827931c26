// Embind bindings of the attention core: plain structs in, a status out, tensors passed as wasm heap addresses.
// Not a place for behaviour or validation of JS values: wasm/index.js validates, copies in and out, and frees.
#include <emscripten/bind.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <cstdint>
#include <string>

#include "attn/attention/heads.hpp"
#include "attn/attention/mha.hpp"
#include "attn/attention/sdpa.hpp"
#include "attn/core/parallel.hpp"
#include "attn/model/cost.hpp"
#include "attn/model/demo_model.hpp"
#include "attn/kernels/kernels.hpp"
#include "bind_common.hpp"

namespace {

using attn::js::copy_out;
using attn::js::status_val;
using emscripten::val;
using std::uintptr_t;

template <class T>
T* ptr(uintptr_t address) {
  return reinterpret_cast<T*>(address);
}

struct StatusJs {
  std::string code;
  std::string message;
};

StatusJs to_js(const attn::Status& st) { return {attn::code_name(st.code), st.message}; }

/// Masks as the JS layer describes them; pointers are byte addresses in the wasm heap (0 = absent).
struct MaskCall {
  bool causal;
  attn::Align causal_align;
  int window_left, window_right;  // −1 = unbounded on that side
  attn::Align window_align;
  uintptr_t key_padding, bias;
  bool bias_per_batch, bias_per_head;  // attn::BiasLayout: bias [B|1, H|1, Lq, Lk]
};

attn::MaskSpec to_mask(const MaskCall& m) {
  attn::MaskSpec s;
  s.causal = m.causal;
  s.causal_align = m.causal_align;
  if (m.window_left >= 0) s.window_left = m.window_left;
  if (m.window_right >= 0) s.window_right = m.window_right;
  s.window_align = m.window_align;
  s.key_padding_bk = ptr<const std::uint8_t>(m.key_padding);
  s.bias = ptr<const float>(m.bias);
  s.bias_layout = {m.bias_per_batch, m.bias_per_head};
  return s;
}

/// One sdpa call.
struct SdpaCall {
  std::size_t batch, q_len, kv_len, heads, kv_heads, head_dim, value_dim;
  bool has_scale;
  float scale;
  attn::SdpaImpl impl;
  MaskCall mask;
  uintptr_t q, k, v, out, weights, scores, lse;
  std::size_t threads;
};

/// kv_rows: rows per batch row of the k and v buffers (0 = kv_len; a KV cache has room for more).
attn::SdpaShape to_shape(const SdpaCall& c, std::size_t kv_rows = 0) {
  return {c.batch, c.q_len, c.kv_len, c.heads, c.kv_heads, c.head_dim, c.value_dim, kv_rows};
}

/// The status of an sdpa call plus the implementation that ran (as choose_impl named it).
struct SdpaResultJs {
  std::string code;
  std::string message;
  std::string impl;
};

attn::SdpaOptions to_options(const SdpaCall& c) {
  attn::SdpaOptions o;
  if (c.has_scale) o.scale = c.scale;
  o.mask = to_mask(c.mask);
  o.weights_bhqk = ptr<float>(c.weights);
  o.scores_bhqk = ptr<float>(c.scores);
  o.lse_bhq = ptr<float>(c.lse);
  o.impl = c.impl;
  o.threads = c.threads;
  return o;
}

SdpaResultJs sdpa(const SdpaCall& c, std::size_t kv_rows = 0) {
  const attn::SdpaOptions o = to_options(c);
  const attn::SdpaShape shape = to_shape(c, kv_rows);
  const attn::Status st = attn::sdpa(shape, ptr<const float>(c.q), ptr<const float>(c.k), ptr<const float>(c.v),
                                     ptr<float>(c.out), o);
  return {attn::code_name(st.code), st.message, attn::impl_name(attn::choose_impl(shape, o))};
}

SdpaResultJs sdpa_call(const SdpaCall& c) { return sdpa(c); }

/// attn::check_score_range for the call `c` (sizes valid, buffers in the heap), max|k| read from its k, or given.
StatusJs check_score_range(const SdpaCall& c, float max_abs_k) {
  const attn::SdpaShape shape = to_shape(c);
  const attn::SdpaOptions o = to_options(c);
  if (attn::Status st = attn::validate_sdpa(shape, o); !st.ok()) return to_js(st);
  return to_js(attn::check_score_range(shape, o, ptr<const float>(c.q), max_abs_k));
}

StatusJs check_score_range_call(const SdpaCall& c) {
  const attn::SdpaShape s = to_shape(c);
  const std::size_t keys = s.batch * s.kv_len * s.kv_heads_or_default() * s.head_dim;
  return check_score_range(c, attn::best_kernels().max_abs(ptr<const float>(c.k), keys, false));
}

/// Heap bytes the sdpa call `c` (its buffers not yet placed: addresses 0) takes for scratch; return_weights: it will
/// return weights. A double: the count may pass wasm32's 4 GiB (the JS layer refuses such calls with it).
double sdpa_scratch_bytes(const SdpaCall& c, bool return_weights) {
  return double(attn::sdpa_scratch_bytes(to_shape(c), to_options(c), return_weights));
}

struct MhaConfigJs {
  std::size_t d_model, heads, kv_heads, head_dim, value_dim, context_dim, max_len;
  bool bias;
  attn::Positional positional;
};

attn::MhaConfig to_config(const MhaConfigJs& c) {
  return {c.d_model, c.heads, c.kv_heads, c.head_dim, c.value_dim, c.context_dim, c.bias,
          c.positional, c.max_len};
}

/// One forward or decode call of a MultiHeadAttention.
struct ForwardCall {
  std::size_t batch, q_len, context_len, first_position;
  bool has_scale;
  float scale;
  attn::SdpaImpl impl;
  MaskCall mask;
  uintptr_t x, context, out;
  std::size_t threads;
};

attn::MhaOptions to_options(const ForwardCall& c) {
  attn::MhaOptions o;
  o.mask = to_mask(c.mask);
  if (c.has_scale) o.scale = c.scale;
  o.impl = c.impl;
  o.first_position = c.first_position;
  o.threads = c.threads;
  return o;
}

class KvCacheJs {
 public:
  KvCacheJs(std::size_t batch, std::size_t kv_heads, std::size_t head_dim, std::size_t value_dim)
      : cache(batch, kv_heads, head_dim, value_dim) {}
  std::size_t length() const { return cache.length(); }
  std::size_t bytes_per_token() const { return cache.bytes_per_token(); }
  std::size_t bytes_in_use() const { return cache.bytes_in_use(); }
  /// Heap bytes appending n tokens allocates (the cache's growth; 0 when they fit).
  double append_bytes(std::size_t n) const { return double(cache.append_bytes(n)); }
  void clear() { cache.clear(), max_abs_k = 0.f; }
  /// Appends n tokens per batch row from heap addresses k: [B, n, Hkv·D], v: [B, n, Hkv·Dv].
  StatusJs append(uintptr_t k, uintptr_t v, std::size_t n) {
    const attn::Status st = cache.append(ptr<const float>(k), ptr<const float>(v), n);
    if (st.ok()) {  // the running max|k| for check_score_range; NaN sticks
      const float m = attn::best_kernels().max_abs(ptr<const float>(k), cache.batch() * n * cache.k_width(), false);
      if (max_abs_k == max_abs_k && !(m <= max_abs_k)) max_abs_k = m;
    }
    return to_js(st);
  }
  /// The score range check of attend(c) against every cached key.
  StatusJs check_score_range(SdpaCall c) const {
    c.kv_len = cache.length();
    return ::check_score_range(c, max_abs_k);
  }
  /// sdpa of the call's queries against every cached token, read in place: the call's k, v and kv_len are the
  /// cache's own (whatever the JS layer put there).
  SdpaResultJs attend(SdpaCall c) const {
    c.kv_len = cache.length();
    c.k = reinterpret_cast<uintptr_t>(cache.k());
    c.v = reinterpret_cast<uintptr_t>(cache.v());
    return sdpa(c, cache.rows());
  }
  attn::KvCache cache;
  float max_abs_k = 0.f;  ///< max |k| appended since the last clear()
};

class MhaJs {
 public:
  StatusJs init_random(const MhaConfigJs& c, double seed) {
    return to_js(mha_.init_random(to_config(c), static_cast<std::uint64_t>(seed)));
  }

  /// weights: a JS object of Float32Arrays named as in attn::MhaWeights (absent = empty).
  StatusJs init_weights(const MhaConfigJs& c, const val& w) {
    auto get = [&](const char* name) {
      const val x = w[name];
      return x.isUndefined() || x.isNull() ? std::vector<float>{} : emscripten::convertJSArrayToNumberVector<float>(x);
    };
    attn::MhaWeights mw{get("w_q"), get("w_k"), get("w_v"), get("w_o"), get("b_q"),
                        get("b_k"), get("b_v"), get("b_o"), get("positions")};
    return to_js(mha_.init_weights(to_config(c), std::move(mw)));
  }

  val weights() const {
    const attn::MhaWeights& w = mha_.weights();
    val o = val::object();
    o.set("w_q", copy_out(w.w_q)), o.set("w_k", copy_out(w.w_k)), o.set("w_v", copy_out(w.w_v));
    o.set("w_o", copy_out(w.w_o)), o.set("b_q", copy_out(w.b_q)), o.set("b_k", copy_out(w.b_k));
    o.set("b_v", copy_out(w.b_v)), o.set("b_o", copy_out(w.b_o)), o.set("positions", copy_out(w.positions));
    return o;
  }

  StatusJs forward(const ForwardCall& c) const {
    return to_js(mha_.forward(ptr<const float>(c.x), c.batch, c.q_len, ptr<const float>(c.context), c.context_len,
                              ptr<float>(c.out), to_options(c)));
  }

  /// Like forward, and returns { status, trace } with every intermediate copied out.
  val forward_trace(const ForwardCall& c) const {
    attn::MhaTrace t;
    const attn::Status st = mha_.forward(ptr<const float>(c.x), c.batch, c.q_len, ptr<const float>(c.context),
                                         c.context_len, ptr<float>(c.out), to_options(c), &t);
    val r = val::object();
    r.set("status", to_js(st));
    if (!st.ok()) return r;
    val tr = val::object();
    const std::pair<const char*, const std::vector<float>*> fields[] = {
        {"xIn", &t.x_in},     {"positions", &t.positions},        {"x", &t.x},
        {"q", &t.q},          {"k", &t.k},                        {"v", &t.v},
        {"rawScores", &t.raw_scores}, {"scaledScores", &t.scaled_scores}, {"maskedScores", &t.masked_scores},
        {"weights", &t.weights}, {"lse", &t.lse},                 {"headsOut", &t.heads_out},
        {"out", &t.out}};
    for (const auto& [name, data] : fields) tr.set(name, copy_out(*data));
    tr.set("scale", t.scale);
    tr.set("kvHead", copy_out(t.kv_head));
    tr.set("visible", copy_out(t.visible));
    tr.set("rowSums", copy_out(t.row_sums));
    r.set("trace", tr);
    return r;
  }

  /// Heap bytes forward (traced or not) and decode take for the call `c` (addresses not yet placed).
  double forward_bytes(const ForwardCall& c, bool traced) const {
    return double(mha_.forward_bytes(c.batch, c.q_len, c.context_len, to_options(c), traced));
  }
  double decode_bytes(const KvCacheJs& cache, const ForwardCall& c) const {
    return double(mha_.decode_bytes(c.q_len, cache.cache, to_options(c)));
  }

  StatusJs decode(KvCacheJs& cache, const ForwardCall& c) const {
    return to_js(mha_.decode(ptr<const float>(c.x), c.q_len, cache.cache, ptr<float>(c.out), to_options(c)));
  }

 private:
  attn::MultiHeadAttention mha_;
};

struct CostConfigJs {
  double d_model, heads, kv_heads, head_dim, value_dim, layers, context, bytes_per_element;
  bool bias;
};

/// { status, cost }: counts as JS numbers (exact below 2^53, far above any real model's count).
val cost(const CostConfigJs& c) {
  auto u = [](double x) { return static_cast<std::uint64_t>(x); };
  attn::Cost r{};
  const attn::Status st = attn::attention_cost(
      {u(c.d_model), u(c.heads), u(c.kv_heads), u(c.head_dim), u(c.value_dim), u(c.layers), u(c.context),
       u(c.bytes_per_element), c.bias},
      &r);
  val o = val::object();
  o.set("status", to_js(st));
  if (!st.ok()) return o;
  val x = val::object();
  auto d = [](std::uint64_t v) { return static_cast<double>(v); };
  x.set("paramsWQ", d(r.params_w_q)), x.set("paramsWK", d(r.params_w_k)), x.set("paramsWV", d(r.params_w_v));
  x.set("paramsWO", d(r.params_w_o)), x.set("paramsPerQueryHead", d(r.params_per_query_head));
  x.set("paramsPerLayer", d(r.params_per_layer)), x.set("paramsTotal", d(r.params_total));
  x.set("kvCacheBytesPerToken", d(r.kv_cache_bytes_per_token)), x.set("kvCacheBytes", d(r.kv_cache_bytes));
  x.set("flopsProjectionsPerToken", r.flops_projections_per_token);
  x.set("flopsAttentionPerToken", r.flops_attention_per_token), x.set("flopsPerToken", r.flops_per_token);
  x.set("flopsAttentionFullPass", r.flops_attention_full_pass);
  o.set("cost", x);
  return o;
}

/// The teaching model: { config, weights (named as MhaWeights), headNames }.
val teaching_model() {
  const attn::DemoModel m = attn::teaching_model();
  const attn::MhaConfig& c = m.config;
  val config = val::object();
  config.set("dModel", c.d_model), config.set("heads", c.heads), config.set("kvHeads", c.kv_heads_or_default());
  config.set("headDim", c.head_dim_or_default()), config.set("valueDim", c.value_dim_or_default());
  config.set("maxLen", c.max_len), config.set("positional", std::string(attn::positional_name(c.positional)));
  const attn::MhaWeights& w = m.weights;
  val weights = val::object();
  weights.set("w_q", copy_out(w.w_q)), weights.set("w_k", copy_out(w.w_k)), weights.set("w_v", copy_out(w.w_v));
  weights.set("w_o", copy_out(w.w_o)), weights.set("positions", copy_out(w.positions));
  val names = val::array();
  for (const auto& n : m.head_names) names.call<void>("push", n);
  val r = val::object();
  r.set("config", config), r.set("weights", weights), r.set("headNames", names);
  return r;
}

/// { status, x: Float32Array [n, 48] } for token ids (array of numbers) and their texts (array of strings).
val teaching_embeddings(const val& ids_js, const val& texts_js) {
  const auto ids = emscripten::convertJSArrayToNumberVector<std::uint32_t>(ids_js);
  std::vector<std::string> texts;
  const auto n = texts_js["length"].as<unsigned>();
  for (unsigned i = 0; i < n; ++i) texts.push_back(texts_js[i].as<std::string>());
  std::vector<float> x(ids.size() * 48);
  val r = val::object();
  r.set("status", to_js(attn::teaching_embeddings(ids, texts, x.data())));
  r.set("x", copy_out(x));
  return r;
}

val seeded_embeddings(double seed, const val& ids_js, std::size_t d_model) {
  const auto ids = emscripten::convertJSArrayToNumberVector<std::uint32_t>(ids_js);
  std::vector<float> x(ids.size() * d_model);
  attn::seeded_embeddings(static_cast<std::uint64_t>(seed), ids.data(), ids.size(), d_model, x.data());
  return copy_out(x);
}

/// [{ id, logit, prob }] best first, for the last output row of the teaching or a seeded model.
val next_tokens(const std::string& model, double seed, const val& out_js, std::size_t vocab_size, std::size_t k) {
  const auto out = emscripten::convertJSArrayToNumberVector<float>(out_js);
  const auto top = model == "teaching" ? attn::next_tokens_teaching(out.data(), vocab_size, k)
                                       : attn::next_tokens_seeded(static_cast<std::uint64_t>(seed), out.data(),
                                                                  out.size(), vocab_size, k);
  val list = val::array();
  for (const auto& t : top) {
    val o = val::object();
    o.set("id", t.id), o.set("logit", t.logit), o.set("prob", t.prob);
    list.call<void>("push", o);
  }
  return list;
}

std::string word_class(const std::string& text) { return attn::word_class_name(attn::word_class(text)); }

std::string backend() { return attn::isa_name(attn::best_kernels().isa); }
std::size_t simd_width() { return attn::best_kernels().width; }
/// The name of every C++ status code (checked against the JS layer's ERROR_CODES by a test).
val status_codes() {
  val names = val::array();
  for (attn::Code c : attn::kAllCodes) names.call<void>("push", std::string(attn::code_name(c)));
  return names;
}

/// Bytes currently allocated by malloc in the wasm heap: flat across calls means nothing leaks.
std::size_t heap_in_use() { return mallinfo().uordblks; }

}  // namespace

EMSCRIPTEN_BINDINGS(attn_core) {
  using namespace emscripten;
  // Enums cross as Embind enums: JS names them (the package validates names against these), never as numbers.
  enum_<attn::SdpaImpl>("SdpaImpl")
      .value("auto", attn::SdpaImpl::automatic)
      .value("materialized", attn::SdpaImpl::materialized)
      .value("fused", attn::SdpaImpl::fused)
      .value("decode", attn::SdpaImpl::decode);
  enum_<attn::Align>("Align").value("top-left", attn::Align::top_left).value("bottom-right", attn::Align::bottom_right);
  enum_<attn::Positional>("Positional")
      .value("none", attn::Positional::none)
      .value("sinusoidal", attn::Positional::sinusoidal)
      .value("learned", attn::Positional::learned);
  value_object<StatusJs>("Status").field("code", &StatusJs::code).field("message", &StatusJs::message);
  value_object<SdpaResultJs>("SdpaResult")
      .field("code", &SdpaResultJs::code)
      .field("message", &SdpaResultJs::message)
      .field("impl", &SdpaResultJs::impl);
  value_object<MaskCall>("MaskCall")
      .field("causal", &MaskCall::causal)
      .field("causalAlign", &MaskCall::causal_align)
      .field("windowLeft", &MaskCall::window_left)
      .field("windowRight", &MaskCall::window_right)
      .field("windowAlign", &MaskCall::window_align)
      .field("keyPadding", &MaskCall::key_padding)
      .field("bias", &MaskCall::bias)
      .field("biasPerBatch", &MaskCall::bias_per_batch)
      .field("biasPerHead", &MaskCall::bias_per_head);
  value_object<SdpaCall>("SdpaCall")
      .field("batch", &SdpaCall::batch)
      .field("qLen", &SdpaCall::q_len)
      .field("kvLen", &SdpaCall::kv_len)
      .field("heads", &SdpaCall::heads)
      .field("kvHeads", &SdpaCall::kv_heads)
      .field("headDim", &SdpaCall::head_dim)
      .field("valueDim", &SdpaCall::value_dim)
      .field("hasScale", &SdpaCall::has_scale)
      .field("scale", &SdpaCall::scale)
      .field("impl", &SdpaCall::impl)
      .field("mask", &SdpaCall::mask)
      .field("q", &SdpaCall::q)
      .field("k", &SdpaCall::k)
      .field("v", &SdpaCall::v)
      .field("out", &SdpaCall::out)
      .field("weights", &SdpaCall::weights)
      .field("scores", &SdpaCall::scores)
      .field("lse", &SdpaCall::lse)
      .field("threads", &SdpaCall::threads);
  value_object<MhaConfigJs>("MhaConfig")
      .field("dModel", &MhaConfigJs::d_model)
      .field("heads", &MhaConfigJs::heads)
      .field("kvHeads", &MhaConfigJs::kv_heads)
      .field("headDim", &MhaConfigJs::head_dim)
      .field("valueDim", &MhaConfigJs::value_dim)
      .field("contextDim", &MhaConfigJs::context_dim)
      .field("maxLen", &MhaConfigJs::max_len)
      .field("bias", &MhaConfigJs::bias)
      .field("positional", &MhaConfigJs::positional);
  value_object<ForwardCall>("ForwardCall")
      .field("batch", &ForwardCall::batch)
      .field("qLen", &ForwardCall::q_len)
      .field("contextLen", &ForwardCall::context_len)
      .field("firstPosition", &ForwardCall::first_position)
      .field("hasScale", &ForwardCall::has_scale)
      .field("scale", &ForwardCall::scale)
      .field("impl", &ForwardCall::impl)
      .field("mask", &ForwardCall::mask)
      .field("x", &ForwardCall::x)
      .field("context", &ForwardCall::context)
      .field("out", &ForwardCall::out)
      .field("threads", &ForwardCall::threads);
  value_object<CostConfigJs>("CostConfig")
      .field("dModel", &CostConfigJs::d_model)
      .field("heads", &CostConfigJs::heads)
      .field("kvHeads", &CostConfigJs::kv_heads)
      .field("headDim", &CostConfigJs::head_dim)
      .field("valueDim", &CostConfigJs::value_dim)
      .field("layers", &CostConfigJs::layers)
      .field("context", &CostConfigJs::context)
      .field("bytesPerElement", &CostConfigJs::bytes_per_element)
      .field("bias", &CostConfigJs::bias);
  class_<KvCacheJs>("KvCache")
      .constructor<std::size_t, std::size_t, std::size_t, std::size_t>()
      .function("length", &KvCacheJs::length)
      .function("bytesPerToken", &KvCacheJs::bytes_per_token)
      .function("bytesInUse", &KvCacheJs::bytes_in_use)
      .function("appendBytes", &KvCacheJs::append_bytes)
      .function("clear", &KvCacheJs::clear)
      .function("append", &KvCacheJs::append)
      .function("attend", &KvCacheJs::attend)
      .function("checkScoreRange", &KvCacheJs::check_score_range);
  class_<MhaJs>("Mha")
      .constructor<>()
      .function("initRandom", &MhaJs::init_random)
      .function("initWeights", &MhaJs::init_weights)
      .function("weights", &MhaJs::weights)
      .function("forward", &MhaJs::forward)
      .function("forwardTrace", &MhaJs::forward_trace)
      .function("forwardBytes", &MhaJs::forward_bytes)
      .function("decodeBytes", &MhaJs::decode_bytes)
      .function("decode", &MhaJs::decode);
  function("sdpa", &sdpa_call);
  function("checkScoreRange", &check_score_range_call);
  function("sdpaScratchBytes", &sdpa_scratch_bytes);
  function("cost", &cost);
  function("validateHeadGroups", +[](std::size_t heads, std::size_t kv_heads) {
    return status_val(attn::validate_head_groups(heads, kv_heads));
  });
  function("validateHeadDim", +[](std::size_t d_model, std::size_t heads, std::size_t head_dim) {
    return status_val(attn::validate_head_dim(d_model, heads, head_dim));
  });
  function("teachingModel", &teaching_model);
  function("teachingEmbeddings", &teaching_embeddings);
  function("seededEmbeddings", &seeded_embeddings);
  function("wordClass", &word_class);
  function("nextTokens", &next_tokens);
  function("backend", &backend);
  function("statusCodes", &status_codes);
  function("simdWidth", &simd_width);
  function("heapInUse", &heap_in_use);
  function("maxThreads", &attn::hardware_threads);
}
