// The page's whole-model sections in real Chromium, one test per capability: the model picker, opening a GPT-2
// file by drag-and-drop (and refusing a bad one), the next-token bars, generation by seed, every layer × head,
// ablation, the logit lens and the training film. Every number is compared with the package run in Node on the
// same file; no test may log a console error. Not the single-block sections (page.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init } from '../../dist/index.js';
import { ARTIFACTS, openBrowser } from './browser.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TRAINED = join(ROOT, 'web', 'models', 'tiny-tutor.safetensors');
const FIXTURE = join(ROOT, 'tests', 'data', 'gpt2-tiny-f16.safetensors');
const TOL = JSON.parse(readFileSync(join(ROOT, 'tests', 'tolerances.json'), 'utf8')).tolerances.find((t) => t.name === 'gpt2');
const close = (got, ref, what) => assert.ok(Math.abs(got - ref) <= TOL.atol + TOL.rtol * Math.abs(ref), `${what}: ${got} vs ${ref}`);

const env = await openBrowser();
test.after(() => env.close());
const attn = await init();
const tok = await attn.tokenizer('gpt2');
const trained = await attn.loadModel(TRAINED);
const TEXT = 'A fluffy blue creature purrs.';

async function open(hash = '', viewport) {
  const page = await env.newPage(viewport);
  await page.goto(`${env.url}#view=lab&${hash.replace(/^#/, '')}`);  // the lab: every section and control
  await page.waitForFunction(() => window.__ready === true && window.__modelReady === true && window.__lm, null, { timeout: 60000 });
  return page;
}
async function typeText(page, text) {
  await page.fill('#text', text);
  await page.waitForFunction((t) => window.__lm?.text === t, text);
}
const lmAnswer = (page) => page.evaluate(() => {
  const a = window.__lm.analysis;
  return { ...a, attention: a.attention && Array.from(a.attention) };
});

