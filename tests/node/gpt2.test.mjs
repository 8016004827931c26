// attn.loadModel() on the committed GPT-2 fixtures against the independent float64 JS reference
// (tests/reference/gpt2.mjs): logits, every attention matrix and the residual stream; every variant agrees; decode
// (generation) equals the full pass; seeds repeat; bad files and calls are refused and the instance keeps working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { init } from '../../dist/index.js';
import { gpt2Forward, loadGpt2Reference } from '../reference/gpt2.mjs';
import { TOL, compare } from './reference.mjs';

const attn = await init();
const DATA = new URL('../data/', import.meta.url);
const bytes = (name) => new Uint8Array(readFileSync(new URL(name, DATA)));
const IDS = [5, 17, 3, 95, 0, 42, 42, 8, 61, 7];

test('forward: logits, every attention matrix and the residuals match the float64 reference', async () => {
  const model = await attn.loadModel(bytes('gpt2-tiny-f32.safetensors'));
  assert.deepEqual({ ...model.config, gpt2Ids: undefined },
    { layers: 2, heads: 4, dModel: 32, dFF: 128, vocabSize: 96, context: 32, headDim: 8, tiedHead: true,
      restrictedVocab: false, gpt2Ids: undefined, unkRow: -1, weights: 'f32' });
  const ref = gpt2Forward(loadGpt2Reference(bytes('gpt2-tiny-f32.safetensors')), IDS);
  const r = model.forward(IDS, { logits: 'all', attention: true, residual: true });
  assert.equal(compare(r.logits, ref.logits, TOL.gpt2), '');
  assert.equal(compare(r.attention, Float64Array.from(ref.attention.flatMap((l) => l.flatMap((h) => [...h]))), TOL.gpt2), '');
  assert.equal(compare(r.residual, Float64Array.from(ref.hidden.flatMap((h) => [...h])), TOL.gpt2), '');
  const last = model.forward(IDS);  // no weights asked: the fused attention path, summing in another order
  assert.equal(compare(last.logits, ref.logits.slice((IDS.length - 1) * 96), TOL.gpt2), '');
  assert.equal(last.attention, undefined);
  const lens = model.forward(IDS, { logits: 'none', logitLens: true });
  assert.equal(lens.logitLens.length, 3 * 96);
  assert.deepEqual(lens.logitLens.slice(2 * 96), last.logits);  // the last depth's lens is the model's prediction
  model.dispose();
});

test('traceHead: the returned Q, K replay to the head\'s attention (÷√d, causal mask, softmax) and ·V to its output', async () => {
  const model = await attn.loadModel(readFileSync(new URL('../../web/models/tiny-tutor.safetensors', import.meta.url)));
  const { layers, heads, headDim: D } = model.config;
  const ids = [32, 39145, 4171, 7185, 1308, 2840, 13];  // " A fluffy blue creature" and a few more GPT-2 ids
  const T = ids.length;
  const all = model.forward(ids, { logits: 'all', attention: true });
  for (const [l, h] of [[0, 0], [layers - 1, heads - 1], [Math.min(2, layers - 1), Math.min(2, heads - 1)]]) {
    const r = model.forward(ids, { logits: 'all', attention: true, traceHead: [l, h] });
    const t = r.headTrace;
    assert.deepEqual([t.layer, t.head, t.headDim, t.q.length, t.k.length, t.v.length, t.out.length], [l, h, D, T * D, T * D, T * D, T * D]);
    assert.deepEqual(r.logits, all.logits);  // tracing changes nothing
    assert.deepEqual(t.weights, all.attention.subarray((l * heads + h) * T * T, (l * heads + h + 1) * T * T));
    const weights = new Float64Array(T * T), out = new Float64Array(T * D);
    for (let i = 0; i < T; i++) {
      const s = Array.from({ length: i + 1 }, (_, j) => {
        let dot = 0;
        for (let d = 0; d < D; d++) dot += t.q[i * D + d] * t.k[j * D + d];
        return dot / Math.sqrt(D);
      });
      const max = Math.max(...s), e = s.map((x) => Math.exp(x - max)), sum = e.reduce((a, b) => a + b, 0);
      e.forEach((x, j) => {
        weights[i * T + j] = x / sum;
        for (let d = 0; d < D; d++) out[i * D + d] += (x / sum) * t.v[j * D + d];
      });
      for (let j = 0; j < T; j++) assert.equal(t.maskedScores[i * T + j], j <= i ? t.scaledScores[i * T + j] : -Infinity);
    }
    assert.equal(compare(t.weights, weights, TOL.sdpa), '');
    assert.equal(compare(t.out, out, TOL.sdpa), '');
    assert.equal(t.input.length, T * model.config.dModel);
  }
  assert.equal(all.headTrace, undefined);
  assert.throws(() => model.forward(ids, { traceHead: [layers, 0] }), (e) => e.code === 'OUT_OF_RANGE' && /traceHead/.test(e.message));
  assert.throws(() => model.forward(ids, { traceHead: [[0, 0]] }), (e) => e.code === 'INVALID_ARGUMENT' && /traceHead/.test(e.message));
  model.dispose();
});

