// Every kernel of every table this CPU can run, against double-precision loops, across sizes around the
// vector widths (4, 8, 16), with row strides wider than the rows and pointers one float off alignment.
#include <algorithm>
#include <catch2/catch_test_macros.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include "attn/kernels/kernels.hpp"
#include "tolerance.hpp"

using attn_test::compare;
using attn_test::kKernelTol;
using attn_test::random_vector;

namespace {
const std::size_t kSizes[] = {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 47, 64, 65};
}

TEST_CASE("gemm_nt matches double dot products on every table", "[kernels]") {
  for (attn::Isa isa : attn::available_isas()) {
    const attn::KernelTable& kt = *attn::table_for(isa);
    for (std::size_t k : kSizes)
      for (std::size_t n : {std::size_t(1), std::size_t(3), std::size_t(4), std::size_t(5), std::size_t(9)}) {
        const std::size_t m = 3, lda = k + 3, ldb = k + 1, ldc = n + 2;
        auto a = random_vector(m * lda + 1, 1 + k), b = random_vector(n * ldb + 1, 2 + n);
        std::vector<float> c(m * ldc, -7.f);
        kt.gemm_nt(m, n, k, 0.5f, a.data() + 1, lda, b.data() + 1, ldb, c.data(), ldc);
        std::vector<double> ref(m * ldc, -7.0);
        for (std::size_t i = 0; i < m; ++i)
          for (std::size_t j = 0; j < n; ++j) {
            double s = 0;
            for (std::size_t t = 0; t < k; ++t) s += double(a[1 + i * lda + t]) * double(b[1 + j * ldb + t]);
            ref[i * ldc + j] = 0.5 * s;
          }
        INFO(attn::isa_name(isa) << " k=" << k << " n=" << n);
        CHECK(compare(c, ref, kKernelTol) == "");
      }
  }
}

TEST_CASE("gemm_nt gives every dot the bits of a 1 × 1 call, whatever block computes it, on every table", "[kernels]") {
  // Blocking (rows in pairs, b rows in fours, four lane sums at once) may share loads and shuffles but not change a
  // sum's order: the trained model's bytes depend on it.
  for (attn::Isa isa : attn::available_isas()) {
    const attn::KernelTable& kt = *attn::table_for(isa);
    for (std::size_t k : kSizes)
      for (std::size_t m : {std::size_t(1), std::size_t(2), std::size_t(3), std::size_t(5)})
        for (std::size_t n = 1; n <= 9; ++n) {
          const std::size_t lda = k + 3, ldb = k + 1, ldc = n + 2;
          auto a = random_vector(m * lda + 1, 11 + k), b = random_vector(n * ldb + 1, 12 + n);
          for (std::size_t i = 0; i < a.size(); i += 3) a[i] *= 1e3f;  // mixed magnitudes: any reordering shows
          std::vector<float> c(m * ldc, -7.f), one(m * ldc, -7.f);
          kt.gemm_nt(m, n, k, 0.5f, a.data() + 1, lda, b.data() + 1, ldb, c.data(), ldc);
          for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j)
              kt.gemm_nt(1, 1, k, 0.5f, a.data() + 1 + i * lda, lda, b.data() + 1 + j * ldb, ldb, &one[i * ldc + j], 1);
          INFO(attn::isa_name(isa) << " m=" << m << " n=" << n << " k=" << k);
          CHECK(std::memcmp(c.data(), one.data(), c.size() * sizeof(float)) == 0);
        }
  }
}

TEST_CASE("dots_paired gives each pair the bits of a 1 × 1 gemm_nt call (which the test above ties to doubles), "
          "also with one b for all, on every table", "[kernels]") {
  for (attn::Isa isa : attn::available_isas()) {
    const attn::KernelTable& kt = *attn::table_for(isa);
    for (std::size_t k : kSizes)
      for (std::size_t n = 1; n <= 9; ++n)
        for (std::size_t ldb : {k + 1, std::size_t(0)}) {
          const std::size_t lda = k + 3, ldc = 3;
          auto a = random_vector(n * lda + 1, 41 + k), b = random_vector(n * (k + 1) + 1, 42 + n);
          for (std::size_t i = 0; i < a.size(); i += 3) a[i] *= 1e3f;  // mixed magnitudes: any reordering shows
          std::vector<float> c(n * ldc, -7.f), one(n * ldc, -7.f);
          kt.dots_paired(n, k, 0.5f, a.data() + 1, lda, b.data() + 1, ldb, c.data(), ldc);
          for (std::size_t i = 0; i < n; ++i)
            kt.gemm_nt(1, 1, k, 0.5f, a.data() + 1 + i * lda, lda, b.data() + 1 + i * ldb, ldb, &one[i * ldc], 1);
          INFO(attn::isa_name(isa) << " n=" << n << " k=" << k << " ldb=" << ldb);
          CHECK(std::memcmp(c.data(), one.data(), c.size() * sizeof(float)) == 0);
        }
  }
}