/** The package's next-token distribution over the model's rows, and each row's GPT-2 id (test-side reference). */
function reference(model, ids, options = {}) {
  const r = model.forward(ids, { logits: 'last', logitLens: true, attention: true, ...options });
  const softmax = (x) => {
    const m = Math.max(...x), e = Array.from(x, (v) => Math.exp(v - m)), s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  const V = model.config.vocabSize;
  const idOf = (row) => (model.config.restrictedVocab ? model.config.gpt2Ids[row] : row);
  const rank = (p) => p.map((prob, row) => ({ id: idOf(row), prob })).sort((a, b) => b.prob - a.prob);
  const lens = [];
  for (let d = 0; d <= model.config.layers; d++) lens.push(rank(softmax(r.logitLens.subarray(d * V, (d + 1) * V))));
  return { top: rank(softmax(r.logits)), lens, attention: r.attention };
}

/** The mean −log p(next) over the text (the loss the page prints), from the package's logits. */
function textLoss(model, ids, ablate) {
  const r = model.forward(ids, { logits: 'all', ablate });
  const V = model.config.vocabSize, rowOf = new Map(Array.from(model.config.gpt2Ids, (id, row) => [id, row]));
  let loss = 0, n = 0;
  for (let t = 0; t + 1 < ids.length; t++) {
    const row = model.config.restrictedVocab ? rowOf.get(ids[t + 1]) : ids[t + 1];
    if (row === undefined) continue;
    const x = r.logits.subarray(t * V, (t + 1) * V);
    let m = -Infinity;
    for (const v of x) m = Math.max(m, v);
    let s = 0;
    for (const v of x) s += Math.exp(v - m);
    loss -= x[row] - m - Math.log(s);
    n++;
  }
  return loss / n;
}

function assertTop(shown, ref, what) {
  shown.forEach((t, k) => {
    close(t.prob, ref[k].prob, `${what} #${k} probability`);
    if (Math.abs(ref[k].prob - (ref[k + 1]?.prob ?? -1)) > 1e-6 && (k === 0 || Math.abs(ref[k].prob - ref[k - 1].prob) > 1e-6))
      assert.equal(t.id, ref[k].id, `${what} #${k} id`);
  });
}

test('picker: the trained model is the default, its config is shown; the teaching and seeded blocks are entries', async () => {
  const page = await open();
  assert.equal(await page.inputValue('#model'), 'trained');
  const c = trained.config;
  assert.match(await page.textContent('#model-config'), new RegExp(`${c.layers} layers × ${c.heads} heads · d_model ${c.dModel}`));
  assert.match(await page.textContent('#file-note'), /never uploaded/);
  assert.equal(await page.$$eval('#layer-grid .lh', (x) => x.length), c.layers * c.heads);
  // A single block: each whole-model section keeps its heading and says why it draws nothing.
  for (const block of ['teaching', 'seeded']) {
    await page.selectOption('#model', block);
    await page.waitForFunction((b) => document.getElementById('preset').value === b, block);
    assert.equal(await page.isVisible('#block-note'), true);
    for (const name of ['layers', 'lens', 'film']) {
      assert.equal(await page.isVisible(`#h-${name}`), true, `${name}: heading shown`);
      assert.match(await page.textContent(`#s-${name} > .lm-block-note`), /single attention block/, `${name}: says why`);
      assert.equal(await page.isVisible(`#s-${name} > .lm-block-note`), true);
    }
    assert.equal(await page.isVisible('#layer-grid'), false);
    assert.equal(await page.isVisible('#film-grid'), false);
  }
  await page.selectOption('#model', 'trained');
  await page.waitForFunction(() => document.querySelector('#layer-grid').checkVisibility());
  assert.equal(await page.isVisible('#s-layers > .lm-block-note'), false);
  assert.deepEqual(page.errors, []);
});

/**
 * Each map of the layer grid as drawn, and the same map drawn whole on a fresh canvas by the page's own drawer, as
 * RGBA bytes: a map redrawn from some row on must equal a whole redraw pixel for pixel.
 */
const gridPixels = (page) => page.evaluate(async () => {
  const { drawCausalPixels } = await import('/pixels.js');
  const a = window.__lm.analysis, T = a.tokens.length, bytes = (c) => Array.from(c.getContext('2d').getImageData(0, 0, T, T).data);
  return [...document.querySelectorAll('#layer-grid canvas')].map((canvas, lh) => {
    const whole = document.createElement('canvas');
    drawCausalPixels(whole, T, a.attention.subarray(lh * T * T, (lh + 1) * T * T));
    return { drawn: bytes(canvas), whole: bytes(whole) };
  });
});

test('typing re-reads from the first changed token only, and every view equals the package\'s full pass', async () => {
  const page = await open();
  await typeText(page, TEXT);
  let partial = 0;
  // Growing, the last token changed at the same length (the held rows are written in place), shrinking, an early edit.
  for (const text of [`${TEXT} He`, `${TEXT} He sings`, `${TEXT} He sang.`, `${TEXT} He sang!`, `${TEXT} He`, 'A fluffy red creature purrs.']) {
    await typeText(page, text);
    const a = await lmAnswer(page), ids = tok.encode(text), T = ids.length;
    // The grid's maps (only the changed rows redrawn when the answer carried rows from attentionFrom on) equal whole redraws.
    if (a.heldVersion !== null && a.attentionFrom > 0) partial++;
    for (const [lh, m] of (await gridPixels(page)).entries()) {
      assert.equal(m.drawn.length, 4 * T * T, `${text}: map ${lh} is T × T`);
      assert.ok(m.drawn.every((x, k) => x === m.whole[k]), `${text}: map ${lh} equals a whole redraw`);
    }
    const ref = reference(trained, ids), common = text.startsWith(TEXT) ? tok.encode(TEXT).length - 1 : 0;
    assert.ok(a.reread <= T - Math.min(common, T - 1) + 1, `${text}: re-read ${a.reread} of ${T} tokens`);
    assertTop(a.top, ref.top, `${text}: next token`);
    a.lens.forEach((row, d) => assertTop(row, ref.lens[d], `${text}: lens ${d}`));
    close(a.loss, textLoss(trained, ids, []), `${text}: loss`);
    assert.equal(a.attention.length, ref.attention.length);
    a.attention.forEach((w, k) => close(w, ref.attention[k], `${text}: attention ${k}`));
  }
  assert.ok(partial >= 3, `the page kept its rows and took only the new ones (${partial} times)`);
  assert.deepEqual(page.errors, []);
});

test('multi-head example: the two strongest noun → adjective heads, and the words each reads on the tutorial sentence', async () => {
  const page = await open();
  await page.waitForFunction(() => document.querySelectorAll('#multi-head .step').length === 2);
  const s = trained.headScores, H = s.heads, lifts = s.noun_adjective_en.lift;
  const order = lifts.map((v, k) => k).sort((a, b) => lifts[b] - lifts[a]);
  const cards = await page.$$eval('#multi-head .step', (c) => c.map((x) => ({ l: Number(x.dataset.layer), h: Number(x.dataset.head), reads: x.dataset.reads })));
  assert.deepEqual(cards.map(({ l, h }) => [l, h]), order.slice(0, 2).map((k) => [Math.floor(k / H), k % H]));
  // What each reads is every adjective that gets a quarter or more of the row of "creature" in the package's weights.
  const ids = tok.encode(TEXT), words = Array.from(ids, (id) => tok.tokenText(id).trim()), q = words.indexOf('creature');
  const r = trained.forward(ids, { logits: 'none', heads: cards.map(({ l, h }) => [l, h]) }), T = ids.length;
  cards.forEach((c, k) => {
    const on = (w) => r.attention[(k * T + q) * T + words.indexOf(w)];
    assert.equal(c.reads, ['fluffy', 'blue'].filter((w) => on(w) >= 0.25).join(' '), `${c.l}.${c.h} reads`);
  });
  assert.ok(cards.every(({ reads }) => reads !== ''), 'each head reads an adjective');
  await page.locator('#multi-head').screenshot({ path: join(ARTIFACTS, 'model-multi-head-1280.png') });
  assert.deepEqual(page.errors, []);
});

test('grid ↔ step view: clicking a head brings that layer\'s head step by step, the runtime\'s numbers', async () => {
  const page = await open();
  await typeText(page, TEXT);
  const ids = tok.encode(TEXT), T = ids.length, { heads: H, headDim: D } = trained.config;
  const sdpa = JSON.parse(readFileSync(join(ROOT, 'tests', 'tolerances.json'), 'utf8')).tolerances.find((t) => t.name === 'sdpa');
  const near = (got, ref, what) => assert.ok(Math.abs(got - ref) <= sdpa.atol + sdpa.rtol * Math.abs(ref), `${what}: ${got} vs ${ref}`);
  for (const [l, h] of [[2, 0], [1, 3]]) {
    await page.click(`#layer-grid .lh[data-layer="${l}"][data-head="${h}"] canvas`);
    await page.waitForFunction(([l, h]) => window.__lm.analysis.headTrace?.layer === l && window.__lm.analysis.headTrace.head === h, [l, h]);
    const a = await page.evaluate(() => {
      const { headTrace: t, attention } = window.__lm.analysis;
      return { t: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v) : v])), attention: Array.from(attention) };
    });
    assert.deepEqual([await page.getAttribute('#model-steps', 'data-layer'), await page.getAttribute('#model-steps', 'data-head')], [String(l), String(h)]);
    assert.match(await page.textContent('#model-steps-title'), new RegExp(`Layer ${l}, head ${h}`));
    assert.equal(await page.$$eval('#model-steps canvas', (c) => c.map((x) => x.dataset.step).join(' ')),
      'input q k v rawScores scaledScores maskedScores weights out');
    // The step view's softmax is the grid's map of that head, in the same pass.
    assert.deepEqual(a.t.weights, a.attention.slice((l * H + h) * T * T, (l * H + h + 1) * T * T));
    // Its Q, K replay to those weights (÷√d, causal mask, softmax) and the weights · V to its output.
    for (let i = 0; i < T; i++) {
      const s = [];
      for (let j = 0; j <= i; j++) {
        let dot = 0;
        for (let d = 0; d < D; d++) dot += a.t.q[i * D + d] * a.t.k[j * D + d];
        s.push(dot / Math.sqrt(D));
      }
      const m = Math.max(...s), e = s.map((x) => Math.exp(x - m)), sum = e.reduce((x, y) => x + y, 0);
      for (let j = 0; j < T; j++) near(a.t.weights[i * T + j], j <= i ? e[j] / sum : 0, `weights ${i},${j}`);
      for (let d = 0; d < D; d++) near(a.t.out[i * D + d], e.reduce((acc, w, j) => acc + (w / sum) * a.t.v[j * D + d], 0), `out ${i},${d}`);
    }
    // And they are the package's numbers in Node on the same file.
    const ref = trained.forward(ids, { logits: 'none', traceHead: [l, h] }).headTrace;
    for (const key of ['input', 'q', 'k', 'v', 'scaledScores', 'weights', 'out'])
      a.t[key].forEach((x, k) => close(x, ref[key][k], `${key} ${k}`));
  }
  await page.locator('#model-steps').screenshot({ path: join(ARTIFACTS, 'model-steps-1280.png') });
  assert.deepEqual(page.errors, []);
});

