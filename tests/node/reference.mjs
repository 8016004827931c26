// A float64 JavaScript reference for attention and the test tolerances, for the Node and browser tests.
// Not fast, not shipped: it restates the mask rules of src/attn/attention/masks.hpp independently of the C++ code.
import { readFileSync } from 'node:fs';

const tolerances = JSON.parse(readFileSync(new URL('../tolerances.json', import.meta.url))).tolerances;
export const TOL = Object.fromEntries(tolerances.map((t) => [t.name, { atol: t.atol, rtol: t.rtol }]));

/** '' when |got − ref| ≤ atol + rtol·|ref| everywhere (NaN must match NaN), else the worst miss. */
export function compare(got, ref, { atol, rtol }) {
  if (got.length !== ref.length) return `length ${got.length} != ${ref.length}`;
  let worst = 0, at = -1;
  for (let i = 0; i < ref.length; i++) {
    if (Number.isNaN(ref[i]) || Number.isNaN(got[i])) {
      if (Number.isNaN(ref[i]) !== Number.isNaN(got[i])) return `NaN mismatch at ${i}`;
      continue;
    }
    if (!Number.isFinite(ref[i]) || !Number.isFinite(got[i])) {
      if (ref[i] !== got[i]) return `inf mismatch at ${i}: ${got[i]} vs ${ref[i]}`;
      continue;
    }
    const excess = Math.abs(got[i] - ref[i]) / (atol + rtol * Math.abs(ref[i]));
    if (excess > worst) worst = excess, at = i;
  }
  return worst <= 1 ? '' : `worst at ${at}: got ${got[at]} ref ${ref[at]} (${worst.toFixed(2)}x tolerance)`;
}

/** Deterministic values in [-1, 1) (xorshift32), as a Float32Array. */
export function randomArray(n, seed, scale = 1) {
  let h = (seed * 2654435761) >>> 0 || 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    h ^= h << 13; h >>>= 0; h ^= h >>> 17; h ^= h << 5; h >>>= 0;
    out[i] = scale * (h / 2 ** 31 - 1);
  }
  return out;
}

/** Is key j visible to query i? The same rules as masks.hpp, written again from its comment. */
export function visible(o, b, h, i, j) {
  const { qLen, kvLen, heads } = o;
  const pos = (align) => (align === 'bottom-right' ? i + kvLen - qLen : i);
  if (o.causal) {
    const align = o.causal === true ? 'top-left' : o.causal;
    if (j > pos(align)) return false;
  }
  if (o.window) {
    const p = pos(o.window.align ?? 'top-left');
    if (o.window.left != null && j < p - o.window.left) return false;
    if (o.window.right != null && j > p + o.window.right) return false;
  }
  if (o.keyPadding && o.keyPadding[b * kvLen + j]) return false;
  if (o.bias && biasAt(o, b, h, i, j) === -Infinity) return false;
  return true;
}

function biasAt(o, b, h, i, j) {
  if (!o.bias) return 0;
  const qk = o.qLen * o.kvLen, at = i * o.kvLen + j;
  // [batch|1, heads|1, qLen, kvLen]: a dim of size 1 is shared (PyTorch's broadcasting), written out here.
  let dims = o.biasShape;
  if (!dims) {
    const n = o.bias.length / qk, B = o.batch ?? 1;
    dims = n === 1 ? [1, 1, 0, 0] : n === o.heads ? [1, o.heads, 0, 0] : n === B * o.heads ? [B, o.heads, 0, 0] : [B, 1, 0, 0];
  }
  const [nb, nh] = dims.length === 2 ? [1, 1] : dims;
  return o.bias[((nb === 1 ? 0 : b) * nh + (nh === 1 ? 0 : h)) * qk + at];
}

/** float64 attention with the package's option names; returns { out, weights, lse } as Float64Arrays. */
export function referenceAttention(o) {
  const B = o.batch ?? 1, Lq = o.qLen, Lk = o.kvLen ?? Lq, H = o.heads ?? 1, Hkv = o.kvHeads ?? H;
  const D = o.headDim, Dv = o.valueDim ?? D, group = H / Hkv, scale = o.scale ?? 1 / Math.sqrt(D);
  const opts = { ...o, batch: B, kvLen: Lk, heads: H };
  const out = new Float64Array(B * Lq * H * Dv), weights = new Float64Array(B * H * Lq * Lk);
  const lse = new Float64Array(B * H * Lq).fill(-Infinity);
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++) {
      const hk = Math.floor(h / group);
      for (let i = 0; i < Lq; i++) {
        const logits = new Float64Array(Lk).fill(-Infinity);
        let m = -Infinity;
        for (let j = 0; j < Lk; j++) {
          if (!visible(opts, b, h, i, j)) continue;
          let dot = 0;
          for (let d = 0; d < D; d++)
            dot += o.q[((b * Lq + i) * H + h) * D + d] * o.k[((b * Lk + j) * Hkv + hk) * D + d];
          logits[j] = scale * dot + biasAt(opts, b, h, i, j);
          m = Math.max(m, logits[j]);
        }
        if (m === -Infinity) continue;
        let sum = 0;
        for (let j = 0; j < Lk; j++) sum += Math.exp(logits[j] - m);
        lse[(b * H + h) * Lq + i] = m + Math.log(sum);
        for (let j = 0; j < Lk; j++) {
          const w = Math.exp(logits[j] - m) / sum;
          if (w === 0) continue;
          weights[((b * H + h) * Lq + i) * Lk + j] = w;
          for (let d = 0; d < Dv; d++)
            out[((b * Lq + i) * H + h) * Dv + d] += w * o.v[((b * Lk + j) * Hkv + hk) * Dv + d];
        }
      }
    }
  return { out, weights, lse };
}
