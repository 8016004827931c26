// The GPT-2 runtime (attn/model/gpt2.hpp) on small random models built in memory: forward against the float64
// oracle (gpt2_ref.hpp) on every kernel table, decode == full pass, causality by perturbation, the loader's rules
// (prefix, buffers, tied/untied head, heads, restricted vocabulary) and its refusals, and that a session's steady
// calls allocate nothing (alloc_count.hpp). Files: tests/node (wasm).
#include <catch2/catch_test_macros.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "attn/model/gpt2.hpp"
#include "attn/model/gpt2_ref.hpp"
#include "alloc_count.hpp"
#include "tolerance.hpp"

using attn_test::compare;
using attn_test::kGpt2Tol;

namespace {

struct Dims {
  std::size_t C = 32, L = 2, H = 4, F = 128, V = 96, P = 32;
};

/// Every tensor of a random model, keyed by its checkpoint name (without prefix), with its shape.
struct Checkpoint {
  std::map<std::string, std::pair<std::vector<std::size_t>, std::vector<float>>> tensors;
  std::map<std::string, std::string> metadata{{"n_head", "4"}};

  explicit Checkpoint(Dims d = {}, std::uint64_t seed = 1) {
    std::uint64_t s = seed;
    auto add = [&](const std::string& name, std::vector<std::size_t> shape, float scale, float offset = 0) {
      std::size_t n = 1;
      for (auto x : shape) n *= x;
      std::vector<float> v = attn_test::random_vector(n, s++, scale);
      for (auto& x : v) x += offset;
      tensors[name] = {shape, v};
    };
    add("wte.weight", {d.V, d.C}, 1.0f);
    add("wpe.weight", {d.P, d.C}, 0.5f);
    for (std::size_t l = 0; l < d.L; ++l) {
      const std::string h = "h." + std::to_string(l) + ".";
      add(h + "ln_1.weight", {d.C}, 0.1f, 1.0f), add(h + "ln_1.bias", {d.C}, 0.05f);
      add(h + "attn.c_attn.weight", {d.C, 3 * d.C}, 0.3f), add(h + "attn.c_attn.bias", {3 * d.C}, 0.05f);
      add(h + "attn.c_proj.weight", {d.C, d.C}, 0.2f), add(h + "attn.c_proj.bias", {d.C}, 0.05f);
      add(h + "ln_2.weight", {d.C}, 0.1f, 1.0f), add(h + "ln_2.bias", {d.C}, 0.05f);
      add(h + "mlp.c_fc.weight", {d.C, d.F}, 0.2f), add(h + "mlp.c_fc.bias", {d.F}, 0.05f);
      add(h + "mlp.c_proj.weight", {d.F, d.C}, 0.1f), add(h + "mlp.c_proj.bias", {d.C}, 0.05f);
    }
    add("ln_f.weight", {d.C}, 0.1f, 1.0f), add("ln_f.bias", {d.C}, 0.05f);
  }

  attn::Status load(attn::Gpt2Model& model, const std::string& prefix = "", attn::Gpt2LoadOptions options = {}) const {
    attn::Gpt2Loader loader;
    for (const auto& [name, t] : tensors)
      if (attn::Status st = loader.add(prefix + name, t.first, t.second.data()); !st.ok()) return st;
    loader.set_metadata(metadata);
    return model.load(loader, options);
  }
};

std::vector<std::uint32_t> some_ids(std::size_t n, std::size_t vocab, std::uint32_t seed = 3) {
  std::vector<std::uint32_t> ids(n);
  for (std::size_t t = 0; t < n; ++t) ids[t] = (seed * 2654435761u + std::uint32_t(t) * 40503u) % vocab;
  return ids;
}

}  // namespace

