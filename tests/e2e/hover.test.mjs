// Hovering a matrix shows the exact value drawn there, for the maps that had no value on hover: every head's map,
// concat, the variants, the KV-cache map and the whole model's layer × head grid. Each value is compared with the
// trace or the package in Node. Not the step-by-step maps (page.test.mjs) or the enlarged head (model.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headAverage, init } from '../../dist/index.js';
import { demo } from '../../dist/demo.js';
import { matrixGeometry } from '../../web/draw.js';
import { openBrowser } from './browser.mjs';

const env = await openBrowser();
test.after(() => env.close());
const attn = await init();
const tok = await attn.tokenizer('gpt2');
const TEXT = 'a fluffy blue creature';

async function open(hash = '') {
  const page = await env.newPage();
  await page.goto(`${env.url}#view=lab&${hash.replace(/^#/, '')}`);  // the lab: every section and control
  await page.waitForFunction(() => window.__ready === true && window.__state && window.__modelReady === true && window.__lm, null, { timeout: 60000 });
  return page;
}
/** Hovers cell (i, j) of a canvas laid out by `g` (its drawing pixels); returns the tooltip's number. */
async function hoverValue(page, canvas, g, i, j) {
  const box = await canvas.evaluate((c) => ({ w: c.width, cw: c.getBoundingClientRect().width }));
  await canvas.scrollIntoViewIfNeeded();
  await canvas.hover({ position: { x: (g.left + (j + 0.5) * g.cell) * (box.cw / box.w), y: (g.top + (i + 0.5) * g.cell) * (box.cw / box.w) } });
  const tip = await page.textContent('#tooltip');
  return { tip, value: Number(tip.split(/[:：]\s*(?:weight |权重 )?/).at(-1)) };
}
const near = (got, ref, what) => assert.ok(Math.abs(got - ref) <= 5e-4 + 1e-3 * Math.abs(ref), `${what}: ${got} vs ${ref}`);

test('heads, concat, variants and the KV-cache map show the trace\'s value under the mouse', async () => {
  const page = await open('#text=' + encodeURIComponent(TEXT));
  await page.waitForFunction(() => document.querySelectorAll('#variants .variant').length === 5 && window.__decoded?.steps.length === 4);
  const a = await page.evaluate(() => ({ weights: Array.from(window.__state.analysis.trace.weights), headsOut: Array.from(window.__state.analysis.trace.headsOut) }));
  const L = 4;
  // Head 1's map: the cell (3, 1) is "creature" → "fluffy".
  const heat = page.locator('#head-grid .head[data-head="1"] canvas').first();
  const h1 = await hoverValue(page, heat, matrixGeometry(L, L, { kind: 'weight', maxSize: 200 }), 3, 1);
  assert.match(h1.tip, /^·creature → ·fluffy: /);
  near(h1.value, a.weights[(1 * L + 3) * L + 1], 'head 1 weight');
  // Concat: row 2, column 5 of [L, h·d_v].
  const labels = ['a', '·fluffy', '·blue', '·creature'];
  const concat = page.locator('#concat .step canvas').first(), HDv = a.headsOut.length / L;
  const c = await hoverValue(page, concat, matrixGeometry(L, HDv, { rowLabels: labels, maxSize: 420 }), 2, 5);
  near(c.value, a.headsOut[2 * HDv + 5], 'concat');
  // The multi-head variant: the head average of a seeded model, recomputed here with the package.
  const mha = new attn.MultiHeadAttention({ dModel: 64, heads: 4, kvHeads: 4, positional: 'sinusoidal', seed: 1 });
  const x = demo(attn).seededEmbeddings(Array.from(tok.encode(TEXT)), 64, 1);
  const mean = headAverage(mha.forward(x, { causal: 'top-left', trace: true }).trace);
  const v = await hoverValue(page, page.locator('#variants .variant[data-variant="mha"] canvas'), matrixGeometry(L, L, { kind: 'weight', maxSize: 230 }), 2, 1);
  near(v.value, mean[2 * L + 1], 'multi-head variant');
  mha.dispose();
  // The KV-cache map: step 2's weight on key 1, for head 0.
  const d = await page.evaluate(() => window.__decoded.steps[2].weights[1]);
  const k = await hoverValue(page, page.locator('#decode-weights'), matrixGeometry(L, L, { rowLabels: labels, colLabels: labels, maxSize: 360 }), 2, 1);
  near(k.value, d, 'kv-cache step 2');
  assert.deepEqual(page.errors, []);
});

test('the whole model\'s small maps (layer × head grid) show the weight under the mouse', async () => {
  const page = await open('#text=' + encodeURIComponent(TEXT));
  await page.waitForFunction((t) => window.__lm?.text === t, TEXT);
  const { attention, H } = await page.evaluate(() => ({ attention: Array.from(window.__lm.analysis.attention), H: window.__lm.info.config.heads }));
  const T = 4, canvas = page.locator('#layer-grid .lh[data-layer="1"][data-head="2"] canvas');
  await canvas.scrollIntoViewIfNeeded();
  const box = await canvas.boundingBox();
  await canvas.hover({ position: { x: (1.5 / T) * box.width, y: (3.5 / T) * box.height } });
  const tip = await page.textContent('#tooltip');
  assert.match(tip, /^·creature → ·fluffy: weight /);
  near(Number(tip.split('weight ')[1]), attention[((1 * H + 2) * T + 3) * T + 1], 'L1 H2 weight');
  await canvas.hover({ position: { x: (3.5 / T) * box.width, y: (0.5 / T) * box.height } });
  assert.match(await page.textContent('#tooltip'), /masked/);
  assert.deepEqual(page.errors, []);
});
