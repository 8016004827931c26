// The one place that chooses an instruction set: which kernel tables exist in this build and which one runs.
// Not kernels (kernels_simd.hpp) and not policy about when to use which algorithm (attention/sdpa.cpp).
#include <xsimd/xsimd.hpp>

#include "attn/kernels/kernels.hpp"
#include "attn/kernels/simd/kernels_simd.hpp"

namespace attn {

extern const KernelTable scalar_kernels;

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::scalar: return "scalar";
    case Isa::sse2: return "sse2";
    case Isa::avx2_fma: return "avx2+fma";
    case Isa::avx512f: return "avx512f";
    case Isa::wasm_simd128: return "wasm-simd128";
  }
  return "unknown";
}

#if defined(__EMSCRIPTEN__)
// WebAssembly: one arch, chosen at compile time (-msimd128); the JS layer checks SIMD support before loading.
extern template KernelTable simd::make_table<xsimd::wasm>(Isa);

const KernelTable* table_for(Isa isa) {
  static const KernelTable wasm = simd::make_table<xsimd::wasm>(Isa::wasm_simd128);
  if (isa == Isa::scalar) return &scalar_kernels;
  return isa == Isa::wasm_simd128 ? &wasm : nullptr;
}

const KernelTable& best_kernels() { return *table_for(Isa::wasm_simd128); }

std::vector<Isa> available_isas() { return {Isa::scalar, Isa::wasm_simd128}; }

#else
// x86-64: one translation unit per arch; xsimd's dispatcher picks the best the CPU supports at run time.
extern template KernelTable simd::make_table<xsimd::sse2>(Isa);
extern template KernelTable simd::make_table<xsimd::fma3<xsimd::avx2>>(Isa);
extern template KernelTable simd::make_table<xsimd::avx512f>(Isa);

namespace {
template <class Arch>
constexpr Isa isa_of();
template <>
constexpr Isa isa_of<xsimd::sse2>() { return Isa::sse2; }
template <>
constexpr Isa isa_of<xsimd::fma3<xsimd::avx2>>() { return Isa::avx2_fma; }
template <>
constexpr Isa isa_of<xsimd::avx512f>() { return Isa::avx512f; }

struct MakeTable {
  template <class Arch>
  KernelTable operator()(Arch) const { return simd::make_table<Arch>(isa_of<Arch>()); }
};
using DispatchArchs = xsimd::arch_list<xsimd::avx512f, xsimd::fma3<xsimd::avx2>, xsimd::sse2>;

template <class Arch>
const KernelTable* table_if_supported() {
  static const KernelTable table = simd::make_table<Arch>(isa_of<Arch>());
  return xsimd::available_architectures().has(Arch{}) ? &table : nullptr;
}
}  // namespace

const KernelTable* table_for(Isa isa) {
  switch (isa) {
    case Isa::scalar: return &scalar_kernels;
    case Isa::sse2: return table_if_supported<xsimd::sse2>();
    case Isa::avx2_fma: return table_if_supported<xsimd::fma3<xsimd::avx2>>();
    case Isa::avx512f: return table_if_supported<xsimd::avx512f>();
    case Isa::wasm_simd128: return nullptr;
  }
  return nullptr;
}

const KernelTable& best_kernels() {
  static const KernelTable best = xsimd::dispatch<DispatchArchs>(MakeTable{})();
  return best;
}

std::vector<Isa> available_isas() {
  std::vector<Isa> out;
  for (Isa isa : {Isa::scalar, Isa::sse2, Isa::avx2_fma, Isa::avx512f})
    if (table_for(isa)) out.push_back(isa);
  return out;
}
#endif

}  // namespace attn
