// The roofline loops for xsimd::avx512f, compiled with -mavx512f only (bench/CMakeLists.txt). See peak.hpp.
#include "peak.hpp"

template float bench::peak<xsimd::avx512f>(long, float);
template float bench::stream_read<xsimd::avx512f>(const float*, std::size_t);
