// Train live in real Chromium: a short fixed-seed run on the page lowers the loss, reports every head's scores and
// draws them, pauses, resets to the same start, and saves a model the picker opens and the page draws. The page's
// numbers are the package's: the same trainer run in Node with the options the page used gives the same losses,
// scores and file. No test may log a console error. Not the "under a minute" figure (bench/train-live.bench.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init } from '../../dist/index.js';
import en from '../../web/strings/en.js';
import { ARTIFACTS, openBrowser } from './browser.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOL = JSON.parse(readFileSync(join(ROOT, 'tests', 'tolerances.json'), 'utf8')).tolerances.find((t) => t.name === 'gpt2');
const close = (got, ref, what) => assert.ok(Math.abs(got - ref) <= TOL.atol + TOL.rtol * Math.abs(ref), `${what}: ${got} vs ${ref}`);

const env = await openBrowser();
test.after(() => env.close());
const attn = await init();
const STEPS = 200;  // a few seconds of training: the loss has fallen by then, the heads have not formed yet

async function open() {
  const page = await env.newPage();
  await page.goto(env.url + '#view=lab');  // the lab: every section and control
  await page.waitForFunction(() => window.__ready === true, null, { timeout: 30000 });
  await page.locator('#s-train').scrollIntoViewIfNeeded();
  return page;
}
/** Runs the page's trainer from its current step to at least `steps`, then pauses it and waits for the pause. */
async function trainTo(page, steps) {
  await page.click('#train-start');
  await page.waitForFunction((n) => window.__train.step >= n && window.__train.reports.length >= Math.floor(n / 50),
    steps, { timeout: 120000 });
  await page.click('#train-start');  // now the pause button
  await page.waitForFunction(() => window.__train.running === false);
}
const runState = (page) => page.evaluate(() => {
  const r = window.__train;
  return { step: r.step, losses: r.losses, options: r.options, reportOptions: r.reportOptions, task: r.task, config: { ...r.config, spanPool: Array.from(r.config.spanPool) },
    reports: r.reports.map((x) => ({ step: x.step, scores: x.scores })), probe: r.probe, drawn: window.__trainDrawn,
    status: document.getElementById('train-status').textContent, button: document.getElementById('train-start').textContent };
});
/** The share of a canvas's pixels that are not white (a drawn chart or map has some). */
const inked = (page, selector) => page.$eval(selector, (c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let k = 0; k < d.length; k += 4) if (d[k] < 200 || d[k + 1] < 200 || d[k + 2] < 200) n++;
  return n / (c.width * c.height);
});

let shared = null;  // the first test's page, paused at its step, for the tests after it

test('a short fixed-seed run lowers the loss, reports and draws every head\'s scores, and matches the package in Node', async () => {
  const page = await open();
  assert.equal(await page.$eval('#train-task', (s) => s.value), 'induction', 'the induction task is the default');
  await page.fill('#train-seed', '3');
  await trainTo(page, STEPS);
  const s = await runState(page);
  assert.ok(s.step >= STEPS, `step ${s.step}`);
  const first = s.losses[0], last = s.losses.slice(-5).reduce((a, b) => a + b, 0) / 5;
  assert.ok(first > 5 && last < first - 0.5, `loss ${first} -> ${last}`);
  assert.equal(s.options.seed, 3);
  assert.equal(s.config.layers * s.config.heads, 8);
  assert.ok(s.reports.length >= 4, `${s.reports.length} head reports`);
  for (const r of s.reports) {
    for (const m of ['previous_token', 'induction']) {
      assert.equal(r.scores[m].length, 8, m);
      for (const v of r.scores[m]) assert.ok(v >= 0 && v <= 1, `${m} ${v}`);
    }
  }
  // The probe of the induction task: a span of the task's own tokens written twice after <|endoftext|>.
  const P = (s.probe.ids.length - 1) / 2;
  assert.deepEqual(s.probe.ids.slice(1, 1 + P), s.probe.ids.slice(1 + P));
  for (const id of s.probe.ids.slice(1)) assert.ok(s.config.spanPool.includes(id), `probe id ${id} is in the span pool`);
  assert.equal(s.config.spanPool.length, s.options.spanPool);

  // Drawn: the loss and both score charts have ink, every head has its map on the probe, the status names the step.
  for (const id of ['#train-loss', '#train-prev', '#train-second']) assert.ok(await inked(page, id) > 0.005, `${id} drawn`);
  const maps = await page.$$eval('#train-grid canvas', (cs) => cs.map((c) => [c.width, c.height]));
  assert.deepEqual(maps, new Array(8).fill([s.probe.ids.length, s.probe.ids.length]));
  assert.ok(s.status.includes(s.step.toLocaleString('en')), s.status);
  assert.equal(s.drawn.reports, s.reports.length);
  assert.ok(await page.$eval('#train-legend', (e) => e.children.length) === 8);
  // Each head's worth: the probe's loss with it switched off, shown under its map.
  const ablation = await page.evaluate(() => window.__train.latest.ablation);
  assert.ok(ablation.all > 0 && ablation.off.length === 8 && ablation.off.every((v) => v > 0 && Number.isFinite(v)), JSON.stringify(ablation));
  const offTexts = await page.$$eval('#train-grid .lh-worth', (es) => es.map((e) => e.textContent));
  assert.equal(offTexts.length, 8);
  offTexts.forEach((t, k) => assert.ok(t.includes(Math.abs(ablation.off[k] - ablation.all).toFixed(2)), t));
  await page.screenshot({ path: join(ARTIFACTS, 'train-live.png'), fullPage: false });

  // The same trainer in Node, with the options the page used: the same losses chunk by chunk, the same scores.
  const tr = await attn.createTrainer(s.options);
  const chunk = s.losses.length ? s.step / s.losses.length : 5;
  const reportAt = new Map(s.reports.map((r) => [r.step, r.scores]));
  for (let k = 0; k < s.losses.length; k++) {
    const r = tr.step(chunk);
    close(r.loss, s.losses[k], `loss of steps ${r.step - chunk + 1}…${r.step}`);
    const scores = reportAt.get(r.step);
    if (scores) {
      const ref = tr.headScores(s.reportOptions);
      ref.previous_token.forEach((v, i) => close(scores.previous_token[i], v, `step ${r.step} previous-token ${i}`));
      ref.induction.forEach((v, i) => close(scores.induction[i], v, `step ${r.step} induction ${i}`));
    }
  }
  tr.dispose();
  assert.deepEqual(page.errors, []);
  shared = { page, state: s };
});

