// The demo page in real Chromium, as a person uses it — one test per capability: tokens, the step-by-step head,
// all heads, masks, variants, positions, cost, the teaching model, export and the URL. Numbers on the page are
// compared with the package run in Node; no test may log a console error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../../dist/index.js';
import { demo } from '../../dist/demo.js';
import { matrixGeometry } from '../../web/draw.js';
import { ARTIFACTS, openBrowser } from './browser.mjs';

const env = await openBrowser();
test.after(() => env.close());
const attn = await init();
const tok = await attn.tokenizer('gpt2');

async function open(hash = '', viewport) {
  const page = await env.newPage(viewport);
  await page.goto(`${env.url}#view=lab&${hash.replace(/^#/, '')}`);  // the lab: every section and control
  await page.waitForFunction(() => window.__ready === true && window.__state, null, { timeout: 30000 });
  return page;
}
const analysis = (page) => page.evaluate(() => {
  const a = window.__state.analysis, plain = {};
  for (const [k, v] of Object.entries(a.trace)) plain[k] = ArrayBuffer.isView(v) ? Array.from(v) : v;
  return { ...a, trace: plain };
});
async function typeText(page, text) {
  await page.fill('#text', text);
  await page.waitForFunction((t) => window.__state?.state.text === t, text);
}

test('1: typing tokenizes with GPT-2 BPE; chips show ids and highlight their span', async () => {
  const page = await open();
  const text = 'Unhappiness, 我打他 🐱!';
  await typeText(page, text);
  const expected = tok.encode(text);
  const chips = await page.$$eval('#tokens .chip small', (s) => s.map((x) => Number(x.textContent)));
  assert.deepEqual(chips, Array.from(expected));
  await page.hover('#tokens .chip[data-i="0"]');
  assert.equal(await page.textContent('#text-view mark'), 'Un');
  await page.click('button[data-example="unhappiness"]');
  await page.waitForFunction(() => window.__state?.state.text === 'unhappiness');
  assert.deepEqual(await page.$$eval('#tokens .chip', (c) => c.map((x) => x.firstChild.textContent)), ['un', 'h', 'appiness']);
  assert.deepEqual(page.errors, []);
});

test('2: one head step by step; clicking a score explains it term by term, an output row lists its values', async () => {
  const page = await open();
  const a = await analysis(page);
  const { dims } = a.trace;
  assert.equal(await page.$$eval('#steps .step', (s) => s.length), 11);
  // Click score cell (3, 1) of the Scores matrix: query "creature", key "fluffy".
  const canvas = page.locator('canvas[data-step="rawScores"]');
  const g = await canvas.evaluate((c) => ({ w: c.width, h: c.height, cw: c.getBoundingClientRect().width }));
  const { cell, left, top } = matrixGeometry(4, 4, { rowLabels: [], colLabels: [], maxSize: 320 }), k = g.cw / g.w;
  await canvas.click({ position: { x: (left + 1.5 * cell) * k, y: (top + 3.5 * cell) * k } });
  const raw = a.trace.rawScores[(0 * dims.heads + 0) * 16 + 3 * 4 + 1];
  assert.equal(await page.getAttribute('#explain', 'data-kind'), 'score');
  assert.equal(Number(await page.getAttribute('#explain', 'data-value')), raw);
  assert.match(await page.textContent('#explain'), /query “·creature” · key “·fluffy”/);
  assert.match(await page.textContent('#explain'), /× scale 0\.250/);  // the trace's scale: 1/√16
  const out = page.locator('canvas[data-step="headOut"]');
  const og = await out.evaluate((c) => ({ w: c.width, cw: c.getBoundingClientRect().width }));
  await out.click({ position: { x: (80 + 3) * (og.cw / og.w), y: 3.5 * 18 * (og.cw / og.w) } });
  assert.equal(await page.getAttribute('#explain', 'data-kind'), 'output');
  assert.equal(await page.getAttribute('#explain', 'data-rows'), '4');  // "creature" mixes all four visible values
  // Rows of weights sum to 1 on screen.
  assert.equal(await page.textContent('.row-sums'), 'row sums: 1.000 1.000 1.000 1.000');
  assert.deepEqual(page.errors, []);
});