TEST_CASE("gpt2: logits, every attention matrix and the residual stream match the float64 oracle", "[gpt2]") {
  attn::Gpt2Model model;
  REQUIRE(Checkpoint().load(model).ok());
  const auto& cfg = model.config();
  CHECK(cfg.layers == 2);
  CHECK(cfg.heads == 4);
  CHECK(cfg.d_ff == 128);
  CHECK(cfg.tied_head);
  for (std::size_t T : {1u, 5u, 17u, 32u})
    for (attn::Isa isa : attn::available_isas()) {
      INFO("T = " << T << ", " << attn::isa_name(isa));
      const auto ids = some_ids(T, cfg.vocab);
      attn::Gpt2ForwardOptions o;
      o.logits = attn::LogitsFor::all, o.attention = true, o.residual = true, o.kernels = attn::table_for(isa);
      attn::Gpt2ForwardResult r;
      REQUIRE(model.forward(ids.data(), T, o, r).ok());
      const attn::Gpt2Reference ref = attn::gpt2_reference(cfg, model.weights(), ids);
      CHECK(compare(r.logits, ref.logits, kGpt2Tol) == "");
      CHECK(compare(r.attention, ref.attention, kGpt2Tol) == "");
      CHECK(compare(r.residual, ref.residual, kGpt2Tol) == "");
      CHECK(r.all_heads);
    }
}

TEST_CASE("gpt2: decoding token by token gives the full pass's logits; threads change no bit", "[gpt2]") {
  attn::Gpt2Model model;
  REQUIRE(Checkpoint().load(model).ok());
  const std::size_t T = 20, prompt = 6, V = model.config().vocab;
  const auto ids = some_ids(T, V, 9);
  attn::Gpt2ForwardOptions all;
  all.logits = attn::LogitsFor::all;
  attn::Gpt2ForwardResult full;
  REQUIRE(model.forward(ids.data(), T, all, full).ok());
  attn::Gpt2ForwardOptions two = all;
  two.threads = 2;
  attn::Gpt2ForwardOptions one_step, two_steps;  // decode steps on 1 and on 2 threads
  two_steps.threads = 2;
  attn::Gpt2Session s = model.session(), s2 = model.session();
  attn::Gpt2ForwardResult step, step2;
  REQUIRE(s.append(ids.data(), prompt, all, step).ok());
  REQUIRE(s2.append(ids.data(), prompt, two, step2).ok());
  CHECK(compare(step.logits, std::vector<float>(full.logits.begin(), full.logits.begin() + prompt * V), kGpt2Tol) == "");
  for (std::size_t t = prompt; t < T; ++t) {
    REQUIRE(s.append(&ids[t], 1, one_step, step).ok());
    REQUIRE(s2.append(&ids[t], 1, two_steps, step2).ok());
    CHECK(step.context == t + 1);
    CHECK(compare(step.logits, std::vector<float>(full.logits.begin() + t * V, full.logits.begin() + (t + 1) * V), kGpt2Tol) == "");
    CHECK(std::memcmp(step2.logits.data(), step.logits.data(), V * sizeof(float)) == 0);
  }
  attn::Gpt2ForwardResult threaded;
  REQUIRE(model.forward(ids.data(), T, two, threaded).ok());
  CHECK(std::memcmp(threaded.logits.data(), full.logits.data(), full.logits.size() * sizeof(float)) == 0);
}

TEST_CASE("gpt2: causal — changing later tokens leaves earlier logits bit-identical", "[gpt2]") {
  attn::Gpt2Model model;
  REQUIRE(Checkpoint().load(model).ok());
  const std::size_t T = 24, V = model.config().vocab, keep = 11;
  auto ids = some_ids(T, V, 5);
  attn::Gpt2ForwardOptions all;
  all.logits = attn::LogitsFor::all;
  attn::Gpt2ForwardResult a, b;
  REQUIRE(model.forward(ids.data(), T, all, a).ok());
  for (std::size_t t = keep; t < T; ++t) ids[t] = (ids[t] + 17) % V;
  REQUIRE(model.forward(ids.data(), T, all, b).ok());
  CHECK(std::memcmp(a.logits.data(), b.logits.data(), keep * V * sizeof(float)) == 0);
  CHECK(std::memcmp(a.logits.data() + keep * V, b.logits.data() + keep * V, V * sizeof(float)) != 0);
}

