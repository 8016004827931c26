// Generator: prefill, then sample → feed back, one token per step, on one Gpt2Session; generate() loops over it.
#include "attn/model/generate.hpp"

#include <algorithm>
#include <utility>

namespace attn {

Generator::Generator(const Gpt2Model& model, std::vector<std::uint32_t> prompt, GenerateOptions options)
    : model_(&model),
      options_(std::move(options)),
      prompt_(std::move(prompt)),
      session_(model.session()),
      rng_(options_.seed),
      done_(options_.max_tokens == 0) {}

Status Generator::next(GenerationStep& step) {
  if (done_) return Status::out_of_range("generate: generation has ended");
  Gpt2ForwardOptions fo;
  fo.threads = options_.threads, fo.kernels = options_.kernels;
  if (produced_ == 0) {
    if (Status st = validate_sampling(options_.sampling); !st.ok()) return st;
    if (Status st = session_.append(prompt_.data(), prompt_.size(), fo, forward_); !st.ok()) return st;
  } else if (Status st = session_.append(&last_id_, 1, fo, forward_); !st.ok()) {
    return st;
  }
  const std::size_t V = model_->config().vocab;
  SampledToken t;
  if (Status st = sample_token(forward_.logits.data(), V, options_.sampling, rng_, t); !st.ok()) return st;
  step = GenerationStep();
  step.index = produced_++, step.gpt2_id = last_id_ = model_->gpt2_id_of(t.row), step.probability = t.probability;
  const auto& stops = options_.stop_ids;
  step.stop = std::find(stops.begin(), stops.end(), step.gpt2_id) != stops.end();
  step.position = session_.position();
  // The token is fed at the next call; a full context has no room for it.
  step.last = done_ = step.stop || produced_ == options_.max_tokens || step.position >= model_->config().context;
  step.logits = forward_.logits.data(), step.vocab = V;
  return Status::success();
}

Status generate(const Gpt2Model& model, const std::uint32_t* prompt, std::size_t n, const GenerateOptions& options,
                std::vector<std::uint32_t>& out, const std::function<bool(const GenerationStep&)>& on_step) {
  out.clear();
  Generator generator(model, std::vector<std::uint32_t>(prompt, prompt + (prompt ? n : 0)), options);
  GenerationStep step;
  while (!generator.done()) {
    if (Status st = generator.next(step); !st.ok()) return st;
    out.push_back(step.gpt2_id);
    if (on_step && !on_step(step)) break;
  }
  return Status::success();
}

}  // namespace attn
