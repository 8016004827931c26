// The trainer: gradients of every tensor kind against central differences of the float64 GPT-2 reference, the
// GELU derivative, bit-identical reruns (and thread counts), overfitting one batch, the schedule, and checkpoints
// that the runtime loads with the trainer's own numbers.
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <set>

#include "attn/model/gpt2.hpp"
#include "attn/model/gpt2_ref.hpp"
#include "attn/nn/blocks.hpp"
#include "attn/train/trainer.hpp"
#include "tolerance.hpp"

namespace {

using attn::train::Gpt2Trainer;
using attn::train::TrainerConfig;

TrainerConfig tiny_config() {
  TrainerConfig c;
  c.layers = 2, c.heads = 2, c.d_model = 8, c.d_ff = 12, c.vocab = 11, c.context = 7;
  c.batch = 2, c.seq = 5;
  c.threads = 1;
  return c;
}

std::vector<std::uint32_t> random_rows(std::size_t count, std::size_t vocab, std::uint64_t seed) {
  attn::Rng rng(seed);
  std::vector<std::uint32_t> rows(count);
  for (auto& r : rows) r = std::uint32_t(rng.next_u64() % vocab);
  return rows;
}

/// Weights of a larger spread than GPT-2's init, so every nonlinearity (GELU's curve, softmax, LayerNorm) matters.
void spread_weights(Gpt2Trainer& t, std::uint64_t seed) {
  attn::Rng rng(seed);
  for (const auto& tensor : t.tensors()) {
    float* w = t.params().data() + tensor.offset;
    const bool gain = tensor.name.find("ln_") != std::string::npos && tensor.name.find(".weight") != std::string::npos;
    for (std::size_t i = 0; i < tensor.size; ++i)
      w[i] = gain ? 1.0f + 0.25f * rng.uniform_pm1() : 0.4f * rng.uniform_pm1();
  }
}

/// The mean cross-entropy of the trainer's current weights, in float64 through the reference forward.
double reference_loss(const Gpt2Trainer& t, const std::vector<std::uint32_t>& rows) {
  attn::Gpt2Loader loader;
  REQUIRE(t.to_loader(loader).ok());
  attn::Gpt2Config config;
  attn::Gpt2Weights weights;
  REQUIRE(loader.finish({}, config, weights).ok());
  const TrainerConfig& c = t.config();
  double total = 0;
  for (std::size_t b = 0; b < c.batch; ++b) {
    const std::vector<std::uint32_t> in(rows.begin() + b * (c.seq + 1), rows.begin() + b * (c.seq + 1) + c.seq);
    const attn::Gpt2Reference ref = attn::gpt2_reference(config, weights, in);
    for (std::size_t i = 0; i < c.seq; ++i) {
      const double* logits = &ref.logits[i * c.vocab];
      double mx = logits[0];
      for (std::size_t j = 1; j < c.vocab; ++j) mx = std::max(mx, logits[j]);
      double sum = 0;
      for (std::size_t j = 0; j < c.vocab; ++j) sum += std::exp(logits[j] - mx);
      total += std::log(sum) + mx - logits[rows[b * (c.seq + 1) + i + 1]];
    }
  }
  return total / double(c.batch * c.seq);
}

std::vector<std::uint8_t> param_bytes(const Gpt2Trainer& t) {
  std::vector<std::uint8_t> bytes(t.params().size() * 4);
  std::memcpy(bytes.data(), t.params().data(), bytes.size());
  return bytes;
}

}  // namespace

TEST_CASE("gelu_tanh_grad matches central differences in double", "[trainer]") {
  for (float x : {-6.0f, -2.7f, -1.0f, -0.1f, 0.0f, 0.3f, 1.0f, 2.0f, 5.0f, 30.0f, -30.0f}) {
    const double h = 1e-4;
    const auto f = [](double v) { return 0.5 * v * (1 + std::tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))); };
    const double fd = (f(x + h) - f(x - h)) / (2 * h);
    INFO("x = " << x);
    CHECK(std::abs(attn::nn::gelu_tanh_grad(x) - fd) <= 1e-5 + 1e-4 * std::abs(fd));
  }
}

