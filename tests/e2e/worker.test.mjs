// The worker helper (wasm/worker.js + wasm/worker-client.js) in headless Chromium: every call through the worker
// equals the same call on the main thread, typed arrays arrive as typed arrays, errors as AttentionError with code.
// Models too: loadModel, forward, sessions and generation through the worker equal the main thread's, bit for bit.
// Not the demo's own worker (web/worker.js, tested by the page tests): the package's, driven by fixtures/worker.html.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.mjs';
import { ensureDist } from './fixtures/packed.mjs';
import { readFileSync } from 'node:fs';

const TOL = Object.fromEntries(JSON.parse(readFileSync(new URL('../tolerances.json', import.meta.url), 'utf8')).tolerances.map((t) => [t.name, t]));

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let server, browser, result;
const problems = [];

before(async () => {
  ensureDist();
  const mounts = { '/': fileURLToPath(new URL('./fixtures/', import.meta.url)), '/dist/': fileURLToPath(new URL('../../dist/', import.meta.url)),
    '/data/': fileURLToPath(new URL('../data/', import.meta.url)) };
  let url;
  ({ server, url } = await startServer({ port: 0, mounts }));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  const page = await browser.newPage();
  // The one 404 asked for on purpose: loadModel of a missing file (errors.missing).
  page.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/data/no-such.safetensors') && problems.push(m.text()));
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

test('loadModel through the worker: the same model (config, metadata, scores) from bytes, a Blob and a page-relative URL', () => {
  const m = result.models;
  assert.deepEqual(m.pairs.props.worker, m.pairs.props.main);
  assert.deepEqual(m.pairs.blobAndBufferConfig.worker, m.pairs.blobAndBufferConfig.main);
  assert.equal(m.fixtureKept, true, 'the caller keeps its bytes');
  // onProgress: the same { loaded, total } reports in the same order, the last one complete.
  assert.ok(m.progress.main.length > 1);
  assert.deepEqual(m.progress.worker, m.progress.main);
  const last = m.progress.worker.at(-1);
  assert.equal(last.loaded, last.total);
  const [props, forward] = m.pairs.trained.worker;
  assert.deepEqual(m.pairs.trained.worker, m.pairs.trained.main);
  assert.ok(props.headScores && props.film, 'our trained model carries its head scores and film');
  assert.equal(forward.attention.type, 'Float32Array');
});

test('Model.forward through the worker == main thread, bit for bit, typed arrays arriving as typed arrays', () => {
  const m = result.models;
  for (const name of ['forward', 'forwardHeads']) assert.deepEqual(m.pairs[name].worker, m.pairs[name].main, name);
  const r = m.pairs.forward.worker;
  for (const field of ['logits', 'attention', 'residual', 'logitLens']) assert.equal(r[field].type, 'Float32Array', field);
  assert.ok(m.pairs.forwardHeads.worker.headTrace, 'traceHead answered');
  assert.equal(m.types.logits, 'Float32Array');
  assert.equal(m.types.attention, 'Float32Array');
});

test('Model.session through the worker: pieces, truncate and re-read == main thread; the pieces give the full pass rows', () => {
  const m = result.models;
  assert.deepEqual(m.pairs.session.worker, m.pairs.session.main);
  const [, , position, afterTruncate] = m.pairs.session.worker;
  assert.equal(position, 12);
  assert.equal(afterTruncate, 3);
  // Tolerance: the session's rows are computed from kept keys and values in other sums than one full pass.
  const { rtol, atol } = TOL.gpt2;
  const { session, full } = m.sessionVsFull;
  assert.equal(session.values.length, full.values.length);
  session.values.forEach((x, i) => assert.ok(Math.abs(x - full.values[i]) <= atol + rtol * Math.abs(full.values[i]), `logit ${i}: ${x} vs ${full.values[i]}`));
  assert.deepEqual(m.errors.sessionDisposed.worker, m.errors.sessionDisposed.main);
  assert.equal(m.errors.sessionDisposed.worker.code, 'DISPOSED');
});

test('Model.generate through the worker: the same steps by seed (greedy, sampled with probabilities, stop ids)', () => {
  const m = result.models;
  for (const name of ['greedy', 'sampled', 'stopped']) {
    const { main, worker } = m.pairs[`generate-${name}`];
    assert.ok(main.length > 0, name);
    assert.deepEqual(worker, main, name);
  }
  assert.equal(m.pairs['generate-sampled'].worker[0].probabilities.type, 'Float32Array');
  assert.equal(m.earlyBreak.steps, 2, 'a break ends the generation');
  assert.ok(m.earlyBreak.after > 0, 'the model answers after a break');
});

test('model errors arrive as the same AttentionError; a bad file leaves the worker usable', () => {
  const m = result.models;
  for (const [name, code] of [['generate', 'INVALID_ARGUMENT'], ['ids', 'INVALID_ARGUMENT'], ['option', 'INVALID_ARGUMENT'],
    ['truncated', 'INVALID_DATA'], ['garbage', 'INVALID_DATA'], ['missing', 'NOT_FOUND'], ['disposed', 'DISPOSED']]) {
    const { main, worker } = m.errors[name];
    assert.equal(main?.code, code, name);
    assert.equal(worker.isAttentionError, true, name);
    if (name === 'missing') assert.equal(worker.code, main.code);  // the URL in the message is the same one, resolved
    else assert.deepEqual(worker, main, name);
  }
  // After the bad files, the trained model loaded and ran in the same worker (the 'trained' pair above).
  assert.ok(m.pairs.trained.worker[1].logits.values.length > 0);
});