TEST_CASE("axpy_paired called key by key gives each row the bits of gemm_nn_acc over those keys, on every table",
          "[kernels]") {
  // A decode step's weights·V row by row of the cache (sdpa's run_decode) must sum as the one-call kernel does.
  for (attn::Isa isa : attn::available_isas()) {
    const attn::KernelTable& kt = *attn::table_for(isa);
    for (std::size_t width : kSizes)
      for (std::size_t n : {std::size_t(1), std::size_t(3), std::size_t(4)})
        for (bool shared : {false, true}) {
          const std::size_t keys = 13, ldx = keys + 2, ldb = shared ? 0 : width + 1, ldc = width + 3;
          const std::size_t row = n * (width + 1) + 1;  // one key's b rows (or b row when shared)
          auto x = random_vector(n * ldx, 51 + width), b = random_vector(keys * row, 52 + n);
          auto c0 = random_vector(n * ldc, 53 + width);
          for (std::size_t i = 0; i < x.size(); i += 3) x[i] *= 1e3f;
          auto c = c0, one = c0;
          for (std::size_t t = 0; t < keys; ++t) kt.axpy_paired(n, width, x.data() + t, ldx, &b[t * row], ldb, c.data(), ldc);
          for (std::size_t i = 0; i < n; ++i)  // row i: x_i[0, keys) · B_i[keys, width] with B_i's rows row apart
            kt.gemm_nn_acc(1, width, keys, x.data() + i * ldx, ldx, &b[i * ldb], row, one.data() + i * ldc, ldc);
          INFO(attn::isa_name(isa) << " width=" << width << " n=" << n << " shared=" << shared);
          CHECK(std::memcmp(c.data(), one.data(), c.size() * sizeof(float)) == 0);
        }
  }
}

TEST_CASE("gemm_nn_acc and pv_acc accumulate a·b; pv_acc never reads rows whose weight is 0", "[kernels]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (attn::Isa isa : attn::available_isas()) {
    const attn::KernelTable& kt = *attn::table_for(isa);
    for (std::size_t n : kSizes)
      for (std::size_t k : {std::size_t(1), std::size_t(2), std::size_t(7), std::size_t(17)}) {
        const std::size_t m = 3, lda = k + 1, ldb = n + 3, ldc = n + 1;
        auto a = random_vector(m * lda + 1, 10 + k), b = random_vector(k * ldb + 1, 20 + n);
        auto c0 = random_vector(m * ldc + 1, 30 + n);
        std::vector<double> ref(c0.begin(), c0.end());
        for (std::size_t i = 0; i < m; ++i)
          for (std::size_t j = 0; j < n; ++j)
            for (std::size_t t = 0; t < k; ++t) ref[1 + i * ldc + j] += double(a[1 + i * lda + t]) * b[1 + t * ldb + j];
        auto c = c0;
        kt.gemm_nn_acc(m, n, k, a.data() + 1, lda, b.data() + 1, ldb, c.data() + 1, ldc);
        INFO(attn::isa_name(isa) << " n=" << n << " k=" << k);
        CHECK(compare(c, ref, kKernelTol) == "");

        // Zero the weights of key 0 and poison its value row: pv_acc must give the same as without that key.
        for (std::size_t i = 0; i < m; ++i) a[1 + i * lda] = 0.f;
        for (std::size_t j = 0; j < n; ++j) b[1 + j] = nan;
        std::vector<double> ref_pv(c0.begin(), c0.end());
        for (std::size_t i = 0; i < m; ++i)
          for (std::size_t j = 0; j < n; ++j)
            for (std::size_t t = 1; t < k; ++t) ref_pv[1 + i * ldc + j] += double(a[1 + i * lda + t]) * b[1 + t * ldb + j];
        c = c0;
        kt.pv_acc(m, n, k, a.data() + 1, lda, b.data() + 1, ldb, c.data() + 1, ldc);
        CHECK(compare(c, ref_pv, kKernelTol) == "");
      }
  }
}

