// Non-template entry point of the GPT-2 pre-tokenizer (the split itself is the inline template in pretokenize.hpp).
// Not used on the encode hot path, which calls the template directly.
#include "attn/tokenizer/pretokenize.hpp"

namespace attn::tok {

std::vector<std::pair<std::size_t, std::size_t>> pretokenize_gpt2(std::string_view text) {
  std::vector<std::pair<std::size_t, std::size_t>> pieces;
  pretokenize_gpt2(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                   [&](std::size_t b, std::size_t e) { pieces.emplace_back(b, e); });
  return pieces;
}

}  // namespace attn::tok
