// The demo page in real Chromium, as a person uses it: it loads, typing redraws the heat map, the numbers on the
// page are the package's numbers, masked cells are drawn as masked, and nothing logs an error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { init } from '../../dist/index.js';
import { ARTIFACTS, openBrowser } from './browser.mjs';

const env = await openBrowser();
test.after(() => env.close());
const attn = await init();

async function loaded(page) {
  await page.goto(env.url);
  await page.waitForFunction(() => window.__ready === true, null, { timeout: 30000 });
}

test('the page loads on wasm SIMD, draws the heat map and shows the library\'s numbers', async () => {
  const page = await env.newPage();
  await loaded(page);
  assert.match(await page.textContent('#status'), /4 tokens · head dim 16 · wasm-simd128/);
  const state = await page.evaluate(() => ({ ...window.__attn, weights: Array.from(window.__attn.weights), x: Array.from(window.__attn.x) }));
  assert.deepEqual(state.tokens, ['a', 'fluffy', 'blue', 'creature']);

  // Same inputs through the package in Node: bit-identical weights (same wasm, same inputs).
  const x = Float32Array.from(state.x), n = 4;
  const { weights } = attn.attention({ q: x, k: x, v: x, qLen: n, headDim: 16, causal: true, returnWeights: true });
  assert.deepEqual(state.weights, Array.from(weights));

  // The table shows them to 3 decimals, masked cells as masked, and each row sums to 1.
  const cells = await page.$$eval('#weights tr', (rows) => rows.slice(1).map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent)));
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < n; j++) {
      if (j > i) assert.equal(cells[i][j], '—');
      else {
        assert.equal(cells[i][j], weights[i * n + j].toFixed(3));
        sum += weights[i * n + j];
      }
    }
    assert.ok(Math.abs(sum - 1) < 1e-6);
  }

  // The canvas has the heat map painted: a masked cell is grey, the first cell (weight 1) is deep blue.
  const px = await page.evaluate(() => {
    const c = document.getElementById('heatmap'), ctx = c.getContext('2d');
    const at = (x, y) => Array.from(ctx.getImageData(x, y, 1, 1).data);
    return { first: at(90 + 14, 90 + 14), masked: at(90 + 3 * 28 + 20, 90 + 20) };
  });
  assert.deepEqual(px.first.slice(0, 3), [30, 80, 180]);
  assert.deepEqual(px.masked.slice(0, 3), [228, 228, 228]);
  await page.screenshot({ path: join(ARTIFACTS, 'page-1280.png') });
  assert.deepEqual(page.errors, []);
});

test('typing redraws; unchecking causal unmasks the upper triangle', async () => {
  const page = await env.newPage();
  await loaded(page);
  await page.fill('#text', '');
  await page.type('#text', 'the cat sat on the mat');
  await page.waitForFunction(() => window.__attn.tokens.length === 6);
  assert.match(await page.textContent('#status'), /^6 tokens/);
  await page.uncheck('#causal');
  await page.waitForFunction(() => window.__attn.causal === false);
  const { weights } = await page.evaluate(() => ({ weights: Array.from(window.__attn.weights) }));
  assert.ok(weights[0 * 6 + 5] > 0, 'token 0 now sees token 5');
  assert.equal(await page.$$eval('#weights td.masked', (x) => x.length), 0);
  await page.fill('#text', '   ');
  await page.waitForFunction(() => window.__attn.tokens.length === 0);
  assert.match(await page.textContent('#status'), /Type some words/);
  await page.screenshot({ path: join(ARTIFACTS, 'page-typed.png') });
  assert.deepEqual(page.errors, []);
});
