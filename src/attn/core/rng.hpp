// A small deterministic random generator (SplitMix64) whose floats are bit-identical on every platform.
// Not for cryptography, and not a normal distribution: only integer ops and exact scalings, so wasm == native.
#pragma once
#include <cstdint>

namespace attn {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next_u64() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  /// Uniform in [-1, 1) with 24 random bits: k · 2^-23 − 1 is exact in float.
  float uniform_pm1() { return static_cast<float>(next_u64() >> 40) * (1.0f / 8388608.0f) - 1.0f; }

 private:
  std::uint64_t state_;
};

}  // namespace attn
