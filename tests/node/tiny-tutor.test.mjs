// The package's trained default model (dist/tiny-tutor.safetensors, opened by attn.loadModel() with no source): its
// extras (head scores, loss curves, training film) read from the file, and the behaviour the model card promises.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultModelUrl, init } from '../../dist/index.js';

const attn = await init();
const model = await attn.loadModel();
const tok = await attn.tokenizer();
const argmax = (v) => v.reduce((best, x, i) => (x > v[best] ? i : best), 0);
const encode = (text) => [50256, ...tok.encode(text)];

test('loadModel() opens the trained tiny model with its scores, curves and film', () => {
  assert.equal(defaultModelUrl.pathname.endsWith('/tiny-tutor.safetensors'), true);
  const { layers, heads, restrictedVocab, unkRow, vocabSize, context } = model.config;
  assert.equal(restrictedVocab, true);
  assert.ok(unkRow >= 0 && unkRow < vocabSize);
  assert.equal(context, 128);
  assert.equal(model.metadata.format, 'attention-wasm-gpt2');
  const s = model.headScores;
  assert.equal(s.layers, layers);
  assert.equal(s.heads, heads);
  assert.equal(s.induction.length, layers * heads);
  assert.ok(model.lossCurve.train.values.length > 10 && model.lossCurve.heldout.values.length > 2);
  const { steps, probes } = model.film;
  assert.ok(steps.length >= 10 && steps[0] === 0);
  assert.equal(probes.length, 6);
  for (const { ids, frames } of probes) {
    assert.equal(ids[0], 50256);
    assert.equal(frames.length, steps.length * layers * heads * ids.length * (ids.length + 1) / 2);
  }
  // The last frame is the final model: its first probe's maps equal a forward pass of the shipped F16 weights.
  const { ids, frames } = probes[0];
  const T = ids.length, cells = T * (T + 1) / 2;
  const a = model.forward(ids, { attention: true, logits: 'none' }).attention;
  const last = frames.subarray((steps.length - 1) * layers * heads * cells);
  let worst = 0;
  for (let lh = 0; lh < layers * heads; lh++)
    for (let i = 0, c = 0; i < T; i++)
      for (let j = 0; j <= i; j++, c++) worst = Math.max(worst, Math.abs(last[lh * cells + c] / 255 - a[(lh * T + i) * T + j]));
  assert.ok(worst <= 2 / 255, `film frame vs forward: ${worst}`);  // 8-bit rounding; the film saw the F32 weights
});

test('the toy world: a fluffy blue creature purrs or floats, Tom sings; unknown words are reported', () => {
  const greedy = (text, n) => {
    const ids = encode(text);
    for (let i = 0; i < n; i++) ids.push(model.config.gpt2Ids[argmax(model.forward(ids).logits)]);
    return tok.decode(ids.slice(ids.length - n));
  };
  // Each cue adjective's verb may follow the noun (fluffy → purrs, blue → floats): the model spreads over both.
  const logits = model.forward(encode('A fluffy blue creature')).logits;
  const max = Math.max(...logits), z = logits.reduce((s, x) => s + Math.exp(x - max), 0);
  const p = (text) => Math.exp(logits[model.config.gpt2Ids.indexOf(tok.encode(text)[0])] - max) / z;
  assert.ok(p(' purrs') >= 0.2 && p(' floats') >= 0.2, `P(purrs) ${p(' purrs')}, P(floats) ${p(' floats')}`);
  assert.ok(p(' purrs') + p(' floats') >= 0.9);
  assert.equal(greedy('Tom and Anna went to the park. He', 1), ' sings');  // he → Tom, whose verb is sings
  assert.equal(greedy('Tom and Anna went to the park. She', 1), ' dances');
  const r = model.forward(encode('A quantum creature'));
  assert.deepEqual([...r.unknownPositions], [2]);  // ' quantum' is not in the toy world's vocabulary
});

test('creature gathers fluffy and blue: the strongest noun → adjective head reads both', () => {
  const best = argmax(model.headScores.noun_adjective_en.lift);  // head (l, h) at l·heads + h, as in attention
  const ids = encode('A fluffy blue creature');
  const T = ids.length;
  const a = model.forward(ids, { attention: true, logits: 'none' }).attention;
  const row = a.subarray((best * T + T - 1) * T, (best * T + T) * T);  // the query row of ' creature'
  assert.ok(row[2] >= 0.25 && row[3] >= 0.25 && row[2] + row[3] >= 0.75, `fluffy ${row[2]}, blue ${row[3]}`);
});

test('the film shows the strongest noun head learning to gather fluffy and blue', () => {
  const { steps, probes } = model.film, { layers, heads } = model.config;
  const best = argmax(model.headScores.noun_adjective_en.lift);
  const probe = probes.find(({ ids }) => tok.decode(Array.from(ids)).includes('A fluffy blue creature'));
  assert.ok(probe, 'a film probe holds "A fluffy blue creature"');
  const ids = Array.from(probe.ids), T = ids.length, cells = (T * (T + 1)) / 2;
  const row = ids.indexOf(tok.encode(' creature')[0]), fluffy = row - 2, blue = row - 1;
  assert.deepEqual([ids[fluffy], ids[blue]], [...tok.encode(' fluffy'), ...tok.encode(' blue')]);
  // The head's ' creature' row, frame by frame: its weight on fluffy and on blue.
  const on = steps.map((_, f) => {
    const at = (f * layers * heads + best) * cells + (row * (row + 1)) / 2;
    return [probe.frames[at + fluffy] / 255, probe.frames[at + blue] / 255];
  });
  const gathers = ([f, b]) => f >= 0.25 && b >= 0.25 && f + b >= 0.75;
  assert.ok(!gathers(on[0]), `not at the start: ${on[0]}`);
  assert.ok(gathers(on.at(-1)), `at the end: ${on.at(-1)}`);
});
