// Binary16 weights kept in memory: the widening kernels (kernels.hpp *_f16) on every kernel table against a float64
// reference and against their float32 twins on the widened matrix (same bits), matmul_bias on a binary16
// PackedMatrix, and a GPT-2 model from F16 tensors giving the bits of the same model held as float32.
#include <catch2/catch_test_macros.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "attn/io/safetensors.hpp"
#include "attn/kernels/matmul.hpp"
#include "attn/model/gpt2.hpp"
#include "tolerance.hpp"

using attn_test::compare;
using attn_test::kKernelTol;

namespace {

/// n finite binary16 patterns: values in ±scale, with every 7th a subnormal and every 11th a signed zero.
std::vector<std::uint16_t> random_halves(std::size_t n, std::uint64_t seed, float scale = 1.0f) {
  const std::vector<float> v = attn_test::random_vector(n, seed, scale);
  std::vector<std::uint16_t> h(n);
  for (std::size_t i = 0; i < n; ++i) {
    h[i] = attn::io::float_to_f16(v[i]);
    if (i % 7 == 3) h[i] = std::uint16_t((h[i] & 0x8000) | (h[i] & 0x3ff));  // same fraction, exponent 0
    if (i % 11 == 5) h[i] &= 0x8000;
  }
  return h;
}

std::vector<float> widened(const std::vector<std::uint16_t>& h) {
  std::vector<float> f(h.size());
  for (std::size_t i = 0; i < h.size(); ++i) f[i] = attn::io::f16_to_float(h[i]);
  return f;
}

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

/// Sizes around a table's vector width: the kernels step 2·W halves at a time.
std::vector<std::size_t> sizes_around(std::size_t w) {
  return {1, w - 1 + (w == 1), w, w + 1, 2 * w - 1, 2 * w, 2 * w + 1, 3 * w + 2, 8 * w, 8 * w + 3, 64};
}

}  // namespace

TEST_CASE("widen_f16: every finite binary16 pattern widens exactly, on every kernel table", "[kernels][f16]") {
  std::vector<std::uint16_t> all;
  for (std::uint32_t b = 0; b < 65536; ++b)
    if (((b >> 10) & 0x1f) != 0x1f) all.push_back(std::uint16_t(b));  // ±∞ and NaN are kept as float32 instead
  const std::vector<float> ref = widened(all);
  std::vector<float> scalar(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) scalar[i] = attn::widen_half(all[i]);
  CHECK(same_bits(scalar, ref));
  for (attn::Isa isa : attn::available_isas()) {
    INFO(attn::isa_name(isa));
    const attn::KernelTable& kt = *attn::table_for(isa);
    for (int shift : {0, 1, 10, 24})  // halves holding w·2^shift: w = widen·2^−shift, exact for every pattern
      for (std::size_t n : {all.size() - 7, std::size_t(1), kt.width, 2 * kt.width + 1, 5 * kt.width - 1}) {
        INFO("n = " << n << " shift " << shift);
        std::vector<float> got(n, -1.0f), want(n);
        kt.widen_f16(all.data() + 7, got.data(), n, shift);  // an odd start: no alignment assumed
        for (std::size_t i = 0; i < n; ++i) want[i] = std::ldexp(ref[7 + i], -shift);
        CHECK(same_bits(got, want));
      }
  }
}

TEST_CASE("gemm_nn_acc_f16: c += a·widen(b) within tolerance of float64 and bit-equal to gemm_nn_acc",
          "[kernels][f16]") {
  for (attn::Isa isa : attn::available_isas()) {
    const attn::KernelTable& kt = *attn::table_for(isa);
    for (std::size_t m : {1u, 2u, 5u})
      for (std::size_t n : sizes_around(kt.width))
        for (std::size_t k : {1u, 7u, 128u})
          for (float big : {0.0f, 7e4f})  // a row with |a| ≥ 2^16 takes the generic arches' other path
            for (int shift : {0, 10}) {  // b holds w·2^shift
              INFO(attn::isa_name(isa) << " m " << m << " n " << n << " k " << k << " big " << big << " shift "
                                       << shift);
              const std::size_t ldb = n + 3, ldc = n + 1;  // strides wider than the rows
              std::vector<float> a = attn_test::random_vector(m * k, 1 + n + k);
              a[0] = 1e-40f;  // subnormal activations are exact on either path
              if (big != 0.0f) a[(m - 1) * k + k / 2] = big;
              const std::vector<std::uint16_t> b = random_halves(k * ldb, 2 + m + n);
              std::vector<float> bw = widened(b);
              for (float& x : bw) x = std::ldexp(x, -shift);
              const std::vector<float> c0 = attn_test::random_vector(m * ldc, 3 + k, 0.5f);
              std::vector<double> ref(c0.begin(), c0.end());
              for (std::size_t i = 0; i < m; ++i)
                for (std::size_t j = 0; j < n; ++j)
                  for (std::size_t t = 0; t < k; ++t) ref[i * ldc + j] += double(a[i * k + t]) * bw[t * ldb + j];
              std::vector<float> got = c0, twin = c0;
              kt.gemm_nn_acc_f16(m, n, k, a.data(), k, b.data(), ldb, got.data(), ldc, shift);
              kt.gemm_nn_acc(m, n, k, a.data(), k, bw.data(), ldb, twin.data(), ldc);
              CHECK(compare(got, ref, kKernelTol).empty());
              CHECK(same_bits(got, twin));
            }
  }
}

