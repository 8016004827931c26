// generate(): prefill, then sample → feed back, one token per step, on one Gpt2Session.
#include "attn/model/generate.hpp"

#include <algorithm>

namespace attn {

Status generate(const Gpt2Model& model, const std::uint32_t* prompt, std::size_t n, const GenerateOptions& options,
                std::vector<std::uint32_t>& out, const std::function<bool(const GenerationStep&)>& on_step) {
  if (Status st = validate_sampling(options.sampling); !st.ok()) return st;
  out.clear();
  Gpt2Session session = model.session();
  Gpt2ForwardOptions fo;
  fo.threads = options.threads, fo.kernels = options.kernels;
  Gpt2ForwardResult r;
  if (Status st = session.append(prompt, n, fo, r); !st.ok()) return st;
  Rng rng(options.seed);
  const std::size_t V = model.config().vocab, context = model.config().context;
  for (std::size_t i = 0; i < options.max_tokens; ++i) {
    SampledToken t;
    if (Status st = sample_token(r.logits.data(), V, options.sampling, rng, t); !st.ok()) return st;
    GenerationStep step;
    step.index = i, step.gpt2_id = model.gpt2_id_of(t.row), step.probability = t.probability;
    step.stop = std::find(options.stop_ids.begin(), options.stop_ids.end(), step.gpt2_id) != options.stop_ids.end();
    step.logits = r.logits.data(), step.vocab = V;
    out.push_back(step.gpt2_id);
    const bool go_on = on_step ? on_step(step) : true;
    if (!go_on || step.stop || session.position() >= context || i + 1 == options.max_tokens) break;
    const std::uint32_t next = step.gpt2_id;
    if (Status st = session.append(&next, 1, fo, r); !st.ok()) return st;
  }
  return Status::success();
}

}  // namespace attn
