// Shared test helpers: the tolerance rule (values from tests/tolerances.json) and deterministic test data.
// Not test cases: each test_*.cpp states what it checks.
#pragma once
#include <catch2/catch_test_macros.hpp>

#include <cmath>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include "attn/core/rng.hpp"

namespace attn_test {

struct Tolerance {
  double atol, rtol;
};
inline constexpr Tolerance kKernelTol{ATTN_TOL_KERNEL_ATOL, ATTN_TOL_KERNEL_RTOL};
inline constexpr Tolerance kSdpaTol{ATTN_TOL_SDPA_ATOL, ATTN_TOL_SDPA_RTOL};
inline constexpr Tolerance kStressTol{ATTN_TOL_STRESS_ATOL, ATTN_TOL_STRESS_RTOL};
inline constexpr Tolerance kGpt2Tol{ATTN_TOL_GPT2_ATOL, ATTN_TOL_GPT2_RTOL};
inline constexpr Tolerance kGradcheckTol{ATTN_TOL_GRADCHECK_ATOL, ATTN_TOL_GRADCHECK_RTOL};

/// Empty when every |got − ref| ≤ atol + rtol·|ref| (NaN must match NaN); else a description of the worst miss.
template <class Got, class Ref>
std::string compare(const Got& got, const Ref& ref, Tolerance tol) {
  if (got.size() != ref.size()) return "size " + std::to_string(got.size()) + " != " + std::to_string(ref.size());
  double worst = 0;
  std::size_t at = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const double g = static_cast<double>(got[i]), r = static_cast<double>(ref[i]);
    if (std::isnan(r) || std::isnan(g)) {
      if (std::isnan(r) != std::isnan(g)) return "NaN mismatch at " + std::to_string(i);
      continue;
    }
    if (std::isinf(r) || std::isinf(g)) {
      if (g != r) return "inf mismatch at " + std::to_string(i);
      continue;
    }
    const double excess = std::abs(g - r) / (tol.atol + tol.rtol * std::abs(r));
    if (excess > worst) worst = excess, at = i;
  }
  if (worst <= 1.0) return {};
  std::ostringstream s;
  s << "worst at " << at << ": got " << got[at] << " ref " << ref[at] << " (" << worst << "x tolerance)";
  return s.str();
}

inline std::vector<float> random_vector(std::size_t n, std::uint64_t seed, float scale = 1.0f) {
  attn::Rng rng(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = scale * rng.uniform_pm1();
  return v;
}

}  // namespace attn_test
