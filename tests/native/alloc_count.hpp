// Counts the test program's heap allocations by replacing the global operator new: a test reads
// attn_test::allocations() before and after a loop that must allocate nothing. Not a leak checker (ASan is that).
// Include it in one translation unit per test program (it defines the replacement operators). Every plain, array and
// nothrow form is replaced, with its deletes: under ASan a form left out would be ASan's, and its memory would
// come back to this file's free (an alloc-dealloc mismatch). The aligned forms stay the runtime's, as a pair.
#pragma once
#include <atomic>
#include <cstdlib>
#include <new>

namespace attn_test {
inline std::atomic<long> g_allocations{0};
inline long allocations() { return g_allocations.load(); }
inline void* counted_malloc(std::size_t n) noexcept {
  ++g_allocations;
  return std::malloc(n ? n : 1);
}
}  // namespace attn_test

// Not inlined: GCC 12 would see malloc paired with operator delete (or new paired with free) and warn
// (-Wmismatched-new-delete).
[[gnu::noinline]] void* operator new(std::size_t n) {
  if (void* p = attn_test::counted_malloc(n)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new[](std::size_t n) {
  if (void* p = attn_test::counted_malloc(n)) return p;
  throw std::bad_alloc();
}
[[gnu::noinline]] void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  return attn_test::counted_malloc(n);
}
[[gnu::noinline]] void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  return attn_test::counted_malloc(n);
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