TEST_CASE("gpt2: a session truncated to a shared prefix and fed the rest gives the full pass on the new text", "[gpt2]") {
  attn::Gpt2Model model;
  REQUIRE(Checkpoint().load(model).ok());
  const std::size_t T = 12, V = 96, L = 2, H = 4;
  auto ids = some_ids(T, V);
  attn::Gpt2ForwardOptions o;
  o.logits = attn::LogitsFor::all, o.attention = true;
  attn::Gpt2Session session = model.session();
  attn::Gpt2ForwardResult r, full;
  REQUIRE(session.append(ids.data(), T, o, r).ok());
  // The text is edited from token 9 on: the session keeps tokens 0..8 and reads the last three again.
  const std::size_t keep = 9;
  ids[keep] = (ids[keep] + 1) % V, ids[T - 1] = (ids[T - 1] + 7) % V;
  session.truncate(keep);
  CHECK(session.position() == keep);
  REQUIRE(session.append(&ids[keep], T - keep, o, r).ok());
  REQUIRE(model.forward(ids.data(), T, o, full).ok());
  const std::vector<float> last_rows(full.logits.begin() + keep * V, full.logits.end());
  CHECK(compare(r.logits, last_rows, kGpt2Tol) == "");
  for (std::size_t lh = 0; lh < L * H; ++lh) {  // r.attention: [L, H, 3, T], the new query rows over every key
    const std::vector<float> got(r.attention.begin() + lh * (T - keep) * T, r.attention.begin() + (lh + 1) * (T - keep) * T);
    const std::vector<float> want(full.attention.begin() + (lh * T + keep) * T, full.attention.begin() + (lh + 1) * T * T);
    CHECK(compare(got, want, kGpt2Tol) == "");
  }
  session.truncate(T + 5);  // past the end: nothing changes
  CHECK(session.position() == T);
}

TEST_CASE("gpt2: zero Q and K weights give uniform causal attention (the Q | K | V column order)", "[gpt2]") {
  Checkpoint ck;
  const std::size_t C = 32;
  for (std::size_t l = 0; l < 2; ++l) {
    auto& w = ck.tensors["h." + std::to_string(l) + ".attn.c_attn.weight"].second;
    auto& b = ck.tensors["h." + std::to_string(l) + ".attn.c_attn.bias"].second;
    for (std::size_t i = 0; i < C; ++i)
      for (std::size_t o = 0; o < 2 * C; ++o) w[i * 3 * C + o] = 0.0f;  // Q and K are the first two thirds
    for (std::size_t o = 0; o < 2 * C; ++o) b[o] = 0.0f;
  }
  attn::Gpt2Model model;
  REQUIRE(ck.load(model).ok());
  const std::size_t T = 7;
  const auto ids = some_ids(T, 96);
  attn::Gpt2ForwardOptions o;
  o.attention = true;
  attn::Gpt2ForwardResult r;
  REQUIRE(model.forward(ids.data(), T, o, r).ok());
  for (std::size_t lh = 0; lh < 2 * 4; ++lh)
    for (std::size_t i = 0; i < T; ++i)
      for (std::size_t j = 0; j < T; ++j)
        CHECK(r.attention[(lh * T + i) * T + j] == (j <= i ? 1.0f / float(i + 1) : 0.0f));
}

