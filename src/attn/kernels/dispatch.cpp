// The one place that chooses an instruction set: which kernel tables exist in this build and which one runs.
// Not kernels (kernels_simd.hpp) and not policy about when to use which algorithm (attention/sdpa.cpp).
#include <xsimd/xsimd.hpp>

#include <type_traits>

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
    case Isa::neon64: return "neon64";
  }
  return "unknown";
}

// The arches this build has a table for, best first. Each is instantiated in its own translation unit
// (simd/arch_*.cpp, compiled with only that arch's flags), hence the extern templates.
#if defined(__EMSCRIPTEN__)
// WebAssembly: one arch, chosen at compile time (-msimd128); the JS layer checks SIMD support before loading.
extern template KernelTable simd::make_table<xsimd::wasm>(Isa);
using BuiltArchs = xsimd::arch_list<xsimd::wasm>;
#elif defined(__x86_64__) || defined(_M_X64)
extern template KernelTable simd::make_table<xsimd::sse2>(Isa);
extern template KernelTable simd::make_table<xsimd::fma3<xsimd::avx2>>(Isa);
extern template KernelTable simd::make_table<xsimd::avx512f>(Isa);
using BuiltArchs = xsimd::arch_list<xsimd::avx512f, xsimd::fma3<xsimd::avx2>, xsimd::sse2>;
#elif defined(__aarch64__)
extern template KernelTable simd::make_table<xsimd::neon64>(Isa);
using BuiltArchs = xsimd::arch_list<xsimd::neon64>;
#else
using BuiltArchs = xsimd::arch_list<>;  // any other processor: the scalar table only
#endif

namespace {

template <class Arch>
constexpr Isa isa_of() {
  if constexpr (std::is_same_v<Arch, xsimd::sse2>) return Isa::sse2;
  else if constexpr (std::is_same_v<Arch, xsimd::fma3<xsimd::avx2>>) return Isa::avx2_fma;
  else if constexpr (std::is_same_v<Arch, xsimd::avx512f>) return Isa::avx512f;
  else if constexpr (std::is_same_v<Arch, xsimd::wasm>) return Isa::wasm_simd128;
  else return Isa::neon64;
}

/// Arch's table, or nullptr when this CPU (or engine) cannot run it.
template <class Arch>
const KernelTable* table_if_supported() {
  static const KernelTable table = simd::make_table<Arch>(isa_of<Arch>());
  return xsimd::available_architectures().has(Arch{}) ? &table : nullptr;
}

template <class... Archs>
const KernelTable* find_table(xsimd::arch_list<Archs...>, Isa isa) {
  const KernelTable* found = nullptr;
  ((found = (!found && isa_of<Archs>() == isa) ? table_if_supported<Archs>() : found), ...);
  return found;
}

template <class... Archs>
const KernelTable* best_table(xsimd::arch_list<Archs...>) {
  const KernelTable* best = nullptr;
  ((best = best ? best : table_if_supported<Archs>()), ...);  // the list is best first
  return best ? best : &scalar_kernels;
}

template <class... Archs>
std::vector<Isa> supported_isas(xsimd::arch_list<Archs...>) {
  std::vector<Isa> out{Isa::scalar};
  const auto add = [&out](const KernelTable* table, Isa isa) {
    if (table) out.insert(out.begin() + 1, isa);  // the list is best first, the answer worst first
  };
  (add(table_if_supported<Archs>(), isa_of<Archs>()), ...);
  return out;
}
}  // namespace

const KernelTable* table_for(Isa isa) {
  if (isa == Isa::scalar) return &scalar_kernels;
  return find_table(BuiltArchs{}, isa);
}

const KernelTable& best_kernels() {
  static const KernelTable* const best = best_table(BuiltArchs{});
  return *best;
}

std::vector<Isa> available_isas() { return supported_isas(BuiltArchs{}); }

}  // namespace attn
