// The package's MultiHeadAttention against a float64 JS composition (positions, projections, attention, W_o):
// self- and cross-attention, MHA/GQA/MQA, every positional kind; its trace, KV-cache decoder, weights from a
// seed (bit-identical to an independent SplitMix64 + Xavier implementation), cost(), errors and memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init, AttentionError } from '../../dist/index.js';
import { TOL, compare, randomArray, referenceAttention } from './reference.mjs';

const attn = await init();
const { MultiHeadAttention } = attn;

function matmul(x, rows, inDim, w, b, outDim) {
  const y = new Float64Array(rows * outDim);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < outDim; c++) {
      let s = b && b.length ? b[c] : 0;
      for (let i = 0; i < inDim; i++) s += x[r * inDim + i] * w[i * outDim + c];
      y[r * outDim + c] = s;
    }
  return y;
}

function sinusoidal(first, len, E) {
  const pe = new Float64Array(len * E);
  for (let l = 0; l < len; l++)
    for (let e = 0; e < E; e++) {
      const freq = Math.pow(10000, -(e - (e % 2)) / E);
      pe[l * E + e] = e % 2 === 0 ? Math.sin((first + l) * freq) : Math.cos((first + l) * freq);
    }
  return pe;
}

function mhaReference(m, x, { batch = 1, context, firstPosition = 0, ...mask } = {}) {
  const { dModel: E, heads: H, kvHeads: Hkv, headDim: D, valueDim: Dv, contextDim: Ec, positional } = m.config;
  const w = m.weights();
  const L = x.length / (batch * E);
  const pe = positional === 'sinusoidal' ? sinusoidal(firstPosition, L, E)
    : positional === 'learned' ? w.positions.slice(firstPosition * E, (firstPosition + L) * E) : new Float64Array(L * E);
  const xp = Float64Array.from(x, (v, i) => v + pe[i % (L * E)]);
  const src = context ?? xp, Lk = context ? context.length / (batch * Ec) : L, inK = context ? Ec : E;
  const q = matmul(xp, batch * L, E, w.wQ, w.bQ, H * D);
  const k = matmul(src, batch * Lk, inK, w.wK, w.bK, Hkv * D);
  const v = matmul(src, batch * Lk, inK, w.wV, w.bV, Hkv * Dv);
  const r = referenceAttention({ q, k, v, batch, qLen: L, kvLen: Lk, heads: H, kvHeads: Hkv, headDim: D, valueDim: Dv, ...mask });
  return matmul(r.out, batch * L, H * Dv, w.wO, w.bO, E);
}

const CONFIGS = [
  { dModel: 16, heads: 4, positional: 'none' },
  { dModel: 24, heads: 6, kvHeads: 2, bias: true, positional: 'sinusoidal' },
  { dModel: 20, heads: 4, kvHeads: 1, headDim: 5, valueDim: 3, positional: 'learned', maxLen: 32 },
];

test('forward matches the float64 composition: MHA, GQA, MQA, biases, every positional kind', () => {
  for (const config of CONFIGS)
    for (const causal of [false, true]) {
      const m = new MultiHeadAttention({ ...config, seed: 3 });
      const x = randomArray(2 * 9 * config.dModel, 4);
      const { out, shape } = m.forward(x, { batch: 2, causal });
      assert.deepEqual(shape, [2, 9, config.dModel]);
      assert.equal(compare(out, mhaReference(m, x, { batch: 2, causal }), TOL.sdpa), '', `${JSON.stringify(config)} causal=${causal}`);
    }
});

test('cross-attention: queries from x, keys and values from a context of another length and width', () => {
  const m = new MultiHeadAttention({ dModel: 12, contextDim: 7, heads: 3, seed: 9 });
  const x = randomArray(5 * 12, 1), context = randomArray(8 * 7, 2);
  const { out, trace } = m.forward(x, { context, trace: true });
  assert.equal(compare(out, mhaReference(m, x, { context }), TOL.sdpa), '');
  assert.deepEqual(trace.dims, { batch: 1, qLen: 5, kvLen: 8, heads: 3, kvHeads: 3, headDim: 4, valueDim: 4, dModel: 12 });
  assert.throws(() => m.forward(x), /pass a context/);
});

