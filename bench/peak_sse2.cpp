// The roofline loops for xsimd::sse2, compiled with no extra flags only (bench/CMakeLists.txt). See peak.hpp.
#include "peak.hpp"

template float bench::peak<xsimd::sse2>(long, float);
template float bench::stream_read<xsimd::sse2>(const float*, std::size_t);
