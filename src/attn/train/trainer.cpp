// Gpt2Trainer: the step (forward with saved activations, backward in reverse block order, clip, AdamW) and the
// checkpoint export. The math of each block lives in nn/blocks.cpp; this file only orders the calls.
#include "attn/train/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "attn/core/parallel.hpp"
#include "attn/core/rng.hpp"
#include "attn/nn/blocks.hpp"

namespace attn::train {
namespace {

enum LayerTensor { kLn1G, kLn1B, kQkvW, kQkvB, kProjW, kProjB, kLn2G, kLn2B, kFcW, kFcB, kOutW, kOutB, kLayerTensors };

/// Approximately N(0, 1) from six uniforms (Irwin–Hall): only exact float operations, so every platform agrees.
float normal(Rng& rng) {
  float s = 0;
  for (int i = 0; i < 6; ++i) s += rng.uniform_pm1();
  return s * 0.7071067811865476f;  // six U(−1, 1) have variance 2
}

void zero(std::vector<float>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
  std::fill_n(v.begin(), n, 0.0f);
}

void sized(std::vector<float>& v, std::size_t n) {
  if (v.size() < n) v.resize(n);
}

bool ends_with(const std::string& s, const char* suffix) {
  const std::size_t n = std::strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

}  // namespace

Status TrainerConfig::check() const {
  if (!layers || !heads || !d_model || !vocab || !context || !batch || !seq)
    return Status::invalid_argument("trainer: layers, heads, d_model, vocab, context, batch and seq must be > 0");
  if (d_model % heads)
    return Status::invalid_argument("trainer: d_model " + std::to_string(d_model) + " is not a multiple of heads " +
                                    std::to_string(heads));
  if (seq > context)
    return Status::invalid_argument("trainer: seq " + std::to_string(seq) + " exceeds the context " +
                                    std::to_string(context));
  if (!(lr > 0) || !(clip > 0) || !(init_scale > 0) || warmup > steps)
    return Status::invalid_argument("trainer: lr, clip and init_scale must be > 0 and warmup ≤ steps");
  return Status::success();
}

Gpt2Trainer::Gpt2Trainer(const TrainerConfig& config) : config_(config), kt_(&best_kernels()) {
  const std::size_t C = config.d_model, F = config.ff(), V = config.vocab, P = config.context, L = config.layers;
  std::size_t offset = 0;
  const auto add = [&](std::string name, std::vector<std::size_t> shape, bool decay) {
    std::size_t size = 1;
    for (std::size_t d : shape) size *= d;
    tensors_.push_back({std::move(name), std::move(shape), offset, size, decay});
    offset += size;
    return tensors_.size() - 1;
  };
  wte_ = add("wte.weight", {V, C}, true);
  wpe_ = add("wpe.weight", {P, C}, true);
  for (std::size_t l = 0; l < L; ++l) {
    const std::string h = "h." + std::to_string(l) + ".";
    std::vector<std::size_t> idx(kLayerTensors);
    idx[kLn1G] = add(h + "ln_1.weight", {C}, false);
    idx[kLn1B] = add(h + "ln_1.bias", {C}, false);
    idx[kQkvW] = add(h + "attn.c_attn.weight", {C, 3 * C}, true);
    idx[kQkvB] = add(h + "attn.c_attn.bias", {3 * C}, false);
    idx[kProjW] = add(h + "attn.c_proj.weight", {C, C}, true);
    idx[kProjB] = add(h + "attn.c_proj.bias", {C}, false);
    idx[kLn2G] = add(h + "ln_2.weight", {C}, false);
    idx[kLn2B] = add(h + "ln_2.bias", {C}, false);
    idx[kFcW] = add(h + "mlp.c_fc.weight", {C, F}, true);
    idx[kFcB] = add(h + "mlp.c_fc.bias", {F}, false);
    idx[kOutW] = add(h + "mlp.c_proj.weight", {F, C}, true);
    idx[kOutB] = add(h + "mlp.c_proj.bias", {C}, false);
    layer_tensors_.push_back(idx);
  }
  lnf_g_ = add("ln_f.weight", {C}, false);
  lnf_b_ = add("ln_f.bias", {C}, false);
  params_.assign(offset, 0.0f);
  grads_.assign(offset, 0.0f);
  m_.assign(offset, 0.0f);
  v_.assign(offset, 0.0f);

  Rng rng(config.seed);
  const float base = 0.02f * config.init_scale, residual_std = base / std::sqrt(2.0f * float(L ? L : 1));
  for (const ParamTensor& t : tensors_) {
    float* w = params_.data() + t.offset;
    const bool gain = t.name.find("ln_") != std::string::npos && ends_with(t.name, ".weight");
    if (gain) std::fill_n(w, t.size, 1.0f);
    if (!t.decay) continue;  // biases and LayerNorm shifts start at 0
    const float std = t.name == "wpe.weight"                    ? base / 2
                      : ends_with(t.name, "c_proj.weight")       ? residual_std
                                                                : base;
    for (std::size_t i = 0; i < t.size; ++i) w[i] = std * normal(rng);
    // Drawn, then cleared: every other tensor starts as in the model with MLPs.
    if (config.attention_only && t.name.find(".mlp.") != std::string::npos) std::fill_n(w, t.size, 0.0f);
  }
}

Status Gpt2Trainer::set_vocabulary(std::vector<std::uint32_t> gpt2_ids, std::optional<std::uint32_t> unk_row) {
  if (gpt2_ids.size() != config_.vocab)
    return Status::invalid_argument("trainer: the vocabulary map has " + std::to_string(gpt2_ids.size()) +
                                    " ids for " + std::to_string(config_.vocab) + " rows");
  for (std::size_t i = 1; i < gpt2_ids.size(); ++i)
    if (gpt2_ids[i] <= gpt2_ids[i - 1]) return Status::invalid_argument("trainer: vocabulary ids must increase");
  if (unk_row && *unk_row >= config_.vocab) return Status::invalid_argument("trainer: unk_row is not a row");
  gpt2_ids_ = std::move(gpt2_ids);
  unk_row_ = unk_row;
  return Status::success();
}

Status Gpt2Trainer::set_head_mask(std::vector<std::uint8_t> on) {
  const std::size_t heads = config_.layers * config_.heads;
  if (!on.empty() && on.size() != heads)
    return Status::invalid_argument("trainer: the head mask has " + std::to_string(on.size()) + " entries for " +
                                    std::to_string(heads) + " heads (layers × heads)");
  if (std::all_of(on.begin(), on.end(), [](std::uint8_t v) { return v != 0; })) on.clear();
  head_on_ = std::move(on);
  return Status::success();
}

void Gpt2Trainer::silence_heads(std::size_t l, float* x, std::size_t n) const {
  if (head_on_.empty()) return;
  const std::size_t H = config_.heads, C = config_.d_model, D = C / H;
  for (std::size_t h = 0; h < H; ++h)
    if (!head_on_[l * H + h])
      for (std::size_t i = 0; i < n; ++i) std::fill_n(x + i * C + h * D, D, 0.0f);
}

float Gpt2Trainer::learning_rate(std::size_t step) const {
  const TrainerConfig& c = config_;
  if (step < c.warmup) return c.lr * float(step + 1) / float(c.warmup);
  const double span = double(c.steps > c.warmup ? c.steps - c.warmup : 1);
  const double progress = std::min(1.0, double(step - c.warmup) / span);
  const double floor = c.lr * c.min_lr_ratio;
  return float(floor + (c.lr - floor) * 0.5 * (1.0 + std::cos(3.141592653589793 * progress)));
}

void Gpt2Trainer::forward(const std::uint32_t* rows, std::size_t B) {
  const TrainerConfig& c = config_;
  const KernelTable& kt = *kt_;
  const std::size_t T = c.seq, n = B * T, C = c.d_model, F = c.ff(), H = c.heads, D = C / H, V = c.vocab;
  const std::size_t threads = c.threads;
  inputs_.resize(n), targets_.resize(n);
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t t = 0; t < T; ++t) {
      inputs_[b * T + t] = rows[b * (T + 1) + t];
      targets_[b * T + t] = rows[b * (T + 1) + t + 1];
    }
  acts_.resize(c.layers);
  sized(x_out_, n * C);
  LayerActs& first = acts_[0];
  sized(first.x_in, n * C);
  nn::embed_forward(inputs_.data(), n, T, C, p(wte_), p(wpe_), first.x_in.data());
  for (std::size_t l = 0; l < c.layers; ++l) {
    LayerActs& a = acts_[l];
    const std::vector<std::size_t>& w = layer_tensors_[l];
    sized(a.x_in, n * C), sized(a.ln1, n * C), sized(a.ln1_mean, n), sized(a.ln1_rstd, n), sized(a.qkv, n * 3 * C);
    sized(a.att, B * H * T * T), sized(a.heads, n * C), sized(a.x_mid, n * C);
    nn::layer_norm_forward(a.x_in.data(), n, C, p(w[kLn1G]), p(w[kLn1B]), c.ln_eps, a.ln1.data(), a.ln1_mean.data(),
                           a.ln1_rstd.data(), threads);
    nn::linear_forward(kt, a.ln1.data(), n, C, p(w[kQkvW]), p(w[kQkvB]), 3 * C, a.qkv.data(), pack_, threads);
    nn::attention_forward(kt, a.qkv.data(), B, T, H, D, a.heads.data(), a.att.data(), workspace_, threads);
    silence_heads(l, a.heads.data(), n);
    nn::linear_forward(kt, a.heads.data(), n, C, p(w[kProjW]), p(w[kProjB]), C, a.x_mid.data(), pack_, threads);
    for (std::size_t i = 0; i < n * C; ++i) a.x_mid[i] += a.x_in[i];
    float* next = l + 1 < c.layers ? (sized(acts_[l + 1].x_in, n * C), acts_[l + 1].x_in.data()) : x_out_.data();
    if (c.attention_only) {  // the MLP's weights are 0 and stay 0: its branch adds its output bias, nothing else
      const float* out_b = p(w[kOutB]);
      for (std::size_t i = 0; i < n * C; ++i) next[i] = out_b[i % C] + a.x_mid[i];
      continue;
    }
    sized(a.ln2, n * C), sized(a.ln2_mean, n), sized(a.ln2_rstd, n), sized(a.fc, n * F), sized(a.gelu, n * F);
    nn::layer_norm_forward(a.x_mid.data(), n, C, p(w[kLn2G]), p(w[kLn2B]), c.ln_eps, a.ln2.data(), a.ln2_mean.data(),
                           a.ln2_rstd.data(), threads);
    nn::linear_forward(kt, a.ln2.data(), n, C, p(w[kFcW]), p(w[kFcB]), F, a.fc.data(), pack_, threads);
    nn::gelu_forward(kt, a.fc.data(), a.gelu.data(), n * F, threads);
    nn::linear_forward(kt, a.gelu.data(), n, F, p(w[kOutW]), p(w[kOutB]), C, next, pack_, threads);
    for (std::size_t i = 0; i < n * C; ++i) next[i] += a.x_mid[i];
  }
  sized(lnf_, n * C), sized(lnf_mean_, n), sized(lnf_rstd_, n), sized(probs_, n * V);
  nn::layer_norm_forward(x_out_.data(), n, C, p(lnf_g_), p(lnf_b_), c.ln_eps, lnf_.data(), lnf_mean_.data(),
                         lnf_rstd_.data(), threads);
  // Tied head: logits = ln_f(x) · wteᵀ, a block of rows per item.
  const float* wte = p(wte_);
  parallel_for((n + 63) / 64, threads, [&](std::size_t i, std::size_t) {
    const std::size_t r0 = i * 64, m = std::min<std::size_t>(64, n - r0);
    kt.gemm_nt(m, V, C, 1.0f, lnf_.data() + r0 * C, C, wte, C, probs_.data() + r0 * V, V);
  });
}

double Gpt2Trainer::loss_and_probs(const std::uint32_t* rows, std::size_t B) {
  forward(rows, B);
  const std::size_t n = B * config_.seq;
  sized(losses_, n);
  return nn::softmax_cross_entropy_forward(probs_.data(), targets_.data(), n, config_.vocab, losses_.data(),
                                           config_.threads) / double(n);
}

Status Gpt2Trainer::evaluate(const std::uint32_t* rows, std::size_t batch, double& loss) {
  if (Status st = config_.check(); !st.ok()) return st;
  if (!rows || batch == 0 || batch > config_.batch)
    return Status::invalid_argument("trainer: evaluate needs 1.." + std::to_string(config_.batch) + " sequences");
  for (std::size_t i = 0; i < batch * (config_.seq + 1); ++i)
    if (rows[i] >= config_.vocab)
      return Status::out_of_range("trainer: row " + std::to_string(rows[i]) + " at " + std::to_string(i) +
                                  " is not in the vocabulary of " + std::to_string(config_.vocab));
  loss = loss_and_probs(rows, batch);
  return Status::success();
}

Status Gpt2Trainer::forward_backward(const std::uint32_t* rows, double& loss) {
  const TrainerConfig& c = config_;
  if (Status st = evaluate(rows, c.batch, loss); !st.ok()) return st;
  const KernelTable& kt = *kt_;
  const std::size_t B = c.batch, T = c.seq, n = B * T, C = c.d_model, F = c.ff(), H = c.heads, D = C / H;
  const std::size_t V = c.vocab, threads = c.threads;
  std::fill(grads_.begin(), grads_.end(), 0.0f);

  // Head and ln_f: dlogits = (p − onehot)/n; d ln_f = dlogits·wte; dwte += dlogitsᵀ·ln_f.
  sized(dlogits_, n * V);
  nn::softmax_cross_entropy_backward(probs_.data(), targets_.data(), n, V, 1.0f / float(n), dlogits_.data(), threads);
  sized(dln_, n * C);
  const float* wte = p(wte_);
  parallel_for((n + 63) / 64, threads, [&](std::size_t i, std::size_t) {
    const std::size_t r0 = i * 64, m = std::min<std::size_t>(64, n - r0);
    kt.gemm_nn(m, C, V, 1.0f, dlogits_.data() + r0 * V, V, wte, C, dln_.data() + r0 * C, C);
  });
  nn::matmul_tn_acc(kt, dlogits_.data(), n, V, lnf_.data(), C, g(wte_), scratch_, threads);
  zero(dres_, n * C);
  nn::layer_norm_backward(dln_.data(), x_out_.data(), lnf_mean_.data(), lnf_rstd_.data(), n, C, p(lnf_g_), dres_.data(),
                          g(lnf_g_), g(lnf_b_), threads);

  for (std::size_t l = c.layers; l-- > 0;) {
    LayerActs& a = acts_[l];
    const std::vector<std::size_t>& w = layer_tensors_[l];
    // MLP branch: dres is d(x_next) = d(x_mid) through the residual, plus what the branch sends back.
    if (c.attention_only) {  // zero weights: only the output bias has a gradient, and nothing is sent back
      float* db = g(w[kOutB]);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < C; ++j) db[j] += dres_[i * C + j];
    } else {
      zero(dgelu_, n * F);
      nn::linear_backward(kt, dres_.data(), a.gelu.data(), n, F, p(w[kOutW]), C, dgelu_.data(), g(w[kOutW]),
                          g(w[kOutB]), scratch_, threads);
      zero(dfc_, n * F);
      nn::gelu_backward(kt, a.fc.data(), dgelu_.data(), dfc_.data(), n * F, threads);
      zero(dln_, n * C);
      nn::linear_backward(kt, dfc_.data(), a.ln2.data(), n, C, p(w[kFcW]), F, dln_.data(), g(w[kFcW]), g(w[kFcB]),
                          scratch_, threads);
      nn::layer_norm_backward(dln_.data(), a.x_mid.data(), a.ln2_mean.data(), a.ln2_rstd.data(), n, C, p(w[kLn2G]),
                              dres_.data(), g(w[kLn2G]), g(w[kLn2B]), threads);
    }
    // Attention branch.
    zero(dheads_, n * C);
    nn::linear_backward(kt, dres_.data(), a.heads.data(), n, C, p(w[kProjW]), C, dheads_.data(), g(w[kProjW]),
                        g(w[kProjB]), scratch_, threads);
    silence_heads(l, dheads_.data(), n);  // a silenced head's output is a constant 0: no gradient reaches it
    zero(dqkv_, n * 3 * C);
    nn::attention_backward(kt, dheads_.data(), a.qkv.data(), a.att.data(), B, T, H, D, dqkv_.data(), workspace_, threads);
    zero(dln_, n * C);
    nn::linear_backward(kt, dqkv_.data(), a.ln1.data(), n, C, p(w[kQkvW]), 3 * C, dln_.data(), g(w[kQkvW]),
                        g(w[kQkvB]), scratch_, threads);
    nn::layer_norm_backward(dln_.data(), a.x_in.data(), a.ln1_mean.data(), a.ln1_rstd.data(), n, C, p(w[kLn1G]),
                            dres_.data(), g(w[kLn1G]), g(w[kLn1B]), threads);
  }
  nn::embed_backward(dres_.data(), inputs_.data(), n, T, C, g(wte_), g(wpe_));
  return Status::success();
}