test('the trace holds every intermediate and they agree with each other', () => {
  const m = new MultiHeadAttention({ dModel: 12, heads: 3, positional: 'sinusoidal', bias: true, seed: 1 });
  const L = 6, x = randomArray(L * 12, 7);
  const { out, trace: t } = m.forward(x, { causal: true, trace: true });
  assert.deepEqual(t.out, out);
  assert.deepEqual(t.xIn, x);
  for (let i = 0; i < x.length; i++) assert.equal(t.x[i], Math.fround(x[i] + t.positions[i]));
  const scale = Math.fround(1 / Math.sqrt(4));
  for (let h = 0; h < 3; h++)
    for (let i = 0; i < L; i++) {
      let sum = 0;
      for (let j = 0; j < L; j++) {
        const at = (h * L + i) * L + j;
        assert.equal(t.scaledScores[at], Math.fround(scale * t.rawScores[at]));
        if (j > i) {
          assert.equal(t.maskedScores[at], -Infinity);
          assert.equal(t.weights[at], 0);
        }
        sum += t.weights[at];
      }
      assert.ok(Math.abs(sum - 1) < 1e-6);
    }
  const ref = referenceAttention({ q: t.q, k: t.k, v: t.v, qLen: L, heads: 3, headDim: 4, causal: true });
  assert.equal(compare(t.headsOut, ref.out, TOL.sdpa), '');
});

test('the KV-cache decoder, token by token and in chunks, equals the full causal pass', () => {
  for (const config of CONFIGS) {
    const m = new MultiHeadAttention({ ...config, seed: 5 });
    const B = 2, L = 21, E = config.dModel, x = randomArray(B * L * E, 6);
    const full = m.forward(x, { batch: B, causal: true }).out;
    for (const chunk of [1, 5]) {
      const dec = m.decoder({ batch: B });
      const got = new Float32Array(B * L * E);
      for (let t0 = 0; t0 < L; t0 += chunk) {
        const n = Math.min(chunk, L - t0), xs = new Float32Array(B * n * E);
        for (let b = 0; b < B; b++) xs.set(x.subarray((b * L + t0) * E, (b * L + t0 + n) * E), b * n * E);
        const ys = dec.step(xs);
        for (let b = 0; b < B; b++) got.set(ys.subarray(b * n * E, (b + 1) * n * E), (b * L + t0) * E);
      }
      assert.equal(dec.length, L);
      assert.equal(dec.bytesPerToken, m.config.kvHeads * (m.config.headDim + m.config.valueDim) * 4);
      assert.equal(compare(got, full, TOL.sdpa), '', `${JSON.stringify(config)} chunk=${chunk}`);
    }
  }
});

// SplitMix64 + Xavier-uniform exactly as src/attn/core/rng.hpp and mha.cpp describe them, written independently.
function xavierReference(seed, shapes) {
  let state = BigInt(seed);
  const M = (1n << 64n) - 1n;
  const next = () => {
    state = (state + 0x9E3779B97F4A7C15n) & M;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n) & M;
    z = ((z ^ (z >> 27n)) * 0x94D049BB133111EBn) & M;
    return z ^ (z >> 31n);
  };
  return shapes.map(([fanIn, fanOut]) => {
    const limit = Math.fround(Math.sqrt(Math.fround(6 / (fanIn + fanOut))));
    return Float32Array.from({ length: fanIn * fanOut }, () => {
      const u = Math.fround(Number(next() >> 40n) * 2 ** -23 - 1);
      return Math.fround(limit * u);
    });
  });
}

test('seeded weights are bit-identical to an independent SplitMix64 + Xavier implementation', () => {
  const m = new MultiHeadAttention({ dModel: 12, heads: 3, kvHeads: 1, seed: 42 });
  const w = m.weights();
  const [wQ, wK, wV, wO] = xavierReference(42, [[12, 12], [12, 4], [12, 4], [12, 12]]);
  assert.deepEqual(w.wQ, wQ);
  assert.deepEqual(w.wK, wK);
  assert.deepEqual(w.wV, wV);
  assert.deepEqual(w.wO, wO);
  const again = new MultiHeadAttention({ dModel: 12, heads: 3, kvHeads: 1, weights: w });
  const x = randomArray(4 * 12, 3);
  assert.deepEqual(again.forward(x).out, m.forward(x).out);
});

