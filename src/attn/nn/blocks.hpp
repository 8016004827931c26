// The blocks GPT-2 is made of, each forward beside its backward: token + position embedding, LayerNorm, GELU (tanh
// form), linear (Conv1D layout [in, out]), causal multi-head attention over a fused QKV, and softmax cross-entropy.
// Backwards ADD into their gradient outputs (a parameter or a residual gets contributions from several places),
// so callers zero gradients once per step. Not a model (train/ composes these) and not the runtime's inference path
// (model/gpt2.cpp, which needs no saved activations). The plain double references are in nn/blocks_ref.hpp.
//
// Determinism: every reduction runs in a fixed order that does not depend on how work is split over threads, so
// results are bit-identical for any thread count (no atomics; each thread owns whole output rows or columns).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "attn/core/workspace.hpp"
#include "attn/kernels/kernels.hpp"
#include "attn/kernels/matmul.hpp"

namespace attn::nn {

/// x: [n, C] = wte[rows[t]] + wpe[positions: t mod T]   (n = B·T rows of B sequences of T tokens).
void embed_forward(const std::uint32_t* rows, std::size_t n, std::size_t T, std::size_t C, const float* wte,
                   const float* wpe, float* x);
/// dwte[rows[t]] += dx[t]; dwpe[t mod T] += dx[t]   (serial, in row order).
void embed_backward(const float* dx, const std::uint32_t* rows, std::size_t n, std::size_t T, std::size_t C,
                    float* dwte, float* dwpe);

/// y: [n, C] = (x − μ)/√(σ² + eps) · g + b per row (biased variance, sums in double); saves mean, rstd: [n] for
/// the backward (both may be null at inference).
void layer_norm_forward(const float* x, std::size_t n, std::size_t C, const float* g, const float* b, float eps,
                        float* y, float* mean, float* rstd, std::size_t threads);
/// dx += ∂/∂x, dg += Σ_rows dy·x̂, db += Σ_rows dy.
void layer_norm_backward(const float* dy, const float* x, const float* mean, const float* rstd, std::size_t n,
                         std::size_t C, const float* g, float* dx, float* dg, float* db, std::size_t threads);

/// y = GELU_tanh(x) (the kernel table's vector tanh), n values.
void gelu_forward(const KernelTable& kt, const float* x, float* y, std::size_t n, std::size_t threads);
/// dx += dy · GELU_tanh'(x) (the kernel table's, with 1 − tanh²: no cosh, so no overflow for large |x|).
void gelu_backward(const KernelTable& kt, const float* x, const float* dy, float* dx, std::size_t n,
                   std::size_t threads);

/// y: [n, out] = x: [n, in] · w: [in, out] + b: [out] (b may be null). pack: scratch for w's panels.
void linear_forward(const KernelTable& kt, const float* x, std::size_t n, std::size_t in, const float* w,
                    const float* b, std::size_t out, float* y, PackedMatrix& pack, std::size_t threads);
/// c: [M, N] += aᵀ · b for a: [n, M], b: [n, N] (weight gradients); each sum runs over the n rows in order.
/// scratch grows to hold aᵀ.
void matmul_tn_acc(const KernelTable& kt, const float* a, std::size_t n, std::size_t M, const float* b, std::size_t N,
                   float* c, std::vector<float>& scratch, std::size_t threads);
/// dx: [n, in] += dy · wᵀ (dx may be null); dw: [in, out] += xᵀ · dy; db: [out] += Σ_rows dy (db may be null).
/// scratch grows to hold a dx block per thread and xᵀ.
void linear_backward(const KernelTable& kt, const float* dy, const float* x, std::size_t n, std::size_t in,
                     const float* w, std::size_t out, float* dx, float* dw, float* db, std::vector<float>& scratch,
                     std::size_t threads);

/// Causal self-attention of B sequences of T tokens over a fused projection qkv: [B·T, 3C] (columns Q | K | V, head h
/// at h·D of each third, C = H·D) → out: [B·T, C]; saves the softmax weights att: [B, H, T, T] (0 above the
/// diagonal). Scale 1/√D. Scratch (the split Q, K, V and attention's own) comes from ws.
void attention_forward(const KernelTable& kt, const float* qkv, std::size_t B, std::size_t T, std::size_t H,
                       std::size_t D, float* out, float* att, Workspace& ws, std::size_t threads);
/// dqkv: [B·T, 3C] += the gradient through attention_forward, from dout: [B·T, C] and the saved att.
void attention_backward(const KernelTable& kt, const float* dout, const float* qkv, const float* att, std::size_t B,
                        std::size_t T, std::size_t H, std::size_t D, float* dqkv, Workspace& ws, std::size_t threads);

/// logits: [n, V] → probabilities in place; returns Σ_t −log p[t, targets[t]] (double); losses: [n] per row
/// (may be null). A target ≥ V is refused by the caller (train/), not here.
double softmax_cross_entropy_forward(float* logits_to_probs, const std::uint32_t* targets, std::size_t n,
                                     std::size_t V, float* losses, std::size_t threads);
/// dlogits: [n, V] = (p − onehot(target)) · dloss (overwritten; may alias probs).
void softmax_cross_entropy_backward(const float* probs, const std::uint32_t* targets, std::size_t n, std::size_t V,
                                    float dloss, float* dlogits, std::size_t threads);

/// The scalar GELU and its derivative (tanh form), for references and tests.
float gelu_tanh(float x);
float gelu_tanh_grad(float x);

}  // namespace attn::nn
