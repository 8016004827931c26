// The GPT-2 model: its configuration, its weights in the Hugging Face layout, and the loader that maps a
// checkpoint's named tensors onto them (every layout trap of real files handled here, once).
// Not file parsing (attn/io reads safetensors and converts dtypes) and not the math of one block (attn/nn).
//
// Checkpoint names (optionally prefixed `transformer.`), with C = d_model, F = d_ff, V = vocabulary rows,
// P = context, all matrices Conv1D-style [in, out] so that y = x·W + b:
//   wte.weight [V, C]   wpe.weight [P, C]   ln_f.weight, ln_f.bias [C]   lm_head.weight [V, C] (optional)
//   h.N.ln_1.weight, h.N.ln_1.bias [C]      h.N.attn.c_attn.weight [C, 3C], .bias [3C]   (columns Q | K | V)
//   h.N.attn.c_proj.weight [C, C], .bias [C] h.N.ln_2.weight, h.N.ln_2.bias [C]
//   h.N.mlp.c_fc.weight [C, F], .bias [F]    h.N.mlp.c_proj.weight [F, C], .bias [C]
//   h.N.attn.bias [1, 1, P, P] and h.N.attn.masked_bias [] are buffers: shape-checked, never kept.
//   vocab.gpt2_ids [V] (ours): sorted GPT-2 ids of a restricted vocabulary; one row may be UNK (metadata unk_id).
//   film.* (ours): the training film (train/film.hpp), skipped by the loader.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "attn/core/status.hpp"
#include "attn/io/safetensors.hpp"
#include "attn/kernels/matmul.hpp"

namespace attn {

enum class GeluForm { tanh, erf };  ///< GPT-2's "gelu_new" is tanh

struct Gpt2Config {
  std::size_t layers = 0, heads = 0, d_model = 0, d_ff = 0, vocab = 0, context = 0;
  float ln_eps = 1e-5f;
  GeluForm gelu = GeluForm::tanh;
  bool tied_head = true;  ///< logits = ln_f(h) · wteᵀ; false: a distinct lm_head.weight
  /// Restricted vocabulary: local row r stands for GPT-2 id gpt2_ids[r]; empty = the rows are GPT-2 ids.
  std::vector<std::uint32_t> gpt2_ids;
  std::optional<std::uint32_t> unk_row;  ///< the row unknown GPT-2 ids map to (restricted vocabularies only)

  std::size_t head_dim() const { return heads ? d_model / heads : 0; }
};

/// One block. Matrices are packed for matmul_bias (kernels/matmul.hpp); PackedMatrix::unpack gives [in, out] back.
struct Gpt2Layer {
  std::vector<float> ln1_g, ln1_b;  ///< [C]
  PackedMatrix qkv_w;               ///< [C, 3C]
  std::vector<float> qkv_b;         ///< [3C]
  PackedMatrix proj_w;              ///< [C, C]
  std::vector<float> proj_b;        ///< [C]
  std::vector<float> ln2_g, ln2_b;  ///< [C]
  PackedMatrix fc_w;                ///< [C, F]
  std::vector<float> fc_b;          ///< [F]
  PackedMatrix out_w;               ///< [F, C]   (mlp.c_proj)
  std::vector<float> out_b;         ///< [C]
};

/// A [rows, C] table (wte, an untied lm_head): float32, or binary16 bit patterns widened where they are read.
struct Gpt2Table {
  std::vector<float> f32;
  std::vector<std::uint16_t> f16;  ///< used when f32 is empty

  bool empty() const { return f32.empty() && f16.empty(); }
  bool is_f16() const { return f32.empty() && !f16.empty(); }
  std::size_t size() const { return is_f16() ? f16.size() : f32.size(); }
  float at(std::size_t i) const { return is_f16() ? widen_half(f16[i]) : f32[i]; }  ///< element i, row-major
  bool operator==(const Gpt2Table& o) const { return f32 == o.f32 && f16 == o.f16; }
};

struct Gpt2Weights {
  Gpt2Table wte;                    ///< [V, C]
  std::vector<float> wpe;           ///< [P, C]
  std::vector<Gpt2Layer> layers;    ///< [L]
  std::vector<float> lnf_g, lnf_b;  ///< [C]
  Gpt2Table lm_head;                ///< [V, C] when the head is untied, else empty (wte is the head)
  /// head() transposed and packed, [C, V] in head()'s format: what the logits are computed from. A decode step reads
  /// it once in panel order through matmul_bias (the matrix–vector kernel of the projections), about 3× the speed
  /// of dot products along the [V, C] rows in wasm; split over output columns, so threads change no bit.
  /// A second copy of the head's bytes, made by Gpt2Loader::finish.
  PackedMatrix head_packed;