TEST_CASE("max, exp_shift_sum and scale on every table", "[kernels]") {
  const float inf = std::numeric_limits<float>::infinity();
  for (attn::Isa isa : attn::available_isas()) {
    const attn::KernelTable& kt = *attn::table_for(isa);
    for (std::size_t n : kSizes) {
      INFO(attn::isa_name(isa) << " n=" << n);
      auto x = random_vector(n + 1, 40 + n, 5.f);
      x[1 + n / 2] = -inf;  // a masked logit
      double mref = -inf;
      for (std::size_t i = 1; i <= n; ++i) mref = std::max<double>(mref, x[i]);
      CHECK(kt.max(x.data() + 1, n) == float(mref));

      const float shift = n == 1 ? 0.f : float(mref);
      std::vector<double> eref(x.size());
      double sref = 0;
      for (std::size_t i = 1; i <= n; ++i) sref += (eref[i] = std::exp(double(x[i]) - shift));
      auto e = x;
      const float sum = kt.exp_shift_sum(e.data() + 1, n, shift);
      e[0] = 0.f, eref[0] = 0.0;
      CHECK(compare(e, eref, kKernelTol) == "");
      CHECK(compare(std::vector<float>{sum}, std::vector<double>{sref}, kKernelTol) == "");
      CHECK(e[1 + n / 2] == 0.f);  // exp(−∞) is exactly 0

      auto y = random_vector(n, 50 + n);
      std::vector<double> yref(y.begin(), y.end());
      for (auto& v : yref) v *= 0.25;
      kt.scale(y.data(), n, 0.25f);
      CHECK(compare(y, yref, kKernelTol) == "");

      // NaN anywhere makes max NaN, so a NaN logit is never mistaken for a fully masked row.
      auto z = std::vector<float>(n, -inf);
      z[n - 1] = std::numeric_limits<float>::quiet_NaN();
      CHECK(std::isnan(kt.max(z.data(), n)));
    }
  }
}

TEST_CASE("max_abs is a plain loop's |x| maximum on every table, NaN sticking and −∞ skipped when asked", "[kernels]") {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  auto plain = [inf, nan](const std::vector<float>& x, std::size_t from, std::size_t n, bool skip) {
    float r = 0.f;
    for (std::size_t i = from; i < from + n; ++i) {
      if (std::isnan(x[i])) return nan;
      if (!(skip && x[i] == -inf)) r = std::max(r, std::abs(x[i]));
    }
    return r;
  };
  for (attn::Isa isa : attn::available_isas()) {
    const attn::KernelTable& kt = *attn::table_for(isa);
    CHECK(kt.max_abs(nullptr, 0, false) == 0.f);
    for (std::size_t n : kSizes) {
      INFO(attn::isa_name(isa) << " n=" << n);
      auto x = random_vector(n + 1, 60 + n, 5.f);
      x[1 + (n * 7 + 3) % n] = -9.f;  // the largest |x| is a negative element somewhere (the tail, for some n)
      CHECK(kt.max_abs(x.data() + 1, n, false) == plain(x, 1, n, false));
      CHECK(kt.max_abs(x.data() + 1, n, false) == 9.f);
      x[1 + n / 2] = -inf;  // a masked bias cell: ∞ unless skipped
      CHECK(kt.max_abs(x.data() + 1, n, false) == inf);
      CHECK(kt.max_abs(x.data() + 1, n, true) == plain(x, 1, n, true));
      x[n] = inf;  // +∞ is never skipped
      CHECK(kt.max_abs(x.data() + 1, n, true) == inf);
      for (std::size_t at : {std::size_t(1), n}) {  // NaN first or last (a vector lane or the scalar tail)
        auto z = random_vector(n + 1, 70 + n);
        z[at] = nan;
        CHECK(std::isnan(kt.max_abs(z.data() + 1, n, false)));
        CHECK(std::isnan(kt.max_abs(z.data() + 1, n, true)));
      }
    }
  }
}

TEST_CASE("transpose moves every element exactly and writes nothing else, on every table", "[kernels]") {
  for (attn::Isa isa : attn::available_isas()) {
    const attn::KernelTable& kt = *attn::table_for(isa);
    for (std::size_t rows : kSizes)
      for (std::size_t cols : {std::size_t(1), std::size_t(3), std::size_t(4), std::size_t(8), std::size_t(16),
                               std::size_t(17), std::size_t(64), std::size_t(65)}) {
        const std::size_t lds = cols + 3, ldd = rows + 5;
        auto src = random_vector(rows * lds + 1, 60 + rows + cols);
        std::vector<float> dst(cols * ldd + 1, -7.f);
        kt.transpose(rows, cols, src.data() + 1, lds, dst.data() + 1, ldd);
        std::vector<float> want(dst.size(), -7.f);
        for (std::size_t r = 0; r < rows; ++r)
          for (std::size_t c = 0; c < cols; ++c) want[1 + c * ldd + r] = src[1 + r * lds + c];
        INFO(attn::isa_name(isa) << " rows=" << rows << " cols=" << cols);
        CHECK(dst == want);  // a copy: bit-exact
      }
  }
}

