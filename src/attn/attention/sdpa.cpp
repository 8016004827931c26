// Scaled dot-product attention: validation, the choice of implementation, and the three implementations
// (materialized, fused tiled online-softmax, Lq = 1 decode), all built from the kernel table.
// Not mask policy (masks.hpp decides visibility) and not arch choice (kernels/dispatch.cpp).
#include "attn/attention/sdpa.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "attn/core/parallel.hpp"
#include "attn/core/workspace.hpp"
#include "attn/attention/heads.hpp"
#include "attn/attention/softmax.hpp"

namespace attn {

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

/// No padding and no bias: visibility is the key range alone.
bool plain_mask(const MaskSpec& m) { return m.key_padding_bk == nullptr && m.bias == nullptr; }

/// Whether a decode step streams the cache (run_decode): WebAssembly, a plain mask, one thread.
bool decode_streams(const KernelTable& kt, const MaskSpec& m, std::size_t Hkv, std::size_t threads) {
  return kt.isa == Isa::wasm_simd128 && plain_mask(m) && worker_count(Hkv, threads) == 1;
}

// Everything the implementations need, derived once from shape + options.
struct Plan {
  std::size_t B, Lq, Lk, Lk_rows, H, Hkv, D, Dv, group;
  std::size_t q_row, k_row, v_row, o_row;  // row strides in floats: H·D, Hkv·D, Hkv·Dv, H·Dv
  float scale;
  const MaskSpec* mask;
  const KernelTable* kt;
  bool plain;  // no padding and no bias: visibility is the key range alone

