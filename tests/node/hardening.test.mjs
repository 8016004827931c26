// Bad calls that once aborted, corrupted or silently misread: each must now throw a coded AttentionError naming the
// argument, leave the heap as it found it (memory().inUse) and the instance giving the same bits to a fixed call.
// Not the normal-path numbers (attention.test.mjs, mha.test.mjs, kv-cache.test.mjs check those).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttentionError, init } from '../../dist/index.js';
import { demo } from '../../dist/demo.js';

const attn = await init();

function seeded(n, seed) {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1);
}
const fq = seeded(4 * 2 * 8, 1), fk = seeded(4 * 2 * 8, 2), fv = seeded(4 * 2 * 8, 3);
const fixed = () => attn.attention({ q: fq, k: fk, v: fv, qLen: 4, heads: 2, headDim: 8, causal: true, returnWeights: true });
const reference = fixed();

/** call() must throw AttentionError(code) matching `message`; the heap and the fixed call's bits stay as they were. */
async function refuses(what, call, code, message) {
  const before = attn.memory().inUse;
  let error = null;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof AttentionError, `${what}: expected AttentionError ${code}, got ${error?.stack ?? 'no error'}`);
  assert.equal(error.code, code, `${what}: ${error.message}`);
  if (message) assert.match(error.message, message, what);
  assert.equal(attn.memory().inUse, before, `${what}: heap in use after the failed call`);
  const after = fixed();
  assert.deepEqual(after.out, reference.out, `${what}: the fixed call's output changed`);
  assert.deepEqual(after.weights, reference.weights, `${what}: the fixed call's weights changed`);
}

const detached = (array) => {
  structuredClone(array.buffer, { transfer: [array.buffer] });
  return array;
};

test('1. a KV cache append whose growth the heap cannot hold is OUT_OF_MEMORY, before C++ allocates', async () => {
  const cache = attn.kvCache({ kvHeads: 1, headDim: 2 ** 24 });
  const row = new Float32Array(2 ** 24);
  await refuses('append 2^24-wide rows', () => cache.append({ k: row, v: row }), 'OUT_OF_MEMORY', /growing the KV cache/);
  assert.equal(cache.length, 0);
  cache.dispose();
  const small = attn.kvCache({ kvHeads: 1, headDim: 4 });
  assert.equal(small.append({ k: new Float32Array(4), v: new Float32Array(4) }), 1);
  small.dispose();
});

test("2. MultiHeadAttention.forward whose intermediates pass the heap is OUT_OF_MEMORY (and a decoder's step)", async () => {
  const mha = new attn.MultiHeadAttention({ dModel: 1, heads: 1, headDim: 2 ** 22 });
  await refuses('forward over 128 tokens of 2^22-wide heads', () => mha.forward(new Float32Array(128)), 'OUT_OF_MEMORY',
    /this forward pass/);
  await refuses('traced forward', () => mha.forward(new Float32Array(128), { trace: true }), 'OUT_OF_MEMORY');
  const decoder = mha.decoder();
  await refuses('decoder step of 128 tokens', () => decoder.step(new Float32Array(128)), 'OUT_OF_MEMORY', /decoding step/);
  assert.equal(decoder.length, 0);
  assert.equal(mha.forward(new Float32Array(1)).out.length, 1);  // one token: the decode kernel's small scratch fits
  decoder.dispose();
  mha.dispose();
});

test("3. attention() whose C++ scratch (not its inputs) passes the heap is OUT_OF_MEMORY", async () => {
  const headDim = 4e6, kv = new Float32Array(16 * headDim);  // k and v may share one array
  await refuses('qLen 2, kvLen 16, headDim 4e6', () => attn.attention({ q: new Float32Array(2 * headDim), k: kv, v: kv, qLen: 2,
    kvLen: 16, headDim }), 'OUT_OF_MEMORY', /this attention call/);
});

test('4. detached buffers are refused in JS, never inside Embind, however many times', async () => {
  const mha = new attn.MultiHeadAttention({ dModel: 4, heads: 2 });
  const weights = mha.weights();
  const tok = await attn.tokenizer();
  const helpers = demo(attn);
  for (let i = 0; i < 200; i++) {
    await refuses('MHA weights', () => new attn.MultiHeadAttention({ dModel: 4, heads: 2,
      weights: { ...weights, wK: detached(weights.wK.slice()) } }), 'INVALID_ARGUMENT', /weights\.wK: its ArrayBuffer is detached/);
    await refuses('tokenizer asset', () => attn.tokenizer('gpt2', { asset: detached(new Uint8Array(64)) }), 'INVALID_ARGUMENT',
      /asset: its ArrayBuffer is detached/);
    await refuses("nextTokens' out", () => helpers.nextTokens({ model: 'seeded', out: detached(new Float32Array(4)) }),
      'INVALID_ARGUMENT', /out: its ArrayBuffer is detached/);
    await refuses('attention q', () => attn.attention({ q: detached(fq.slice()), k: fk, v: fv, qLen: 4, heads: 2, headDim: 8 }),
      'INVALID_ARGUMENT', /q: its ArrayBuffer is detached/);
  }
  assert.equal(tok.decode(tok.encode('still fine')), 'still fine');
  tok.dispose();
  mha.dispose();
});