test('cost() reproduces GPT-3 and a GQA model', () => {
  const gpt3 = attn.cost({ dModel: 12288, heads: 96, headDim: 128, layers: 96, context: 2048 });
  assert.equal(gpt3.paramsPerQueryHead, 4 * 12288 * 128);
  assert.equal(gpt3.paramsTotal, 57982058496);
  assert.equal(gpt3.kvCacheBytesPerToken, 4718592);
  const gqa = attn.cost({ dModel: 8192, heads: 64, kvHeads: 8, headDim: 128, layers: 80 });
  assert.equal(gqa.kvCacheBytesPerToken, 327680);
  assert.throws(() => attn.cost({ dModel: 12, heads: 5 }), /d_model \(12\) must be divisible by heads \(5\)/);
  assert.throws(() => attn.cost({ dModel: 12, heads: -1 }), /^AttentionError: heads: expected an integer >= 1, received -1$/);
});

test('constructor and forward errors name the argument; disposed objects say so', () => {
  const cases = [
    [() => new MultiHeadAttention({ dModel: 0 }), /^dModel: expected an integer >= 1, received 0$/],
    [() => new MultiHeadAttention({ dModel: 8, heads: 3 }), /dModel \(8\) must be divisible by heads \(3\) when headDim is not given/],
    [() => new MultiHeadAttention({ dModel: 8, heads: 4, kvHeads: 3 }), /kvHeads: expected a divisor of heads \(4\)/],
    [() => new MultiHeadAttention({ dModel: 8, positional: 'rotary' }), /positional: expected 'none', 'sinusoidal' or 'learned'/],
    [() => new MultiHeadAttention({ dModel: 8, positional: 'learned' }), /maxLen: expected an integer >= 1, received undefined/],
    [() => new MultiHeadAttention({ dModel: 8, seed: -1 }), /seed: expected a non-negative safe integer/],
    [() => new MultiHeadAttention({ dModel: 4, weights: { wQ: new Float32Array(3) } }), /^weights.wQ: expected 16 floats, got 3$/],
  ];
  for (const [fn, message] of cases) assert.throws(fn, (e) => e instanceof AttentionError && message.test(e.message));
  const m = new MultiHeadAttention({ dModel: 8, heads: 2, positional: 'learned', maxLen: 4 });
  assert.throws(() => m.forward(new Float32Array(7)), /^AttentionError: length: expected an integer >= 1, received 0.875$/);
  assert.throws(() => m.forward([1, 2]), /^AttentionError: x: expected a Float32Array/);
  assert.throws(() => m.forward(new Float32Array(5 * 8)), /positions up to 4 are beyond the learned table \(maxLen 4\)/);
  const dec = m.decoder();
  dec.step(new Float32Array(8));
  dec.dispose();
  assert.throws(() => dec.step(new Float32Array(8)), (e) => e.code === 'DISPOSED');
  m.dispose();
  m.dispose();
  assert.throws(() => m.forward(new Float32Array(8)), (e) => e.code === 'DISPOSED');
});

test('memory stays flat: 10,000 forwards and decoder steps, 1,000 create/dispose cycles', () => {
  const m = new MultiHeadAttention({ dModel: 16, heads: 4, positional: 'sinusoidal' });
  const x = randomArray(6 * 16, 2);
  m.forward(x, { causal: true, trace: true });
  const before = attn.memory().inUse;
  for (let i = 0; i < 10000; i++) m.forward(x, { causal: true, trace: i % 10 === 0 });
  for (let i = 0; i < 1000; i++) {
    const dec = m.decoder();
    for (let t = 0; t < 5; t++) dec.step(x.subarray(t * 16, (t + 1) * 16));
    dec.dispose();
    new MultiHeadAttention({ dModel: 16, heads: 4, seed: i }).dispose();
    attn.cost({ dModel: 16, heads: 4 });
  }
  assert.equal(attn.memory().inUse, before);
  m.dispose();
});
