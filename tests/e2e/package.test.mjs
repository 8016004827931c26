// examples/browser from the INSTALLED package in headless Chromium: packed, installed into a scratch project,
// served from that project's root; the page must show exactly what the Node example prints, with no console errors.
// Not the demo page (page.test.mjs) and not the package's file list (tests/node/package.test.mjs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
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