test('prediction: the bars are the package\'s next-token probabilities; unknown tokens are greyed', async () => {
  const page = await open();
  await typeText(page, TEXT);
  const a = await lmAnswer(page);
  const ids = tok.encode(TEXT);
  assertTop(a.top, reference(trained, ids).top, 'next token');
  const bars = await page.$$eval('#bars .bar-row', (rows) => rows.map((r) => Number(r.dataset.id)));
  assert.deepEqual(bars, a.top.map((t) => t.id));
  close(a.loss, textLoss(trained, ids, []), 'loss on the text');
  // A word outside the trained vocabulary is read as UNK and greyed.
  await typeText(page, 'A fluffy blue xylophone');
  const r = trained.forward(tok.encode('A fluffy blue xylophone'), { logits: 'none' });
  // The chips are redrawn by the single block's answer, which comes after the model's frame: wait for it.
  await page.waitForFunction((n) => document.querySelectorAll('#tokens .chip.unknown').length === n,
    r.unknownPositions.length, { timeout: 10000 }).catch(() => {});  // the assertion below reports a miss
  const unknown = await page.$$eval('#tokens .chip.unknown', (c) => c.length);
  assert.equal(unknown, r.unknownPositions.length);
  assert.ok(unknown > 0, 'the test text has a word the model does not know');
  await page.screenshot({ path: join(ARTIFACTS, 'model-1280.png') });
  assert.deepEqual(page.errors, []);
});