test('session: truncated to the shared prefix and fed the rest, it gives the full pass on the edited text', async () => {
  const model = await attn.loadModel(bytes('gpt2-tiny-f32.safetensors'));
  const { layers: L, heads: H, vocabSize: V } = model.config;
  const session = model.session();
  const options = { logits: 'all', attention: true, logitLens: true };
  session.append(IDS, options);
  assert.equal(session.position, IDS.length);
  const edited = [...IDS.slice(0, 7), 11, 12, 13, 14];  // the text changed from token 7 on, and grew
  session.truncate(7);
  const r = session.append(edited.slice(7), options), full = model.forward(edited, options);
  const T = edited.length, n = T - 7;
  assert.equal(compare(r.logits, full.logits.slice(7 * V), TOL.gpt2), '');
  assert.equal(compare(r.logitLens, full.logitLens, TOL.gpt2), '');
  for (let lh = 0; lh < L * H; lh++)
    assert.equal(compare(r.attention.subarray(lh * n * T, (lh + 1) * n * T), full.attention.subarray((lh * T + 7) * T, (lh + 1) * T * T), TOL.gpt2), '');
  assert.throws(() => session.truncate(-1), (e) => e.code === 'INVALID_ARGUMENT' && /position/.test(e.message));
  session.dispose();
  assert.throws(() => session.append([1]), (e) => e.code === 'DISPOSED');
  const other = model.session();
  model.dispose();
  assert.throws(() => other.append([1]), (e) => e.code === 'DISPOSED');
});

test('a Blob streams tensor by tensor with progress, skipping mask buffers, to the same model', async () => {
  const file = bytes('gpt2-tiny-prefixed.safetensors');
  const seen = [];
  const streamed = await attn.loadModel(new Blob([file]), { nHead: 4, onProgress: (p) => seen.push(p) });
  const whole = await attn.loadModel(file, { nHead: 4 });
  assert.deepEqual(streamed.forward(IDS, { logits: 'all' }).logits, whole.forward(IDS, { logits: 'all' }).logits);
  assert.ok(seen.length > 10);
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i].loaded > seen[i - 1].loaded && seen[i].total === seen[0].total);
  assert.equal(seen.at(-1).loaded, seen.at(-1).total);
  assert.ok(seen.at(-1).total < file.length - 2 * 32 * 32 * 4, 'the causal-mask buffers are not read');
  await assert.rejects(attn.loadModel(new Blob([file.subarray(0, 6)])), (e) => e.code === 'INVALID_DATA' && /at least 8 bytes/.test(e.message));
  await assert.rejects(attn.loadModel(file, { onProgress: 5 }), (e) => e.code === 'INVALID_ARGUMENT' && /onProgress/.test(e.message));
  streamed.dispose(), whole.dispose();
});

test('ablate: switched-off heads match the reference without their output; bad heads are refused', async () => {
  const model = await attn.loadModel(bytes('gpt2-tiny-f32.safetensors'));
  const reference = loadGpt2Reference(bytes('gpt2-tiny-f32.safetensors'));
  const ablate = [[0, 1], [1, 3]];
  const r = model.forward(IDS, { logits: 'all', ablate });
  assert.equal(compare(r.logits, gpt2Forward(reference, IDS, { ablate }).logits, TOL.gpt2), '');
  assert.notEqual(compare(r.logits, gpt2Forward(reference, IDS).logits, TOL.gpt2), '');
  assert.throws(() => model.forward(IDS, { ablate: [[2, 0]] }), (e) => e.code === 'OUT_OF_RANGE' && /\[2, 0\]/.test(e.message));
  assert.throws(() => model.forward(IDS, { ablate: [1, 2] }), (e) => e.code === 'INVALID_ARGUMENT' && /ablate/.test(e.message));
  assert.equal(model.metadata.n_head, '4');
  assert.equal(model.headScores, null);
  assert.equal(model.film, null);
  model.dispose();
});

test('the prefixed, F16, BF16 files hold the same model; the untied head differs', async () => {
  const logits = async (name, options) => {
    const m = await attn.loadModel(bytes(name), options);
    const out = m.forward(IDS, { logits: 'all' }).logits;
    m.dispose();
    return out;
  };
  const base = await logits('gpt2-tiny-f32.safetensors');
  for (const name of ['gpt2-tiny-prefixed.safetensors', 'gpt2-tiny-f16.safetensors', 'gpt2-tiny-bf16.safetensors'])
    assert.deepEqual(await logits(name, { nHead: 4 }), base, name);
  const untied = await logits('gpt2-tiny-untied.safetensors');
  const ref = gpt2Forward(loadGpt2Reference(bytes('gpt2-tiny-untied.safetensors')), IDS);
  assert.equal(compare(untied, ref.logits, TOL.gpt2), '');
  assert.notDeepEqual(untied, base);
});

