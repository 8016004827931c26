// The xsimd::neon64 instantiation of the kernel table (AArch64: NEON is always there, no extra flags).
// Not a place for logic: everything lives in kernels_simd.hpp.
#include "attn/kernels/simd/kernels_simd.hpp"

template attn::KernelTable attn::simd::make_table<xsimd::neon64>(attn::Isa);