test('generation: token by token, the same seed gives the same tokens as the package in Node', async () => {
  const page = await open('#temperature=0.9&topK=20&topP=0.95&genSeed=7&maxTokens=24');
  await typeText(page, 'Tom and Anna went to the park.');
  const run = async () => {
    await page.evaluate(() => (window.__generation = null));
    await page.click('#generate');
    await page.waitForFunction(() => window.__generation);
    return page.evaluate(() => window.__generation);
  };
  const first = await run(), second = await run();
  assert.deepEqual(first.ids, second.ids);
  const expected = [];
  for await (const step of trained.generate(tok.encode('Tom and Anna went to the park.'), { temperature: 0.9, topK: 20, topP: 0.95, seed: 7, maxTokens: 24 }))
    expected.push(step.id);
  assert.deepEqual(first.ids, expected);
  assert.equal(await page.$$eval('#gen-out .gen-token', (s) => s.length), expected.length);
  assert.equal(await page.textContent('#gen-out'), tok.decode(expected));
  // The KV cache line after the last step: every token read so far, each with its keys and values in every layer.
  const [, cached, kib] = (await page.textContent('#gen-cache')).match(/KV cache: (\d+) tokens · ([\d.]+) KiB/);
  const { layers, dModel } = trained.config;
  assert.equal(Number(cached), first.promptTokens + expected.length - 1);
  assert.equal(kib, (Number(cached) * layers * 2 * dModel * 4 / 1024).toFixed(1));
  // Chinese: characters split over byte-level tokens are shown whole, with the token that completes them.
  await typeText(page, '小明和小红去了公园。他');
  const zh = await run(), zhExpected = [];
  for await (const step of trained.generate(tok.encode('小明和小红去了公园。他'), { temperature: 0.9, topK: 20, topP: 0.95, seed: 7, maxTokens: 24 }))
    zhExpected.push(step.id);
  assert.deepEqual(zh.ids, zhExpected);
  assert.equal(await page.textContent('#gen-out'), tok.decode(zhExpected));
  console.log(`# generation in the page: ${first.ids.length} tokens in ${first.ms.toFixed(1)} ms = ${(first.ids.length / first.ms * 1000).toFixed(0)} tokens/s`);
  assert.deepEqual(page.errors, []);
});