TEST_CASE("every gradient matches central differences of the float64 reference", "[trainer]") {
  Gpt2Trainer t(tiny_config());
  spread_weights(t, 7);
  const TrainerConfig& c = t.config();
  const std::vector<std::uint32_t> rows = random_rows(c.batch * (c.seq + 1), c.vocab, 3);
  double loss = 0;
  REQUIRE(t.forward_backward(rows.data(), loss).ok());
  CHECK(std::abs(loss - reference_loss(t, rows)) <= 1e-5 * std::abs(loss));

  // Per tensor: its largest-gradient element and two pseudo-random ones.
  double worst = 0;
  std::string worst_at;
  attn::Rng pick(11);
  for (const auto& tensor : t.tensors()) {
    std::set<std::size_t> elements{std::size_t(pick.next_u64() % tensor.size), std::size_t(pick.next_u64() % tensor.size)};
    std::size_t largest = 0;
    for (std::size_t i = 1; i < tensor.size; ++i)
      if (std::abs(t.grads()[tensor.offset + i]) > std::abs(t.grads()[tensor.offset + largest])) largest = i;
    elements.insert(largest);
    for (std::size_t e : elements) {
      float& w = t.params()[tensor.offset + e];
      const float w0 = w;
      w = w0 + 1e-3f;
      const double up = reference_loss(t, rows), w_up = w;
      w = w0 - 1e-3f;
      const double down = reference_loss(t, rows), w_down = w;
      w = w0;
      const double fd = (up - down) / (w_up - w_down);
      const double got = t.grads()[tensor.offset + e];
      const double excess = std::abs(got - fd) / (attn_test::kGradcheckTol.atol + attn_test::kGradcheckTol.rtol * std::abs(fd));
      if (excess > worst) worst = excess, worst_at = tensor.name + "[" + std::to_string(e) + "]";
      INFO(tensor.name << "[" << e << "]: analytic " << got << ", central difference " << fd);
      CHECK(excess <= 1.0);
    }
  }
  WARN("gradient check: worst error is " << worst << " of the tolerance, at " << worst_at);
}

TEST_CASE("a rerun is bit-identical, and so is another thread count", "[trainer]") {
  TrainerConfig c = tiny_config();
  c.layers = 2, c.heads = 4, c.d_model = 32, c.d_ff = 0, c.vocab = 40, c.context = 24, c.batch = 3, c.seq = 24;
  c.steps = 6, c.warmup = 2;
  const std::vector<std::uint32_t> rows = random_rows(c.batch * (c.seq + 1) * c.steps, c.vocab, 5);
  const auto run = [&](std::size_t threads) {
    TrainerConfig ct = c;
    ct.threads = threads;
    Gpt2Trainer t(ct);
    attn::train::StepReport report;
    for (std::size_t s = 0; s < c.steps; ++s) REQUIRE(t.train_step(&rows[s * c.batch * (c.seq + 1)], report).ok());
    return param_bytes(t);
  };
  const auto first = run(1);
  CHECK(first == run(1));
  CHECK(first == run(2));
  Gpt2Trainer fresh(c);
  CHECK(first != param_bytes(fresh));  // the steps did change the weights
}

TEST_CASE("the trainer overfits one batch below 0.05 nats", "[trainer]") {
  TrainerConfig c;
  c.layers = 2, c.heads = 2, c.d_model = 32, c.vocab = 24, c.context = 16, c.batch = 4, c.seq = 16;
  c.lr = 1e-2f, c.warmup = 10, c.steps = 300, c.weight_decay = 0.0f, c.threads = 2;
  Gpt2Trainer t(c);
  const std::vector<std::uint32_t> rows = random_rows(c.batch * (c.seq + 1), c.vocab, 9);
  attn::train::StepReport report;
  double first = 0;
  std::size_t steps = 0;
  for (; steps < c.steps; ++steps) {
    REQUIRE(t.train_step(rows.data(), report).ok());
    if (steps == 0) first = report.loss;
    if (report.loss < 0.05) break;
  }
  INFO("loss " << first << " -> " << report.loss << " after " << steps + 1 << " steps");
  CHECK(first > 2.5);
  CHECK(report.loss < 0.05);
}

TEST_CASE("the schedule warms up linearly and decays by cosine to the floor", "[trainer]") {
  TrainerConfig c = tiny_config();
  c.lr = 1e-3f, c.warmup = 10, c.steps = 110, c.min_lr_ratio = 0.1f;
  Gpt2Trainer t(c);
  CHECK(t.learning_rate(0) == 1e-3f * 1 / 10);
  CHECK(std::abs(t.learning_rate(9) - 1e-3f) < 1e-9f);
  CHECK(std::abs(t.learning_rate(60) - 0.55e-3f) < 1e-7f);
  CHECK(std::abs(t.learning_rate(110) - 1e-4f) < 1e-9f);
  CHECK(std::abs(t.learning_rate(500) - 1e-4f) < 1e-9f);
}

