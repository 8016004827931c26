// Gpt2Loader: checkpoint names → Gpt2Weights, with every rule of the Hugging Face layout checked (gpt2.hpp).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <string>

#include "attn/model/gpt2.hpp"
#include "attn/io/safetensors.hpp"

namespace attn {
namespace {

constexpr std::string_view kPrefix = "transformer.";

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

/// "h.<N>.<rest>" → N and rest; false for any other name.
bool split_layer(std::string_view name, std::size_t& layer, std::string_view& rest) {
  if (name.substr(0, 2) != "h.") return false;
  const std::size_t dot = name.find('.', 2);
  if (dot == std::string_view::npos || dot == 2) return false;
  const auto [end, ec] = std::from_chars(name.data() + 2, name.data() + dot, layer);
  if (ec != std::errc() || end != name.data() + dot) return false;
  rest = name.substr(dot + 1);
  return true;
}

constexpr std::string_view kLayerTensors[] = {
    "ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias", "attn.c_proj.weight", "attn.c_proj.bias",
    "ln_2.weight", "ln_2.bias", "mlp.c_fc.weight",    "mlp.c_fc.bias",    "mlp.c_proj.weight",  "mlp.c_proj.bias"};
constexpr std::string_view kTopTensors[] = {"wte.weight", "wpe.weight", "ln_f.weight", "ln_f.bias", "lm_head.weight"};

bool is_buffer(std::string_view rest) { return rest == "attn.bias" || rest == "attn.masked_bias"; }

std::size_t count_of(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (std::size_t d : shape) n *= d;
  return n;
}

/// values (all exactly binary16: they came from an F16 file) as binary16 bits, or false when one is ±∞ or NaN
/// (the kernels widen finite halves only).
bool finite_halves(const std::vector<float>& values, std::vector<std::uint16_t>& out) {
  out.resize(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) return false;
    out[i] = io::float_to_f16(values[i]);  // exact: the value was read from binary16
  }
  return true;
}

}  // namespace

bool gpt2_film_tensor(std::string_view name) { return name.substr(0, 5) == "film."; }

std::string_view gpt2_canonical_name(std::string_view name) {
  return name.substr(0, kPrefix.size()) == kPrefix ? name.substr(kPrefix.size()) : name;
}

bool Gpt2Loader::wanted(std::string_view name) {
  name = gpt2_canonical_name(name);
  if (name == "vocab.gpt2_ids") return true;
  for (std::string_view t : kTopTensors)
    if (name == t) return true;
  std::size_t layer;
  std::string_view rest;
  if (!split_layer(name, layer, rest)) return false;
  for (std::string_view t : kLayerTensors)
    if (rest == t) return true;
  return false;
}

Status Gpt2Loader::add(std::string_view file_name, const std::vector<std::size_t>& shape, const float* values,
                       bool from_f16) {
  const std::string_view name = gpt2_canonical_name(file_name);
  std::size_t layer;
  std::string_view rest;
  if (split_layer(name, layer, rest) && is_buffer(rest)) {
    // The causal-mask buffers: [1, 1, P, P] (or [P, P] in some conversions) and a scalar; never used.
    const bool ok = rest == "attn.masked_bias" ? count_of(shape) == 1
                                               : (shape.size() == 4 || shape.size() == 2) && shape.back() == shape[shape.size() - 2];
    if (!ok) return Status::invalid_data("gpt2: " + std::string(file_name) + " has shape " + shape_text(shape) +
                                         ", not that of a causal-mask buffer");
    return Status::success();
  }
  if (gpt2_film_tensor(name)) return Status::success();
  if (!wanted(name)) return Status::invalid_data("gpt2: unknown tensor " + std::string(file_name));
  if (name == "vocab.gpt2_ids") return Status::invalid_data("gpt2: vocab.gpt2_ids must be an integer tensor");
  if (values_.count(name))
    return Status::invalid_data("gpt2: " + std::string(file_name) + " appears twice (with and without 'transformer.'?)");
  if (!values && count_of(shape)) return Status::invalid_argument("gpt2: " + std::string(file_name) + ": null values");
  values_.emplace(std::string(name), std::vector<float>(values, values + count_of(shape)));
  shapes_.emplace(std::string(name), shape);
  from_f16_.emplace(std::string(name), from_f16);
  return Status::success();
}

Status Gpt2Loader::add_integers(std::string_view file_name, const std::vector<std::size_t>& shape,
                                const std::int64_t* values) {
  if (gpt2_canonical_name(file_name) != "vocab.gpt2_ids")
    return Status::invalid_data("gpt2: " + std::string(file_name) + " is not expected as an integer tensor");
  if (shape.size() != 1 || shape[0] == 0)
    return Status::invalid_data("gpt2: vocab.gpt2_ids must have shape [V] with V > 0, has " + shape_text(shape));
  vocab_ids_.resize(shape[0]);
  for (std::size_t i = 0; i < shape[0]; ++i) {
    if (values[i] < 0 || values[i] > 0xffffffffll)
      return Status::invalid_data("gpt2: vocab.gpt2_ids[" + std::to_string(i) + "] = " + std::to_string(values[i]) +
                                  " is not a token id");
    if (i && values[i] <= values[i - 1])
      return Status::invalid_data("gpt2: vocab.gpt2_ids must be strictly increasing (index " + std::to_string(i) + ")");
    vocab_ids_[i] = static_cast<std::uint32_t>(values[i]);
  }
  return Status::success();
}