test('every layer × head: the grid draws the package\'s weights; a click enlarges that head with its scores', async () => {
  const page = await open();
  await page.click('#tutorial-example');
  await page.waitForFunction((t) => window.__lm?.text === t, TEXT);
  const a = await lmAnswer(page), ids = tok.encode(TEXT), T = ids.length;
  const ref = reference(trained, ids).attention;
  a.attention.forEach((w, k) => close(w, ref[k], `attention ${k}`));
  // The noun → adjective head is the one with the best measured lift, and it is the one shown enlarged.
  const lift = trained.headScores.noun_adjective_en.lift, best = lift.indexOf(Math.max(...lift));
  const [l, h] = [Math.floor(best / trained.config.heads), best % trained.config.heads];
  assert.equal(await page.getAttribute('#head-detail-map', 'data-layer'), String(l));
  assert.equal(await page.getAttribute('#head-detail-map', 'data-head'), String(h));
  assert.match(await page.textContent('#tutorial-note'), new RegExp(`layer ${l}, head ${h}`));
  assert.match(await page.textContent(`#layer-grid .lh[data-layer="${l}"][data-head="${h}"] .lh-label`), /noun → adjective/);
  // Clicking another head selects it; its canvas is T × T pixels.
  await page.click('#layer-grid .lh[data-layer="0"][data-head="1"] canvas');
  await page.waitForFunction(() => document.getElementById('head-detail-map').dataset.head === '1');
  assert.equal(await page.$eval('#layer-grid .lh canvas', (c) => c.width), T);
  assert.match(await page.textContent('#head-detail-sentences'), /previous token/);
  // The enlarged map is that head's slice of the same pass: hovering "creature" → "blue" shows its weight.
  const g = await page.$eval('#head-detail-map', (c) => ({ w: c.width, cw: c.getBoundingClientRect().width }));
  const at = { i: 3, j: 2 }, weight = a.attention[((0 * trained.config.heads + 1) * T + at.i) * T + at.j];
  const { matrixGeometry } = await import('../../web/draw.js');
  const labels = a.tokens.map((t) => t.text.replace(/ /g, '·'));
  const mg = matrixGeometry(T, T, { rowLabels: labels, colLabels: labels, maxSize: 420 });
  const k = g.cw / g.w;
  await page.hover('#head-detail-map', { position: { x: (mg.left + (at.j + 0.5) * mg.cell) * k, y: (mg.top + (at.i + 0.5) * mg.cell) * k } });
  const tip = await page.textContent('#tooltip');
  assert.match(tip, /^·creature → ·blue: weight /);
  const hovered = Number(tip.split('weight ')[1]);
  assert.ok(Math.abs(hovered - weight) <= 5e-4, `hovered weight ${hovered} vs ${weight} (shown to 3 decimals)`);
  await page.locator('#s-layers').screenshot({ path: join(ARTIFACTS, 'model-layers-1280.png') });
  assert.deepEqual(page.errors, []);
});

test('ablation: switching a head off gives the package\'s ablated forward; earlier layers unchanged, later ones change', async () => {
  const page = await open();
  await typeText(page, TEXT);
  const ids = tok.encode(TEXT), T = ids.length, { layers: L, heads: H } = trained.config;
  await page.check('#layer-grid .lh[data-layer="0"][data-head="0"] input');
  await page.waitForFunction(() => window.__lm.analysis.ablate.length === 1);
  const a = await lmAnswer(page);
  const ref = reference(trained, ids, { ablate: [[0, 0]] }), base = reference(trained, ids);
  assertTop(a.top, ref.top, 'ablated next token');
  close(a.loss, textLoss(trained, ids, [[0, 0]]), 'ablated loss');
  close(a.baseLoss, textLoss(trained, ids, []), 'loss with every head on');
  assert.match(await page.textContent('#loss-line'), /with the switched-off heads/);
  let laterChanged = 0;
  for (let k = 0; k < L * H * T * T; k++) {
    close(a.attention[k], ref.attention[k], `ablated attention ${k}`);
    if (k < H * T * T) close(a.attention[k], base.attention[k], `layer 0 attention ${k} (before the ablated output)`);
    else laterChanged = Math.max(laterChanged, Math.abs(a.attention[k] - base.attention[k]));
  }
  assert.ok(laterChanged > 1e-4, `later layers' attention changes (${laterChanged})`);
  assert.match(page.url(), /ablate=0\.0/);
  await page.click('#ablate-none');
  await page.waitForFunction(() => window.__lm.analysis.ablate.length === 0);
  assert.deepEqual(page.errors, []);
});

test('ablation of the induction heads: on repeated words the loss jumps, as the package\'s ablated forward says', async () => {
  // The heads the measured scores call induction heads (above the page's naming level), switched off together.
  const { heads: H } = trained.config, score = trained.headScores.induction;
  const induction = score.flatMap((x, k) => (x > 0.5 ? [[Math.floor(k / H), k % H]] : []));
  assert.ok(induction.length >= 2, `the trained model has induction heads (${score})`);
  const span = ' Tom fluffy sings red Anna creature purrs blue';
  const text = span + span, ids = tok.encode(text);
  const page = await open();
  await typeText(page, text);
  for (const [l, h] of induction) await page.check(`#layer-grid .lh[data-layer="${l}"][data-head="${h}"] input`);
  await page.waitForFunction((n) => window.__lm.analysis.ablate.length === n && window.__lm.analysis.baseLoss !== undefined, induction.length);
  const a = await lmAnswer(page);
  const on = textLoss(trained, ids, []), off = textLoss(trained, ids, induction);
  close(a.baseLoss, on, 'loss with every head on');
  close(a.loss, off, 'loss without the induction heads');
  assert.ok(off > on + 1, `switching the induction heads off raises the repeated text's loss by over a nat (${on} → ${off})`);
  assert.match(await page.textContent('#loss-line'), /with the switched-off heads/);
  assert.match(page.url(), new RegExp(`ablate=${induction.map(([l, h]) => `${l}\\.${h}`).join('(%2C|,)')}`));
  assert.deepEqual(page.errors, []);
});

