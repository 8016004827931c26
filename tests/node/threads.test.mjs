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

test('GPT-2: forward and generation on 2 threads give the 1-thread bits (F32 and F16 weights)', async () => {
  const { readFileSync } = await import('node:fs');
  // 20 tokens: the projections take the packed row-block path; generation's steps take the column-strip path.
  const ids = Array.from({ length: 20 }, (_, t) => (t * 37 + 5) % 96);
  for (const [file, weights] of [['gpt2-tiny-f32.safetensors', 'f32'], ['gpt2-tiny-f16.safetensors', 'f16']]) {
    const model = await attn.loadModel(new Uint8Array(readFileSync(new URL(`../data/${file}`, import.meta.url))), { weights });
    const one = model.forward(ids, { logits: 'all', attention: true, threads: 1 });
    const two = model.forward(ids, { logits: 'all', attention: true, threads: 2 });
    assert.deepEqual(two.logits, one.logits, file);
    assert.deepEqual(two.attention, one.attention, file);
    const steps = async (threads) => {
      const out = [];
      for await (const s of model.generate(ids.slice(0, 5), { maxTokens: 8, seed: 3, probabilities: true, threads })) out.push(s);
      return out;
    };
    assert.deepEqual(await steps(2), await steps(1), file);
    model.dispose();
  }
});