test('3: all heads side by side; hide, isolate and average them; concat and W_o; numbers equal the package', async () => {
  const page = await open();
  assert.equal(await page.$$eval('#head-grid .head', (h) => h.length), 4);
  const a = await analysis(page);
  // The same forward pass in Node through the package gives the same weights, bit for bit.
  const t = demo(attn).teachingModel();
  const ids = [64, 39145, 4171, 7185], texts = ['a', ' fluffy', ' blue', ' creature'];
  const ref = t.mha.forward(t.embed(ids, texts), { causal: 'top-left', trace: true }).trace;
  assert.deepEqual(a.trace.weights, Array.from(ref.weights));
  assert.deepEqual(a.trace.out, Array.from(ref.out));
  await page.dblclick('#head-grid .head[data-head="1"]');
  await page.waitForFunction(() => document.querySelectorAll('#head-grid .head.hidden-head').length === 3);
  await page.click('#show-all');
  await page.check('#average');
  await page.waitForFunction(() => document.querySelectorAll('#head-grid .head').length === 1);
  assert.match(await page.textContent('#head-grid .head'), /average of 4 heads/);
  assert.equal(await page.$$eval('#concat .step', (s) => s.length), 2);
  // Next-token scores arrive once typing pauses: ten rows whose probabilities come from the package.
  await page.waitForFunction(() => document.querySelectorAll('#next-token tr').length === 11);
  const shown = await page.$$eval('#next-token tr', (rows) => rows.slice(1).map((r) => Number(r.children[2].textContent)));
  const expected = demo(attn).nextTokens({ model: 'teaching', out: ref.out.slice(3 * 48, 4 * 48), k: 10 }).map((n) => n.id);
  assert.deepEqual(shown, expected);
  await page.screenshot({ path: join(ARTIFACTS, 'page-1280.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
});

test('scale: a custom scale is the one the library applies, and the one the page draws and explains', async () => {
  const page = await open('#scale=0.5');
  const a = await analysis(page);
  assert.equal(a.trace.scale, 0.5);
  // The same pass in Node with the same scale: the page shows the package's numbers, not ones it re-derived.
  const t = demo(attn).teachingModel();
  const ids = [64, 39145, 4171, 7185], texts = ['a', ' fluffy', ' blue', ' creature'];
  const ref = t.mha.forward(t.embed(ids, texts), { causal: 'top-left', scale: 0.5, trace: true }).trace;
  assert.deepEqual(a.trace.scaledScores, Array.from(ref.scaledScores));
  assert.deepEqual(a.trace.weights, Array.from(ref.weights));
  const at = 3 * 4 + 1, raw = ref.rawScores[at], scaled = ref.scaledScores[at];  // head 0, query 3, key 1
  assert.notEqual(scaled, raw * 0.25, 'the default 1/√16 would give another number');
  const card = page.locator('.step', { has: page.locator('canvas[data-step="scaledScores"]') });
  assert.match(await card.locator('.formula').textContent(), /× 0\.500/);
  // The drawn Scaled matrix: hovering cell (3, 1) shows the scaled score, and clicking it explains × 0.5.
  const canvas = page.locator('canvas[data-step="scaledScores"]');
  const g = await canvas.evaluate((c) => ({ w: c.width, cw: c.getBoundingClientRect().width }));
  const { cell, left, top } = matrixGeometry(4, 4, { rowLabels: [], colLabels: [], maxSize: 320 });
  const position = { x: (left + 1.5 * cell) * (g.cw / g.w), y: (top + 3.5 * cell) * (g.cw / g.w) };
  await canvas.hover({ position });
  const tip = await page.textContent('#tooltip');
  assert.match(tip, /·creature → ·fluffy: /);
  assert.ok(Math.abs(Number(tip.split(': ')[1]) - scaled) <= 5e-4 + 1e-3 * Math.abs(scaled), `${tip} vs ${scaled}`);
  await canvas.click({ position });
  const explain = await page.textContent('#explain');
  assert.match(explain, /× scale 0\.500 = /);
  const shownScaled = Number(explain.match(/× scale 0\.500 = (\S+)/)[1]);
  assert.ok(Math.abs(shownScaled - scaled) <= 5e-4 + 1e-3 * Math.abs(scaled), `${explain} vs ${scaled}`);
  // Anything but a finite number is refused by the library, with its reason on the page.
  await page.fill('#scale', 'x');
  await page.waitForFunction(() => document.querySelector('#status').classList.contains('error'));
  assert.match(await page.textContent('#status'), /scale/);
  t.mha.dispose();
  assert.deepEqual(page.errors, []);
});

test('4: masks — causal off, bottom-right alignment, sliding window, padding of a second sequence', async () => {
  const page = await open();
  const masked = async () => (await analysis(page)).trace.maskedScores.filter((x) => x === null || x === -Infinity).length;
  assert.equal(await masked(), 4 * 6);  // 4 heads × the 6 cells above the diagonal
  await page.uncheck('#causal');
  await page.waitForFunction(() => window.__state.state.causal === false);
  assert.equal(await masked(), 0);
  await page.check('#causal');
  await page.selectOption('#align', 'bottom-right');  // for self-attention (Lq = Lk) the two alignments agree
  await page.waitForFunction(() => window.__state.state.align === 'bottom-right');
  assert.equal(await masked(), 4 * 6);
  await page.fill('#windowSize', '2');
  await page.waitForFunction(() => window.__state.state.windowSize === 2);
  assert.equal(await masked(), 4 * (6 + 3));  // each token sees only itself and the one before
  await page.fill('#windowSize', '0');
  await page.check('#padding');
  await page.waitForFunction(() => window.__state.analysis.trace.dims.batch === 2);
  const a = await analysis(page);
  assert.deepEqual(Array.from(a.keyPadding), [0, 0, 0, 0, 0, 0, 0, 1]);  // "a blue cat" is 3 tokens, padded to 4
  const L = 4, H = 4, second = a.trace.weights.slice(H * L * L, H * L * L + L * L);
  for (let i = 0; i < L; i++) assert.equal(second[i * L + 3], 0, 'the padded key gets no weight');
  await page.selectOption('#batchRow', '1');
  await page.waitForFunction(() => document.querySelector('#batch-note').textContent.includes('[pad]'));
  assert.match(await page.textContent('#batch-note'), /1 × \[pad\]/);
  assert.deepEqual(page.errors, []);
});

test('FAQ 3: reading the text one token at a time through a KV cache gives the full causal pass\'s numbers', async () => {
  const page = await open('#text=' + encodeURIComponent('a fluffy blue creature sat on the mat'));
  await page.waitForFunction(() => window.__decoded?.steps.length === window.__state.analysis.tokens.length);
  const a = await analysis(page);
  const d = await page.evaluate(() => window.__decoded);
  const L = a.tokens.length, { heads, kvHeads, headDim, valueDim } = a.trace.dims;
  assert.equal(d.steps.length, L);
  d.steps.forEach((s, i) => {
    assert.equal(s.cacheTokens, i + 1);
    assert.equal(s.cacheBytes, (i + 1) * kvHeads * (headDim + valueDim) * 4);
    assert.ok(s.outDiff < 1e-5 && s.weightsDiff < 1e-6, `step ${i}: ${s.outDiff} ${s.weightsDiff}`);
    // The page's own full pass (causal, the default) has the same weights in row i of every head.
    for (let h = 0; h < heads; h++)
      for (let j = 0; j <= i; j++)
        assert.ok(Math.abs(s.weights[h * (i + 1) + j] - a.trace.weights[(h * L + i) * L + j]) < 1e-6, `step ${i} head ${h} key ${j}`);
  });
  assert.equal(await page.$$eval('#decode-steps tr', (r) => r.length), L + 1);
  assert.match(await page.textContent('#decode-verdict'), new RegExp(`^${L} steps, one token each`));
  assert.ok(await page.$('#decode-card button.png'));
  // Choosing another head redraws the map from the same steps.
  const before = await page.$eval('#decode-weights', (c) => c.toDataURL());
  await page.selectOption('#head', '1');
  await page.waitForFunction((b) => document.getElementById('decode-weights').toDataURL() !== b, before);
  assert.deepEqual(page.errors, []);
});

test('5: variants side by side with the cost calculator\'s numbers', async () => {
  const page = await open();
  await page.waitForFunction(() => document.querySelectorAll('#variants .variant').length === 5);
  const cards = await page.$$eval('#variants .variant', (v) => v.map((c) => ({ kind: c.dataset.variant,
    name: c.querySelector('h4').textContent, text: c.textContent })));
  assert.deepEqual(cards.map((c) => c.kind), ['mha', 'gqa', 'mqa', 'window', 'cross']);
  assert.match(cards[1].name, /Grouped-query \(2 kv heads\)/);
  const mqa = attn.cost({ dModel: 64, heads: 4, kvHeads: 1, headDim: 16, layers: 1, context: 4, bytesPerElement: 4 });
  assert.ok(cards[2].text.includes(mqa.paramsPerLayer.toLocaleString('en')));
  assert.ok(cards[2].text.includes(`${mqa.kvCacheBytesPerToken.toLocaleString('en')} B`));
  assert.match(cards[4].name, /Cross-attention/);
  assert.deepEqual(page.errors, []);
});

test('6: positions — without them 我打他 and 他打我 are permutations; with them they are not', async () => {
  const page = await open();
  await page.waitForFunction(() => document.querySelectorAll('#positions .verdict').length === 2);
  assert.match(await page.textContent('[data-positional="none"] .verdict'), /pure permutation/);
  assert.match(await page.textContent('[data-positional="sinusoidal"] .verdict'), /the weights differ/);
  assert.deepEqual(page.errors, []);
});

test('7: cost — measured time against n with the n² curve; the calculator reproduces GPT-3', async () => {
  const page = await open();
  await page.click('#measure');
  await page.waitForFunction(() => window.__timingPoints?.length === 7, null, { timeout: 60000 });
  const points = await page.evaluate(() => window.__timingPoints);
  assert.deepEqual(points.map((p) => p.n), [64, 128, 256, 512, 1024, 2048, 4096]);
  assert.ok(points[6].ms > points[3].ms, 'longer sequences take longer');
  await page.click('button[data-preset="gpt3"]');
  await page.waitForFunction(() => document.querySelector('#calc-out').textContent.includes('57,982,058,496'));
  await page.click('button[data-preset="gqa"]');
  await page.waitForFunction(() => document.querySelector('#calc-out').textContent.includes('327,680'));
  assert.deepEqual(page.errors, []);
});

test('8: the teaching model — "creature" puts most of its noun-head weight on "fluffy" and "blue"', async () => {
  const page = await open();
  const a = await analysis(page);
  const w = a.trace.weights;  // head 0, row 3
  assert.ok(w[3 * 4 + 1] + w[3 * 4 + 2] > 0.9, `${w.slice(12, 16)}`);
  assert.match(await page.textContent('#model-note'), /constructed by hand/);
  await page.selectOption('#preset', 'seeded');
  await page.waitForFunction(() => window.__state.analysis.config.dModel === 64);
  assert.match(await page.textContent('#model-note'), /untrained/);
  assert.deepEqual(page.errors, []);
});

test('9: export JSON in a BertViz layout, and the URL reproduces the view', async () => {
  const page = await open();
  await typeText(page, 'the cat sat on the mat');
  await page.uncheck('#causal');
  await page.waitForFunction(() => window.__state.state.causal === false);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const json = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(json.attention.length, 1);            // layers
  assert.equal(json.attention[0].length, 4);         // heads
  assert.equal(json.attention[0][0].length, 6);      // Lq
  assert.equal(json.attention[0][0][0].length, 6);   // Lk
  assert.deepEqual(json.tokenIds, Array.from(tok.encode('the cat sat on the mat')));
  const before = await analysis(page);
  const url = page.url();
  const again = await env.newPage({ width: 390, height: 800 });
  await again.goto(url);
  await again.waitForFunction(() => window.__ready === true && window.__state, null, { timeout: 30000 });
  assert.equal(await again.inputValue('#text'), 'the cat sat on the mat');
  assert.equal(await again.isChecked('#causal'), false);
  assert.deepEqual((await analysis(again)).trace.weights, before.trace.weights);
  await again.screenshot({ path: join(ARTIFACTS, 'page-390.png'), fullPage: true });
  assert.deepEqual([...page.errors, ...again.errors], []);
});

test('keyboard: Tab to the scores, arrows move, Enter explains; every view has a PNG button', async () => {
  const page = await open();
  await page.focus('canvas[data-step="rawScores"]');
  for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'ArrowRight', 'Enter']) await page.keyboard.press(key);
  assert.match(await page.textContent('#explain'), /score\[3\]\[1\]/);
  assert.ok(await page.$$eval('#steps .step', (cards) => cards.every((c) => c.querySelector('button.png'))));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#head-grid .head button.png')]);
  assert.match(download.suggestedFilename(), /\.png$/);
  assert.deepEqual(page.errors, []);
});

test('offline: after one visit the page reloads without a network and still computes, threaded', async () => {
  const page = await open('#text=' + encodeURIComponent('a fluffy blue creature'));
  await page.evaluate(() => navigator.serviceWorker.ready);  // installed: the page and the package are cached
  await page.context().setOffline(true);
  await page.goto(env.url + '#text=' + encodeURIComponent('offline it still works'));
  await page.reload();
  await page.waitForFunction(() => window.__ready === true && window.__state?.state.text === 'offline it still works',
    null, { timeout: 30000 });
  const a = await analysis(page);
  assert.deepEqual(a.tokens.map((t) => t.id), Array.from(tok.encode('offline it still works')));
  assert.ok(await page.evaluate(() => crossOriginIsolated), 'cached responses keep COOP/COEP');
  assert.match(await page.textContent('#status'), /× 2 threads/);
  assert.deepEqual(page.errors, []);
});