test('export: the JSON carries the model\'s attention [layers][heads][T][T], the package\'s, beside the block\'s', async () => {
  const page = await open();
  await typeText(page, TEXT);
  // Export writes the single block's trace too: wait for the block's analysis of this text (it follows the model's).
  await page.waitForFunction(() => window.__state?.analysis?.tokens?.map((t) => t.id).join() ===
    window.__lm.analysis.tokens.map((t) => t.id).join());
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const json = JSON.parse(readFileSync(await download.path(), 'utf8'));
  const ids = tok.encode(TEXT), T = ids.length, { layers: L, heads: H } = trained.config, ref = reference(trained, ids);
  assert.deepEqual(json.model.tokenIds, Array.from(ids));
  assert.equal(json.model.config.layers, L);
  assert.deepEqual(json.model.ablate, []);
  assert.deepEqual([json.model.attention.length, json.model.attention[0].length, json.model.attention[0][0].length,
    json.model.attention[0][0][0].length], [L, H, T, T]);
  json.model.attention.flat(3).forEach((x, k) => close(x, ref.attention[k], `exported attention ${k}`));
  assert.equal(json.attention.length, 1);  // the single block's trace stays as it was
  await page.selectOption('#model', 'teaching');
  await page.waitForFunction(() => document.getElementById('preset').value === 'teaching');
  const [again] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  assert.equal(JSON.parse(readFileSync(await again.path(), 'utf8')).model, undefined);  // no whole model picked
  assert.deepEqual(page.errors, []);
});

test('cost calculator: the loaded model is a preset, its numbers the package\'s attn.cost()', async () => {
  const page = await open();
  const { dModel, heads, headDim, layers, context } = trained.config;
  const c = attn.cost({ dModel, heads, kvHeads: heads, headDim, layers, context, bytesPerElement: 4 });
  await page.click('#preset-loaded');
  await page.waitForFunction((n) => document.querySelector('#calc-out').textContent.includes(n),
    c.paramsTotal.toLocaleString('en'));
  const shown = await page.$$eval('#calc-out tr', (rows) => rows.map((r) => r.cells[1].textContent));
  assert.deepEqual(shown, [c.paramsPerQueryHead, c.paramsPerLayer, c.paramsTotal, c.kvCacheBytesPerToken, c.kvCacheBytes,
    c.flopsProjectionsPerToken, c.flopsAttentionPerToken].map((n) => n.toLocaleString('en')));
  await page.selectOption('#model', 'teaching');
  await page.waitForFunction(() => document.getElementById('preset').value === 'teaching');
  assert.equal(await page.isVisible('#preset-loaded'), false);  // no whole model: no preset for it
  assert.deepEqual(page.errors, []);
});

test('logit lens: one row per depth, equal to the package\'s; the last depth is the final prediction', async () => {
  const page = await open();
  await typeText(page, TEXT);
  const a = await lmAnswer(page), ref = reference(trained, tok.encode(TEXT));
  assert.equal(a.lens.length, trained.config.layers + 1);
  a.lens.forEach((row, d) => assertTop(row, ref.lens[d], `lens depth ${d}`));
  const last = a.lens[a.lens.length - 1];
  last.forEach((t, k) => (assert.equal(t.id, a.top[k].id), close(t.prob, a.top[k].prob, `lens = prediction #${k}`)));
  assert.equal(await page.$$eval('#lens tr', (r) => r.length), trained.config.layers + 1);
  assert.deepEqual(page.errors, []);
});

