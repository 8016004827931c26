// The roofline loops for xsimd::fma3<xsimd::avx2>, compiled with -mavx2 -mfma only (bench/CMakeLists.txt). See peak.hpp.
#include "peak.hpp"

template float bench::peak<xsimd::fma3<xsimd::avx2>>(long, float);
template float bench::stream_read<xsimd::fma3<xsimd::avx2>>(const float*, std::size_t);
