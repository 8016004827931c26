// The vector exp's constants (kernels.hpp: kExpConstants). Defined apart from kernels_simd.hpp on purpose: the
// kernels cannot fold them into literals, so they load them once per call (see Kernels::exp).
#include "attn/kernels/kernels.hpp"

namespace attn {

extern const float kExpConstants[11] = {
    12582912.0f,                                          // 1.5 · 2^23: adding it rounds to an integer
    1.44269504088896341f,                                 // log2 e
    -0.693145751953125f,                                  // −ln 2, high bits: n · this is exact for |n| < 2^9
    -1.428606765330187e-06f,                              // −ln 2, the rest
    1.0f / 720.0f, 1.0f / 120.0f, 1.0f / 24.0f, 1.0f / 6.0f,  // Taylor coefficients of e^r, r^6 … r^3
    0.5f, 1.0f,                                           // r^2, r^1 and r^0
    -87.0f,                                               // below: flushed to 0 (e^−87 ≈ 1.6e-38)
};

}  // namespace attn