TEST_CASE("the dispatcher's choice is one of the available tables and the best one", "[kernels]") {
  const auto isas = attn::available_isas();
  REQUIRE(!isas.empty());
  CHECK(isas.front() == attn::Isa::scalar);
  CHECK(attn::best_kernels().isa == isas.back());
  INFO("best: " << attn::isa_name(attn::best_kernels().isa));
  CHECK(attn::best_kernels().width >= 4);
  // The processor's baseline SIMD table is always built and always runnable, so the SIMD path is really tested.
#if defined(__aarch64__)
  CHECK(std::find(isas.begin(), isas.end(), attn::Isa::neon64) != isas.end());
#elif defined(__x86_64__)
  CHECK(std::find(isas.begin(), isas.end(), attn::Isa::sse2) != isas.end());
#endif
}

TEST_CASE("the vector exp is within 4e-7 relative of exp in double over [-87, 0], exactly 0 below, NaN stays NaN",
          "[kernels][exp]") {
  // 4e-7: the degree-6 polynomial's truncation (< 2e-7 on |r| ≤ ln2/2) plus a few roundings of float arithmetic.
  const float inf = std::numeric_limits<float>::infinity();
  for (attn::Isa isa : attn::available_isas()) {
    const attn::KernelTable& kt = *attn::table_for(isa);
    std::vector<float> x;
    for (float v = -87.0f; v <= 0.0f; v += 0.0137f) x.push_back(v);
    auto e = x;
    kt.exp_shift_sum(e.data(), e.size(), 0.0f);
    double worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i) worst = std::max(worst, std::abs(e[i] / std::exp(double(x[i])) - 1.0));
    INFO(attn::isa_name(isa) << " worst relative error " << worst);
    CHECK(worst < 4e-7);
    std::vector<float> special = {-inf, -100.f, -87.5f, std::numeric_limits<float>::quiet_NaN(), 0.f};
    kt.exp_shift_sum(special.data(), special.size(), 0.0f);
    CHECK(special[0] == 0.f);
    CHECK(special[1] < 1e-37f);  // 0 from the vector exp (flushed), a subnormal from std::exp
    CHECK(special[2] < 1e-37f);
    CHECK(std::isnan(special[3]));
    CHECK(special[4] == 1.f);
  }
}

TEST_CASE("gelu_tanh matches GPT-2's formula in double on every table", "[kernels][gelu]") {
  std::vector<float> x;
  for (float v = -9.0f; v <= 9.0f; v += 0.0173f) x.push_back(v);
  std::vector<double> ref(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    ref[i] = 0.5 * v * (1.0 + std::tanh(std::sqrt(2.0 / 3.141592653589793) * (v + 0.044715 * v * v * v)));
  }
  for (attn::Isa isa : attn::available_isas()) {
    INFO(attn::isa_name(isa));
    std::vector<float> y = x;
    attn::table_for(isa)->gelu_tanh(y.data(), y.size());
    CHECK(compare(y, ref, attn_test::kKernelTol) == "");
  }
}

TEST_CASE("gelu_tanh_backward adds dy times GELU's derivative in double on every table", "[kernels][gelu]") {
  std::vector<float> x, dy;
  for (float v = -12.0f; v <= 12.0f; v += 0.0173f) x.push_back(v), dy.push_back(0.5f + 0.25f * std::sin(v));
  std::vector<double> ref(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double v = x[i], k = std::sqrt(2.0 / 3.141592653589793), th = std::tanh(k * (v + 0.044715 * v * v * v));
    ref[i] = 1.0 + dy[i] * (0.5 * (1 + th) + 0.5 * v * (1 - th * th) * k * (1 + 3 * 0.044715 * v * v));
  }
  for (attn::Isa isa : attn::available_isas()) {
    INFO(attn::isa_name(isa));
    std::vector<float> dx(x.size(), 1.0f);  // it adds
    attn::table_for(isa)->gelu_tanh_backward(x.data(), dy.data(), dx.data(), dx.size());
    CHECK(compare(dx, ref, attn_test::kKernelTol) == "");
  }
}