  Plan(const SdpaShape& s, const SdpaOptions& o)
      : B(s.batch),
        Lq(s.q_len),
        Lk(s.kv_len),
        Lk_rows(s.kv_rows_or_default()),
        H(s.heads),
        Hkv(s.kv_heads_or_default()),
        D(s.head_dim),
        Dv(s.value_dim_or_default()),
        group(H / Hkv),
        q_row(H * D),
        k_row(Hkv * D),
        v_row(Hkv * Dv),
        o_row(H * Dv),
        scale(sdpa_scale(s, o.scale)),
        mask(&o.mask),
        kt(o.kernels ? o.kernels : &best_kernels()),
        plain(plain_mask(o.mask)) {}
};

// Turns row i's logits for keys [j0, j0 + n) into masked logits: −∞ where masks.hpp says invisible, + bias
// elsewhere. A −∞ bias masks; a masked key's logit is overwritten, so NaN from a masked key never survives.
void mask_row(const Plan& p, std::size_t b, std::size_t h, std::size_t i, std::size_t j0, std::size_t n, float* s) {
  const KeyRange r = key_range(*p.mask, i, p.Lq, p.Lk);
  if (p.plain) {  // only the key range: −∞ before lo and from hi on
    const std::size_t lo = r.lo > j0 ? (r.lo - j0 < n ? r.lo - j0 : n) : 0;
    const std::size_t hi = r.hi > j0 ? (r.hi - j0 < n ? r.hi - j0 : n) : 0;
    for (std::size_t c = 0; c < lo; ++c) s[c] = kNegInf;
    for (std::size_t c = hi > lo ? hi : lo; c < n; ++c) s[c] = kNegInf;
    return;
  }
  for (std::size_t c = 0; c < n; ++c) {
    const std::size_t j = j0 + c;
    bool visible = j >= r.lo && j < r.hi;
    if (visible && p.mask->key_padding_bk) visible = p.mask->key_padding_bk[b * p.Lk + j] == 0;
    if (!visible) {
      s[c] = kNegInf;
    } else if (p.mask->bias) {
      const float x = bias_at(*p.mask, b, h, i, j, p.H, p.Lq, p.Lk);
      s[c] = (std::isinf(x) && x < 0) ? kNegInf : s[c] + x;
    }
  }
}

// kT[d, j] = k[j, d] for the Lk rows of one (batch row, kv head): scores become a plain NN product Q·Kᵀ,
// which the register-tiled kernel runs at full width. kT: [D, ldk]. ldk is padded past Lk so that rows are not
// a power of two apart (4 KiB strides alias in L1 and halve the kernel's speed at Lk = 1024, 2048, …).
constexpr std::size_t kKeysPad = 16;
std::size_t keys_stride(std::size_t kv_len) { return kv_len + kKeysPad; }

void transpose_keys(const Plan& p, const float* k_bh, float* kT) {
  p.kt->transpose(p.Lk, p.D, k_bh, p.k_row, kT, keys_stride(p.Lk));
}

// P·V may skip zero weights only to keep a masked key's non-finite value out of the output; when every value of
// the head is finite, 0·v = 0 exactly and the kernel without that branch gives the same bits, faster.
using PvKernel = void (*)(std::size_t, std::size_t, std::size_t, const float*, std::size_t, const float*, std::size_t,
                          float*, std::size_t);

// Copies one head's values (Lk rows, H·Dv floats apart in the input) into dense rows vp: [Lk, Dv]. Rows 3 KiB apart
// (H = 12, Dv = 64) fall into a few L1 sets, so a key tile's value rows would evict each other in P·V. Returns the
// P·V kernel for this head (the check for a non-finite value rides on the copy).
PvKernel pack_values(const Plan& p, const float* v_bh, float* vp) {
  std::uint32_t nonfinite = 0;
  for (std::size_t j = 0; j < p.Lk; ++j) {
    float* row = vp + j * p.Dv;
    std::memcpy(row, v_bh + j * p.v_row, p.Dv * sizeof(float));
    for (std::size_t d = 0; d < p.Dv; ++d) {  // exponent bits all set: ±∞ or NaN (a branch-free, vectorisable test)
      std::uint32_t bits;
      std::memcpy(&bits, row + d, sizeof bits);
      nonfinite |= (bits & 0x7f800000u) == 0x7f800000u;
    }
  }
  return nonfinite ? p.kt->pv_acc : p.kt->gemm_nn_acc;
}

void zero_rows(float* out, std::size_t rows, std::size_t stride, std::size_t width) {
  for (std::size_t r = 0; r < rows; ++r) std::memset(out + r * stride, 0, width * sizeof(float));
}

// One (batch row, query head) of a materialized or fused call: where its q rows and output rows are, with its kv
// head's keys transposed into kT and values packed into vp (the two layouts the kernels stream best).
struct HeadInputs {
  std::size_t b, h;
  const float* q;  ///< [Lq, D], rows q_row apart
  float* out;      ///< [Lq, Dv], rows o_row apart
  PvKernel pv;     ///< the P·V kernel these values allow (see pack_values)
};
HeadInputs prepare_head(const Plan& p, std::size_t bh, const float* q, const float* k, const float* v, float* out,
                        float* kT, float* vp) {
  const std::size_t b = bh / p.H, h = bh % p.H, hk = kv_head_of(h, p.H, p.Hkv);
  transpose_keys(p, k + b * p.Lk_rows * p.k_row + hk * p.D, kT);
  const PvKernel pv = pack_values(p, v + b * p.Lk_rows * p.v_row + hk * p.Dv, vp);
  return {b, h, q + b * p.Lq * p.q_row + h * p.D, out + b * p.Lq * p.o_row + h * p.Dv, pv};
}

// Query rows go in blocks of kTileQ and keys in tiles of kTileK (fused path); both paths skip every key outside the
// union of a block's key ranges (for a causal mask, the upper triangle). 128 keys per tile halve the per-row
// softmax bookkeeping of 64 (max, sum, rescale) at 16 KiB of logits per tile, still L1-resident.
constexpr std::size_t kTileQ = 32, kTileK = 128;

/// Union [lo, hi) of the key ranges of query rows [i0, i0 + rows); empty (lo ≥ hi) when every row is empty.
KeyRange block_key_range(const Plan& p, std::size_t i0, std::size_t rows) {
  std::size_t lo = p.Lk, hi = 0;
  for (std::size_t r = 0; r < rows; ++r) {
    const KeyRange kr = key_range(*p.mask, i0 + r, p.Lq, p.Lk);
    if (kr.empty()) continue;
    lo = kr.lo < lo ? kr.lo : lo;
    hi = kr.hi > hi ? kr.hi : hi;
  }
  return {lo, hi};
}

// ---- scratch: what each implementation takes from the workspace, decided here once ---------------------------------
/// One call's scratch: per worker, `floats()` floats (its parts in the order the run uses them) and `states`
/// online-softmax states. sdpa takes exactly this; sdpa_scratch_bytes sizes it. In 64 bits: a wasm32 caller sizes
/// calls past its address space (to refuse them).
struct Scratch {
  std::uint64_t workers = 0, parts[4] = {0, 0, 0, 0}, states = 0;
  std::uint64_t floats() const { return parts[0] + parts[1] + parts[2] + parts[3]; }
};

/// weights_out: the weights go to the caller's buffer (the materialized path then keeps no logits of its own).
Scratch scratch_for(SdpaImpl impl, const SdpaShape& s, const SdpaOptions& o, bool weights_out) {
  const MaskSpec& mask = o.mask;
  const std::size_t threads = o.threads;
  using U = std::uint64_t;
  const U B = s.batch, Lq = s.q_len, Lk = s.kv_len, H = s.heads, Hkv = s.kv_heads_or_default(), D = s.head_dim;
  const U Dv = s.value_dim_or_default(), keys_t = D * (Lk + kKeysPad);
  const auto workers = [&](U items) {
    return U(worker_count(std::size_t(std::min<U>(items, std::numeric_limits<std::size_t>::max())), threads));
  };
  Scratch sc;
  if (impl == SdpaImpl::decode) {  // the logits [heads, cols] of one work item's query heads (run_decode)
    const KeyRange r = key_range(mask, 0, 1, s.kv_len);
    const KernelTable& kt = o.kernels ? *o.kernels : best_kernels();  // as Plan takes it
    const U per = decode_streams(kt, mask, std::size_t(Hkv), threads) ? Hkv : 1;  // kv heads a work item takes
    sc.workers = workers(B * Hkv / per), sc.parts[0] = per * (H / Hkv) * (r.hi > r.lo ? U(r.hi - r.lo) : 1);
  } else if (impl == SdpaImpl::fused) {  // a logit tile, the output accumulator, K transposed, V packed
    sc.workers = workers(B * H), sc.states = kTileQ;
    sc.parts[0] = kTileQ * kTileK, sc.parts[1] = kTileQ * Dv, sc.parts[2] = keys_t, sc.parts[3] = Lk * Dv;
  } else {  // K transposed, V packed, and the logits unless they go to the caller's weights
    sc.workers = workers(B * H);
    sc.parts[0] = keys_t, sc.parts[1] = Lk * Dv, sc.parts[2] = weights_out ? 0 : Lq * Lk;
  }
  return sc;
}

// Materializes the [Lq, Lk] logits of one (b, h) at a time: needed when weights or scores are returned.
// scratch: [workers, K transposed | V packed | logits] as scratch_for sizes it.
void run_materialized(const Plan& p, const float* q, const float* k, const float* v, float* out, const SdpaOptions& o,
                      const Scratch& sc, float* scratch) {
  const std::size_t kt_n = std::size_t(sc.parts[0]), vp_n = std::size_t(sc.parts[1]);
  parallel_for(p.B * p.H, o.threads, [&](std::size_t bh, std::size_t worker) {
    float* kT = scratch + worker * std::size_t(sc.floats());
    float* vp = kT + kt_n;
    float* logits = vp + vp_n;
    float* s = o.weights_bhqk ? o.weights_bhqk + bh * p.Lq * p.Lk : logits;
    const auto [b, h, q_bh, o_bh, pv] = prepare_head(p, bh, q, k, v, out, kT, vp);
    for (std::size_t i0 = 0; i0 < p.Lq; i0 += kTileQ) {
      const std::size_t rows = p.Lq - i0 < kTileQ ? p.Lq - i0 : kTileQ;
      const KeyRange kr = block_key_range(p, i0, rows);
      const std::size_t lo = kr.empty() ? 0 : kr.lo, n = kr.empty() ? 0 : kr.hi - kr.lo;
      float* s0 = s + i0 * p.Lk;
      if (n)
        p.kt->gemm_nn(rows, n, p.D, p.scale, q_bh + i0 * p.q_row, p.q_row, kT + lo, keys_stride(p.Lk), s0 + lo,
                      p.Lk);
      for (std::size_t r = 0; r < rows; ++r) {  // keys outside the block's range: −∞ logits, zero weights
        float* row = s0 + r * p.Lk;
        for (std::size_t j = 0; j < lo; ++j) row[j] = kNegInf;
        for (std::size_t j = lo + n; j < p.Lk; ++j) row[j] = kNegInf;
        if (n) mask_row(p, b, h, i0 + r, lo, n, row + lo);
      }
      if (o.scores_bhqk) std::memcpy(o.scores_bhqk + (bh * p.Lq + i0) * p.Lk, s0, rows * p.Lk * sizeof(float));
      for (std::size_t r = 0; r < rows; ++r) {
        float* row = s0 + r * p.Lk;
        const float lse = n ? softmax_row(*p.kt, row + lo, n) : kNegInf;
        std::memset(row, 0, lo * sizeof(float));
        std::memset(row + lo + n, 0, (p.Lk - lo - n) * sizeof(float));
        if (o.lse_bhq) o.lse_bhq[bh * p.Lq + i0 + r] = lse;
      }
      zero_rows(o_bh + i0 * p.o_row, rows, p.o_row, p.Dv);
      if (n) pv(rows, p.Dv, n, s0 + lo, p.Lk, vp + lo * p.Dv, p.Dv, o_bh + i0 * p.o_row, p.o_row);
    }
  });
}

// Lq = 1: only the keys in the mask's range are touched (a sliding window costs O(window), not O(Lk)), and the
// query heads that share a kv head read its key and value rows together. In wasm on one thread with a plain mask
// the step reads the key rows and then the value rows front to back, every head from each row (dots_paired,
// axpy_paired): the cache is [rows, Hkv·D], and head by head the reads jump Hkv·D floats from row to row, which cost
// wasm a fifth of a gpt2-small step at 1,024 tokens (30.7 → 24.5 ms). Elsewhere each kv head is a work item: heads
// split best over threads (wasm, 2 threads: 24.6 ms streaming, 16.8 head by head) and native code keeps up with the
// jumps (AVX-512, 12 layers at 1,024 keys: 2.7 ms head by head, 3.3 streaming). Per head the sums are the same either
// way (the kernels have gemm_nt's and gemm_nn_acc's bits), so the choice changes no bit. pv_acc for masks with
// padding or a bias: a masked key's value row is never read.
// scratch: [workers, logits [heads of a work item, cols]] as scratch_for sizes it.
void run_decode(const Plan& p, const float* q, const float* k, const float* v, float* out, const SdpaOptions& o,
                const Scratch& sc, float* scratch) {
  const KeyRange r = key_range(*p.mask, 0, 1, p.Lk);
  const std::size_t cols = r.hi - r.lo;
  const bool streams = decode_streams(*p.kt, *p.mask, p.Hkv, o.threads);
  const std::size_t per = streams ? p.Hkv : 1;  // kv heads a work item takes
  parallel_for(p.B * p.Hkv / per, o.threads, [&](std::size_t item, std::size_t worker) {
    float* s = scratch + worker * std::size_t(sc.floats());  // [heads of the item, cols]
    const std::size_t b = item / (p.Hkv / per), k0 = item % (p.Hkv / per) * per;
    const std::size_t h0 = k0 * p.group, heads = per * p.group;
    float* o_g = out + b * p.o_row + h0 * p.Dv;
    const float* q_g = q + b * p.q_row + h0 * p.D;
    const float* k_rows = k + (b * p.Lk_rows + r.lo) * p.k_row;
    const float* v_rows = v + (b * p.Lk_rows + r.lo) * p.v_row;
    zero_rows(o_g, heads, p.Dv, p.Dv);
    if (cols == 0) {
      for (std::size_t g = 0; g < heads && o.lse_bhq; ++g) o.lse_bhq[b * p.H + h0 + g] = kNegInf;
      return;
    }
    if (!streams) {
      p.kt->gemm_nt(p.group, cols, p.D, p.scale, q_g, p.D, k_rows + k0 * p.D, p.k_row, s, cols);
    } else if (p.group == 1) {
      for (std::size_t t = 0; t < cols; ++t)
        p.kt->dots_paired(heads, p.D, p.scale, q_g, p.D, k_rows + t * p.k_row, p.D, s + t, cols);
    } else {  // a kv head's key row serves its whole query group
      for (std::size_t t = 0; t < cols; ++t)
        for (std::size_t hk = 0; hk < p.Hkv; ++hk)
          p.kt->dots_paired(p.group, p.D, p.scale, q_g + hk * p.group * p.D, p.D, k_rows + t * p.k_row + hk * p.D, 0,
                            s + hk * p.group * cols + t, cols);
    }
    for (std::size_t g = 0; g < heads; ++g) {
      float* row = s + g * cols;
      mask_row(p, b, h0 + g, 0, r.lo, cols, row);
      const float lse = softmax_row(*p.kt, row, cols);
      if (o.lse_bhq) o.lse_bhq[b * p.H + h0 + g] = lse;
    }
    if (!streams) {
      // Plain masks leave every key in [lo, hi) visible, so no weight is zero for being masked: the branch-free
      // kernel is exact (and a NaN value of a visible key still propagates).
      (p.plain ? p.kt->gemm_nn_acc : p.kt->pv_acc)(p.group, p.Dv, cols, s, cols, v_rows + k0 * p.Dv, p.v_row, o_g,
                                                   p.Dv);
    } else if (p.group == 1) {
      for (std::size_t t = 0; t < cols; ++t)
        p.kt->axpy_paired(heads, p.Dv, s + t, cols, v_rows + t * p.v_row, p.Dv, o_g, p.Dv);
    } else {
      for (std::size_t t = 0; t < cols; ++t)
        for (std::size_t hk = 0; hk < p.Hkv; ++hk)
          p.kt->axpy_paired(p.group, p.Dv, s + hk * p.group * cols + t, cols, v_rows + t * p.v_row + hk * p.Dv, 0,
                            o_g + hk * p.group * p.Dv, p.Dv);
    }
  });
}

// FlashAttention-2 style: per query tile, stream key tiles inside the tile's key range, keeping a running max m,
// sum l and unnormalised output O per row; no [Lq, Lk] buffer. Key tiles outside every row's range are never
// visited; rows whose part of a tile is fully masked are skipped in it.
// scratch: [workers, logit tile [kTileQ, kTileK] | accumulator [kTileQ, Dv] | K transposed | V packed] and
// states: [workers, kTileQ] each row's online-softmax state, as scratch_for sizes them.
void run_fused(const Plan& p, const float* q, const float* k, const float* v, float* out, const SdpaOptions& o,
               const Scratch& sc, float* scratch, OnlineSoftmax* states) {
  const std::size_t s_n = std::size_t(sc.parts[0]), acc_n = std::size_t(sc.parts[1]), kt_n = std::size_t(sc.parts[2]);
  parallel_for(p.B * p.H, o.threads, [&](std::size_t bh, std::size_t worker) {
    float* s = scratch + worker * std::size_t(sc.floats());
    float* acc = s + s_n;
    float* kT = acc + acc_n;
    float* vp = kT + kt_n;
    OnlineSoftmax* state = states + worker * kTileQ;
    const auto [b, h, q_bh, o_bh, pv] = prepare_head(p, bh, q, k, v, out, kT, vp);
    for (std::size_t i0 = 0; i0 < p.Lq; i0 += kTileQ) {
      const std::size_t rows = p.Lq - i0 < kTileQ ? p.Lq - i0 : kTileQ;
      const KeyRange kr = block_key_range(p, i0, rows);
      const std::size_t lo = kr.lo, hi = kr.hi;
      for (std::size_t r = 0; r < rows; ++r) state[r] = OnlineSoftmax{};
      std::memset(acc, 0, rows * p.Dv * sizeof(float));
      for (std::size_t j0 = lo; j0 < hi; j0 += kTileK) {
        const std::size_t cols = hi - j0 < kTileK ? hi - j0 : kTileK;
        p.kt->gemm_nn(rows, cols, p.D, p.scale, q_bh + i0 * p.q_row, p.q_row, kT + j0, keys_stride(p.Lk),
                      s, kTileK);
        for (std::size_t r = 0; r < rows; ++r) {
          float* row = s + r * kTileK;
          mask_row(p, b, h, i0 + r, j0, cols, row);
          const float correction = state[r].update(*p.kt, row, cols);
          if (correction != 1.0f) p.kt->scale(acc + r * p.Dv, p.Dv, correction);
        }
        pv(rows, p.Dv, cols, s, kTileK, vp + j0 * p.Dv, p.Dv, acc, p.Dv);
      }
      for (std::size_t r = 0; r < rows; ++r) {
        float* o_row = o_bh + (i0 + r) * p.o_row;
        if (!state[r].saw_a_key()) {  // no visible key in any tile
          std::memset(o_row, 0, p.Dv * sizeof(float));
          if (o.lse_bhq) o.lse_bhq[bh * p.Lq + i0 + r] = kNegInf;
          continue;
        }
        const float inv = 1.0f / state[r].sum;
        for (std::size_t d = 0; d < p.Dv; ++d) o_row[d] = acc[r * p.Dv + d] * inv;
        if (o.lse_bhq) o.lse_bhq[bh * p.Lq + i0 + r] = state[r].lse();
      }
    }
  });
}

// a·b into `out`, false on size_t overflow.
bool checked_mul(std::size_t a, std::size_t b, std::size_t& out) {
  if (a != 0 && b > std::numeric_limits<std::size_t>::max() / a) return false;
  out = a * b;
  return true;
}

bool fits(std::initializer_list<std::size_t> dims) {
  std::size_t n = 1;
  for (std::size_t d : dims)
    if (!checked_mul(n, d, n)) return false;
  return checked_mul(n, sizeof(float), n);
}

}  // namespace

