// The xsimd::wasm instantiation of the kernel table, compiled with -msimd128.
// Not a place for logic: everything lives in kernels_simd.hpp.
#include "attn/kernels/simd/kernels_simd.hpp"

template attn::KernelTable attn::simd::make_table<xsimd::wasm>(attn::Isa);