TEST_CASE("gpt2: ablating a head equals zeroing its value columns, in a pass and on the KV-cache path", "[gpt2]") {
  Checkpoint ck;
  const std::size_t C = 32, D = 8, layer = 1, head = 2;
  attn::Gpt2Model model, zeroed;
  REQUIRE(ck.load(model).ok());
  // A head whose V projection is zero outputs zero (its weights sum to 1 over zero vectors): the ablation's meaning.
  auto& w = ck.tensors["h.1.attn.c_attn.weight"].second;
  auto& b = ck.tensors["h.1.attn.c_attn.bias"].second;
  for (std::size_t i = 0; i < C; ++i)
    for (std::size_t o = 2 * C + head * D; o < 2 * C + (head + 1) * D; ++o) w[i * 3 * C + o] = 0.0f;
  for (std::size_t o = 2 * C + head * D; o < 2 * C + (head + 1) * D; ++o) b[o] = 0.0f;
  REQUIRE(ck.load(zeroed).ok());
  const std::size_t T = 9;
  const auto ids = some_ids(T, 96);
  attn::Gpt2ForwardOptions o;
  o.logits = attn::LogitsFor::all;
  attn::Gpt2ForwardResult plain, ablated, reference;
  REQUIRE(model.forward(ids.data(), T, o, plain).ok());
  REQUIRE(zeroed.forward(ids.data(), T, o, reference).ok());
  o.ablate_heads = {{layer, head}};
  REQUIRE(model.forward(ids.data(), T, o, ablated).ok());
  CHECK(ablated.logits == reference.logits);
  CHECK(ablated.logits != plain.logits);
  // Token by token with the same ablation: the same logits.
  attn::Gpt2Session session = model.session();
  attn::Gpt2ForwardOptions step = o;
  step.logits = attn::LogitsFor::last;
  for (std::size_t t = 0; t < T; ++t) {
    attn::Gpt2ForwardResult r;
    REQUIRE(session.append(&ids[t], 1, step, r).ok());
    std::vector<float> full(reference.logits.begin() + t * 96, reference.logits.begin() + (t + 1) * 96);
    CHECK(attn_test::compare(r.logits, full, attn_test::kGpt2Tol).empty());
  }
  o.ablate_heads = {{2, 0}};
  CHECK(model.forward(ids.data(), T, o, ablated).code == attn::Code::out_of_range);
}

namespace {
/// softmax(mask(q·kᵀ·scale)) and its ·v for one head from a trace's own q, k, v, in double: [n, Lk] and [n, D].
void replay_head(const attn::Gpt2HeadTrace& t, std::size_t n, std::size_t Lk, std::vector<double>& weights,
                 std::vector<double>& out) {
  const std::size_t D = t.head_dim, first = Lk - n;
  weights.assign(n * Lk, 0.0), out.assign(n * D, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    double max = -1e300, sum = 0;
    std::vector<double> s(Lk);
    for (std::size_t j = 0; j <= first + i; ++j) {
      for (std::size_t d = 0; d < D; ++d) s[j] += double(t.q[i * D + d]) * t.k[j * D + d];
      s[j] /= std::sqrt(double(D));
      max = std::max(max, s[j]);
    }
    for (std::size_t j = 0; j <= first + i; ++j) sum += weights[i * Lk + j] = std::exp(s[j] - max);
    for (std::size_t j = 0; j <= first + i; ++j) {
      weights[i * Lk + j] /= sum;
      for (std::size_t d = 0; d < D; ++d) out[i * D + d] += weights[i * Lk + j] * t.v[j * D + d];
    }
  }
}
}  // namespace

