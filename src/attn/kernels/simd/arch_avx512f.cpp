// The xsimd::avx512f instantiation of the kernel table, compiled with -mavx512f.
// Not a place for logic: everything lives in kernels_simd.hpp.
#include "attn/kernels/simd/kernels_simd.hpp"

template attn::KernelTable attn::simd::make_table<xsimd::avx512f>(attn::Isa);
