// A GPT-2-small-sized file (12 layers × 12 heads, d_model 768, 50,257 tokens, F16 random weights written by
// gpt2-small-file.mjs) opened in the page through the file picker: it loads with a progress bar, a 32-token text shows all 144
// heads, and the load and forward times are reported. Not a check of GPT-2's numbers (page.test and model.test
// compare values); this one is about size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { init } from '../../dist/index.js';
import { ARTIFACTS, openBrowser } from './browser.mjs';
import { gpt2SmallFile } from './gpt2-small-file.mjs';

test('a gpt2-small-sized file opens with progress; a 32-token forward shows all 144 heads', { timeout: 240000 }, async () => {
  const { path, bytes: size } = gpt2SmallFile();
  const env = await openBrowser();
  try {
    const page = await env.newPage();
    await page.goto(env.url + '#view=lab');  // the lab: every section and control
    await page.waitForFunction(() => window.__ready && window.__modelReady, null, { timeout: 60000 });
    await page.evaluate(() => {
      window.__progressValues = [];
      new MutationObserver(() => window.__progressValues.push(Number(document.getElementById('model-progress').value)))
        .observe(document.getElementById('model-progress'), { attributes: true });
      window.__modelReady = false;
    });
    const t0 = Date.now();
    await page.setInputFiles('#model-file', path);
    await page.waitForFunction(() => window.__modelReady || window.__modelError, null, { timeout: 200000 });
    const loadMs = Date.now() - t0;
    assert.equal(await page.evaluate(() => window.__modelError), null);
    assert.match(await page.textContent('#model-config'), /12 layers × 12 heads · d_model 768 · vocabulary 50,257/);
    assert.ok(await page.evaluate(() => new Set(window.__progressValues).size > 2), 'the progress bar moved');
    // Exactly 32 GPT-2 tokens.
    const long = 'The quick brown fox jumps over the lazy dog while a fluffy blue creature watches from the old stone wall near the river, ' +
      'where the children play every afternoon until the sun goes down.';
    const tok = await (await init()).tokenizer('gpt2');
    const text = long.slice(0, tok.encodeWithOffsets(long).tokens[31].end);
    await page.fill('#text', text);
    await page.waitForFunction((t) => window.__lm?.text === t, text, { timeout: 60000 });
    const a = await page.evaluate(() => ({ T: window.__lm.analysis.tokens.length, ms: window.__lm.analysis.ms,
      heads: document.querySelectorAll('#layer-grid .lh canvas').length, drawn: document.querySelector('#layer-grid .lh canvas').width }));
    assert.equal(a.T, 32);
    assert.equal(a.heads, 144);
    assert.equal(a.drawn, a.T);
    console.log(`# gpt2-small-sized F16 file (${(size / 2 ** 20).toFixed(0)} MiB): opened in ${loadMs} ms; ` +
      `${a.T}-token forward with every head's attention in ${a.ms.toFixed(1)} ms`);
    await page.locator('#s-layers').screenshot({ path: join(ARTIFACTS, 'model-gpt2-small-1280.png') });
    assert.deepEqual(page.errors, []);
  } finally {
    await env.close();
  }
});