  const Gpt2Table& head() const { return lm_head.empty() ? wte : lm_head; }
  /// Bytes of the matrices and tables a decode step reads (the 4 projections of each block and the head).
  std::size_t decode_bytes() const;
};

/// What the checkpoint does not say. heads: 0 = from metadata `n_head`, else d_model / 64 (true for every GPT-2).
struct Gpt2LoadOptions {
  std::size_t heads = 0;
  float ln_eps = 1e-5f;
  GeluForm gelu = GeluForm::tanh;
  /// Keep the projections, wte and lm_head of an F16 file as F16 in memory (half the bytes a decode step reads;
  /// the kernels widen them exactly, so the results are those of the float32 widening). A tensor holding ±∞ or NaN
  /// stays float32. false: everything float32.
  bool keep_f16 = true;
};

/// Collects a checkpoint's tensors (in any order, already converted to float32) and builds the model's weights.
/// Every refusal names the tensor and the rule. Keeps at most one copy of each tensor.
class Gpt2Loader {
 public:
  /// name: as in the file; shape: its dims; values: product(shape) floats (copied). from_f16: the file stored them as
  /// F16 (so they convert back exactly, and Gpt2LoadOptions::keep_f16 may keep them so).
  Status add(std::string_view name, const std::vector<std::size_t>& shape, const float* values, bool from_f16 = false);
  /// Integer tensors (vocab.gpt2_ids, stored I32 or I64 in the file).
  Status add_integers(std::string_view name, const std::vector<std::size_t>& shape, const std::int64_t* values);
  /// The file's __metadata__ (n_head, unk_id, … are read from it).
  void set_metadata(std::map<std::string, std::string> metadata) { metadata_ = std::move(metadata); }
  /// Whether a tensor of this name is used at all (buffers and unknown names are not): lets a streaming caller
  /// skip reading the bytes of a 4 MB causal-mask buffer.
  static bool wanted(std::string_view name);
  /// Checks that every tensor is there with consistent shapes and moves them into config + weights.
  Status finish(const Gpt2LoadOptions& options, Gpt2Config& config, Gpt2Weights& weights);

 private:
  std::map<std::string, std::vector<float>, std::less<>> values_;
  std::map<std::string, std::vector<std::size_t>, std::less<>> shapes_;
  std::map<std::string, bool, std::less<>> from_f16_;
  std::map<std::string, std::string> metadata_;
  std::vector<std::uint32_t> vocab_ids_;
};

/// Tensors named film.* (our trained model's recorded attention on probe sentences while it trained) are data for
/// the page, not weights: the loader skips them.
bool gpt2_film_tensor(std::string_view name);

/// The name without one leading "transformer." (models saved as GPT2LMHeadModel carry it).
std::string_view gpt2_canonical_name(std::string_view name);

/// One tensor of a checked safetensors header (io::parse_safetensors_header) → the loader: its `bytes` (t.end −
/// t.begin of them, any alignment) converted as gpt2_loader_from_safetensors does. A streaming caller reads the
/// header, then each tensor's bytes in turn, holding one tensor's bytes at a time.
Status gpt2_loader_add_tensor(const io::TensorInfo& t, const std::uint8_t* bytes, Gpt2Loader& loader);

/// A whole safetensors file in memory → the loader: every tensor it wants, converted to float32 (F16, BF16 and F64
/// exactly or rounded as float32 can), vocab.gpt2_ids as integers, the metadata; buffers and unknown names are
/// checked or refused by the loader. file: the file's bytes (any alignment).
Status gpt2_loader_from_safetensors(const std::uint8_t* file, std::size_t size, Gpt2Loader& loader);

}  // namespace attn

#include "attn/attention/kv_cache.hpp"
#include "attn/core/workspace.hpp"
#include "attn/kernels/kernels.hpp"

