// RowStream: documents appended as rows until a request fits; read rows are dropped once they fill half the buffer.
#include "attn/train/row_stream.hpp"

namespace attn::train {

RowStream::RowStream(const tok::Gpt2Tokenizer& tokenizer, const CorpusOptions& options,
                     const TrainingVocabulary& vocabulary)
    : generator_(tokenizer, options), vocabulary_(vocabulary) {}

const std::uint32_t* RowStream::next(std::size_t count) {
  if (next_ > 0 && next_ >= rows_.size() / 2)
    rows_.erase(rows_.begin(), rows_.begin() + std::ptrdiff_t(next_)), next_ = 0;
  while (rows_.size() - next_ < count) {
    const Document doc = generator_.next();
    rows_.push_back(vocabulary_.row_of(tok::kEndOfText));
    for (std::uint32_t id : doc.ids) rows_.push_back(vocabulary_.row_of(id));
  }
  const std::uint32_t* out = rows_.data() + next_;
  next_ += count;
  return out;
}

}  // namespace attn::train