TEST_CASE("init_scale widens every initial spread by its factor and leaves the gains and biases", "[trainer]") {
  TrainerConfig c = tiny_config();
  Gpt2Trainer gpt2(c);
  c.init_scale = 4;
  Gpt2Trainer wide(c);
  CHECK(wide.fingerprint() != gpt2.fingerprint());
  for (const auto& t : gpt2.tensors())
    for (std::size_t i = t.offset; i < t.offset + t.size; ++i) {
      const float a = gpt2.params()[i], b = wide.params()[i], expected = t.decay ? 4 * a : a;
      INFO(t.name << "[" << i - t.offset << "]");
      CHECK(std::abs(b - expected) <= 1e-6f * std::abs(expected));
    }
  c.init_scale = 0;
  CHECK(c.check().code == attn::Code::invalid_argument);
}

TEST_CASE("attention_only: the MLP weights start and stay 0 while the rest trains as in the model with MLPs", "[trainer]") {
  TrainerConfig c = tiny_config();
  c.steps = 20, c.warmup = 2, c.lr = 1e-2f;
  Gpt2Trainer full(c);
  c.attention_only = true;
  Gpt2Trainer attention(c);
  CHECK(attention.fingerprint() != full.fingerprint());
  const auto is_mlp_weight = [](const attn::train::ParamTensor& t) {
    return t.name.find(".mlp.") != std::string::npos && t.decay;
  };
  // Every other tensor starts as in the model with MLPs (same draws).
  for (const auto& t : full.tensors())
    for (std::size_t i = t.offset; i < t.offset + t.size; ++i)
      REQUIRE(attention.params()[i] == (is_mlp_weight(t) ? 0.0f : full.params()[i]));
  const std::vector<std::uint32_t> rows = random_rows(c.batch * (c.seq + 1), c.vocab, 5);
  attn::train::StepReport r{}, first{};
  for (int s = 0; s < 20; ++s) {
    REQUIRE(attention.train_step(rows.data(), r).ok());
    if (s == 0) first = r;
  }
  CHECK(r.loss < first.loss);  // it learns
  bool out_bias_moved = false;
  for (const auto& t : attention.tensors()) {
    INFO(t.name);
    for (std::size_t i = t.offset; i < t.offset + t.size; ++i) {
      if (is_mlp_weight(t)) REQUIRE(attention.params()[i] == 0.0f);
      if (t.name.find("mlp.c_proj.bias") != std::string::npos) out_bias_moved |= attention.params()[i] != 0.0f;
    }
  }
  CHECK(out_bias_moved);  // the one MLP parameter with a gradient: a constant added to the residual

  // Its steps skip the MLP's arithmetic: the model with MLPs whose MLP weights are 0 gives the same loss, gradients
  // and parameters, bit for bit (the output bias's gradient sums the rows in linear_backward's order), step by step.
  c.attention_only = false;
  Gpt2Trainer zeroed(c);
  zeroed.params() = Gpt2Trainer([&] { TrainerConfig a = c; a.attention_only = true; return a; }()).params();
  Gpt2Trainer skipping(attention.config());
  skipping.params() = zeroed.params();
  for (int s = 0; s < 5; ++s) {
    const std::vector<std::uint32_t> batch = random_rows(c.batch * (c.seq + 1), c.vocab, 40 + s);
    double loss_skip = 0, loss_full = 0;
    REQUIRE(skipping.forward_backward(batch.data(), loss_skip).ok());
    REQUIRE(zeroed.forward_backward(batch.data(), loss_full).ok());
    CHECK(loss_skip == loss_full);
    for (std::size_t i = 0; i < skipping.grads().size(); ++i) {
      const float a = skipping.grads()[i], b = zeroed.grads()[i];
      INFO("gradient " << i << ": " << a << " vs " << b);
      REQUIRE(a == b);
    }
    attn::train::StepReport ra{}, rb{};
    REQUIRE(skipping.train_step(batch.data(), ra).ok());
    REQUIRE(zeroed.train_step(batch.data(), rb).ok());
    REQUIRE(param_bytes(skipping) == param_bytes(zeroed));
  }
}