test('training film: the slider walks the checkpoints; each frame draws every head on the probe', async () => {
  const page = await open();
  const film = trained.film;
  assert.ok(film && film.steps.length > 1, 'the trained model carries a film');
  assert.equal(await page.$$eval('#film-grid .lh', (x) => x.length), trained.config.layers * trained.config.heads);
  // The loss curve's current point: a red line whose column moves right with the step, and the label's training
  // loss, the file's curve value at that step (value k is the loss at step (k + 1)·every).
  const redColumns = () => page.$eval('#loss-curve', (c) => {
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height), cols = [];
    for (let x = 0; x < c.width; x++)
      for (let y = 0; y < c.height; y++) {
        const i = (y * c.width + x) * 4;
        const [r, g, b] = [data[i], data[i + 1], data[i + 2]];  // #c00, maybe blended with white: r ≫ g ≈ b
        if (r > 150 && r - g > 80 && Math.abs(g - b) < 30) { cols.push(x); break; }
      }
    return cols;
  });
  const { every, values } = trained.lossCurve.train;
  let lastColumn = -1;
  for (const index of [1, Math.floor(film.steps.length / 2), film.steps.length - 1]) {
    await page.$eval('#filmStep', (el, v) => ((el.value = String(v)), el.dispatchEvent(new Event('input'))), index);
    assert.deepEqual(await page.evaluate(() => window.__film), { step: film.steps[index], index, probe: 0 });
    const step = film.steps[index], k = Math.min(Math.round(step / every) - 1, values.length - 1);
    const label = await page.textContent('#film-label');
    assert.match(label, new RegExp(`step ${step.toLocaleString('en')}`));
    if (k >= 0) assert.ok(label.includes(`training loss ${values[k].toFixed(3)}`), `${label} (curve: ${values[k]})`);
    const cols = await redColumns(), column = cols.reduce((a, b) => a + b, 0) / cols.length;
    assert.ok(cols.length > 0 && cols.length <= 6 && column > lastColumn, `the marker moves right: ${cols} after ${lastColumn}`);
    lastColumn = column;
  }
  // The first probe's frame, row 1 of head 0: two weights that sum to 1 (within the byte quantisation).
  assert.equal(await page.$eval('#film-grid canvas', (c) => c.width), film.probes[0].ids.length);
  await page.locator('#s-film').screenshot({ path: join(ARTIFACTS, 'model-film-1280.png') });
  assert.deepEqual(page.errors, []);
});

test('training film: the marker of the moment induction appears is the step the head metrics give', async () => {
  const page = await open();
  const { film, headScores: scores } = trained;
  // The induction head by the measured scores, scored on the film's repeated probe [BOS, s, s′] (s′ = s but perhaps its
  // first token) at every checkpoint as head_metrics.hpp defines it; the moment is the first checkpoint from which on
  // it stays above the naming level.
  const k = scores.induction.indexOf(Math.max(...scores.induction));
  const repeats = (ids) => {
    const P = (ids.length - 1) / 2, rows = [];
    for (let i = P + 1; Number.isInteger(P) && i < ids.length; i++) if (ids[i] === ids[i - P]) rows.push(i);
    return rows.length >= P - 1 && P >= 3 ? rows : [];
  };
  const p = film.probes.findIndex(({ ids }) => repeats(ids).length > 0);
  assert.ok(p >= 0, 'the film has a repeated probe');
  const T = film.probes[p].ids.length, P = (T - 1) / 2, tri = (T * (T + 1)) / 2, LH = scores.layers * scores.heads;
  const rows = repeats(film.probes[p].ids);
  const score = (f) => rows.reduce((sum, i) => sum + film.probes[p].frames[(f * LH + k) * tri + (i * (i + 1)) / 2 + i - P + 1] / 255, 0) / rows.length;
  const { NAMED_ABOVE } = await import('../../web/head-labels.js');
  let index = film.steps.length;
  while (index > 0 && score(index - 1) > NAMED_ABOVE.induction) index--;
  assert.ok(index > 0 && index < film.steps.length, `induction appears during training (checkpoint ${index})`);
  assert.equal(await page.$eval('#filmStep', (el) => el.list?.options[0]?.value), String(index), 'the slider\'s tick');
  assert.match(await page.textContent('#film-induction'), new RegExp(`step ${film.steps[index].toLocaleString('en')}: L${Math.floor(k / scores.heads)} H${k % scores.heads}`));
  await page.click('#film-induction button');
  assert.deepEqual(await page.evaluate(() => window.__film), { step: film.steps[index], index, probe: p });
  await page.locator('#s-film').screenshot({ path: join(ARTIFACTS, 'model-film-induction-1280.png') });
  assert.deepEqual(page.errors, []);
});

