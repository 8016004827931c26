// Counts the test program's heap allocations by replacing the global operator new: a test reads
// attn_test::allocations() before and after a loop that must allocate nothing. Not a leak checker (ASan is that).
// Include it in one translation unit per test program (it defines the replacement operators).
#pragma once
#include <atomic>
#include <cstdlib>
#include <new>

namespace attn_test {
inline std::atomic<long> g_allocations{0};
inline long allocations() { return g_allocations.load(); }
}  // namespace attn_test

// Not inlined: GCC 12 would see malloc paired with operator delete (or new paired with free) and warn
// (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t n) {
  ++attn_test::g_allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