TEST_CASE("a saved checkpoint loads in the runtime with the trainer's numbers", "[trainer]") {
  TrainerConfig c = tiny_config();
  Gpt2Trainer t(c);
  spread_weights(t, 21);
  std::vector<std::uint32_t> ids(c.vocab);
  for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = std::uint32_t(100 + 7 * i);
  REQUIRE(t.set_vocabulary(ids, std::uint32_t(c.vocab - 1)).ok());
  std::vector<std::uint8_t> file;
  REQUIRE(t.save(attn::io::DType::F32, {{"corpus_seed", "1"}}, file).ok());

  attn::Gpt2Loader from_file, from_trainer;
  REQUIRE(attn::gpt2_loader_from_safetensors(file.data(), file.size(), from_file).ok());
  REQUIRE(t.to_loader(from_trainer).ok());
  attn::Gpt2Model a, b;
  REQUIRE(a.load(from_file).ok());
  REQUIRE(b.load(from_trainer).ok());
  CHECK(a.config().heads == c.heads);
  CHECK(a.config().gpt2_ids == ids);
  REQUIRE(a.config().unk_row.has_value());
  CHECK(*a.config().unk_row == c.vocab - 1);

  const std::vector<std::uint32_t> rows = random_rows(c.batch * (c.seq + 1), c.vocab - 1, 4);
  std::vector<std::uint32_t> gpt2(c.seq);
  for (std::size_t i = 0; i < c.seq; ++i) gpt2[i] = ids[rows[i]];
  attn::Gpt2ForwardOptions fo;
  fo.logits = attn::LogitsFor::all;
  attn::Gpt2ForwardResult ra, rb;
  REQUIRE(a.forward(gpt2.data(), gpt2.size(), fo, ra).ok());
  REQUIRE(b.forward(gpt2.data(), gpt2.size(), fo, rb).ok());
  CHECK(ra.logits == rb.logits);  // the file round-trips every bit

  // The runtime's loss on the first sequence equals the trainer's (different code paths, float32 both).
  double trainer_loss = 0;
  REQUIRE(t.evaluate(rows.data(), 1, trainer_loss).ok());
  double runtime_loss = 0;
  for (std::size_t i = 0; i < c.seq; ++i) {
    const float* l = &ra.logits[i * c.vocab];
    double mx = l[0], sum = 0;
    for (std::size_t j = 1; j < c.vocab; ++j) mx = std::max<double>(mx, l[j]);
    for (std::size_t j = 0; j < c.vocab; ++j) sum += std::exp(l[j] - mx);
    runtime_loss += std::log(sum) + mx - l[rows[i + 1]];
  }
  runtime_loss /= double(c.seq);
  CHECK(std::abs(runtime_loss - trainer_loss) <= 1e-5 * trainer_loss);

  // F16: the same model within F16 rounding.
  std::vector<std::uint8_t> half;
  REQUIRE(t.save(attn::io::DType::F16, {}, half).ok());
  attn::Gpt2Loader from_half;
  REQUIRE(attn::gpt2_loader_from_safetensors(half.data(), half.size(), from_half).ok());
  attn::Gpt2Model h;
  REQUIRE(h.load(from_half).ok());
  attn::Gpt2ForwardResult rh;
  REQUIRE(h.forward(gpt2.data(), gpt2.size(), fo, rh).ok());
  CHECK(attn_test::compare(rh.logits, ra.logits, {2e-2, 2e-2}).empty());
}

TEST_CASE("bad trainer input is refused with a reason", "[trainer]") {
  TrainerConfig c = tiny_config();
  c.seq = c.context + 1;
  CHECK(c.check().code == attn::Code::invalid_argument);
  c = tiny_config();
  Gpt2Trainer t(c);
  std::vector<std::uint32_t> rows = random_rows(c.batch * (c.seq + 1), c.vocab, 1);
  rows[3] = std::uint32_t(c.vocab);
  double loss = 0;
  const attn::Status st = t.forward_backward(rows.data(), loss);
  CHECK(st.code == attn::Code::out_of_range);
  CHECK(st.message.find("not in the vocabulary") != std::string::npos);
  CHECK(t.set_vocabulary({3, 2}, std::nullopt).code == attn::Code::invalid_argument);
  CHECK(t.set_head_mask({1, 0, 1}).code == attn::Code::invalid_argument);
}