test('open a GPT-2 file: drag-and-drop of a fixture runs it; a bad file gets a clear message', async () => {
  const page = await open();
  const drop = (name, bytes) => page.evaluate(({ name, bytes }) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], name));
    document.getElementById('text').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, { name, bytes: Array.from(bytes) });
  await page.evaluate(() => (window.__modelReady = false));
  await drop('gpt2-tiny-f16.safetensors', readFileSync(FIXTURE));
  await page.waitForFunction(() => window.__modelReady && window.__lm.info.name === 'gpt2-tiny-f16.safetensors');
  const fixture = await attn.loadModel(FIXTURE);
  assert.match(await page.textContent('#model-config'), /2 layers × 4 heads · d_model 32/);
  assert.match(await page.textContent('#model-config'), /F16/);
  assert.equal(await page.inputValue('#model'), 'file');
  await typeText(page, 'a+b=c');  // ids inside the fixture's 96-token vocabulary
  assertTop((await lmAnswer(page)).top, reference(fixture, tok.encode('a+b=c')).top, 'fixture next token');
  assert.equal(await page.$$eval('#layer-grid .lh', (x) => x.length), 8);
  assert.match(await page.textContent('#film-note'), /no training film/);
  // Not a GPT-2 checkpoint: refused with the reason, and the loaded model stays.
  await drop('notes.safetensors', new TextEncoder().encode('this is not a safetensors file'));
  await page.waitForFunction(() => window.__modelError);
  assert.match(await page.textContent('#model-status'), /notes\.safetensors is not a GPT-2 checkpoint this page can run: /);
  assert.equal(await page.evaluate(() => window.__lm.info.name), 'gpt2-tiny-f16.safetensors');
  fixture.dispose();
  // The failed load was reported on the page, not as a console error.
  assert.deepEqual(page.errors, []);
});

test('phone width: the model sections fit 390 px', async () => {
  const page = await open('', { width: 390, height: 844 });
  await page.click('#tutorial-example');
  await page.waitForFunction((t) => window.__lm?.text === t, TEXT);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow} px wider than the screen`);
  await page.screenshot({ path: join(ARTIFACTS, 'model-390.png'), fullPage: false });
  await page.locator('#s-layers').screenshot({ path: join(ARTIFACTS, 'model-layers-390.png') });
  assert.deepEqual(page.errors, []);
});

test('offline: after one visit the trained model loads from the service worker\'s cache and predicts', async () => {
  const page = await open();
  await page.evaluate(() => navigator.serviceWorker.ready);  // installed: the page, the package and the model are cached
  await page.context().setOffline(true);
  await page.goto(env.url + '#text=' + encodeURIComponent(TEXT));
  await page.reload();
  await page.waitForFunction((t) => window.__modelReady === true && window.__lm?.text === t, TEXT, { timeout: 30000 });
  assertTop((await lmAnswer(page)).top, reference(trained, tok.encode(TEXT)).top, 'offline next token');
  assert.deepEqual(page.errors, []);
});

test('logit lens at an earlier position: the lens of the prefix, as the package gives it', async () => {
  const page = await open();
  await typeText(page, TEXT);
  const ids = tok.encode(TEXT), p = 3;  // after "·creature"
  await page.selectOption('#lens-pos', String(p));
  await page.waitForFunction((p) => window.__lens?.position === p, p);
  const shown = await page.evaluate(() => window.__lens.lens);
  const ref = reference(trained, ids.slice(0, p + 1));
  shown.forEach((row, d) => assertTop(row, ref.lens[d], `lens at ${p}, depth ${d}`));
  assert.equal(await page.getAttribute('#lens', 'data-position'), String(p));
  assert.deepEqual(page.errors, []);
});

test('edge cases: empty text clears the model views and typing brings them back; text past the context is cut there', async () => {
  const page = await open();
  await typeText(page, '');
  assert.equal(await page.$$eval('#layer-grid .lh', (x) => x.length), 0);
  assert.equal(await page.$$eval('#bars .bar-row', (x) => x.length), 0);
  await typeText(page, TEXT);
  assert.equal(await page.$$eval('#layer-grid .lh', (x) => x.length), trained.config.layers * trained.config.heads);
  const long = 'Tom and Anna went to the park. He sings. '.repeat(20);
  await typeText(page, long);
  const a = await lmAnswer(page);
  assert.equal(a.tokens.length, trained.config.context);
  assert.ok(a.truncated);
  assertTop(a.top, reference(trained, tok.encode(long).slice(0, trained.config.context)).top, 'next token at the context\'s end');
  assert.match(await page.textContent('#predict-title'), /first 128 tokens/);
  assert.deepEqual(page.errors, []);
});