TEST_CASE("gpt2: one head's trace replays — softmax(mask(Q·Kᵀ/√d)) is its attention, ·V its output", "[gpt2][trace]") {
  attn::Gpt2Model model;
  REQUIRE(Checkpoint().load(model).ok());
  const std::size_t T = 11, C = 32, D = 8, V = 96;
  const auto ids = some_ids(T, V);
  attn::Gpt2ForwardOptions plain;
  plain.logits = attn::LogitsFor::all, plain.attention = true;
  attn::Gpt2ForwardResult base;
  REQUIRE(model.forward(ids.data(), T, plain, base).ok());
  CHECK_FALSE(base.head_trace);
  for (const auto& [layer, head] : std::vector<std::pair<std::size_t, std::size_t>>{{0, 0}, {1, 3}, {1, 2}}) {
    INFO("layer " << layer << " head " << head);
    attn::Gpt2ForwardOptions o = plain;
    o.trace_head = {{layer, head}};
    attn::Gpt2ForwardResult r;
    REQUIRE(model.forward(ids.data(), T, o, r).ok());
    CHECK(r.logits == base.logits);  // tracing changes nothing it computes
    REQUIRE(r.head_trace);
    const attn::Gpt2HeadTrace& t = *r.head_trace;
    CHECK((t.layer == layer && t.head == head && t.head_dim == D));
    CHECK((t.input.size() == T * C && t.q.size() == T * D && t.k.size() == T * D && t.v.size() == T * D));
    // The weights are the forward's own (the grid's matrix for this head), and they follow from the returned Q, K.
    const std::vector<float> grid(base.attention.begin() + (layer * 4 + head) * T * T,
                                  base.attention.begin() + (layer * 4 + head + 1) * T * T);
    CHECK(t.weights == grid);
    std::vector<double> weights, out;
    replay_head(t, T, T, weights, out);
    CHECK(compare(t.weights, weights, attn_test::kSdpaTol) == "");
    CHECK(compare(t.out, out, attn_test::kSdpaTol) == "");
    // The score steps: raw = q·k, scaled = raw / √d, masked = scaled on and below the diagonal, −∞ above.
    for (std::size_t i = 0; i < T; ++i)
      for (std::size_t j = 0; j < T; ++j) {
        CHECK(t.scaled_scores[i * T + j] == t.raw_scores[i * T + j] * t.scale);
        CHECK(t.masked_scores[i * T + j] == (j <= i ? t.scaled_scores[i * T + j] : -INFINITY));
      }
    // Ablating the traced head zeroes what it adds, not what it computed.
    o.ablate_heads = {{layer, head}};
    attn::Gpt2ForwardResult ablated;
    REQUIRE(model.forward(ids.data(), T, o, ablated).ok());
    CHECK(ablated.head_trace->out == t.out);
    CHECK(ablated.logits != base.logits);
  }
  // A decode step of a session: one query row against every cached key.
  attn::Gpt2Session session = model.session();
  attn::Gpt2ForwardOptions o;
  attn::Gpt2ForwardResult r;
  REQUIRE(session.append(ids.data(), T - 1, o, r).ok());
  o.trace_head = {{1, 1}};
  REQUIRE(session.append(&ids[T - 1], 1, o, r).ok());
  REQUIRE(r.head_trace);
  CHECK((r.head_trace->q.size() == D && r.head_trace->k.size() == T * D));
  std::vector<double> weights, out;
  replay_head(*r.head_trace, 1, T, weights, out);
  CHECK(compare(r.head_trace->weights, weights, attn_test::kSdpaTol) == "");
  CHECK(compare(r.head_trace->out, out, attn_test::kSdpaTol) == "");
  o.trace_head = {{2, 0}};
  CHECK(model.forward(ids.data(), T, o, r).code == attn::Code::out_of_range);
}

TEST_CASE("gpt2 loader: names with 'transformer.', mask buffers, a tied or untied lm_head", "[gpt2][load]") {
  Checkpoint ck;
  attn::Gpt2Model plain, prefixed, tied, untied;
  REQUIRE(ck.load(plain).ok());
  {
    attn::Gpt2Loader loader;
    for (const auto& [name, t] : ck.tensors) REQUIRE(loader.add("transformer." + name, t.first, t.second.data()).ok());
    const std::vector<float> mask(32 * 32, 1.0f), minus(1, -1e4f);
    REQUIRE(loader.add("transformer.h.0.attn.bias", {1, 1, 32, 32}, mask.data()).ok());
    REQUIRE(loader.add("transformer.h.1.attn.masked_bias", {}, minus.data()).ok());
    CHECK(loader.add("h.1.attn.bias", {1, 1, 32, 31}, mask.data()).code == attn::Code::invalid_data);
    CHECK_FALSE(attn::Gpt2Loader::wanted("transformer.h.0.attn.bias"));
    const auto& wte = ck.tensors.at("wte.weight");
    REQUIRE(loader.add("lm_head.weight", wte.first, wte.second.data()).ok());  // bit-equal: the tied head
    loader.set_metadata(ck.metadata);
    REQUIRE(prefixed.load(loader).ok());
  }
  CHECK(prefixed.config().tied_head);
  CHECK(prefixed.weights().wte == plain.weights().wte);
  CHECK(prefixed.weights().layers[1].qkv_w.unpack() == plain.weights().layers[1].qkv_w.unpack());
  CHECK(plain.weights().layers[1].qkv_w.unpack() == ck.tensors.at("h.1.attn.c_attn.weight").second);

  Checkpoint with_head = ck;
  with_head.tensors["lm_head.weight"] = {{96, 32}, attn_test::random_vector(96 * 32, 99)};
  REQUIRE(with_head.load(untied).ok());
  CHECK_FALSE(untied.config().tied_head);
  const auto ids = some_ids(6, 96);
  attn::Gpt2ForwardResult a, b;
  REQUIRE(plain.forward(ids.data(), 6, {}, a).ok());
  REQUIRE(untied.forward(ids.data(), 6, {}, b).ok());
  CHECK(a.logits != b.logits);
  const attn::Gpt2Reference ref = attn::gpt2_reference(untied.config(), untied.weights(), ids);
  CHECK(compare(b.logits, std::vector<double>(ref.logits.end() - 96, ref.logits.end()), kGpt2Tol) == "");
}

