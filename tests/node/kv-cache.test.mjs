// attn.kvCache(): keys and values kept in wasm memory, attention over them read in place. Checked against the
// float64 JS reference on the same tokens as one stateless call: prefill + token-by-token decode, batches, GQA,
// windows and padding, growth past the first allocation; plus errors, dispose and a flat heap.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../dist/index.js';
import { TOL, compare, randomArray, referenceAttention } from './reference.mjs';

const attn = await init();

/** Rows [from, to) of every batch row of x: [batch, len, width]. */
function rows(x, batch, len, width, from, to) {
  const out = new Float32Array(batch * (to - from) * width);
  for (let b = 0; b < batch; b++) out.set(x.subarray((b * len + from) * width, (b * len + to) * width), b * (to - from) * width);
  return out;
}

test('prefill then token-by-token decode equals one causal pass over all tokens (batches, GQA, D around 4)', () => {
  for (const [batch, heads, kvHeads, headDim, valueDim] of [[1, 1, 1, 4, 4], [2, 4, 2, 5, 3], [1, 6, 1, 17, 17], [3, 2, 2, 64, 64]]) {
    const L = 37, prefill = 9;  // 37 tokens: the cache grows past its first allocations
    const q = randomArray(batch * L * heads * headDim, 1), k = randomArray(batch * L * kvHeads * headDim, 2);
    const v = randomArray(batch * L * kvHeads * valueDim, 3);
    const ref = referenceAttention({ q, k, v, batch, qLen: L, heads, kvHeads, headDim, valueDim, causal: true });
    const cache = attn.kvCache({ batch, kvHeads, headDim, valueDim });
    const where = `B=${batch} H=${heads} Hkv=${kvHeads} D=${headDim} Dv=${valueDim}`;
    let len = cache.append({ k: rows(k, batch, L, kvHeads * headDim, 0, prefill), v: rows(v, batch, L, kvHeads * valueDim, 0, prefill) });
    assert.equal(len, prefill);
    const first = cache.attention({ q: rows(q, batch, L, heads * headDim, 0, prefill), qLen: prefill, heads, causal: true });
    assert.equal(compare(first.out, rows(ref.out, batch, L, heads * valueDim, 0, prefill), TOL.sdpa), '', `prefill ${where}`);
    for (let i = prefill; i < L; i++) {
      len = cache.append({ k: rows(k, batch, L, kvHeads * headDim, i, i + 1), v: rows(v, batch, L, kvHeads * valueDim, i, i + 1) });
      assert.equal(len, i + 1);
      const step = cache.attention({ q: rows(q, batch, L, heads * headDim, i, i + 1), qLen: 1, heads, causal: true, returnLse: true });
      assert.equal(compare(step.out, rows(ref.out, batch, L, heads * valueDim, i, i + 1), TOL.sdpa), '', `step ${i} ${where}`);
      assert.deepEqual(step.shapes.out, [batch, 1, heads * valueDim]);
    }
    assert.equal(cache.length, L);
    assert.equal(cache.bytesInUse, batch * L * kvHeads * (headDim + valueDim) * 4);
    assert.deepEqual(cache.shape, { batch, kvHeads, headDim, valueDim });
    cache.dispose();
  }
});

test('masks and outputs as in attention(): window, key padding, weights and lse, explicit top-left alignment', () => {
  const batch = 2, heads = 2, headDim = 8, L = 20, qLen = 3;
  const q = randomArray(batch * qLen * heads * headDim, 4), k = randomArray(batch * L * heads * headDim, 5);
  const v = randomArray(batch * L * heads * headDim, 6);
  const keyPadding = new Uint8Array(batch * L).map((_, i) => (i % 7 === 3 ? 1 : 0));
  const cache = attn.kvCache({ batch, kvHeads: heads, headDim });
  cache.append({ k, v });
  for (const causal of [true, 'bottom-right', 'top-left', false]) {
    const o = { q, qLen, heads, causal, window: { left: 5, align: 'bottom-right' }, keyPadding, returnWeights: true, returnLse: true };
    const got = cache.attention(o);
    // `causal: true` on a cache means the queries are its newest tokens: bottom-right.
    const ref = referenceAttention({ ...o, causal: causal === true ? 'bottom-right' : causal, k, v, batch, kvLen: L, headDim });
    assert.equal(compare(got.out, ref.out, TOL.sdpa), '', `out causal=${causal}`);
    assert.equal(compare(got.weights, ref.weights, TOL.sdpa), '', `weights causal=${causal}`);
    assert.equal(compare(got.lse, ref.lse, TOL.sdpa), '', `lse causal=${causal}`);
  }
  cache.clear();
  assert.equal(cache.length, 0);
  cache.dispose();
});

