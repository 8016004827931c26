// The caller-owned workspace: spans are aligned and given back by frames, and with a workspace a steady stream of
// sdpa calls (every implementation), MHA forwards and MHA decode steps allocates nothing after the first — counted
// by alloc_count.hpp's operator new (a GPT-2 session's count is in test_gpt2). Results equal those without a
// workspace, to the bit. The bytes a call reports before running (sdpa_scratch_bytes, MultiHeadAttention's
// forward_bytes / decode_bytes, KvCache::append_bytes: what the wasm layer refuses calls with) equal what it takes.
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

TEST_CASE("WorkspaceSize predicts a new workspace's peak heap bytes for any run of takes", "[workspace][sizing]") {
  const std::vector<std::vector<std::size_t>> runs = {
      {1}, {64, 64, 64}, {1 << 16}, {(1 << 16) + 1, 3}, {100, 70000, 5, 300000, 1 << 20, 17}, {1 << 22, 1, 1 << 22}};
  for (const auto& run : runs) {
    attn::Workspace ws;
    attn::WorkspaceSize size;
    {
      const attn::Workspace::Frame frame(ws);
      for (std::size_t bytes : run) (void)ws.take<unsigned char>(bytes), size.take<unsigned char>(bytes);
    }
    CHECK(ws.peak_bytes() == size.peak_bytes());
  }
}

TEST_CASE("sdpa_scratch_bytes is what an sdpa call takes from a new workspace, every implementation",
          "[workspace][sizing]") {
  struct Case {
    attn::SdpaShape shape;
    attn::SdpaImpl impl;
    bool weights;
    int window;  // left window (< 0: none)
  };
  const std::vector<Case> cases = {
      {{2, 40, 40, 4, 2, 16, 16, 0}, attn::SdpaImpl::fused, false, -1},
      {{2, 40, 40, 4, 2, 16, 16, 0}, attn::SdpaImpl::materialized, false, -1},
      {{2, 40, 40, 4, 2, 16, 16, 0}, attn::SdpaImpl::automatic, true, -1},
      {{1, 300, 300, 2, 2, 24, 8, 0}, attn::SdpaImpl::automatic, false, -1},
      {{1, 300, 300, 2, 2, 24, 8, 0}, attn::SdpaImpl::materialized, false, 7},
      {{3, 1, 90, 6, 2, 16, 16, 0}, attn::SdpaImpl::automatic, false, -1},
      {{3, 1, 90, 6, 2, 16, 16, 0}, attn::SdpaImpl::decode, false, 10},
  };
  for (const Case& c : cases)
    for (std::size_t threads : {1u, 2u}) {
      const attn::SdpaShape& s = c.shape;
      INFO("Lq " << s.q_len << " Lk " << s.kv_len << " impl " << attn::impl_name(c.impl) << " weights " << c.weights
                 << " window " << c.window << " threads " << threads);
      const std::size_t hkv = s.kv_heads_or_default();
      const auto q = attn_test::random_vector(s.batch * s.q_len * s.heads * s.head_dim, 1);
      const auto k = attn_test::random_vector(s.batch * s.kv_len * hkv * s.head_dim, 2);
      const auto v = attn_test::random_vector(s.batch * s.kv_len * hkv * s.value_dim_or_default(), 3);
      std::vector<float> out(s.batch * s.q_len * s.heads * s.value_dim_or_default());
      std::vector<float> weights(s.batch * s.heads * s.q_len * s.kv_len);
      attn::SdpaOptions o;
      o.mask.causal = true, o.impl = c.impl, o.threads = threads;
      if (c.window >= 0) o.mask.window_left = std::size_t(c.window);
      const std::uint64_t before_buffers = attn::sdpa_scratch_bytes(s, o, c.weights);  // sized before they exist
      if (c.weights) o.weights_bhqk = weights.data();
      const std::uint64_t reported = attn::sdpa_scratch_bytes(s, o);
      attn::Workspace ws;
      o.workspace = &ws;
      REQUIRE(attn::sdpa(s, q.data(), k.data(), v.data(), out.data(), o).ok());
      CHECK(ws.peak_bytes() == reported);
      CHECK(before_buffers == reported);
      CHECK(reported > 0);
    }
}

TEST_CASE("MultiHeadAttention reports what forward (plain and traced) and decode take", "[workspace][sizing]") {
  attn::MultiHeadAttention mha;
  REQUIRE(mha.init_random({48, 6, 2, 0, 0, 0, true, attn::Positional::sinusoidal, 0}, 5).ok());
  for (std::size_t threads : {1u, 2u})
    for (std::size_t len : {1u, 9u, 130u}) {
      INFO("threads " << threads << " length " << len);
      const auto x = attn_test::random_vector(2 * len * 48, 7);
      std::vector<float> y(x.size());
      attn::MhaOptions o;
      o.mask.causal = true, o.threads = threads;
      attn::Workspace plain;
      o.workspace = &plain;
      REQUIRE(mha.forward(x.data(), 2, len, nullptr, 0, y.data(), o).ok());
      CHECK(plain.peak_bytes() == mha.forward_bytes(2, len, 0, o, false));
      // Traced: the workspace's part, and the trace's vectors (every byte they hold).
      attn::Workspace traced;
      o.workspace = &traced;
      attn::MhaTrace t;
      REQUIRE(mha.forward(x.data(), 2, len, nullptr, 0, y.data(), o, &t).ok());
      std::uint64_t kept = 0;
      for (const std::vector<float>* f : {&t.x_in, &t.positions, &t.x, &t.q, &t.k, &t.v, &t.raw_scores,
                                          &t.scaled_scores, &t.masked_scores, &t.weights, &t.lse, &t.heads_out, &t.out,
                                          &t.row_sums})
        kept += f->capacity() * sizeof(float);
      kept += t.kv_head.capacity() * sizeof(std::uint32_t) + t.visible.capacity();
      CHECK(traced.peak_bytes() + kept == mha.forward_bytes(2, len, 0, o, true));
      // Decode after a few cached tokens: the workspace's part and the cache's growth.
      attn::KvCache cache = mha.make_cache(2);
      o.workspace = nullptr;
      for (int i = 0; i < 3; ++i) REQUIRE(mha.decode(x.data(), 1, cache, y.data(), o).ok());
      const std::size_t rows = cache.rows();
      const std::uint64_t reported = mha.decode_bytes(len, cache, o), growth = cache.append_bytes(len);
      attn::Workspace step;
      o.workspace = &step;
      REQUIRE(mha.decode(x.data(), len, cache, y.data(), o).ok());
      CHECK(growth == (cache.rows() == rows ? 0 : std::uint64_t(cache.rows()) * 2 * cache.bytes_per_token()));
      CHECK(step.peak_bytes() + growth == reported);
    }
}
