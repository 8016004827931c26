// The trace's own answers (scale, kvHead, visible, rowSums) and the package's trace helpers (headSlice,
// headAverage, permutationDiff) against plain JS written here and the mask rules restated in reference.mjs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, headAverage, headSlice, permutationDiff } from '../../dist/index.js';
import { randomArray, visible } from './reference.mjs';

const attn = await init();
const B = 2, L = 6, E = 16, H = 4, HKV = 2;
const model = new attn.MultiHeadAttention({ dModel: E, heads: H, kvHeads: HKV, seed: 11 });
const keyPadding = Uint8Array.from({ length: B * L }, (_, k) => (k === B * L - 1 ? 1 : 0));
const mask = { causal: true, window: { left: 2 }, keyPadding };
const { trace } = model.forward(randomArray(B * L * E, 3), { batch: B, length: L, ...mask, scale: 0.3, trace: true });

test('trace: scale, kvHead, visible and rowSums say what the library decided', () => {
  assert.equal(trace.scale, Math.fround(0.3));
  assert.deepEqual([...trace.kvHead], [0, 0, 1, 1]);
  const o = { qLen: L, kvLen: L, heads: H, ...mask };
  for (let b = 0; b < B; b++)
    for (let h = 0; h < H; h++)
      for (let i = 0; i < L; i++) {
        let sum = 0, any = false;
        for (let j = 0; j < L; j++) {
          const k = ((b * H + h) * L + i) * L + j;
          assert.equal(trace.visible[k], visible(o, b, h, i, j) ? 1 : 0, `b${b} h${h} i${i} j${j}`);
          sum += trace.weights[k];
          any ||= trace.visible[k] === 1;
        }
        const r = trace.rowSums[(b * H + h) * L + i];
        assert.ok(Math.abs(r - sum) < 1e-6 && Math.abs(r - (any ? 1 : 0)) < 1e-5);
      }
  const { trace: unscaled } = model.forward(randomArray(L * E, 4), { length: L, trace: true });
  assert.equal(unscaled.scale, Math.fround(1 / Math.sqrt(E / H)));
});

test('headSlice: score rows, per-head columns and the kv head a query head reads', () => {
  const h = 3, b = 1, D = E / H;
  const w = headSlice(trace, 'weights', h, b);
  assert.equal(w.length, L * L);
  assert.equal(w[2 * L + 1], trace.weights[((b * H + h) * L + 2) * L + 1]);
  const k = headSlice(trace, 'k', h, b);  // query head 3 reads kv head floor(3 / (4 / 2)) = 1
  for (let j = 0; j < L; j++)
    for (let d = 0; d < D; d++) assert.equal(k[j * D + d], trace.k[(b * L + j) * HKV * D + 1 * D + d]);
  const q = headSlice(trace, 'q', h, b);
  assert.equal(q[5 * D + 2], trace.q[(b * L + 5) * H * D + h * D + 2]);
  assert.equal(headSlice(trace, 'rowSums', h, b).length, L);
  assert.throws(() => headSlice(trace, 'weights', H), { code: 'OUT_OF_RANGE' });
  assert.throws(() => headSlice(trace, 'nope', 0), { code: 'INVALID_ARGUMENT' });
});

test('headAverage: the mean of the chosen heads', () => {
  const mean = headAverage(trace, 'weights', { heads: [0, 2], b: 1 });
  const a = headSlice(trace, 'weights', 0, 1), c = headSlice(trace, 'weights', 2, 1);
  mean.forEach((m, k) => assert.ok(Math.abs(m - (a[k] + c[k]) / 2) < 1e-7));
  assert.equal(headAverage(trace).length, L * L);
});

test('permutationDiff: 0 without positions, not 0 with them', () => {
  const perm = [2, 0, 1, 5, 3, 4];
  for (const positional of ['none', 'sinusoidal']) {
    const m = new attn.MultiHeadAttention({ dModel: E, heads: 2, positional, seed: 5 });
    const x = randomArray(L * E, 8);
    const y = new Float32Array(L * E);
    for (let p = 0; p < L; p++) y.set(x.subarray(perm[p] * E, perm[p] * E + E), p * E);  // y's token p is x's perm[p]
    const a = m.forward(x, { length: L, trace: true }).trace, b = m.forward(y, { length: L, trace: true }).trace;
    const { worst, perHead } = permutationDiff(a, b, perm);
    assert.equal(perHead.length, 2);
    if (positional === 'none') assert.ok(worst < 1e-6, `worst ${worst}`);
    else assert.ok(worst > 1e-3, `worst ${worst}`);
  }
  assert.throws(() => permutationDiff(trace, trace, [0, 0, 1, 2, 3, 4]), { code: 'INVALID_ARGUMENT' });
});