TEST_CASE("gemm_nt_f16: alpha·a·widen(b)ᵀ within tolerance of float64 (bit-equal to gemm_nt when k mod 2W < W)",
          "[kernels][f16]") {
  for (attn::Isa isa : attn::available_isas()) {
    const attn::KernelTable& kt = *attn::table_for(isa);
    std::vector<std::size_t> ks = sizes_around(kt.width);
    ks.push_back(768);
    for (std::size_t m : {1u, 3u})
      for (std::size_t n : {1u, 3u, 4u, 5u, 9u})
        for (std::size_t k : ks) {
          INFO(attn::isa_name(isa) << " m " << m << " n " << n << " k " << k);
          const std::size_t ldb = k + 2, ldc = n + 1;
          std::vector<float> a = attn_test::random_vector(m * k, 4 + n + k);
          if (n == 5) a[k / 2] = -7e4f;  // |a| ≥ 2^16: the generic arches' other path
          const std::vector<std::uint16_t> b = random_halves(n * ldb, 5 + m + k);
          const std::vector<float> bw = widened(b);
          std::vector<double> ref(m * ldc, 0.0);
          for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j) {
              double s = 0;
              for (std::size_t t = 0; t < k; ++t) s += double(a[i * k + t]) * bw[j * ldb + t];
              ref[i * ldc + j] = 0.5 * s;
            }
          std::vector<float> got(m * ldc, 0.0f), twin(m * ldc, 0.0f);
          kt.gemm_nt_f16(m, n, k, 0.5f, a.data(), k, b.data(), ldb, got.data(), ldc);
          kt.gemm_nt(m, n, k, 0.5f, a.data(), k, bw.data(), ldb, twin.data(), ldc);
          CHECK(compare(got, ref, kKernelTol).empty());
          if (k % (2 * kt.width) < kt.width) CHECK(same_bits(got, twin));
        }
  }
}

TEST_CASE("matmul_bias: a binary16 PackedMatrix gives the bits of its float32 widening, decode and prefill",
          "[kernels][f16]") {
  for (attn::Isa isa : attn::available_isas()) {
    const attn::KernelTable& kt = *attn::table_for(isa);
    for (std::size_t in : {5u, 130u, 300u})
      for (std::size_t out : {3u, 64u, 100u, 200u}) {
        const std::vector<std::uint16_t> w = random_halves(in * out, in + out, 0.2f);
        attn::PackedMatrix half, full;
        half.pack_f16(w.data(), in, out);
        full.pack(widened(w).data(), in, out);
        REQUIRE(half.is_f16());
        CHECK(half.f16_shift() > 0);  // its subnormals moved into the normal range
        CHECK(same_bits(half.unpack(), widened(w)));
        CHECK(half.bytes() * 2 == full.bytes());
        CHECK(half.at(in - 1, out - 1) == full.at(in - 1, out - 1));
        const std::vector<float> bias = attn_test::random_vector(out, 9, 0.1f);
        for (std::size_t rows : {1u, 3u, 17u, 130u})
          for (std::size_t threads : {1u, 2u}) {
            INFO(attn::isa_name(isa) << " in " << in << " out " << out << " rows " << rows << " threads " << threads);
            const std::vector<float> x = attn_test::random_vector(rows * in, rows);
            std::vector<float> got(rows * out), twin(rows * out);
            attn::matmul_bias(kt, x.data(), rows, half, bias.data(), got.data(), threads);
            attn::matmul_bias(kt, x.data(), rows, full, bias.data(), twin.data(), threads);
            CHECK(same_bits(got, twin));
          }
      }
  }
}