TEST_CASE("gpt2 loader: heads from the option, the metadata or d_model / 64, else a clear refusal", "[gpt2][load]") {
  Checkpoint ck;
  attn::Gpt2Model m;
  attn::Gpt2LoadOptions eight;
  eight.heads = 8;
  REQUIRE(ck.load(m, "", eight).ok());
  CHECK(m.config().heads == 8);
  ck.metadata.clear();
  const attn::Status st = ck.load(m);
  CHECK(st.code == attn::Code::invalid_data);
  CHECK(st.message.find("heads") != std::string::npos);
  ck.metadata["n_head"] = "5";
  CHECK(ck.load(m).message.find("not a multiple of 5") != std::string::npos);
  ck.metadata["n_head"] = "four";
  CHECK(ck.load(m).message.find("n_head") != std::string::npos);
}

TEST_CASE("gpt2 loader: every missing, misshapen, duplicate or stray tensor is named", "[gpt2][load]") {
  const auto refusal = [](Checkpoint ck, const std::string& name, const std::vector<std::size_t>& shape, bool remove) {
    if (remove) ck.tensors.erase(name);
    else {
      std::size_t n = 1;
      for (auto x : shape) n *= x;
      ck.tensors[name] = {shape, std::vector<float>(n, 0.5f)};
    }
    attn::Gpt2Model m;
    const attn::Status st = ck.load(m);
    INFO(st.message);
    CHECK(st.code == attn::Code::invalid_data);
    CHECK(st.message.find(name) != std::string::npos);
    CHECK_FALSE(m.loaded());
  };
  refusal(Checkpoint(), "h.1.mlp.c_fc.bias", {}, true);
  refusal(Checkpoint(), "ln_f.weight", {}, true);
  refusal(Checkpoint(), "h.0.attn.c_proj.weight", {32, 31}, false);
  refusal(Checkpoint(), "h.0.attn.c_attn.weight", {96, 32}, false);  // nn.Linear's [out, in]
  refusal(Checkpoint(), "h.3.ln_1.weight", {32}, false);             // a block after a gap
  refusal(Checkpoint(), "h.0.attn.rotary", {32}, false);             // not GPT-2
  attn::Gpt2Loader loader;
  const std::vector<float> v(32, 1.0f);
  REQUIRE(loader.add("ln_f.weight", {32}, v.data()).ok());
  CHECK(loader.add("transformer.ln_f.weight", {32}, v.data()).message.find("twice") != std::string::npos);
}

TEST_CASE("gpt2: a restricted vocabulary maps GPT-2 ids to rows, unknown ids to UNK (reported)", "[gpt2][vocab]") {
  Checkpoint ck;
  attn::Gpt2Loader loader;
  for (const auto& [name, t] : ck.tensors) REQUIRE(loader.add(name, t.first, t.second.data()).ok());
  std::vector<std::int64_t> ids(96);
  for (std::size_t i = 0; i < 95; ++i) ids[i] = std::int64_t(i * 500 + 7);  // sorted GPT-2 ids
  ids[95] = 0xffffffffll;                                                   // the UNK row
  REQUIRE(loader.add_integers("vocab.gpt2_ids", {96}, ids.data()).ok());
  auto meta = ck.metadata;
  meta["unk_id"] = "95";
  loader.set_metadata(meta);
  attn::Gpt2Model m;
  REQUIRE(m.load(loader).ok());
  std::uint32_t row = 0;
  CHECK((m.row_of(507, row) && row == 1));
  CHECK((m.row_of(508, row) && row == 95));
  CHECK(m.gpt2_id_of(2) == 1007);
  const std::vector<std::uint32_t> input = {7, 508, 1007};
  attn::Gpt2ForwardResult r;
  REQUIRE(m.forward(input.data(), input.size(), {}, r).ok());
  CHECK(r.unknown_positions == std::vector<std::size_t>{1});
  attn::Gpt2Loader bad;
  const std::vector<std::int64_t> unsorted = {5, 3};
  CHECK(bad.add_integers("vocab.gpt2_ids", {2}, unsorted.data()).code == attn::Code::invalid_data);
}