test('pause holds the step; reset starts the same seed again from step 0', async () => {
  const { page, state } = shared;
  assert.equal(state.button, en.train.resume);
  await page.waitForTimeout(400);
  assert.equal(await page.evaluate(() => window.__train.step), state.step, 'no step while paused');
  await page.click('#train-reset');
  await page.waitForFunction(() => window.__train.step === 0 && window.__train.losses.length === 0 && window.__train.running === false);
  await trainTo(page, 50);
  const again = await runState(page);
  assert.deepEqual(again.losses.slice(0, 10), state.losses.slice(0, 10), 'the same seed trains the same after a reset');
  assert.deepEqual(page.errors, []);
});

test('save: the file downloads, and the picker opens the trained model and the page draws it', async () => {
  const { page } = shared;
  const s = await runState(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#train-save')]);
  const name = download.suggestedFilename();
  assert.match(name, new RegExp(`^live-induction-seed3-step${s.step}\\.safetensors$`));
  const bytes = readFileSync(await download.path());

  // The file is the trainer's: the package in Node trained to the same step saves the same bytes.
  const tr = await attn.createTrainer(s.options);
  tr.step(s.step);
  assert.deepEqual(new Uint8Array(bytes), tr.save(), 'the saved file is the model at the paused step');
  tr.dispose();

  await page.evaluate(() => (window.__modelReady = false));
  await page.click('#train-use');
  await page.waitForFunction((n) => window.__modelReady === true && window.__lm?.info?.name === n, name, { timeout: 60000 });
  assert.equal(await page.$eval('#model', (s) => s.value), 'file');
  const text = 'A fluffy blue creature purrs.';
  await page.fill('#text', text);
  await page.waitForFunction((t) => window.__lm?.text === t && window.__lm.analysis?.attention, text);
  const a = await page.evaluate(() => ({ layers: window.__lm.analysis.layers, heads: window.__lm.analysis.heads,
    attention: Array.from(window.__lm.analysis.attention), tokens: window.__lm.analysis.tokens.map((t) => t.id) }));
  assert.equal(a.layers, 2);
  assert.equal(a.heads, 4);
  const model = await attn.loadModel(new Uint8Array(bytes));
  const ref = model.forward(a.tokens, { attention: true, logits: 'none' }).attention;
  ref.forEach((v, k) => close(a.attention[k], v, `attention ${k}`));
  model.dispose();
  assert.equal(await page.$$eval('#layer-grid canvas', (cs) => cs.length), 8, 'the layer grid draws the trained model\'s heads');
  assert.deepEqual(page.errors, []);
});

test('a head unticked before training is switched off in training itself: the page matches the package in Node', async () => {
  const { page, state } = shared;
  await page.click('#train-reset');
  await page.waitForFunction(() => window.__train.step === 0 && window.__train.losses.length === 0 && window.__train.running === false);
  const k = 4;  // layer 1, head 0
  await page.locator('#train-grid .lh input[type=checkbox]').nth(k).uncheck();
  await trainTo(page, 50);
  const s = await runState(page);
  const on = await page.evaluate(() => window.__train.headOn);
  assert.deepEqual(on, Array.from({ length: 8 }, (_, i) => i !== k));
  assert.notDeepEqual(s.losses.slice(0, 10), state.losses.slice(0, 10), 'the switched-off head changes training from step 1');
  const cell = page.locator('#train-grid .lh').nth(k);
  assert.equal(await cell.locator('.lh-worth').textContent(), en.train.offWhileTraining);
  assert.ok(await cell.evaluate((e) => e.classList.contains('off')));
  const ablation = await page.evaluate(() => window.__train.latest.ablation);
  close(ablation.off[k], ablation.all, 'switching off a head already off changes nothing');

  // The package in Node with the same mask gives the same losses, chunk by chunk.
  const tr = await attn.createTrainer(s.options);
  tr.setHeadMask(on);
  const chunk = s.step / s.losses.length;
  for (let i = 0; i < s.losses.length; i++) close(tr.step(chunk).loss, s.losses[i], `masked loss of chunk ${i}`);
  tr.dispose();
  assert.deepEqual(page.errors, []);
});