test("weights: an F16 file is kept F16 by default or widened with 'f32', with the same bits either way", async () => {
  const file = bytes('gpt2-tiny-f16.safetensors');
  const half = await attn.loadModel(file, { nHead: 4 }), full = await attn.loadModel(file, { nHead: 4, weights: 'f32' });
  const asked = await attn.loadModel(file, { nHead: 4, weights: 'f16' });
  assert.equal(half.config.weights, 'f16');
  assert.equal(asked.config.weights, 'f16');
  assert.equal(full.config.weights, 'f32');
  const ref = gpt2Forward(loadGpt2Reference(file, 4), IDS);
  const a = half.forward(IDS, { logits: 'all', attention: true }), b = full.forward(IDS, { logits: 'all', attention: true });
  assert.equal(compare(a.logits, ref.logits, TOL.gpt2), '');
  assert.deepEqual(a.logits, b.logits);  // the kernels widen exactly and sum in the float32 kernels' order
  assert.deepEqual(a.attention, b.attention);
  const steps = async (m) => { const out = []; for await (const s of m.generate([5, 17, 3], { maxTokens: 8, seed: 3, probabilities: true })) out.push(s); return out; };
  assert.deepEqual(await steps(half), await steps(full));
  // An F32 file is held as F32 whatever is asked (nothing is rounded).
  const f32 = await attn.loadModel(bytes('gpt2-tiny-f32.safetensors'), { weights: 'f16' });
  assert.equal(f32.config.weights, 'f32');
  for (const m of [half, full, asked, f32]) m.dispose();
  for (const weights of ['F16', 'bf16', 16, null])
    await assert.rejects(attn.loadModel(file, { nHead: 4, weights }), (e) => e.code === 'INVALID_ARGUMENT' && /weights/.test(e.message));
});

test('generate: greedy equals the reference argmax loop; seeds repeat; stop ids end it', async () => {
  const model = await attn.loadModel(new URL('gpt2-tiny-f32.safetensors', DATA).pathname);  // a path, in Node
  const ref = loadGpt2Reference(bytes('gpt2-tiny-f32.safetensors'));
  const prompt = [5, 17, 3];
  const greedy = [];
  for await (const step of model.generate(prompt, { maxTokens: 12, temperature: 0 })) greedy.push(step.id);
  const seq = [...prompt];
  for (let i = 0; i < 12; i++) {
    const logits = gpt2Forward(ref, seq).logits.slice((seq.length - 1) * 96);
    const best = logits.indexOf(Math.max(...logits));
    assert.equal(greedy[i], best, `step ${i}`);
    seq.push(best);
  }
  const sample = async (seed) => {
    const out = [];
    for await (const s of model.generate(prompt, { maxTokens: 10, seed, topK: 20, temperature: 0.8, probabilities: true })) {
      assert.equal(s.probabilities.length, 96);
      out.push(s.id);
    }
    return out;
  };
  assert.deepEqual(await sample(7), await sample(7));
  assert.notDeepEqual(await sample(7), await sample(8));
  const stopped = [];
  for await (const s of model.generate(prompt, { maxTokens: 12, temperature: 0, stop: [greedy[2]] })) stopped.push(s.id);
  assert.deepEqual(stopped, greedy.slice(0, greedy.indexOf(greedy[2]) + 1));
  model.dispose();
  assert.throws(() => model.forward(IDS), { code: 'DISPOSED' });
});

test('bad files and calls are refused with a reason; the instance keeps working', async () => {
  const good = bytes('gpt2-tiny-f32.safetensors');
  await assert.rejects(attn.loadModel(good.subarray(0, 500)), (e) => e.code === 'INVALID_DATA' && /runs past the end/.test(e.message));
  const corrupt = good.slice();
  corrupt.set(new TextEncoder().encode('"F33"'), new TextDecoder().decode(good.subarray(8, 2000)).indexOf('"F32"') + 8);
  await assert.rejects(attn.loadModel(corrupt), (e) => e.code === 'INVALID_DATA' && /unknown dtype/.test(e.message));
  await assert.rejects(attn.loadModel(bytes('gpt2-tiny-prefixed.safetensors')), (e) => e.code === 'INVALID_DATA' && /heads/.test(e.message));
  await assert.rejects(attn.loadModel(42), { code: 'INVALID_ARGUMENT' });
  await assert.rejects(attn.loadModel('/nonexistent/model.safetensors'), { code: 'NOT_FOUND' });
  const model = await attn.loadModel(good);
  assert.throws(() => model.forward([]), { code: 'INVALID_ARGUMENT' });
  assert.throws(() => model.forward(Array(33).fill(1)), (e) => e.code === 'OUT_OF_RANGE' && /context of 32/.test(e.message));
  assert.throws(() => model.forward([1, 96]), (e) => e.code === 'OUT_OF_RANGE' && /ids\[1\] = 96/.test(e.message));
  assert.throws(() => model.forward([1], { logits: 'first' }), { code: 'INVALID_ARGUMENT' });
  const before = attn.memory().inUse;
  for (let i = 0; i < 50; i++) assert.throws(() => model.forward([1, 96]));
  assert.equal(attn.memory().inUse, before);
  assert.equal(compare(model.forward(IDS, { logits: 'all' }).logits,
    gpt2Forward(loadGpt2Reference(good), IDS).logits, TOL.gpt2), '');
  model.dispose();
});
