// The caller-owned workspace: spans are aligned and given back by frames, and with a workspace a steady stream of
// sdpa calls (every implementation), MHA forwards and MHA decode steps allocates nothing after the first — counted
// by alloc_count.hpp's operator new (a GPT-2 session's count is in test_gpt2). Results equal those without a
// workspace, to the bit.
#include <catch2/catch_test_macros.hpp>

#include <cstdint>
#include <vector>

#include "attn/attention/mha.hpp"
#include "attn/attention/sdpa.hpp"
#include "attn/core/workspace.hpp"
#include "alloc_count.hpp"
#include "tolerance.hpp"

using attn_test::allocations;

TEST_CASE("workspace: aligned spans, frames give them back, growth folds into one block", "[workspace]") {
  attn::Workspace ws;
  float* first = nullptr;
  {
    const attn::Workspace::Frame f(ws);
    first = ws.take<float>(3);
    float* second = ws.take<float>(1000);
    CHECK(reinterpret_cast<std::uintptr_t>(first) % 64 == 0);
    CHECK(reinterpret_cast<std::uintptr_t>(second) % 64 == 0);
    CHECK(second >= first + 3);
    float* big = ws.take<float>(1 << 20);  // larger than the first block: a second one
    big[(1 << 20) - 1] = 1.0f;
  }
  CHECK(ws.capacity_bytes() >= ws.high_water_bytes());
  const long before = allocations();
  {
    const attn::Workspace::Frame f(ws);
    CHECK(ws.take<float>(3) != nullptr);
    (void)ws.take<float>(1000);
    (void)ws.take<float>(1 << 20);
  }
  CHECK(allocations() == before);  // the same sizes again fit in the folded block
}

TEST_CASE("with a workspace, steady sdpa calls, MHA forwards and decode steps allocate nothing", "[workspace]") {
  const attn::SdpaShape shape{2, 40, 40, 4, 2, 16, 16, 0};
  const auto q = attn_test::random_vector(2 * 40 * 4 * 16, 1), k = attn_test::random_vector(2 * 40 * 2 * 16, 2);
  const auto v = attn_test::random_vector(2 * 40 * 2 * 16, 3);
  std::vector<float> out(q.size()), plain(q.size()), weights(2 * 4 * 40 * 40);
  attn::Workspace ws;
  for (const attn::SdpaImpl impl : {attn::SdpaImpl::fused, attn::SdpaImpl::materialized}) {
    for (std::size_t threads : {1u, 2u}) {
      attn::SdpaOptions o;
      o.mask.causal = true, o.impl = impl, o.threads = threads;
      if (impl == attn::SdpaImpl::materialized) o.weights_bhqk = weights.data();
      REQUIRE(attn::sdpa(shape, q.data(), k.data(), v.data(), plain.data(), o).ok());
      o.workspace = &ws;
      REQUIRE(attn::sdpa(shape, q.data(), k.data(), v.data(), out.data(), o).ok());  // warm-up: the arena grows
      const long before = allocations();
      for (int i = 0; i < 10; ++i) REQUIRE(attn::sdpa(shape, q.data(), k.data(), v.data(), out.data(), o).ok());
      CHECK(allocations() - before == 0);
      CHECK(out == plain);
    }
  }
  const attn::SdpaShape one{2, 1, 40, 4, 2, 16, 16, 0};
  attn::SdpaOptions d;
  d.workspace = &ws;
  REQUIRE(attn::sdpa(one, q.data(), k.data(), v.data(), out.data(), d).ok());
  long before = allocations();
  for (int i = 0; i < 10; ++i) REQUIRE(attn::sdpa(one, q.data(), k.data(), v.data(), out.data(), d).ok());
  CHECK(allocations() - before == 0);

  attn::MultiHeadAttention mha;
  REQUIRE(mha.init_random({64, 8, 2, 0, 0, 0, true, attn::Positional::sinusoidal, 0}, 5).ok());
  const auto x = attn_test::random_vector(2 * 20 * 64, 9);
  std::vector<float> y(x.size()), y_plain(x.size());
  attn::MhaOptions mo;
  mo.mask.causal = true;
  REQUIRE(mha.forward(x.data(), 2, 20, nullptr, 0, y_plain.data(), mo).ok());
  mo.workspace = &ws;
  REQUIRE(mha.forward(x.data(), 2, 20, nullptr, 0, y.data(), mo).ok());
  before = allocations();
  for (int i = 0; i < 10; ++i) REQUIRE(mha.forward(x.data(), 2, 20, nullptr, 0, y.data(), mo).ok());
  CHECK(allocations() - before == 0);
  CHECK(y == y_plain);

  attn::KvCache cache = mha.make_cache(2);
  std::vector<float> step(2 * 64);
  attn::MhaOptions dec;
  dec.workspace = &ws;
  for (int i = 0; i < 20; ++i) REQUIRE(mha.decode(x.data() + 0, 1, cache, step.data(), dec).ok());  // grow the cache
  cache.clear();  // keeps its memory
  before = allocations();
  for (int i = 0; i < 16; ++i) REQUIRE(mha.decode(x.data(), 1, cache, step.data(), dec).ok());
  CHECK(allocations() - before == 0);
}