const char* impl_name(SdpaImpl impl) {
  switch (impl) {
    case SdpaImpl::automatic:
      return "automatic";
    case SdpaImpl::materialized:
      return "materialized";
    case SdpaImpl::fused:
      return "fused";
    case SdpaImpl::decode:
      return "decode";
  }
  return "unknown";
}

float sdpa_scale(const SdpaShape& shape, std::optional<float> scale) {
  return scale ? *scale : 1.0f / std::sqrt(static_cast<float>(shape.head_dim));
}

SdpaImpl choose_impl(const SdpaShape& shape, SdpaImpl asked, bool returns_weights) {
  if (asked != SdpaImpl::automatic) return asked;
  if (returns_weights) return SdpaImpl::materialized;
  if (shape.q_len == 1) return SdpaImpl::decode;
  return SdpaImpl::fused;
}

SdpaImpl choose_impl(const SdpaShape& shape, const SdpaOptions& o) {
  return choose_impl(shape, o.impl, o.weights_bhqk || o.scores_bhqk);
}

void add_sdpa_scratch(const SdpaShape& shape, const SdpaOptions& o, bool returns_weights, WorkspaceSize& size) {
  const bool weights = returns_weights || o.weights_bhqk;
  const Scratch sc =
      scratch_for(choose_impl(shape, o.impl, weights || o.scores_bhqk), shape, o, weights);
  size.take<float>(sc.workers * sc.floats());
  if (sc.states) size.take<OnlineSoftmax>(sc.workers * sc.states);
}

