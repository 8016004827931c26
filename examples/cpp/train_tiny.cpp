// Trains a small GPT-2 from attention-wasm's C++ API in about a minute: the corpus generator's stream over its
// restricted vocabulary, Gpt2Trainer steps, then the heads measured on held-out text and the model saved as a
// GPT-2 safetensors file the runtime (or the page's "open a GPT-2 file") loads.
//   attention_train_tiny gpt2-bpe.bin [steps = 600] [out = tiny.safetensors]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "attn/train/corpus.hpp"
#include "attn/train/head_report.hpp"
#include "attn/train/trainer.hpp"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s gpt2-bpe.bin [steps] [out.safetensors]\n", argv[0]);
    return 2;
  }
  attn::tok::Gpt2Tokenizer tokenizer;
  if (attn::Status st = tokenizer.load_file(argv[1]); !st.ok()) return std::fprintf(stderr, "%s\n", st.message.c_str()), 1;
  const std::size_t steps = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 600;
  const std::string out = argc > 3 ? argv[3] : "tiny.safetensors";

  // A restricted vocabulary: the GPT-2 ids the corpus can emit, plus an UNK row for any other id.
  const attn::train::TrainingVocabulary vocab = attn::train::training_vocabulary(tokenizer, {});
  attn::train::TrainerConfig c;
  c.layers = 2, c.heads = 4, c.d_model = 64, c.context = c.seq = 64, c.batch = 8, c.vocab = vocab.gpt2_ids.size();
  c.steps = steps, c.warmup = steps / 10, c.lr = 3e-3f, c.threads = 0;
  attn::train::Gpt2Trainer trainer(c);
  if (attn::Status st = trainer.set_vocabulary(vocab.gpt2_ids, vocab.unk_row); !st.ok()) return std::fprintf(stderr, "%s\n", st.message.c_str()), 1;

  // The stream as vocabulary rows: step s reads B sequences of T + 1 tokens.
  const std::size_t per_step = c.batch * (c.seq + 1);
  std::vector<std::uint32_t> rows = attn::train::corpus_stream(tokenizer, {}, per_step * steps);
  vocab.to_rows(rows);
  attn::train::StepReport report;
  for (std::size_t s = 0; s < steps; ++s) {
    if (attn::Status st = trainer.train_step(&rows[s * per_step], report); !st.ok())
      return std::fprintf(stderr, "%s\n", st.message.c_str()), 1;
    if ((s + 1) % 100 == 0 || s + 1 == steps) std::printf("step %zu loss %.3f\n", s + 1, report.loss);
  }

  // The model as the runtime sees it, and what its heads do.
  attn::Gpt2Loader loader;
  attn::Gpt2Model model;
  if (!trainer.to_loader(loader).ok() || !model.load(loader).ok()) return 1;
  attn::train::HeadReportOptions ho;
  ho.documents = 100, ho.induction_period = 20;
  attn::train::HeadReport heads;
  if (attn::Status st = attn::train::measure_heads(model, tokenizer, ho, heads); !st.ok())
    return std::fprintf(stderr, "%s\n", st.message.c_str()), 1;
  const std::size_t noun = heads.best(heads.noun_en.lift), ind = heads.best(heads.induction);
  std::printf("noun->adjective: head L%zuH%zu lift %+.2f, P(verb | noun) %.2f\n", noun / c.heads, noun % c.heads,
              heads.noun_en.lift[noun], heads.noun_en.p_next);
  std::printf("induction: head L%zuH%zu score %.2f\n", ind / c.heads, ind % c.heads, heads.induction[ind]);

  std::vector<std::uint8_t> file;
  if (!trainer.save(attn::io::DType::F32, {{"note", "examples/cpp/train_tiny.cpp"}}, file).ok()) return 1;
  std::ofstream(out, std::ios::binary).write(reinterpret_cast<const char*>(file.data()), std::streamsize(file.size()));
  std::printf("wrote %s (%zu bytes)\n", out.c_str(), file.size());
  return 0;
}