TEST_CASE("gpt2: bad calls are refused with a reason and change nothing", "[gpt2]") {
  attn::Gpt2Model empty;
  attn::Gpt2ForwardResult r;
  const std::vector<std::uint32_t> one = {1};
  CHECK(empty.forward(one.data(), 1, {}, r).code == attn::Code::invalid_argument);
  attn::Gpt2Model m;
  REQUIRE(Checkpoint().load(m).ok());
  const auto ids = some_ids(33, 96);
  const attn::Status past = m.forward(ids.data(), 33, {}, r);
  CHECK(past.code == attn::Code::out_of_range);
  CHECK(past.message.find("context of 32") != std::string::npos);
  const std::vector<std::uint32_t> outside = {1, 96};
  CHECK(m.forward(outside.data(), 2, {}, r).message.find("ids[1] = 96") != std::string::npos);
  attn::Gpt2ForwardOptions o;
  o.attention_heads = {{2, 0}};
  CHECK(m.forward(one.data(), 1, o, r).code == attn::Code::out_of_range);
  attn::Gpt2Session s = m.session();
  REQUIRE(s.append(ids.data(), 30, {}, r).ok());
  CHECK(s.append(ids.data(), 3, {}, r).code == attn::Code::out_of_range);  // 33 > 32
  CHECK(s.position() == 30);
  REQUIRE(s.append(ids.data(), 2, {}, r).ok());
}

// ---- the committed fixture files (tests/data/gpt2-tiny-*.safetensors, written by tools/make-gpt2-fixtures.mjs) ----
namespace {
std::vector<std::uint8_t> read_fixture(const std::string& name) {
  std::FILE* f = std::fopen((std::string(ATTN_SOURCE_DIR) + "/tests/data/" + name).c_str(), "rb");
  REQUIRE(f);
  std::vector<std::uint8_t> bytes;
  std::uint8_t buf[65536];
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes.insert(bytes.end(), buf, buf + n);
  std::fclose(f);
  return bytes;
}

attn::Status load_fixture(const std::string& name, attn::Gpt2Model& m, std::size_t heads = 0) {
  const auto bytes = read_fixture(name);
  attn::Gpt2Loader loader;
  if (attn::Status st = attn::gpt2_loader_from_safetensors(bytes.data(), bytes.size(), loader); !st.ok()) return st;
  attn::Gpt2LoadOptions o;
  o.heads = heads;
  return m.load(loader, o);
}
}  // namespace

TEST_CASE("gpt2 fixtures: F32, prefixed, F16 and BF16 files give the same logits; the untied head differs", "[gpt2][file]") {
  const std::vector<std::uint32_t> ids = {5, 17, 3, 95, 0, 42, 42, 8};
  attn::Gpt2ForwardOptions all;
  all.logits = attn::LogitsFor::all;
  attn::Gpt2Model base;
  REQUIRE(load_fixture("gpt2-tiny-f32.safetensors", base).ok());
  CHECK(base.config().heads == 4);  // from __metadata__ n_head
  CHECK((base.config().layers == 2 && base.config().d_model == 32 && base.config().vocab == 96 && base.config().context == 32));
  attn::Gpt2ForwardResult ref;
  REQUIRE(base.forward(ids.data(), ids.size(), all, ref).ok());
  const auto oracle = attn::gpt2_reference(base.config(), base.weights(), ids);
  CHECK(compare(ref.logits, oracle.logits, kGpt2Tol) == "");
  for (const char* name : {"gpt2-tiny-prefixed.safetensors", "gpt2-tiny-f16.safetensors", "gpt2-tiny-bf16.safetensors"}) {
    INFO(name);
    attn::Gpt2Model m;
    REQUIRE(load_fixture(name, m, 4).ok());  // the prefixed file has no n_head: the option gives it
    attn::Gpt2ForwardResult r;
    REQUIRE(m.forward(ids.data(), ids.size(), all, r).ok());
    CHECK(r.logits == ref.logits);  // the same weights exactly, so the same bits
  }
  attn::Gpt2Model untied;
  REQUIRE(load_fixture("gpt2-tiny-untied.safetensors", untied).ok());
  CHECK_FALSE(untied.config().tied_head);
  attn::Gpt2Model no_heads;
  CHECK(load_fixture("gpt2-tiny-prefixed.safetensors", no_heads).message.find("heads") != std::string::npos);
}

