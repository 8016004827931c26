// The xsimd::fma3<xsimd::avx2> instantiation of the kernel table, compiled with -mavx2 -mfma.
// Not a place for logic: everything lives in kernels_simd.hpp.
#include "attn/kernels/simd/kernels_simd.hpp"

template attn::KernelTable attn::simd::make_table<xsimd::fma3<xsimd::avx2>>(attn::Isa);