test('6. cost() refuses counts past 2^53 instead of wrapping; real configurations stay exact', async () => {
  await refuses('cost of 2^31 layers', () => attn.cost({ dModel: 2 ** 31 - 1, heads: 1, layers: 2 ** 31 - 1 }), 'OUT_OF_RANGE',
    /pass 2\^53/);
  const gpt2 = attn.cost({ dModel: 768, heads: 12, layers: 12, context: 1024, bias: true });
  assert.equal(gpt2.paramsTotal ?? gpt2.params_total ?? Object.values(gpt2).find(Number.isInteger), 12 * (4 * 768 * 768 + 4 * 768));
});

test('7. finite inputs whose scores pass float32 are refused with a reason, never an all-NaN answer', async () => {
  const ones = new Float32Array(2 * 8).fill(1);
  await refuses('scale 3.4e38', () => attn.attention({ q: ones, k: ones, v: ones, qLen: 2, headDim: 8, scale: 3.4e38 }),
    'INVALID_ARGUMENT', /past float32's largest value/);
  const big = new Float32Array(2 * 8).fill(1e20);
  await refuses('q = k = 1e20', () => attn.attention({ q: big, k: big, v: ones, qLen: 2, headDim: 8 }), 'INVALID_ARGUMENT',
    /scale, q, k/);
  const masking = new Float32Array(4).fill(-Infinity).fill(0, 0, 1);  // −∞ cells mask; they do not hide the overflow
  await refuses('q = k = 1e20 with a masking bias', () => attn.attention({ q: big, k: big, v: ones, qLen: 2, headDim: 8,
    bias: masking }), 'INVALID_ARGUMENT', /scale, q, k/);
  const cache = attn.kvCache({ kvHeads: 1, headDim: 8 });
  cache.append({ k: big, v: ones });
  await refuses('KV cache of 1e20 keys', () => cache.attention({ q: big.subarray(0, 8), qLen: 1 }), 'INVALID_ARGUMENT', /scale, q, k/);
  cache.dispose();
  // Large but in range: computed, finite.
  const large = new Float32Array(2 * 8).fill(1e18);
  const r = attn.attention({ q: large, k: large, v: ones, qLen: 2, headDim: 8, causal: true });
  assert.ok(r.out.every(Number.isFinite), String(r.out));
});

test('8. options once accepted silently are refused, naming the option', async () => {
  const base = { q: fq, k: fk, v: fv, qLen: 4, heads: 2, headDim: 8 };
  const mha = new attn.MultiHeadAttention({ dModel: 4, heads: 2 });
  const decoder = mha.decoder();
  const cases = [
    ['decoder(5)', () => mha.decoder(5), /decoder: options/],
    ['step(x, 5)', () => decoder.step(new Float32Array(4), 5), /step: options/],
    ['step batch', () => decoder.step(new Float32Array(4), { batch: 2 }), /'batch'/],
    ['step firstPosition', () => decoder.step(new Float32Array(4), { firstPosition: 2 }), /'firstPosition'/],
    ['step trace', () => decoder.step(new Float32Array(4), { trace: true }), /'trace'/],
    ['outputs: []', () => attn.attention({ ...base, outputs: [] }), /outputs/],
    ['window: []', () => attn.attention({ ...base, window: [] }), /window/],
    ['impl: null', () => attn.attention({ ...base, impl: null }), /impl/],
    ['seed: null', () => new attn.MultiHeadAttention({ dModel: 4, seed: null }), /seed/],
    ["keyPadding: ['no', 'no']", () => attn.attention({ ...base, kvLen: 4, keyPadding: ['no', 'no', 'no', 'no'] }), /keyPadding\[0\]/],
    ['unknown weight key', () => new attn.MultiHeadAttention({ dModel: 4, heads: 2, weights: { ...mha.weights(), wq: fq } }),
      /weights: unknown option 'wq' \(did you mean 'wQ'\?\)/],
    ['maxLen without learned positions', () => new attn.MultiHeadAttention({ dModel: 4, maxLen: 8 }), /maxLen/],
  ];
  for (const [what, call, message] of cases) await refuses(what, call, 'INVALID_ARGUMENT', message);
  const learned = new attn.MultiHeadAttention({ dModel: 4, positional: 'learned', maxLen: 2 });
  await refuses('positions past maxLen', () => learned.forward(new Float32Array(12)), 'OUT_OF_RANGE', /\(maxLen 2\)/);
  learned.dispose();
  decoder.dispose();
  mha.dispose();
});

test('7. MultiHeadAttention: finite inputs whose projected scores pass float32 are refused, not answered with NaN', async () => {
  const mha = new attn.MultiHeadAttention({ dModel: 8, heads: 2, seed: 1 });
  const huge = new Float32Array(2 * 8).fill(1e30);
  await refuses('forward of 1e30 embeddings', () => mha.forward(huge, { causal: true }), 'INVALID_ARGUMENT', /float32's largest value/);
  // A decoder finds out only after its cache took the tokens (and grew): it says so, and reset() recovers it.
  const decoder = mha.decoder();
  assert.throws(() => decoder.step(huge.subarray(0, 8)), (e) => e instanceof AttentionError && e.code === 'INVALID_ARGUMENT' &&
    /float32's largest value.*reset\(\) the decoder/.test(e.message));
  decoder.reset();
  assert.ok(decoder.step(seeded(8, 4)).every(Number.isFinite));
  assert.deepEqual(fixed().out, reference.out);
  const fine = mha.forward(seeded(16, 9), { causal: true }).out;
  assert.ok(fine.every(Number.isFinite));
  decoder.dispose();
  mha.dispose();
});
