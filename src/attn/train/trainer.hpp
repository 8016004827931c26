// The GPT-2 trainer: parameters in the runtime's own names and layout (Conv1D [in, out], fused QKV, tied head), one
// training step = forward with saved activations, backward through attn::nn's blocks, global-norm clip, AdamW with
// a warm-up + cosine schedule. A checkpoint is a GPT-2 safetensors file that Gpt2Model (and Hugging Face) loads.
// Not a data pipeline (the caller hands in token rows; train/corpus.hpp makes them) and not a general autograd.
//
// Deterministic: the same seed, data and thread count give bit-identical parameters (nn/blocks.hpp's reductions
// run in a fixed order; in fact the bits do not depend on the thread count either).
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "attn/core/status.hpp"
#include "attn/core/workspace.hpp"
#include "attn/io/safetensors.hpp"
#include "attn/kernels/kernels.hpp"
#include "attn/model/gpt2.hpp"

namespace attn::train {

struct TrainerConfig {
  // The model (GPT-2 architecture; d_ff 0 = 4·d_model).
  std::size_t layers = 3, heads = 4, d_model = 128, d_ff = 0, vocab = 0, context = 128;
  // One step reads batch sequences of seq tokens (seq ≤ context).
  std::size_t batch = 8, seq = 128;
  // AdamW with decoupled weight decay on matrices and embeddings (not on biases and LayerNorm), clipped by global
  // norm, learning rate warmed up linearly for `warmup` steps then cosine-decayed to lr·min_lr_ratio at `steps`.
  float lr = 3e-3f, min_lr_ratio = 0.1f, beta1 = 0.9f, beta2 = 0.95f, adam_eps = 1e-8f, weight_decay = 0.1f;
  float clip = 1.0f;
  std::size_t warmup = 100, steps = 1000;
  std::uint64_t seed = 1;   ///< initial weights
  /// Multiplies every initial standard deviation (GPT-2's 0.02, 0.01 for wpe). A tiny model learns attention
  /// patterns sooner from a larger start: at 0.02 its attention is near uniform and the gradients that shape
  /// queries and keys (a product of two small matrices) are tiny, a long plateau.
  float init_scale = 1.0f;
  /// MLP weights start at 0, where their gradients are 0 as well, so they stay 0: attention-only blocks (the MLP's
  /// output bias still learns a constant), the smallest model in which induction heads are studied. The steps skip
  /// the MLP's arithmetic (it would add its output bias and send nothing back), which gives the same numbers.
  bool attention_only = false;
  std::size_t threads = 1;  ///< 0 = every hardware thread
  float ln_eps = 1e-5f;

  std::size_t ff() const { return d_ff ? d_ff : 4 * d_model; }
  /// Why this config cannot train, or success.
  Status check() const;
};

/// One parameter tensor: its checkpoint name, shape, and place in the flat parameter buffer.
struct ParamTensor {
  std::string name;
  std::vector<std::size_t> shape;
  std::size_t offset = 0, size = 0;
  bool decay = false;  ///< matrices and embeddings get weight decay
};

/// What one step measured.
struct StepReport {
  double loss = 0;       ///< mean cross-entropy over the batch's B·T predictions (nats)
  double grad_norm = 0;  ///< global L2 norm before clipping
  float lr = 0;
};

class Gpt2Trainer {
 public:
  /// Fresh weights from config.seed (GPT-2's init: N(0, 0.02), residual projections ÷√(2L), wpe N(0, 0.01)).
  explicit Gpt2Trainer(const TrainerConfig& config);

  const TrainerConfig& config() const { return config_; }
  const std::vector<ParamTensor>& tensors() const { return tensors_; }
  std::vector<float>& params() { return params_; }
  const std::vector<float>& params() const { return params_; }
  const std::vector<float>& grads() const { return grads_; }
  std::size_t step() const { return step_; }

  /// rows: [batch, seq + 1] vocabulary rows; inputs are [:, :seq], targets [:, 1:]. Fills grads() (overwritten)
  /// with the gradient of the mean loss; returns it in `loss`.
  Status forward_backward(const std::uint32_t* rows, double& loss);
  /// The mean loss without gradients (rows as above; `batch` sequences, any batch ≤ config.batch).
  Status evaluate(const std::uint32_t* rows, std::size_t batch, double& loss);
  /// forward_backward, clip, AdamW with the schedule's rate for step(), then step() + 1.
  Status train_step(const std::uint32_t* rows, StepReport& report);
  /// The schedule's learning rate at `step`.
  float learning_rate(std::size_t step) const;