std::uint64_t sdpa_scratch_bytes(const SdpaShape& shape, const SdpaOptions& options, bool returns_weights) {
  WorkspaceSize size;
  add_sdpa_scratch(shape, options, returns_weights, size);
  return size.peak_bytes();
}

Status validate_sdpa(const SdpaShape& s, const SdpaOptions& o) {
  auto positive = [](const char* name, std::size_t x) {
    return x == 0 ? Status::invalid_argument(std::string(name) + " must be >= 1, got 0") : Status::success();
  };
  for (auto st : {positive("batch", s.batch), positive("q_len", s.q_len), positive("kv_len", s.kv_len),
                  positive("heads", s.heads), positive("head_dim", s.head_dim)})
    if (!st.ok()) return st;
  const std::size_t hkv = s.kv_heads_or_default();
  if (Status st = validate_head_groups(s.heads, hkv); !st.ok()) return st;
  const std::size_t dv = s.value_dim_or_default(), rows = s.kv_rows_or_default();
  if (rows < s.kv_len)
    return Status::invalid_argument("kv_rows (" + std::to_string(rows) + ") must be >= kv_len (" +
                                    std::to_string(s.kv_len) + ")");
  if (!fits({s.batch, s.q_len, s.heads, s.head_dim}) || !fits({s.batch, rows, hkv, s.head_dim}) ||
      !fits({s.batch, rows, hkv, dv}) || !fits({s.batch, s.q_len, s.heads, dv}) ||
      !fits({s.batch, s.heads, s.q_len, s.kv_len}))
    return Status::out_of_range("sizes too large: the tensors would not fit in memory");
  if (o.scale && !std::isfinite(*o.scale))
    return Status::invalid_argument("scale must be finite, got " + std::to_string(*o.scale));
  if (Status st = validate_mask(o.mask); !st.ok()) return st;
  const SdpaImpl impl = choose_impl(s, o);
  if (impl != SdpaImpl::materialized && (o.weights_bhqk || o.scores_bhqk))
    return Status::invalid_argument(std::string("impl ") + impl_name(impl) +
                                    " cannot return weights or scores; use materialized or automatic");
  if (impl == SdpaImpl::decode && s.q_len != 1)
    return Status::invalid_argument("impl decode needs q_len == 1, got " + std::to_string(s.q_len));
  return Status::success();
}