Status Gpt2Loader::finish(const Gpt2LoadOptions& options, Gpt2Config& config, Gpt2Weights& weights) {
  auto take = [this](const std::string& name, const std::vector<std::size_t>& shape, std::vector<float>& out) -> Status {
    const auto it = values_.find(name);
    if (it == values_.end()) return Status::invalid_data("gpt2: tensor " + name + " is missing");
    const auto& got = shapes_.at(name);
    if (got != shape)
      return Status::invalid_data("gpt2: " + name + " has shape " + shape_text(got) + ", expected " + shape_text(shape));
    out = std::move(it->second);
    values_.erase(it);
    return Status::success();
  };
  const auto wte = shapes_.find("wte.weight");
  const auto wpe = shapes_.find("wpe.weight");
  if (wte == shapes_.end()) return Status::invalid_data("gpt2: tensor wte.weight is missing");
  if (wpe == shapes_.end()) return Status::invalid_data("gpt2: tensor wpe.weight is missing");
  if (wte->second.size() != 2 || wpe->second.size() != 2 || wte->second[1] != wpe->second[1] || wte->second[1] == 0)
    return Status::invalid_data("gpt2: wte.weight " + shape_text(wte->second) + " and wpe.weight " +
                                shape_text(wpe->second) + " must be [V, C] and [P, C]");
  Gpt2Config c;
  c.vocab = wte->second[0], c.d_model = wte->second[1], c.context = wpe->second[0];
  c.ln_eps = options.ln_eps, c.gelu = options.gelu;
  while (shapes_.count("h." + std::to_string(c.layers) + ".ln_1.weight")) ++c.layers;
  if (c.layers == 0) return Status::invalid_data("gpt2: no blocks (h.0.ln_1.weight is missing)");
  const auto fc = shapes_.find("h.0.mlp.c_fc.weight");
  if (fc == shapes_.end()) return Status::invalid_data("gpt2: tensor h.0.mlp.c_fc.weight is missing");
  if (fc->second.size() != 2) return Status::invalid_data("gpt2: h.0.mlp.c_fc.weight must be [C, F]");
  c.d_ff = fc->second[1];
  for (const auto& [name, shape] : shapes_) {  // a block past the first gap would be silently dropped
    std::size_t layer;
    std::string_view rest;
    if (split_layer(name, layer, rest) && layer >= c.layers)
      return Status::invalid_data("gpt2: " + name + " belongs to block " + std::to_string(layer) + " but block " +
                                  std::to_string(c.layers) + " is missing");
  }

  // Heads cannot be read off the shapes: the option, the file's metadata, or GPT-2's d_head = 64.
  std::size_t heads = options.heads;
  std::string heads_from = "the heads option";
  if (!heads && metadata_.count("n_head")) {
    const std::string& text = metadata_.at("n_head");
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), heads);
    if (ec != std::errc() || end != text.data() + text.size())
      return Status::invalid_data("gpt2: __metadata__ n_head = '" + text + "' is not a number");
    heads_from = "__metadata__ n_head";
  }
  if (!heads) {
    if (c.d_model % 64)
      return Status::invalid_data("gpt2: the number of heads is not in the file and d_model " +
                                  std::to_string(c.d_model) + " is not a multiple of 64: pass it as an option");
    heads = c.d_model / 64, heads_from = "d_model / 64";
  }
  if (c.d_model % heads)
    return Status::invalid_data("gpt2: d_model " + std::to_string(c.d_model) + " is not a multiple of " +
                                std::to_string(heads) + " heads (from " + heads_from + ")");
  c.heads = heads;

  // An F16 file's big tensors stay binary16 when asked (and finite): the kernels widen them in registers.
  const auto halves = [&](const std::string& name, const std::vector<float>& values, std::vector<std::uint16_t>& out) {
    const auto it = from_f16_.find(name);
    return options.keep_f16 && it != from_f16_.end() && it->second && finite_halves(values, out);
  };
  const auto take_table = [&](const std::string& name, const std::vector<std::size_t>& shape, Gpt2Table& out) -> Status {
    if (Status st = take(name, shape, out.f32); !st.ok()) return st;
    if (halves(name, out.f32, out.f16)) out.f32 = {};
    else out.f16 = {};
    return Status::success();
  };
  const std::size_t C = c.d_model, F = c.d_ff, V = c.vocab, P = c.context;
  Gpt2Weights w;
  if (Status st = take_table("wte.weight", {V, C}, w.wte); !st.ok()) return st;
  if (Status st = take("wpe.weight", {P, C}, w.wpe); !st.ok()) return st;
  if (Status st = take("ln_f.weight", {C}, w.lnf_g); !st.ok()) return st;
  if (Status st = take("ln_f.bias", {C}, w.lnf_b); !st.ok()) return st;
  w.layers.resize(c.layers);
  for (std::size_t l = 0; l < c.layers; ++l) {
    const std::string h = "h." + std::to_string(l) + ".";
    Gpt2Layer& b = w.layers[l];
    const std::pair<const char*, std::pair<std::vector<std::size_t>, std::vector<float>*>> vectors[] = {
        {"ln_1.weight", {{C}, &b.ln1_g}},        {"ln_1.bias", {{C}, &b.ln1_b}},
        {"attn.c_attn.bias", {{3 * C}, &b.qkv_b}}, {"attn.c_proj.bias", {{C}, &b.proj_b}},
        {"ln_2.weight", {{C}, &b.ln2_g}},        {"ln_2.bias", {{C}, &b.ln2_b}},
        {"mlp.c_fc.bias", {{F}, &b.fc_b}},       {"mlp.c_proj.bias", {{C}, &b.out_b}}};
    for (const auto& [part, spec] : vectors)
      if (Status st = take(h + part, spec.first, *spec.second); !st.ok()) return st;
    const std::pair<const char*, std::pair<std::vector<std::size_t>, PackedMatrix*>> matrices[] = {
        {"attn.c_attn.weight", {{C, 3 * C}, &b.qkv_w}}, {"attn.c_proj.weight", {{C, C}, &b.proj_w}},
        {"mlp.c_fc.weight", {{C, F}, &b.fc_w}},         {"mlp.c_proj.weight", {{F, C}, &b.out_w}}};
    for (const auto& [part, spec] : matrices) {
      std::vector<float> plain;
      std::vector<std::uint16_t> half;
      if (Status st = take(h + part, spec.first, plain); !st.ok()) return st;
      if (halves(h + part, plain, half)) spec.second->pack_f16(half.data(), spec.first[0], spec.first[1]);
      else spec.second->pack(plain.data(), spec.first[0], spec.first[1]);
    }
  }
  // A distinct lm_head.weight unties the head; one bit-equal to wte is the tied head saved twice.
  if (values_.count("lm_head.weight")) {
    Gpt2Table head;
    if (Status st = take_table("lm_head.weight", {V, C}, head); !st.ok()) return st;
    bool same = head.size() == w.wte.size();
    for (std::size_t i = 0; same && i < head.size(); ++i) {
      const float a = head.at(i), b = w.wte.at(i);
      same = std::memcmp(&a, &b, sizeof a) == 0;
    }
    if (!same) w.lm_head = std::move(head);
  }
  c.tied_head = w.lm_head.empty();
  const Gpt2Table& head = w.head();  // [V, C] → [C, V] panels for matmul_bias
  if (head.is_f16()) w.head_packed.pack_f16_transposed(head.f16.data(), C, V);
  else w.head_packed.pack_transposed(head.f32.data(), C, V);

  if (!vocab_ids_.empty()) {
    if (vocab_ids_.size() != V)
      return Status::invalid_data("gpt2: vocab.gpt2_ids has " + std::to_string(vocab_ids_.size()) +
                                  " ids but wte.weight has " + std::to_string(V) + " rows");
    c.gpt2_ids = vocab_ids_;
    if (metadata_.count("unk_id")) {
      const std::string& text = metadata_.at("unk_id");
      std::uint32_t unk = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), unk);
      if (ec != std::errc() || end != text.data() + text.size() || unk >= V)
        return Status::invalid_data("gpt2: __metadata__ unk_id = '" + text + "' is not a row of wte.weight");
      c.unk_row = unk;
    }
  }
  config = std::move(c);
  weights = std::move(w);
  values_.clear(), shapes_.clear(), from_f16_.clear();
  return Status::success();
}