test('errors name the argument; a disposed cache throws DISPOSED; the instance keeps working', () => {
  const cache = attn.kvCache({ kvHeads: 2, headDim: 4 });
  const q = new Float32Array(2 * 4);
  assert.throws(() => cache.attention({ q, qLen: 1, heads: 2 }), /^AttentionError: this KV cache is empty: append\(\) keys and values first$/);
  assert.throws(() => cache.append({ k: new Float32Array(7), v: new Float32Array(8) }),
    /^AttentionError: k: expected a Float32Array of n·8 floats \(\[batch=1, n, kvHeads·headDim=8\]\), received Float32Array\(7\)$/);
  assert.throws(() => cache.append({ k: new Float32Array(16), v: new Float32Array(8) }), /^AttentionError: v: expected length 16 /);
  assert.throws(() => cache.append(), /^AttentionError: append: tokens: expected an object, received undefined$/);
  cache.append({ k: new Float32Array(8), v: new Float32Array(8) });
  assert.throws(() => cache.attention({ q, qLen: 1, heads: 2, k: q }), /^AttentionError: k: expected nothing: the KV cache's own shape and tokens are used/);
  assert.throws(() => cache.attention({ q, qLen: 1, heads: 2, headDim: 4 }), /^AttentionError: headDim: expected nothing/);
  assert.throws(() => cache.attention({ q, qLen: 1, heads: 3 }), /^AttentionError: kvHeads: expected a divisor of heads \(3\), received 2$/);
  assert.throws(() => cache.attention({ q: new Float32Array(3), qLen: 1, heads: 2 }), /^AttentionError: q: expected length 8 /);
  assert.throws(() => attn.kvCache({ kvHeads: 0, headDim: 4 }), /^AttentionError: kvHeads: /);
  assert.throws(() => attn.kvCache(null), /^AttentionError: kvCache: options: expected an object/);
  assert.equal(cache.attention({ q, qLen: 1, heads: 2 }).out.length, 8);
  cache.dispose();
  cache.dispose();  // twice is fine
  assert.throws(() => cache.length, (e) => e.code === 'DISPOSED');
  assert.throws(() => cache.append({ k: new Float32Array(8), v: new Float32Array(8) }), (e) => e.code === 'DISPOSED');
  assert.equal(attn.attention({ q, k: q, v: q, qLen: 1, heads: 2, headDim: 4 }).out.length, 8);
});

test('the heap stays flat over 2,000 decode steps and 200 create/append/dispose cycles', () => {
  const kvHeads = 2, headDim = 16;
  const token = randomArray(kvHeads * headDim, 7), q = randomArray(4 * headDim, 8);
  const cache = attn.kvCache({ kvHeads, headDim });
  for (let i = 0; i < 64; i++) cache.append({ k: token, v: token });
  const cycle = () => {
    cache.clear();
    for (let i = 0; i < 64; i++) {
      cache.append({ k: token, v: token });
      cache.attention({ q, qLen: 1, heads: 4, causal: true });
    }
  };
  cycle();
  const before = attn.memory().inUse;
  for (let r = 0; r < 30; r++) cycle();
  assert.equal(attn.memory().inUse, before, 'decode steps');
  for (let r = 0; r < 200; r++) {
    const c = attn.kvCache({ kvHeads, headDim });
    c.append({ k: token, v: token });
    c.dispose();
  }
  assert.equal(attn.memory().inUse, before, 'create/dispose');
  cache.dispose();
});