namespace attn {

enum class LogitsFor { none, last, all };

struct Gpt2ForwardOptions {
  LogitsFor logits = LogitsFor::last;
  /// Attention weights of every layer × head, kept when the call's tokens ≤ all_attention_max_tokens (else only
  /// `attention_heads`): gpt2-small at 1,024 tokens would need 600 MB for all of them.
  bool attention = false;
  std::size_t all_attention_max_tokens = 256;
  std::vector<std::pair<std::size_t, std::size_t>> attention_heads;  ///< (layer, head) pairs kept at any length
  /// Heads switched off (ablated): their output is zero before c_proj, in this call and in what a session's later
  /// calls read from them (the KV cache keeps K and V; only the head's contribution is removed).
  std::vector<std::pair<std::size_t, std::size_t>> ablate_heads;  ///< (layer, head) pairs
  bool residual = false;    ///< the residual stream entering each block and after the last: [L + 1, n, C]
  bool logit_lens = false;  ///< each residual of the last token through ln_f and the head: [L + 1, V]
  /// One head's step-by-step trace (Gpt2HeadTrace) for this (layer, head) only; nothing is kept for other heads.
  std::optional<std::pair<std::size_t, std::size_t>> trace_head;
  std::size_t threads = 1;  ///< as SdpaOptions::threads; results do not depend on it
  const KernelTable* kernels = nullptr;  ///< nullptr = best_kernels()
  /// Scratch for the call (activations, attention tiles, widened binary16 panels); nullptr = the session's own.
  /// Either way it is kept between calls, so a steady stream of calls of one size (decode steps, reset() or
  /// truncate() + the same tokens again) allocates nothing.
  Workspace* workspace = nullptr;
};

/// One head of one layer step by step, for a call's n new tokens (Lk = every token of the session so far):
/// X → Q, K, V → scores → scaled → masked → softmax → ·V. q, k, v, weights and out are the values the forward
/// used (the weights are sdpa's); the three score steps are written out here from q and k in plain loops (a
/// readable record of what sdpa fuses). out is the head's output before any ablation zeroes it.
struct Gpt2HeadTrace {
  std::size_t layer = 0, head = 0, head_dim = 0;
  float scale = 0;                     ///< 1/√head_dim
  std::vector<float> input;            ///< [n, C] ln_1 of the residual entering the layer: the X of X·W_q
  std::vector<float> q;                ///< [n, D]
  std::vector<float> k, v;             ///< [Lk, D]
  std::vector<float> raw_scores;       ///< [n, Lk] q·kᵀ
  std::vector<float> scaled_scores;    ///< [n, Lk] raw · scale
  std::vector<float> masked_scores;    ///< [n, Lk] scaled, −∞ past the query's own position (causal)
  std::vector<float> weights;          ///< [n, Lk] softmax of each masked row
  std::vector<float> out;              ///< [n, D] weights · v
};

/// What one call computed for its n new tokens (keys: every token of the session so far, Lk = position after).
struct Gpt2ForwardResult {
  std::size_t tokens = 0, context = 0;  ///< n, and Lk = tokens seen by the session after this call
  std::vector<float> logits;            ///< [n, V] (all) or [V] (last), local vocabulary rows
  /// [L, H, n, Lk] when every head is kept; else [len(attention_heads), n, Lk] in the order asked.
  std::vector<float> attention;
  bool all_heads = false;
  std::vector<float> residual;                ///< [L + 1, n, C]
  std::vector<float> logit_lens;              ///< [L + 1, V]
  std::vector<std::size_t> unknown_positions;  ///< inputs mapped to the UNK row (restricted vocabularies)
  std::optional<Gpt2HeadTrace> head_trace;     ///< when Gpt2ForwardOptions::trace_head asked for one
};

class Gpt2Model;

/// One sequence being read or generated: a KV cache per layer and the next position. Made by Gpt2Model::session.
class Gpt2Session {
 public:
  /// Reads n GPT-2 token ids (prefill when n > 1, one decode step when n = 1): the same computation either way.
  /// `out`'s vectors are reused: with the same `out`, a steady-state call allocates nothing (a head trace aside).
  Status append(const std::uint32_t* ids, std::size_t n, const Gpt2ForwardOptions& options, Gpt2ForwardResult& out);
  std::size_t position() const { return position_; }
  /// Back to position 0; the KV caches and the workspace keep their memory.
  void reset();
  /// Forgets the tokens from `position` on (a position past the current one changes nothing): an edited text is
  /// re-read from the first token that changed, the tokens before it kept in the KV caches.
  void truncate(std::size_t position);

 private:
  friend class Gpt2Model;
  explicit Gpt2Session(const Gpt2Model* model);
  const Gpt2Model* model_;
  std::vector<KvCache> caches_;
  std::size_t position_ = 0;
  Workspace workspace_;  // used when the call's options give none
};

class Gpt2Model {
 public:
  /// Builds the model from a loader that received every tensor of a checkpoint.
  Status load(Gpt2Loader& loader, const Gpt2LoadOptions& options = {});
  bool loaded() const { return config_.layers != 0; }
  const Gpt2Config& config() const { return config_; }
  const Gpt2Weights& weights() const { return weights_; }

  /// One pass over ids (T ≤ context) from position 0 on a new session: its KV caches and scratch are allocated and
  /// given back per call. A loop of passes keeps one session instead (reset() + append(): nothing allocated).
  Status forward(const std::uint32_t* ids, std::size_t n, const Gpt2ForwardOptions& options,
                 Gpt2ForwardResult& out) const;
  Gpt2Session session() const { return Gpt2Session(this); }

  /// The vocabulary row of a GPT-2 id (restricted vocabularies: binary search, else the UNK row); false when the
  /// id has no row (full vocabulary: id ≥ V; restricted without UNK: an unknown id).
  bool row_of(std::uint32_t gpt2_id, std::uint32_t& row) const;
  /// The GPT-2 id of a vocabulary row (restricted: gpt2_ids[row]).
  std::uint32_t gpt2_id_of(std::uint32_t row) const { return config_.gpt2_ids.empty() ? row : config_.gpt2_ids[row]; }

 private:
  friend class Gpt2Session;
  Gpt2Config config_;
  Gpt2Weights weights_;
};

}  // namespace attn