Status Gpt2Trainer::train_step(const std::uint32_t* rows, StepReport& report) {
  double loss = 0;
  if (Status st = forward_backward(rows, loss); !st.ok()) return st;
  const TrainerConfig& c = config_;
  // Global norm in a fixed order (double), then one scale for every gradient.
  double sq = 0;
  for (float gr : grads_) sq += double(gr) * gr;
  const double norm = std::sqrt(sq);
  const float clip_scale = norm > c.clip ? float(c.clip / norm) : 1.0f;
  const float lr = learning_rate(step_);
  ++step_;
  const float b1 = c.beta1, b2 = c.beta2;
  const float bc1 = 1.0f - float(std::pow(double(b1), double(step_)));
  const float bc2 = 1.0f - float(std::pow(double(b2), double(step_)));
  for (const ParamTensor& t : tensors_) {
    const float wd = t.decay ? c.weight_decay : 0.0f;
    parallel_for((t.size + 4095) / 4096, c.threads, [&](std::size_t chunk, std::size_t) {
      const std::size_t i0 = t.offset + chunk * 4096, i1 = std::min(t.offset + t.size, i0 + 4096);
      for (std::size_t i = i0; i < i1; ++i) {
        const float gr = grads_[i] * clip_scale;
        m_[i] = b1 * m_[i] + (1.0f - b1) * gr;
        v_[i] = b2 * v_[i] + (1.0f - b2) * gr * gr;
        const float mh = m_[i] / bc1, vh = v_[i] / bc2;
        params_[i] -= lr * (mh / (std::sqrt(vh) + c.adam_eps) + wd * params_[i]);
      }
    });
  }
  report.loss = loss;
  report.grad_norm = norm;
  report.lr = lr;
  return Status::success();
}

