// Seeded inputs shared by every contender (and by attn_bench.cpp, which has the same generator): an LCG whose
// top 24 bits map exactly to [-1, 1), plus the causal additive mask the standard-op peers use.
export function seeded(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s >>> 8) * (1 / 8388608) - 1;
  }
  return out;
}

/** [Lq, Lk] additive mask, 0 where key j is visible to query i (j ≤ i + Lk − Lq), −1e30 elsewhere. */
export function causalMask(qLen, kvLen) {
  const m = new Float32Array(qLen * kvLen);
  for (let i = 0; i < qLen; i++) for (let j = i + kvLen - qLen + 1; j < kvLen; j++) m[i * kvLen + j] = -1e30;
  return m;
}

export function maxAbsDiff(a, b) {
  if (!a || !b || a.length !== b.length) return NaN;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= m)) m = d;  // NaN wins
  }
  return m;
}

export function sum(a) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}
