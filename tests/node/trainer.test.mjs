// attn.createTrainer(): live training in wasm. A short fixed-seed run lowers the loss, repeats bit for bit, reports
// every head's scores, and saves a file loadModel() opens with the trainer's own attention; bad options are refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../dist/index.js';

const attn = await init();
const small = { layers: 2, heads: 2, dModel: 32, seq: 16, batch: 8, steps: 200, warmup: 10, lr: 1e-2 };

test('a short run lowers the loss and repeats bit for bit; the saved file is the same model', async () => {
  const run = async () => {
    const tr = await attn.createTrainer(small);
    const first = tr.step(1);
    tr.step(189);
    const rest = tr.step(10);  // the last ten steps' mean
    return { tr, first, rest, bytes: tr.save({ dtype: 'F32' }) };
  };
  const a = await run(), b = await run();
  assert.ok(a.first.loss > 4 && a.rest.loss < a.first.loss - 1, `loss ${a.first.loss} -> ${a.rest.loss}`);
  assert.equal(a.rest.step, 200);
  assert.deepEqual(a.bytes, b.bytes);
  const scores = a.tr.headScores({ documents: 10, sequences: 2 });
  assert.equal(scores.induction.length, 4);
  assert.ok(scores.noun_adjective_en.probes > 0);

  const model = await attn.loadModel(a.bytes);
  assert.equal(model.config.layers, 2);
  const tok = await attn.tokenizer();
  const ids = [50256, ...tok.encode('A fluffy blue creature purrs.')];
  const live = a.tr.attention(ids).attention, loaded = model.forward(ids, { attention: true, logits: 'none' }).attention;
  assert.deepEqual(live, loaded);
  a.tr.dispose(), b.tr.dispose(), model.dispose();
});

/** name → Float32Array of an F32 safetensors file's tensors. */
function tensorsOf(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  const out = new Map();
  for (const [name, t] of Object.entries(header)) {
    if (name === '__metadata__' || t.dtype !== 'F32') continue;
    const [begin, end] = t.data_offsets;
    out.set(name, new Float32Array(bytes.slice(8 + headerLength + begin, 8 + headerLength + end).buffer));
  }
  return out;
}

test('attentionOnly keeps every MLP weight at 0 while the loss falls; alternation documents train too', async () => {
  const tr = await attn.createTrainer({ ...small, attentionOnly: true, alternationShare: 0.5, repeatShare: 1, spanMin: 3, spanMax: 5,
    spanPool: 24 });
  const first = tr.step(1), rest = (tr.step(139), tr.step(10));
  assert.ok(rest.loss < first.loss - 0.5, `loss ${first.loss} -> ${rest.loss}`);
  const tensors = tensorsOf(tr.save({ dtype: 'F32' }));
  let mlpWeights = 0;
  for (const [name, values] of tensors) {
    if (!/\.mlp\.c_(fc|proj)\.weight$/.test(name)) continue;
    mlpWeights++;
    assert.ok(values.every((v) => v === 0), `${name} is not all 0`);
  }
  assert.equal(mlpWeights, 4);  // 2 layers × c_fc, c_proj
  assert.ok(tensors.get('h.0.attn.c_attn.weight').some((v) => v !== 0));
  tr.dispose();
});

test('bad trainer options and calls are refused with a reason', async () => {
  await assert.rejects(attn.createTrainer({ layer: 2 }), (e) => e.code === 'INVALID_ARGUMENT' && /layer/.test(e.message));
  await assert.rejects(attn.createTrainer({ heads: 3, dModel: 32 }), (e) => e.code === 'INVALID_ARGUMENT' && /multiple of heads/.test(e.message));
  await assert.rejects(attn.createTrainer({ repeatShare: 2 }), (e) => e.code === 'INVALID_ARGUMENT' && /repeatShare/.test(e.message));
  await assert.rejects(attn.createTrainer({ spanMin: 9, spanMax: 3 }), (e) => e.code === 'INVALID_ARGUMENT' && /span_min/.test(e.message));
  await assert.rejects(attn.createTrainer({ spanGapMin: 5, spanGapMax: 2 }), (e) => e.code === 'INVALID_ARGUMENT' && /span_gap_min/.test(e.message));
  await assert.rejects(attn.createTrainer({ spanGapMax: -1 }), (e) => e.code === 'INVALID_ARGUMENT' && /spanGapMax/.test(e.message));
  await assert.rejects(attn.createTrainer({ spanCopies: 1 }), (e) => e.code === 'INVALID_ARGUMENT' && /span_copies/.test(e.message));
  await assert.rejects(attn.createTrainer({ minLrRatio: 1.5 }), (e) => e.code === 'INVALID_ARGUMENT' && /minLrRatio/.test(e.message));
  await assert.rejects(attn.createTrainer({ initScale: 0 }), (e) => e.code === 'INVALID_ARGUMENT' && /initScale/.test(e.message));
  await assert.rejects(attn.createTrainer({ alternationShare: -0.5 }), (e) => e.code === 'INVALID_ARGUMENT' && /alternationShare/.test(e.message));
  await assert.rejects(attn.createTrainer({ attentionOnly: 1 }), (e) => e.code === 'INVALID_ARGUMENT' && /attentionOnly/.test(e.message));
  const tr = await attn.createTrainer(small);
  assert.throws(() => tr.attention(new Array(17).fill(11)), (e) => e.code === 'INVALID_ARGUMENT');
  assert.throws(() => tr.setHeadMask([true, false]), (e) => e.code === 'INVALID_ARGUMENT' && /on/.test(e.message));
  tr.dispose();
  assert.throws(() => tr.step(), (e) => e.code === 'DISPOSED');
});