TEST_CASE("gpt2: a session's steady decode steps, truncate + re-read and repeated prefills allocate nothing; a "
          "workspace changes no bit",
          "[gpt2][workspace]") {
  // A float32 model built in memory and the F16 fixture kept as binary16 (a prefill of >= 16 rows widens its panels).
  attn::Gpt2Model f32, f16;
  REQUIRE(Checkpoint().load(f32).ok());
  REQUIRE(load_fixture("gpt2-tiny-f16.safetensors", f16, 4).ok());
  REQUIRE(f16.weights().layers[0].fc_w.is_f16());
  const auto ids = some_ids(24, 96);
  for (const attn::Gpt2Model* model : {&f32, &f16})
    for (std::size_t threads : {1u, 2u})
      for (bool traced : {false, true}) {
        INFO((model == &f16 ? "f16" : "f32") << " threads " << threads << " traced " << traced);
        attn::Gpt2ForwardOptions o;
        o.threads = threads;
        if (traced) o.logits = attn::LogitsFor::all, o.attention = true, o.residual = true, o.logit_lens = true;
        // Prefill 4 tokens, 20 decode steps, then forget all but 6 and re-read the other 18 (an edit at token 6):
        // the first round grows the caches and the workspace, the second (after reset(), which keeps their memory)
        // must not allocate and must give the same bits.
        attn::Gpt2Session session = model->session();
        attn::Gpt2ForwardResult r;
        const auto round = [&](long& allocated, std::vector<float>& decoded, std::vector<float>& reread) {
          session.reset();
          const long before = attn_test::allocations();
          REQUIRE(session.append(ids.data(), 4, o, r).ok());
          for (std::size_t t = 4; t < ids.size(); ++t) REQUIRE(session.append(&ids[t], 1, o, r).ok());
          const long mid = attn_test::allocations();
          decoded = r.logits;  // copied outside the counted spans
          session.truncate(6);
          const long again = attn_test::allocations();
          REQUIRE(session.append(&ids[6], ids.size() - 6, o, r).ok());
          allocated = (mid - before) + (attn_test::allocations() - again);
          reread = r.logits;
        };
        long grew = 0, steady = 0;
        std::vector<float> decoded1, reread1, decoded2, reread2;
        round(grew, decoded1, reread1);
        round(steady, decoded2, reread2);
        CHECK(grew > 0);
        CHECK(steady == 0);
        CHECK(decoded2 == decoded1);
        CHECK(reread2 == reread1);
        // A whole prefill again on the same session, and the same with a caller-owned workspace.
        attn::Workspace ws;
        attn::Gpt2ForwardOptions with_ws = o;
        with_ws.workspace = &ws;
        for (const attn::Gpt2ForwardOptions* opts : {&o, &with_ws}) {
          session.reset();
          REQUIRE(session.append(ids.data(), ids.size(), *opts, r).ok());  // warm-up
          const auto logits = r.logits, attention = r.attention;
          session.reset();
          const long before = attn_test::allocations();
          REQUIRE(session.append(ids.data(), ids.size(), *opts, r).ok());
          CHECK(attn_test::allocations() - before == 0);
          CHECK(r.logits == logits);
          CHECK(r.attention == attention);
        }
        CHECK(ws.high_water_bytes() > 0);  // the call's scratch came from the caller's workspace
      }
}
