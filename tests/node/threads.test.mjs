// The threaded WebAssembly build (dist/mt/), loaded in Node with init({ threads: true }): results are
// bit-identical for any thread count and equal the float64 reference; a single-thread load says why.
// (Each test file runs in its own process, so this init() does not share the other files' instance.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../dist/index.js';
import { TOL, compare, randomArray, referenceAttention } from './reference.mjs';

const attn = await init({ threads: true });

test('the threaded build loads and reports its threads', () => {
  assert.equal(attn.backend, 'wasm-simd128');
  assert.ok(attn.threads >= 1 && attn.threads <= 4, `threads ${attn.threads}`);
  assert.equal(attn.threadsReason, '');
});

test('attention: any thread count gives the same bits, equal to the reference', () => {
  const o = { batch: 2, qLen: 33, kvLen: 40, heads: 4, kvHeads: 2, headDim: 16, causal: 'bottom-right', returnLse: true };
  o.q = randomArray(2 * 33 * 4 * 16, 1);
  o.k = randomArray(2 * 40 * 2 * 16, 2);
  o.v = randomArray(2 * 40 * 2 * 16, 3);
  for (const impl of ['materialized', 'fused']) {
    const one = attn.attention({ ...o, impl, threads: 1 });
    const all = attn.attention({ ...o, impl });
    assert.deepEqual(all.out, one.out, impl);
    assert.deepEqual(all.lse, one.lse, impl);
    assert.equal(compare(all.out, referenceAttention(o).out, TOL.sdpa), '', impl);
  }
  assert.throws(() => attn.attention({ ...o, threads: 0 }), /^AttentionError: threads: expected an integer >= 1, received 0$/);
});

test('MultiHeadAttention.forward with threads equals one thread', () => {
  // 3 × 100 rows: the projections split them into blocks of 128 across threads too.
  const m = new attn.MultiHeadAttention({ dModel: 32, heads: 4, positional: 'sinusoidal', seed: 2 });
  const x = randomArray(3 * 100 * 32, 4);
  assert.deepEqual(m.forward(x, { batch: 3, causal: true }).out, m.forward(x, { batch: 3, causal: true, threads: 1 }).out);
  m.dispose();
});
