// Positional encodings the tutorial names: sinusoidal (fixed) and learned (a table), added to embeddings.
// Not rotary or ALiBi; and "none" is a real choice here: without positions attention is permutation-equivariant.
#pragma once
#include <cstddef>

namespace attn {

enum class Positional { none, sinusoidal, learned };
const char* positional_name(Positional p);

/// out[l, e] for positions first_pos … first_pos + len − 1 (out: [len, E]):
/// PE(p, 2i) = sin(p / 10000^(2i/E)), PE(p, 2i+1) = cos(p / 10000^(2i/E)) — "Attention Is All You Need", §3.5.
void sinusoidal_encoding(std::size_t first_pos, std::size_t len, std::size_t d_model, float* out_le);

}  // namespace attn