Status Gpt2Trainer::to_loader(Gpt2Loader& loader) const {
  for (const ParamTensor& t : tensors_)
    if (Status st = loader.add(t.name, t.shape, params_.data() + t.offset); !st.ok()) return st;
  std::map<std::string, std::string> metadata{{"n_head", std::to_string(config_.heads)}};
  if (!gpt2_ids_.empty()) {
    std::vector<std::int64_t> ids(gpt2_ids_.begin(), gpt2_ids_.end());
    if (Status st = loader.add_integers("vocab.gpt2_ids", {ids.size()}, ids.data()); !st.ok()) return st;
    if (unk_row_) metadata["unk_id"] = std::to_string(*unk_row_);
  }
  loader.set_metadata(std::move(metadata));
  return Status::success();
}

Status Gpt2Trainer::save(io::DType dtype, const std::map<std::string, std::string>& metadata,
                         std::vector<std::uint8_t>& out, std::vector<io::TensorToWrite> extra) const {
  if (dtype != io::DType::F32 && dtype != io::DType::F16)
    return Status::invalid_argument("trainer: checkpoints are F32 or F16");
  std::vector<io::TensorToWrite> tensors;
  for (const ParamTensor& t : tensors_) {
    io::TensorToWrite w{t.name, dtype, {t.shape.begin(), t.shape.end()}, {}};
    const float* src = params_.data() + t.offset;
    if (dtype == io::DType::F32) {
      w.bytes.resize(t.size * 4);
      std::memcpy(w.bytes.data(), src, t.size * 4);  // little-endian hosts (x86-64, aarch64, wasm)
    } else {
      w.bytes.resize(t.size * 2);
      for (std::size_t i = 0; i < t.size; ++i) {
        const std::uint16_t h = io::float_to_f16(src[i]);
        w.bytes[2 * i] = std::uint8_t(h & 0xFF), w.bytes[2 * i + 1] = std::uint8_t(h >> 8);
      }
    }
    tensors.push_back(std::move(w));
  }
  std::map<std::string, std::string> meta = metadata;
  meta["format"] = "attention-wasm-gpt2";
  meta["n_layer"] = std::to_string(config_.layers);
  meta["n_head"] = std::to_string(config_.heads);
  meta["n_embd"] = std::to_string(config_.d_model);
  meta["n_positions"] = std::to_string(config_.context);
  if (!gpt2_ids_.empty()) {
    io::TensorToWrite ids{"vocab.gpt2_ids", io::DType::I32, {gpt2_ids_.size()}, {}};
    ids.bytes.resize(gpt2_ids_.size() * 4);
    for (std::size_t i = 0; i < gpt2_ids_.size(); ++i)
      for (int b = 0; b < 4; ++b) ids.bytes[4 * i + b] = std::uint8_t(gpt2_ids_[i] >> (8 * b));
    tensors.push_back(std::move(ids));
    meta["vocab"] = "restricted";
    if (unk_row_) meta["unk_id"] = std::to_string(*unk_row_);
  }
  for (io::TensorToWrite& t : extra) tensors.push_back(std::move(t));
  return io::write_safetensors(tensors, meta, out);
}