TEST_CASE("a switched-off head contributes nothing and gets no gradient", "[trainer]") {
  TrainerConfig c = tiny_config();
  c.weight_decay = 0;  // so a silenced head's weights must stay bit-identical through steps
  Gpt2Trainer t(c);
  spread_weights(t, 5);
  const std::size_t H = c.heads, C = c.d_model, D = C / H;
  const std::vector<std::pair<std::size_t, std::size_t>> off{{0, 1}, {1, 0}};
  std::vector<std::uint8_t> on(c.layers * H, 1);
  for (auto [l, h] : off) on[l * H + h] = 0;
  REQUIRE(t.set_head_mask(on).ok());
  const std::vector<std::uint32_t> rows = random_rows(c.batch * (c.seq + 1), c.vocab, 9);
  double loss = 0;
  REQUIRE(t.forward_backward(rows.data(), loss).ok());

  // The reference: the same model with the silenced heads' rows of c_proj.weight ([C in, C out]) set to zero, so
  // their outputs reach nothing. Elements of those rows are the mask's own (expected gradient 0), not the reference's.
  const auto tensor = [&](const std::string& name) {
    for (const auto& x : t.tensors())
      if (x.name == name) return x;
    FAIL("no tensor " << name);
    return t.tensors()[0];
  };
  std::vector<std::size_t> silenced_proj;  // flat indices of those rows
  for (auto [l, h] : off) {
    const auto proj = tensor("h." + std::to_string(l) + ".attn.c_proj.weight");
    for (std::size_t r = h * D; r < h * D + D; ++r)
      for (std::size_t j = 0; j < C; ++j) silenced_proj.push_back(proj.offset + r * C + j);
  }
  const auto masked_reference_loss = [&]() {
    std::vector<float> kept;
    for (std::size_t i : silenced_proj) kept.push_back(t.params()[i]), t.params()[i] = 0.0f;
    const double value = reference_loss(t, rows);
    for (std::size_t k = 0; k < silenced_proj.size(); ++k) t.params()[silenced_proj[k]] = kept[k];
    return value;
  };
  CHECK(std::abs(loss - masked_reference_loss()) <= 1e-5 * std::abs(loss));

  // Zero gradient for everything of a silenced head: its q, k, v columns of c_attn (weight [C, 3C] and bias) and
  // its rows of c_proj.weight.
  std::set<std::size_t> own(silenced_proj.begin(), silenced_proj.end());
  for (auto [l, h] : off) {
    const auto w = tensor("h." + std::to_string(l) + ".attn.c_attn.weight");
    const auto b = tensor("h." + std::to_string(l) + ".attn.c_attn.bias");
    for (std::size_t part = 0; part < 3; ++part)
      for (std::size_t col = part * C + h * D; col < part * C + h * D + D; ++col) {
        own.insert(b.offset + col);
        for (std::size_t r = 0; r < C; ++r) own.insert(w.offset + r * 3 * C + col);
      }
  }
  for (std::size_t i : own) {
    INFO("parameter " << i);
    CHECK(t.grads()[i] == 0.0f);
  }

  // Every other gradient against central differences of the reference (per tensor: its largest and two others).
  attn::Rng pick(13);
  for (const auto& x : t.tensors()) {
    std::vector<std::size_t> elements;
    std::size_t largest = x.offset;
    for (std::size_t i = x.offset; i < x.offset + x.size; ++i) {
      if (own.count(i)) continue;
      if (own.count(largest) || std::abs(t.grads()[i]) > std::abs(t.grads()[largest])) largest = i;
      if (elements.size() < 2 && pick.next_u64() % 4 == 0) elements.push_back(i);
    }
    if (!own.count(largest)) elements.push_back(largest);
    for (std::size_t e : elements) {
      float& w = t.params()[e];
      const float w0 = w;
      w = w0 + 1e-3f;
      const double up = masked_reference_loss(), w_up = w;
      w = w0 - 1e-3f;
      const double down = masked_reference_loss(), w_down = w;
      w = w0;
      const double fd = (up - down) / (w_up - w_down), got = t.grads()[e];
      INFO(x.name << "[" << e - x.offset << "]: analytic " << got << ", central difference " << fd);
      CHECK(std::abs(got - fd) <= attn_test::kGradcheckTol.atol + attn_test::kGradcheckTol.rtol * std::abs(fd));
    }
  }

  // Training with the mask leaves a silenced head's weights as they were (no gradient, and no decay here),
  // while the heads still on move; clearing the mask trains every head again.
  const std::vector<float> before = t.params();
  attn::train::StepReport r;
  for (int s = 0; s < 3; ++s) REQUIRE(t.train_step(rows.data(), r).ok());
  std::size_t moved = 0;
  for (std::size_t i = 0; i < before.size(); ++i) {
    if (own.count(i)) CHECK(t.params()[i] == before[i]);
    moved += t.params()[i] != before[i];
  }
  CHECK(moved > before.size() / 2);
  REQUIRE(t.set_head_mask({}).ok());
  CHECK(t.head_mask().empty());
  REQUIRE(t.forward_backward(rows.data(), loss).ok());
  CHECK(t.grads()[*own.begin()] != 0.0f);
}