Status check_score_range(const SdpaShape& s, const SdpaOptions& o, const float* q, float max_abs_k) {
  const KernelTable& kt = o.kernels ? *o.kernels : best_kernels();
  const double max_q = kt.max_abs(q, s.batch * s.q_len * s.heads * s.head_dim, false);
  const MaskSpec& m = o.mask;
  const std::size_t bias_count =
      (m.bias_layout.per_batch ? s.batch : 1) * (m.bias_layout.per_head ? s.heads : 1) * s.q_len * s.kv_len;
  const double max_bias = m.bias ? kt.max_abs(m.bias, bias_count, true) : 0.0;
  const double scale = o.scale ? double(*o.scale) : 1.0 / std::sqrt(double(s.head_dim));
  const double bound = std::abs(scale) * double(s.head_dim) * max_q * double(max_abs_k) + max_bias;
  const bool finite = std::isfinite(scale) && std::isfinite(max_q) && std::isfinite(max_abs_k) && std::isfinite(max_bias);
  if (!finite || bound <= double(std::numeric_limits<float>::max())) return Status::success();
  char text[400];
  std::snprintf(text, sizeof text,
                "scale, q, k: the attention scores scale·q·k%s can reach %.2e, past float32's largest value (3.4e38), "
                "where the softmax has no finite answer: scale q, k or scale down (max|q| = %.2e, max|k| = %.2e, "
                "scale = %.2e)",
                max_bias != 0.0 ? " + bias" : "", bound, max_q, double(max_abs_k), scale);
  return Status::invalid_argument(text);
}

