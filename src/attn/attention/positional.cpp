// Sinusoidal positional encoding (see positional.hpp). Computed in double, rounded once to float.
// Not cached: a table of len × E costs far less than the attention that follows it.
#include "attn/attention/positional.hpp"

#include <cmath>
#include <vector>

namespace attn {

const char* positional_name(Positional p) {
  switch (p) {
    case Positional::none: return "none";
    case Positional::sinusoidal: return "sinusoidal";
    case Positional::learned: return "learned";
  }
  return "unknown";
}

void sinusoidal_encoding(std::size_t first_pos, std::size_t len, std::size_t d_model, float* out) {
  // Dimension by dimension: d_model pow calls (not len·d_model) and no buffer (a decode step allocates nothing).
  for (std::size_t e = 0; e < d_model; ++e) {
    const double freq = std::pow(10000.0, -static_cast<double>(e - e % 2) / static_cast<double>(d_model));
    for (std::size_t l = 0; l < len; ++l) {
      const double pos = static_cast<double>(first_pos + l);
      out[l * d_model + e] = static_cast<float>(e % 2 == 0 ? std::sin(pos * freq) : std::cos(pos * freq));
    }
  }
}

}  // namespace attn
