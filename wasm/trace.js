// Small readers of a MultiHeadAttention trace (forward(x, { trace: true }).trace), so a page or a notebook takes
// each head's numbers from the trace instead of re-deriving the library's layout or rules.
// Not computation the library does not already do: slicing, averaging over heads, and comparing two traces.
import { AttentionError, invalid } from './errors.js';

// Per (batch row, head) tensors [B, H, Lq, Lk] and [B, H, Lq], and per-token tensors [B, L, heads·dim].
const SCORE_TENSORS = ['rawScores', 'scaledScores', 'maskedScores', 'weights', 'visible'];
const ROW_TENSORS = ['lse', 'rowSums'];
const HEAD_COLUMNS = { q: 'query', k: 'kv', v: 'kv', headsOut: 'query' };

function checkTrace(trace) {
  if (!trace || typeof trace !== 'object' || !trace.dims) throw invalid('trace', 'a trace from forward(x, { trace: true })', trace);
  return trace.dims;
}

function checkIndex(name, value, limit) {
  if (!Number.isInteger(value) || value < 0 || value >= limit)
    throw new AttentionError('OUT_OF_RANGE', `${name}: expected an integer in [0, ${limit}), received ${value}`);
}

/**
 * Head h's part of a traced tensor, for batch row b (default 0):
 *  - score tensors (rawScores, scaledScores, maskedScores, weights, visible): [qLen, kvLen] (a view, no copy);
 *  - lse, rowSums: [qLen] (a view);
 *  - q, headsOut: [qLen, headDim or valueDim]; k, v: [kvLen, headDim or valueDim] of the kv head h reads (copies).
 */
export function headSlice(trace, name, h, b = 0) {
  const d = checkTrace(trace);
  checkIndex('h', h, d.heads);
  checkIndex('b', b, d.batch);
  const data = trace[name];
  if (!ArrayBuffer.isView(data)) throw invalid('name', `one of ${[...SCORE_TENSORS, ...ROW_TENSORS, ...Object.keys(HEAD_COLUMNS)].join(', ')}`, name);
  if (SCORE_TENSORS.includes(name)) {
    const n = d.qLen * d.kvLen;
    return data.subarray((b * d.heads + h) * n, (b * d.heads + h + 1) * n);
  }
  if (ROW_TENSORS.includes(name)) return data.subarray((b * d.heads + h) * d.qLen, (b * d.heads + h + 1) * d.qLen);
  if (!(name in HEAD_COLUMNS)) throw invalid('name', 'a per-head tensor of the trace', name);
  const kv = HEAD_COLUMNS[name] === 'kv';
  const rows = kv ? d.kvLen : d.qLen, heads = kv ? d.kvHeads : d.heads;
  const width = name === 'q' || name === 'k' ? d.headDim : d.valueDim;
  const head = kv ? trace.kvHead[h] : h;
  const out = new Float32Array(rows * width);
  for (let i = 0; i < rows; i++) {
    const from = (b * rows + i) * heads * width + head * width;
    out.set(data.subarray(from, from + width), i * width);
  }
  return out;
}

/** The mean over `heads` (default: all) of a score tensor (default 'weights') for batch row b: [qLen, kvLen]. */
export function headAverage(trace, name = 'weights', { heads, b = 0 } = {}) {
  const d = checkTrace(trace);
  if (!SCORE_TENSORS.includes(name) || name === 'visible') throw invalid('name', 'rawScores, scaledScores, maskedScores or weights', name);
  const list = heads ?? [...Array(d.heads).keys()];
  if (!Array.isArray(list) || list.length === 0) throw invalid('heads', 'a non-empty array of head indices', heads);
  const mean = new Float32Array(d.qLen * d.kvLen);
  for (const h of list) {
    const w = headSlice(trace, name, h, b);
    for (let k = 0; k < mean.length; k++) mean[k] += w[k] / list.length;
  }
  return mean;
}

/**
 * How far two traces' score tensor (default 'weights') is from a pure permutation of the tokens: token p of
 * `b` is token perm[p] of `a`. Returns { worst, perHead } with the largest |b[h][i][j] − a[h][perm i][perm j]|.
 */
export function permutationDiff(a, b, perm, name = 'weights') {
  const da = checkTrace(a), db = checkTrace(b);
  const L = da.qLen;
  if (da.heads !== db.heads || db.qLen !== L || da.kvLen !== L || db.kvLen !== L)
    throw invalid('b', `a self-attention trace of ${L} tokens and ${da.heads} heads like a`, db);
  if (!Array.isArray(perm) || perm.length !== L || new Set(perm).size !== L || perm.some((p) => !Number.isInteger(p) || p < 0 || p >= L))
    throw invalid('perm', `a permutation of 0…${L - 1}`, perm);
  const perHead = [];
  for (let h = 0; h < da.heads; h++) {
    const wa = headSlice(a, name, h), wb = headSlice(b, name, h);
    let worst = 0;
    for (let i = 0; i < L; i++)
      for (let j = 0; j < L; j++) worst = Math.max(worst, Math.abs(wb[i * L + j] - wa[perm[i] * L + perm[j]]));
    perHead.push(worst);
  }
  return { worst: Math.max(...perHead), perHead };
}
