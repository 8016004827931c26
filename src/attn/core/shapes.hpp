// The shape vocabulary every signature in attn uses, written down once.
// Not a tensor library: the core passes raw row-major pointers plus explicit sizes.
//
// Letters:
//   B   batch                      L, Lq, Lk  sequence lengths (queries, keys/values)
//   H   query heads                Hkv        key/value heads (H % Hkv == 0; query head h reads kv head h / (H/Hkv))
//   D   query/key head dim         Dv         value head dim
//   E   model dim (d_model)
// Layouts are row-major and named in pointer names: `q_blhd` is q[b][l][h][d], i.e. the public `[B, Lq, H·D]`
// that a projection produces; `w_bhqk` is weights[b][h][i][j] = `[B, H, Lq, Lk]`.
#pragma once
#include <cstddef>

namespace attn {
using std::size_t;
}  // namespace attn