Status gpt2_loader_add_tensor(const io::TensorInfo& t, const std::uint8_t* bytes, Gpt2Loader& loader) {
  if (gpt2_film_tensor(t.name)) return Status::success();  // data for the page, not weights
  const std::vector<std::size_t> shape(t.shape.begin(), t.shape.end());
  const std::size_t count = static_cast<std::size_t>(t.count());
  if (gpt2_canonical_name(t.name) == "vocab.gpt2_ids") {
    std::vector<std::int64_t> integers(count);
    if (Status st = io::to_int64(t.dtype, bytes, count, integers.data(), t.name); !st.ok()) return st;
    return loader.add_integers(t.name, shape, integers.data());
  }
  std::vector<float> values(count);
  if (Status st = io::to_float32(t.dtype, bytes, count, values.data(), t.name); !st.ok()) return st;
  return loader.add(t.name, shape, values.data(), t.dtype == io::DType::F16);
}

Status gpt2_loader_from_safetensors(const std::uint8_t* file, std::size_t size, Gpt2Loader& loader) {
  io::SafetensorsFile f;
  if (Status st = io::read_safetensors(file, size, f); !st.ok()) return st;
  loader.set_metadata(f.header.metadata);
  for (const io::TensorInfo& t : f.header.tensors)
    if (Status st = gpt2_loader_add_tensor(t, f.bytes_of(t), loader); !st.ok()) return st;
  return Status::success();
}

}  // namespace attn
