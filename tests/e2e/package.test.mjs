// examples/browser from the INSTALLED package in headless Chromium: packed, installed into a scratch project,
// served from that project's root; the page must show exactly what the Node example prints, with no console errors.
// Then the same package through a bundler (esbuild, for browsers), as an app would ship it.
// Not the demo page (page.test.mjs) and not the package's file list (tests/node/package.test.mjs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { startServer } from '../../tools/serve.mjs';
import { ROOT, packAndInstall, run } from './fixtures/packed.mjs';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let packed, server, url, browser;
before(async () => {
  packed = packAndInstall();
  // A user's project: the example page at its root, next to node_modules/.
  copyFileSync(join(ROOT, 'examples/browser/index.html'), join(packed.project, 'index.html'));
  copyFileSync(join(ROOT, 'examples/node/index.mjs'), join(packed.project, 'example.mjs'));
  ({ server, url } = await startServer({ port: 0, mounts: { '/': packed.project } }));
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
});

after(async () => {
  await browser?.close();
  server?.close();
  packed?.cleanup();
});

async function openExample(query = '') {
  const page = await browser.newPage();
  const problems = [], requests = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${url}index.html${query}`);
  await page.waitForFunction(() => document.documentElement.dataset.state, null, { timeout: 30_000 });
  const state = await page.evaluate(() => document.documentElement.dataset.state);
  const shown = await page.locator('#output').textContent();
  await page.close();
  return { state, shown, problems, requests };
}

test('examples/browser shows what the Node example prints, from the installed package, without errors', async () => {
  const { state, shown, problems, requests } = await openExample();
  assert.equal(state, 'done', shown);
  assert.deepEqual(problems, []);
  const nodeOutput = run(process.execPath, ['example.mjs'], { cwd: packed.project });
  assert.equal(shown, nodeOutput.trimEnd());
  assert.match(shown, /^head 3: /m);
  // Everything came from the installed package, on this origin.
  // The page is served cross-origin isolated, so init() picks the threaded build in dist/mt/.
  for (const file of ['index.js', 'mt/attn_mt.mjs', 'mt/attn_mt.wasm', 'mt/attn_mt.worker.js', 'gpt2-bpe.bin'])
    assert.ok(requests.includes(`${url}node_modules/attention-wasm/dist/${file}`), `${file} requested: ${requests.join(' ')}`);
  assert.deepEqual(requests.filter((r) => !r.startsWith(url) && !r.startsWith('data:')), []);
});

test('the example page with another sentence matches the Node example with the same argument', async () => {
  const sentence = 'Ünïcödé text: 注意力 🙂 works too.';
  const { state, shown, problems } = await openExample(`?text=${encodeURIComponent(sentence)}`);
  assert.equal(state, 'done', shown);
  assert.deepEqual(problems, []);
  assert.equal(shown, run(process.execPath, ['example.mjs', sentence], { cwd: packed.project }).trimEnd());
});

test('a browser bundle of the installed package (esbuild) builds without errors and runs, threaded, in Chromium', async () => {
  // An app's entry: it imports the package by name; the bundle goes to app/, the wasm files are copied next to it
  // (as the README says), and the page loads nothing from node_modules.
  const app = join(packed.project, 'app');
  mkdirSync(join(app, 'mt'), { recursive: true });
  writeFileSync(join(packed.project, 'entry.js'), `import { init } from 'attention-wasm';
const attn = await init();
const q = Float32Array.from({ length: 2 * 4 * 8 }, (_, i) => Math.sin(i));
const { out } = attn.attention({ q, k: q, v: q, qLen: 4, heads: 2, headDim: 8, causal: true });
const tok = await attn.tokenizer('gpt2');
document.documentElement.dataset.result = JSON.stringify({ threads: attn.threads, out: Array.from(out.slice(0, 4)),
  ids: Array.from(tok.encode('a fluffy blue creature')) });
`);
  const result = await build({ absWorkingDir: packed.project, entryPoints: ['entry.js'], bundle: true, format: 'esm',
    platform: 'browser', target: 'es2022', outfile: join(app, 'app.js'), logLevel: 'silent' });
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings.map((w) => w.text), []);
  const dist = join(packed.project, 'node_modules/attention-wasm/dist');
  for (const f of ['attn.wasm', 'gpt2-bpe.bin']) copyFileSync(join(dist, f), join(app, f));
  cpSync(join(dist, 'mt'), join(app, 'mt'), { recursive: true });
  writeFileSync(join(app, 'index.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="app.js"></script>');

  const page = await browser.newPage();
  const problems = [], requests = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  await page.goto(`${url}app/index.html`);
  await page.waitForFunction(() => document.documentElement.dataset.result, null, { timeout: 30_000 });
  const got = JSON.parse(await page.evaluate(() => document.documentElement.dataset.result));
  await page.close();
  assert.deepEqual(problems, []);
  assert.ok(got.threads > 1, `the served page is cross-origin isolated, so the threaded build loads (threads ${got.threads})`);
  assert.ok(requests.includes(`${url}app/mt/attn_mt.wasm`), requests.join(' '));
  assert.deepEqual(requests.filter((r) => r.includes('node_modules')), []);
  // The same numbers as the package in Node.
  const { init } = await import(join(dist, 'index.js'));
  const attn = await init();
  const q = Float32Array.from({ length: 2 * 4 * 8 }, (_, i) => Math.sin(i));
  const { out } = attn.attention({ q, k: q, v: q, qLen: 4, heads: 2, headDim: 8, causal: true });
  const tok = await attn.tokenizer('gpt2');
  assert.deepEqual(got, { threads: got.threads, out: Array.from(out.slice(0, 4)), ids: Array.from(tok.encode('a fluffy blue creature')) });
});