  /// Every tensor into a runtime loader (as float32), with the vocabulary map and metadata the runtime reads.
  Status to_loader(Gpt2Loader& loader) const;
  /// The checkpoint: HF names, dtype F32 or F16, plus vocab.gpt2_ids (I32) when a restricted vocabulary is set, and
  /// `extra` tensors (the training film) as given.
  Status save(io::DType dtype, const std::map<std::string, std::string>& metadata, std::vector<std::uint8_t>& out,
              std::vector<io::TensorToWrite> extra = {}) const;

  /// Everything a run needs to continue bit-identically: parameters, AdamW moments and the step (F32 safetensors,
  /// tensors `params`, `adam.m`, `adam.v` plus the caller's `tensors`; metadata `step`, `fingerprint` plus the
  /// caller's `metadata`).
  Status save_state(const std::map<std::string, std::string>& metadata, std::vector<io::TensorToWrite> tensors,
                    std::vector<std::uint8_t>& out) const;
  /// Restores a save_state file of the same configuration (else an error naming the difference); its metadata
  /// (the caller's extra entries included) goes to `metadata`.
  Status load_state(const std::uint8_t* file, std::size_t size, std::map<std::string, std::string>& metadata);
  /// The configuration as text: two runs continue each other only when these agree.
  std::string fingerprint() const;

  /// Heads switched off while training (ablation during training): on[l·H + h] == 0 makes head (l, h) output zero
  /// in every later forward, so it contributes nothing to the loss and gets zero gradient (weight decay still
  /// applies). Empty = every head on (the default). Not saved: a checkpoint holds weights only.
  Status set_head_mask(std::vector<std::uint8_t> on);
  const std::vector<std::uint8_t>& head_mask() const { return head_on_; }

  /// A restricted vocabulary: row r is GPT-2 id gpt2_ids[r] (sorted, size = vocab); unk_row optional.
  Status set_vocabulary(std::vector<std::uint32_t> gpt2_ids, std::optional<std::uint32_t> unk_row);

 private:
  struct LayerActs {
    std::vector<float> x_in, ln1, ln1_mean, ln1_rstd, qkv, att, heads, x_mid, ln2, ln2_mean, ln2_rstd, fc, gelu;
  };
  void forward(const std::uint32_t* rows, std::size_t batch);
  /// Zeroes the columns of layer l's switched-off heads in x: [n, C] (head h owns columns h·D … h·D + D − 1).
  void silence_heads(std::size_t l, float* x, std::size_t n) const;
  double loss_and_probs(const std::uint32_t* rows, std::size_t batch);
  const float* p(std::size_t i) const { return params_.data() + tensors_[i].offset; }
  float* g(std::size_t i) { return grads_.data() + tensors_[i].offset; }

  TrainerConfig config_;
  const KernelTable* kt_;
  std::vector<ParamTensor> tensors_;
  std::vector<float> params_, grads_, m_, v_;
  std::size_t step_ = 0;
  std::vector<std::uint32_t> gpt2_ids_;
  std::optional<std::uint32_t> unk_row_;
  std::vector<std::uint8_t> head_on_;  ///< [L·H] or empty (every head on)

  // Activations for the batch in flight (sized for config.batch × config.seq).
  std::vector<std::uint32_t> inputs_, targets_;
  std::vector<LayerActs> acts_;
  std::vector<float> x_out_, lnf_, lnf_mean_, lnf_rstd_, probs_;
  // Gradient scratch.
  std::vector<float> losses_, dres_, dln_, dqkv_, dheads_, dfc_, dgelu_, dlogits_, scratch_;
  Workspace workspace_;  // attention's scratch: a steady run of steps allocates nothing
  PackedMatrix pack_;    // the weight being multiplied, in the GEMM's panel layout
  // Tensor indices per layer (ln1_g, ln1_b, qkv_w, qkv_b, proj_w, proj_b, ln2_g, ln2_b, fc_w, fc_b, out_w, out_b).
  std::vector<std::vector<std::size_t>> layer_tensors_;
  std::size_t wte_, wpe_, lnf_g_, lnf_b_;
};

}  // namespace attn::train