TEST_CASE("PackedMatrix: subnormal halves move into the normal range only when every value then fits",
          "[kernels][f16]") {
  const std::size_t in = 130, out = 100;
  const auto check = [&](const std::vector<std::uint16_t>& w, int shift) {
    attn::PackedMatrix half, full;
    half.pack_f16(w.data(), in, out);
    full.pack(widened(w).data(), in, out);
    CHECK(half.f16_shift() == shift);
    CHECK(same_bits(half.unpack(), widened(w)));
    for (attn::Isa isa : attn::available_isas())
      for (std::size_t rows : {1u, 17u}) {
        INFO(attn::isa_name(isa) << " rows " << rows << " shift " << shift);
        const std::vector<float> x = attn_test::random_vector(rows * in, 5 + rows);
        std::vector<float> got(rows * out), twin(rows * out);
        attn::matmul_bias(*attn::table_for(isa), x.data(), rows, half, nullptr, got.data(), 1);
        attn::matmul_bias(*attn::table_for(isa), x.data(), rows, full, nullptr, twin.data(), 1);
        CHECK(same_bits(got, twin));
      }
  };
  std::vector<std::uint16_t> w = random_halves(in * out, 77, 0.2f);
  w[3] = 0x0001, w[4] = 0x8002;  // the smallest subnormals: 2^−24, −2^−23
  check(w, 10);
  w[5] = 0x7000;  // 2^13: its exponent 28 + 10 would pass 30, the largest normal one
  check(w, 0);
  for (std::uint16_t& h : w)
    if (((h >> 10) & 31) == 0) h &= 0x8000;  // no subnormals left (signed zeros stay): nothing to move
  check(w, 0);
}

TEST_CASE("PackedMatrix: packing a transposed table gives the matrix of its transpose, float32 and binary16",
          "[kernels][f16]") {
  for (std::size_t in : {5u, 130u, 300u})
    for (std::size_t out : {3u, 64u, 200u}) {
      INFO("in " << in << " out " << out);
      const std::vector<std::uint16_t> wt = random_halves(out * in, in * out);  // [out, in]
      std::vector<std::uint16_t> w(in * out);                                   // [in, out]
      for (std::size_t o = 0; o < out; ++o)
        for (std::size_t i = 0; i < in; ++i) w[i * out + o] = wt[o * in + i];
      attn::PackedMatrix half, half_t, full, full_t;
      half.pack_f16(w.data(), in, out);
      half_t.pack_f16_transposed(wt.data(), in, out);
      full.pack(widened(w).data(), in, out);
      full_t.pack_transposed(widened(wt).data(), in, out);
      CHECK(half_t.is_f16());
      CHECK(same_bits(half_t.unpack(), half.unpack()));
      CHECK(same_bits(full_t.unpack(), full.unpack()));
      CHECK(same_bits(full_t.unpack(), widened(w)));
    }
}

namespace {

/// A random C=32 GPT-2 whose every tensor is exactly binary16 (as if read from an F16 file), loaded with `options`.
attn::Status load_f16_model(attn::Gpt2Model& model, attn::Gpt2LoadOptions options, bool poison_one = false,
                            bool untied = false) {
  const std::size_t C = 32, L = 2, F = 128, V = 96, P = 32;
  attn::Gpt2Loader loader;
  std::uint64_t seed = 40;
  attn::Status st;
  const auto add = [&](const std::string& name, std::vector<std::size_t> shape, float scale, float offset = 0) {
    std::size_t n = 1;
    for (std::size_t d : shape) n *= d;
    std::vector<float> v = widened(random_halves(n, seed++, scale));
    for (float& x : v) x = attn::io::f16_to_float(attn::io::float_to_f16(x + offset));
    if (poison_one && name == "h.1.mlp.c_fc.weight") v[5] = std::numeric_limits<float>::infinity();
    if (st.ok()) st = loader.add(name, shape, v.data(), true);
  };
  add("wte.weight", {V, C}, 1.0f), add("wpe.weight", {P, C}, 0.5f);
  for (std::size_t l = 0; l < L; ++l) {
    const std::string h = "h." + std::to_string(l) + ".";
    add(h + "ln_1.weight", {C}, 0.1f, 1.0f), add(h + "ln_1.bias", {C}, 0.05f);
    add(h + "attn.c_attn.weight", {C, 3 * C}, 0.3f), add(h + "attn.c_attn.bias", {3 * C}, 0.05f);
    add(h + "attn.c_proj.weight", {C, C}, 0.2f), add(h + "attn.c_proj.bias", {C}, 0.05f);
    add(h + "ln_2.weight", {C}, 0.1f, 1.0f), add(h + "ln_2.bias", {C}, 0.05f);
    add(h + "mlp.c_fc.weight", {C, F}, 0.2f), add(h + "mlp.c_fc.bias", {F}, 0.05f);
    add(h + "mlp.c_proj.weight", {F, C}, 0.1f), add(h + "mlp.c_proj.bias", {C}, 0.05f);
  }
  add("ln_f.weight", {C}, 0.1f, 1.0f), add("ln_f.bias", {C}, 0.05f);
  if (untied) add("lm_head.weight", {V, C}, 1.0f);
  loader.set_metadata({{"n_head", "4"}});
  return st.ok() ? model.load(loader, options) : st;
}

}  // namespace