std::string Gpt2Trainer::fingerprint() const {
  const TrainerConfig& c = config_;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "layers=%zu heads=%zu d_model=%zu d_ff=%zu vocab=%zu context=%zu batch=%zu seq=%zu lr=%g min_lr=%g "
                "betas=%g,%g eps=%g wd=%g clip=%g warmup=%zu steps=%zu seed=%llu threads=%zu",
                c.layers, c.heads, c.d_model, c.ff(), c.vocab, c.context, c.batch, c.seq, double(c.lr),
                double(c.min_lr_ratio), double(c.beta1), double(c.beta2), double(c.adam_eps), double(c.weight_decay),
                double(c.clip), c.warmup, c.steps, static_cast<unsigned long long>(c.seed), c.threads);
  // Named only when it differs from GPT-2's, so the state files of earlier runs still continue.
  std::string text = buf;
  if (c.init_scale != 1.0f) text += " init_scale=" + std::to_string(double(c.init_scale));
  if (c.attention_only) text += " attention_only";
  return text;
}

Status Gpt2Trainer::save_state(const std::map<std::string, std::string>& metadata, std::vector<io::TensorToWrite> tensors,
                               std::vector<std::uint8_t>& out) const {
  for (const auto& [name, values] : {std::pair<const char*, const std::vector<float>*>{"params", &params_},
                                     {"adam.m", &m_}, {"adam.v", &v_}}) {
    io::TensorToWrite t{name, io::DType::F32, {values->size()}, std::vector<std::uint8_t>(values->size() * 4)};
    std::memcpy(t.bytes.data(), values->data(), t.bytes.size());
    tensors.push_back(std::move(t));
  }
  std::map<std::string, std::string> meta = metadata;
  meta["step"] = std::to_string(step_);
  meta["fingerprint"] = fingerprint();
  return io::write_safetensors(tensors, meta, out);
}

