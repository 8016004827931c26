// The worker helper (wasm/worker.js + wasm/worker-client.js) in headless Chromium: every call through the worker
// equals the same call on the main thread, typed arrays arrive as typed arrays, errors as AttentionError with code.
// Not the demo's own worker (web/worker.js): this is the package's generic one, driven by tests/e2e/fixtures/worker.html.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.mjs';
import { ensureDist } from './fixtures/packed.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server, browser, result;
const problems = [];

before(async () => {
  ensureDist();
  const mounts = { '/': fileURLToPath(new URL('./fixtures/', import.meta.url)), '/dist/': fileURLToPath(new URL('../../dist/', import.meta.url)) };
  let url;
  ({ server, url } = await startServer({ port: 0, mounts }));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  const page = await browser.newPage();
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`${url}worker.html`);
  await page.waitForFunction(() => window.__result !== undefined, null, { timeout: 30_000 });
  result = await page.evaluate(() => window.__result);
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('the page ran without errors', () => {
  assert.equal(result.failed, undefined, result.failed);
  assert.deepEqual(problems, []);
  assert.equal(result.info.backend, 'wasm-simd128');
  // ready() reports the worker's threads, and why when it has only one (the test server sends COOP/COEP).
  assert.ok(result.info.threads >= 1, `threads ${result.info.threads}`);
  assert.equal(result.info.threadsReason === '', result.info.threads > 1, result.info.threadsReason);
});

test('attention(), cost(), MultiHeadAttention forward + trace, weights(), decoder, kvCache: worker == main thread', () => {
  for (const name of ['attention', 'cost', 'forward', 'weights', 'decoder', 'decoderLength', 'kvCache'])
    assert.deepEqual(result.pairs[name].worker, result.pairs[name].main, name);
  assert.deepEqual(result.config.worker, result.config.main);
  const { trace } = result.pairs.forward.worker;
  for (const field of ['xIn', 'positions', 'x', 'q', 'k', 'v', 'rawScores', 'scaledScores', 'maskedScores', 'weights', 'lse', 'headsOut', 'out'])
    assert.equal(trace[field].type, 'Float32Array', field);
  assert.equal(result.pairs.attention.worker.weights.values.length, 2 * 2 * 5 * 5);
  assert.equal(result.inputsKept, true, 'inputs are copied to the worker, not transferred away');
});

test('tokenizer through the worker == main thread', (t) => {
  if (!result.pairs.tokenizer) return t.skip('this build has no tokenizer');
  assert.deepEqual(result.pairs.tokenizer.worker, result.pairs.tokenizer.main);
  assert.equal(result.pairs.tokenizer.worker[1].type, 'Uint32Array');
  for (const kind of ['tokenName', 'tokenId']) assert.deepEqual(result.errors[kind].worker, result.errors[kind].main, kind);
});

test('errors arrive as AttentionError with the same code and message', () => {
  for (const [kind, code] of [['shape', 'INVALID_ARGUMENT'], ['config', 'INVALID_ARGUMENT'], ['disposed', 'DISPOSED']]) {
    const { main, worker } = result.errors[kind];
    assert.equal(main.code, code, kind);
    assert.deepEqual(worker, main, kind);
    assert.equal(worker.isAttentionError, true, kind);
  }
  assert.match(result.errors.shape.worker.message, /^q: expected/);
  assert.equal(result.errors.uncloneable.code, 'INVALID_ARGUMENT');
  assert.equal(result.errors.terminated.pending.code, 'DISPOSED');
  assert.equal(result.errors.terminated.later.code, 'DISPOSED');
});