TEST_CASE("gpt2 with binary16 weights: the bits of the float32 model, prefill and decode, on every kernel table",
          "[gpt2][f16]") {
  for (bool untied : {false, true}) {
    attn::Gpt2Model half, full;
    attn::Gpt2LoadOptions keep, widen;
    widen.keep_f16 = false;
    REQUIRE(load_f16_model(half, keep, false, untied).ok());
    REQUIRE(load_f16_model(full, widen, false, untied).ok());
    const attn::Gpt2Weights &hw = half.weights(), &fw = full.weights();
    CHECK(hw.wte.is_f16());
    CHECK(hw.head().is_f16());
    CHECK(hw.layers[1].fc_w.is_f16());
    CHECK(!fw.wte.is_f16());
    CHECK(!fw.layers[1].fc_w.is_f16());
    CHECK(half.config().tied_head == !untied);
    CHECK(hw.decode_bytes() * 2 == fw.decode_bytes());
    std::vector<std::uint32_t> ids(32);
    for (std::size_t t = 0; t < ids.size(); ++t) ids[t] = std::uint32_t((t * 37 + 5) % 96);
    for (attn::Isa isa : attn::available_isas()) {
      INFO(attn::isa_name(isa) << (untied ? ", untied head" : ", tied head"));
      attn::Gpt2ForwardOptions o;
      o.kernels = attn::table_for(isa);
      o.logits = attn::LogitsFor::all;
      o.attention = true;
      attn::Gpt2ForwardResult a, b;
      REQUIRE(half.forward(ids.data(), 20, o, a).ok());
      REQUIRE(full.forward(ids.data(), 20, o, b).ok());
      CHECK(same_bits(a.logits, b.logits));
      CHECK(same_bits(a.attention, b.attention));
      // Decode: one token per step after a prefill, as generation runs; on 2 threads too (the projections and the
      // head split over output columns, each column summed by one thread in the same order).
      attn::Gpt2Session sa = half.session(), sb = full.session(), s2 = half.session();
      o.logits = attn::LogitsFor::last;
      o.attention = false;
      attn::Gpt2ForwardOptions o2 = o;
      o2.threads = 2;
      attn::Gpt2ForwardResult c;
      REQUIRE(sa.append(ids.data(), 9, o, a).ok());
      REQUIRE(sb.append(ids.data(), 9, o, b).ok());
      REQUIRE(s2.append(ids.data(), 9, o2, c).ok());
      CHECK(same_bits(a.logits, c.logits));
      for (std::size_t t = 9; t < ids.size(); ++t) {
        REQUIRE(sa.append(&ids[t], 1, o, a).ok());
        REQUIRE(sb.append(&ids[t], 1, o, b).ok());
        REQUIRE(s2.append(&ids[t], 1, o2, c).ok());
        CHECK(same_bits(a.logits, b.logits));
        CHECK(same_bits(a.logits, c.logits));
      }
    }
  }
}

TEST_CASE("gpt2 with binary16 weights: a tensor holding ±∞ stays float32 (the kernels widen finite halves only)",
          "[gpt2][f16]") {
  attn::Gpt2Model model;
  REQUIRE(load_f16_model(model, {}, true).ok());
  CHECK(!model.weights().layers[1].fc_w.is_f16());
  CHECK(model.weights().layers[0].fc_w.is_f16());
  CHECK(std::isinf(model.weights().layers[1].fc_w.at(0, 5)));
}
