// The token rows live training reads: the corpus generator's documents, each after <|endoftext|>, mapped to the
// training vocabulary's rows and handed out as consecutive steps of batch × (seq + 1) rows, generated as they are
// needed (not stored). The one feed of the page's trainer (wasm/bind_train.cpp) and of its native sweep
// (tools/train/live_sweep.cpp), so both train on the same stream. Not the corpus (corpus.hpp).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "attn/train/corpus.hpp"

namespace attn::train {

class RowStream {
 public:
  /// Keeps references to `tokenizer` and `vocabulary`: both must outlive the stream.
  RowStream(const tok::Gpt2Tokenizer& tokenizer, const CorpusOptions& options, const TrainingVocabulary& vocabulary);
  /// The next `count` rows of the stream (valid until the next call).
  const std::uint32_t* next(std::size_t count);

 private:
  CorpusGenerator generator_;
  const TrainingVocabulary& vocabulary_;
  std::vector<std::uint32_t> rows_;
  std::size_t next_ = 0;  ///< the first unread row of rows_
};

}  // namespace attn::train