Status Gpt2Trainer::load_state(const std::uint8_t* file, std::size_t size, std::map<std::string, std::string>& metadata) {
  io::SafetensorsFile f;
  if (Status st = io::read_safetensors(file, size, f); !st.ok()) return st;
  const auto& meta = f.header.metadata;
  if (!meta.count("fingerprint") || meta.at("fingerprint") != fingerprint())
    return Status::invalid_data("trainer state: made by another configuration (" +
                                (meta.count("fingerprint") ? meta.at("fingerprint") : std::string("none")) +
                                "), this run is " + fingerprint());
  std::vector<float>* targets[3] = {&params_, &m_, &v_};
  const char* names[3] = {"params", "adam.m", "adam.v"};
  for (int i = 0; i < 3; ++i) {
    const auto it = std::find_if(f.header.tensors.begin(), f.header.tensors.end(),
                                 [&](const io::TensorInfo& t) { return t.name == names[i]; });
    if (it == f.header.tensors.end() || it->dtype != io::DType::F32 || it->count() != targets[i]->size())
      return Status::invalid_data(std::string("trainer state: tensor ") + names[i] + " is missing or has the wrong size");
    std::memcpy(targets[i]->data(), f.bytes_of(*it), targets[i]->size() * 4);
  }
  const std::string& step = meta.count("step") ? meta.at("step") : std::string();
  char* end = nullptr;
  const unsigned long long parsed = std::strtoull(step.c_str(), &end, 10);
  if (step.empty() || *end) return Status::invalid_data("trainer state: step '" + step + "' is not a number");
  step_ = std::size_t(parsed);
  metadata = meta;
  return Status::success();
}

}  // namespace attn::train