Status sdpa(const SdpaShape& shape, const float* q, const float* k, const float* v, float* out,
            const SdpaOptions& options) {
  if (Status st = validate_sdpa(shape, options); !st.ok()) return st;
  if (!q || !k || !v || !out) return Status::invalid_argument("q, k, v and out must not be null");
  const Plan plan(shape, options);
  Workspace own;  // used only when the caller gave none: scratch then lives for this call
  Workspace& ws = options.workspace ? *options.workspace : own;
  const Workspace::Frame frame(ws);
  const SdpaImpl impl = choose_impl(shape, options);
  const Scratch sc = scratch_for(impl, shape, options, options.weights_bhqk != nullptr);
  float* scratch = ws.take<float>(std::size_t(sc.workers * sc.floats()));
  OnlineSoftmax* states = sc.states ? ws.take<OnlineSoftmax>(std::size_t(sc.workers * sc.states)) : nullptr;
  switch (impl) {
    case SdpaImpl::decode:
      run_decode(plan, q, k, v, out, options, sc, scratch);
      break;
    case SdpaImpl::fused:
      run_fused(plan, q, k, v, out, options, sc, scratch, states);
      break;
    default:
      run_materialized(plan, q, k, v, out, options, sc, scratch);
      break;
  }
  return Status::success();
}

}  // namespace attn
