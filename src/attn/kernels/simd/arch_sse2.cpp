// The xsimd::sse2 instantiation of the kernel table, compiled with no extra flags (x86-64 baseline).
// Not a place for logic: everything lives in kernels_simd.hpp.
#include "attn/kernels/simd/kernels_simd.hpp"

template attn::KernelTable attn::simd::make_table<xsimd::sse2>(attn::Isa);
