// The built package's attention() against the float64 JS reference: sizes around the wasm SIMD width (4),
// odd head dims, causal and not, every mask kind, GQA/MQA, each implementation; plus errors and memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { init, AttentionError, version } from '../../dist/index.js';
import { TOL, compare, randomArray, referenceAttention } from './reference.mjs';

const attn = await init();

function inputs(shape, seed) {
  const { batch = 1, qLen, kvLen = qLen, heads = 1, kvHeads = heads, headDim, valueDim = headDim } = shape;
  return {
    ...shape,
    q: randomArray(batch * qLen * heads * headDim, seed),
    k: randomArray(batch * kvLen * kvHeads * headDim, seed + 1),
    v: randomArray(batch * kvLen * kvHeads * valueDim, seed + 2),
  };
}

test('init() returns one instance and reports the wasm SIMD backend', async () => {
  assert.equal(await init(), attn);
  assert.equal(attn.backend, 'wasm-simd128');
  assert.equal(attn.version, version);
  // The version lives in package.json only; the build writes it into dist/version.js.
  assert.equal(version, JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
});

test('single head, causal and not, sizes around the SIMD width and odd head dims', () => {
  for (const n of [1, 3, 4, 5, 8, 9, 17, 33])
    for (const headDim of [1, 3, 4, 5, 17, 64, 65])
      for (const causal of [false, true]) {
        const o = inputs({ qLen: n, headDim, causal, returnWeights: true, returnLse: true }, n * 100 + headDim);
        const got = attn.attention(o), ref = referenceAttention(o);
        const where = `n=${n} D=${headDim} causal=${causal}`;
        assert.equal(compare(got.out, ref.out, TOL.sdpa), '', `out ${where}`);
        assert.equal(compare(got.weights, ref.weights, TOL.sdpa), '', `weights ${where}`);
        assert.equal(compare(got.lse, ref.lse, TOL.sdpa), '', `lse ${where}`);
        assert.deepEqual(got.shapes, { out: [1, n, headDim], weights: [1, 1, n, n], lse: [1, 1, n] });
      }
});

test('every implementation and mask kind, with batches, GQA/MQA and Lq != Lk', () => {
  const shapes = [
    { batch: 2, qLen: 7, kvLen: 9, heads: 4, kvHeads: 2, headDim: 17, valueDim: 5 },
    { batch: 1, qLen: 40, kvLen: 70, heads: 2, kvHeads: 1, headDim: 8 },
    { batch: 2, qLen: 1, kvLen: 37, heads: 4, kvHeads: 1, headDim: 16 },
  ];
  const masks = [
    {}, { causal: true }, { causal: 'bottom-right' }, { window: { left: 3 } },
    { causal: 'bottom-right', window: { left: 2, right: 1, align: 'bottom-right' } },
  ];
  for (const shape of shapes)
    for (const mask of masks) {
      const { batch, kvLen, heads, qLen } = shape;
      const withPadding = { ...mask, keyPadding: Array.from({ length: batch * kvLen }, (_, x) => x % kvLen >= kvLen - 1 - Math.floor(x / kvLen)) };
      const bias = randomArray(batch * heads * qLen * kvLen, 5, 2).map((x, i) => (i % 7 === 0 ? -Infinity : x));
      for (const m of [mask, withPadding, { ...mask, bias }])
        for (const impl of ['materialized', 'fused', ...(qLen === 1 ? ['decode'] : [])]) {
          const o = inputs({ ...shape, ...m, impl, returnLse: true }, 42);
          const got = attn.attention(o), ref = referenceAttention(o);
          const where = `${JSON.stringify(shape)} ${JSON.stringify({ ...m, bias: !!m.bias, keyPadding: !!m.keyPadding })} ${impl}`;
          assert.equal(got.impl, impl);
          assert.equal(compare(got.out, ref.out, TOL.sdpa), '', `out ${where}`);
          assert.equal(compare(got.lse, ref.lse, TOL.sdpa), '', `lse ${where}`);
        }
    }
});

test('the bias broadcasts like PyTorch: [batch, 1, …], [1, heads, …], [qLen, kvLen] equal their full form', () => {
  const shape = { batch: 3, qLen: 5, kvLen: 6, heads: 3, kvHeads: 1, headDim: 8 };  // batch = heads: length is ambiguous
  const qk = shape.qLen * shape.kvLen;
  for (const dims of [[3, 1, 5, 6], [1, 3, 5, 6], [1, 1, 5, 6], [5, 6]]) {
    const planes = dims.length === 2 ? 1 : dims[0] * dims[1];
    const bias = randomArray(planes * qk, 9, 2).map((x, i) => (i % 5 === 0 ? -Infinity : x));
    const full = new Float32Array(3 * 3 * qk);  // the same bias written out per (batch row, head)
    for (let b = 0; b < 3; b++)
      for (let h = 0; h < 3; h++) {
        const plane = dims.length === 2 ? 0 : (dims[0] === 1 ? 0 : b) * dims[1] + (dims[1] === 1 ? 0 : h);
        full.set(bias.subarray(plane * qk, (plane + 1) * qk), (b * 3 + h) * qk);
      }
    for (const impl of ['materialized', 'fused']) {
      const o = inputs({ ...shape, impl, causal: true }, 4);
      const got = attn.attention({ ...o, bias, biasShape: dims }).out;
      assert.deepEqual(got, attn.attention({ ...o, bias: full, biasShape: [3, 3, 5, 6] }).out, `${dims} ${impl}`);
      const ref = referenceAttention({ ...o, bias, biasShape: dims });
      assert.equal(compare(got, ref.out, TOL.sdpa), '', `${dims} ${impl}`);
    }
  }
  const o = inputs(shape, 4);
  assert.throws(() => attn.attention({ ...o, bias: new Float32Array(3 * qk), biasShape: [2, 1, 5, 6] }), /^AttentionError: biasShape: expected/);
  assert.throws(() => attn.attention({ ...o, bias: new Float32Array(2 * qk), biasShape: [3, 1, 5, 6] }), /^AttentionError: bias: expected length 90/);
});

test('window: { size: w } is the last w positions (left = w − 1); size with left or right is refused', () => {
  const o = inputs({ qLen: 9, heads: 2, headDim: 8, causal: true }, 6);
  assert.deepEqual(attn.attention({ ...o, window: { size: 3 } }).out, attn.attention({ ...o, window: { left: 2 } }).out);
  assert.throws(() => attn.attention({ ...o, window: { size: 3, left: 1 } }), /^AttentionError: window: expected \{ size \} or \{ left, right \}, not both/);
  assert.throws(() => attn.attention({ ...o, window: { size: 0 } }), /^AttentionError: window.size: expected an integer >= 1/);
});

test('automatic choice: materialized with weights, decode for one query, fused otherwise', () => {
  const o = inputs({ qLen: 5, headDim: 4 }, 1);
  assert.equal(attn.attention({ ...o, returnWeights: true }).impl, 'materialized');
  assert.equal(attn.attention(o).impl, 'fused');
  assert.equal(attn.attention({ ...inputs({ qLen: 1, kvLen: 5, headDim: 4 }, 2) }).impl, 'decode');
});

test('bad input throws AttentionError naming the argument, and the instance keeps working', () => {
  const good = inputs({ qLen: 3, headDim: 4 }, 9);
  const cases = [
    [{ ...good, q: new Float32Array(5) }, /^q: expected length 12 \(\[batch=1, qLen=3, heads·headDim=4\]\), received Float32Array\(5\)$/],
    [{ ...good, k: [1, 2, 3] }, /^k: expected a Float32Array of length 12/],
    [{ ...good, qLen: -1 }, /^qLen: expected an integer >= 1, received -1$/],
    [{ ...good, qLen: NaN }, /^qLen: expected an integer >= 1, received NaN$/],
    [{ ...good, headDim: 2.5 }, /^headDim: expected an integer >= 1, received 2.5$/],
    [{ ...good, heads: 4, kvHeads: 3 }, /^kvHeads: expected a divisor of heads \(4\), received 3$/],
    [{ ...good, window: { left: -2 } }, /^window.left: expected an integer >= 0, received -2$/],
    [{ ...good, causal: 'sideways' }, /^causal: expected 'top-left' or 'bottom-right', received "sideways"$/],
    [{ ...good, scale: Infinity }, /^scale: expected a finite number/],
    [{ ...good, bias: new Float32Array(4) }, /^bias: expected a Float32Array of length 9/],
    [{ ...good, keyPadding: new Uint8Array(2) }, /^keyPadding: expected a Uint8Array or array of length 3/],
    [{ ...good, impl: 'decode' }, /^impl decode needs q_len == 1, got 3$/],
    [{ ...good, impl: 'fused', returnWeights: true }, /cannot return weights/],
    [null, /^attention: options: expected an object, received null$/],
  ];
  for (const [options, message] of cases) {
    assert.throws(() => attn.attention(options), (e) => {
      assert.ok(e instanceof AttentionError && e instanceof Error, `${e}`);
      assert.match(e.message, message);
      assert.match(e.code, /^[A-Z_]+$/);
      return true;
    });
  }
  const after = attn.attention({ ...good, returnWeights: true });
  assert.equal(compare(after.out, referenceAttention(good).out, TOL.sdpa), '');
});

test('memory stays flat over 10,000 calls, including failing ones', () => {
  const o = inputs({ qLen: 8, heads: 2, headDim: 8, causal: true, returnWeights: true, returnLse: true }, 3);
  attn.attention(o);
  const before = attn.memory().inUse;
  for (let i = 0; i < 10000; i++) {
    attn.attention(o);
    if (i % 100 === 0) assert.throws(() => attn.attention({ ...o, impl: 'decode' }));
  }
  assert.equal(attn.memory().inUse, before);
});

test('masked keys and values never leak: NaN / huge / -inf poison behind padding changes nothing', () => {
  const base = inputs({ batch: 2, qLen: 6, kvLen: 10, heads: 2, headDim: 5, causal: true }, 11);
  const keyPadding = new Uint8Array(20);
  keyPadding[9] = 1;                                   // batch 0: key 9 padded
  for (let j = 2; j < 10; j++) keyPadding[10 + j] = 1;  // batch 1: only keys 0, 1 real
  for (const impl of ['materialized', 'fused'])
    for (const poison of [NaN, 1e30, -Infinity]) {
      const k = base.k.slice(), v = base.v.slice();
      for (let b = 0; b < 2; b++)
        for (let j = 0; j < 10; j++)
          if (keyPadding[b * 10 + j]) for (let x = 0; x < 10; x++) k[(b * 10 + j) * 10 + x] = v[(b * 10 + j) * 10 + x] = poison;
      const clean = attn.attention({ ...base, keyPadding, impl });
      const dirty = attn.attention({ ...base, k, v, keyPadding, impl });
      assert.deepEqual(dirty.out, clean.out, `${impl} poison=${poison}`);
      assert.ok(dirty.out.every(Number.isFinite));
    }
});

test('a row with no visible key gives zeros and lse = -Infinity, never NaN', () => {
  const o = inputs({ qLen: 4, kvLen: 6, headDim: 3, keyPadding: new Uint8Array(6).fill(1), returnLse: true }, 2);
  for (const impl of ['materialized', 'fused']) {
    const r = attn.attention({ ...o, impl, returnWeights: impl === 'materialized' });
    assert.ok(r.out.every((x) => x === 0));
    assert.ok(r.lse.every((x) => x === -Infinity));
    if (r.weights) assert.ok(r.weights.every((x) => x === 0));
  }
});

test('NaN in a visible value propagates only to the queries that see it', () => {
  const o = inputs({ qLen: 3, kvLen: 5, headDim: 4, causal: true }, 4);
  o.v[2 * 4 + 1] = NaN;  // value of key 2
  for (const impl of ['materialized', 'fused']) {
    const { out } = attn.attention({ ...o, impl });
    assert.ok(!Number.isNaN(out[0 * 4 + 1]) && !Number.isNaN(out[1 * 4 + 1]));
    assert.ok(Number.isNaN(out[2 * 4 + 1]));
  }
});

test('logits of 90-100 do not overflow', () => {
  const o = inputs({ qLen: 9, headDim: 10, scale: 1, returnWeights: true }, 8);
  o.q = o.q.map((x) => 3.1 + 0.05 * x);
  o.k = o.k.map((x) => 3.1 + 0.05 * x);
  const ref = referenceAttention(o);
  for (const impl of ['materialized', 'fused']) {
    const got = attn.attention({ ...o, impl, returnWeights: impl === 'materialized' });
    assert.equal(compare(got.out, ref.out, TOL.stress), '', impl);
  }
});

test('a call that cannot fit the 2 GiB wasm heap is refused up front, and the instance keeps working', () => {
  const n = 20000;  // weights [1, 4, 20000, 20000] would be 6.4 GB
  const q = new Float32Array(n * 4);
  assert.throws(() => attn.attention({ q, k: q, v: q, qLen: n, heads: 4, headDim: 1, returnWeights: true }),
    (e) => e instanceof AttentionError && e.code === 'OUT_OF_MEMORY' && /needs about 6\.\d GiB/.test(e.message));
  const m = new attn.MultiHeadAttention({ dModel: 4, heads: 4 });
  assert.throws(() => m.forward(new Float32Array(n * 4), { trace: true }), (e) => e.code === 'OUT_OF_MEMORY');
  m.dispose();
  const small = inputs({ qLen: 3, headDim: 4 }, 1);
  assert.equal(compare(attn.attention(small).out, referenceAttention(small).out, TOL.sdpa), '');
});

test("outputs: 'view' returns the same numbers without copying, valid until the next call, and leaks nothing", () => {
  const o = inputs({ qLen: 40, heads: 2, headDim: 16, causal: true, returnWeights: true, returnLse: true }, 21);
  const copy = attn.attention(o);
  const before = attn.memory().inUse;
  const view = attn.attention({ ...o, outputs: 'view' });
  assert.deepEqual(Array.from(view.out), Array.from(copy.out));
  assert.deepEqual(Array.from(view.weights), Array.from(copy.weights));
  assert.deepEqual(Array.from(view.lse), Array.from(copy.lse));
  assert.ok(view.weights.byteOffset > 0 && view.weights.buffer.byteLength >= attn.memory().heap, 'a view into the heap');
  attn.attention(o);  // the next call frees the view's block
  assert.equal(attn.memory().inUse, before);
  assert.throws(() => attn.attention({ ...o, outputs: 'borrow' }),
    /^AttentionError: outputs: expected 'copy', 'view' or \{ out\?, weights\?, lse\? \} arrays to fill, received "borrow"$/);
});

test('outputs: { out, weights, lse } fills the caller\'s arrays (and returns them), the same numbers as copies', () => {
  const o = inputs({ batch: 2, qLen: 9, kvLen: 13, heads: 4, kvHeads: 2, headDim: 5, causal: 'bottom-right', returnWeights: true, returnLse: true }, 23);
  const copy = attn.attention(o);
  const out = new Float32Array(copy.out.length).fill(NaN), weights = new Float32Array(copy.weights.length).fill(NaN);
  for (let round = 0; round < 2; round++) {  // reused: the second call overwrites every element
    const r = attn.attention({ ...o, outputs: { out, weights } });
    assert.equal(r.out, out);
    assert.equal(r.weights, weights);
    assert.deepEqual(Array.from(out), Array.from(copy.out));
    assert.deepEqual(Array.from(weights), Array.from(copy.weights));
    assert.deepEqual(Array.from(r.lse), Array.from(copy.lse));  // not given: a fresh copy
    assert.notEqual(r.lse.buffer, weights.buffer);
  }
  const before = attn.memory().inUse;
  for (let i = 0; i < 100; i++) attn.attention({ ...o, outputs: { out, weights } });
  assert.equal(attn.memory().inUse, before);
  assert.throws(() => attn.attention({ ...o, outputs: { out: new Float32Array(3) } }),
    /^AttentionError: outputs\.out: expected length 360 \(\[batch=2, qLen=9, heads·valueDim=20\]\), received Float32Array\(3\)$/);
  assert.throws(() => attn.attention({ ...o, returnLse: false, outputs: { lse: new Float32Array(72) } }),
    /^AttentionError: outputs\.lse: expected nothing \(returnLse is false\)/);
  assert.throws(() => attn.attention({ ...o, outputs: { scores: out } }), /^AttentionError: outputs: unknown option 'scores' \(known: out, weights, lse\)$/);
  assert.throws(() => attn.attention({ ...o, outputs: { weights: new Float64Array(copy.weights.length) } }),
    /^AttentionError: outputs\.weights: expected a Float32Array of length 936/);
});
