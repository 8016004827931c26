// A GPT-2-small-sized file (12 layers × 12 heads, d_model 768, 50,257 tokens, F16 random weights written by this
// test) opened in the page through the file picker: it loads with a progress bar, a 32-token text shows all 144
// heads, and the load and forward times are reported. Not a check of GPT-2's numbers (page.test and model.test
// compare values); this one is about size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { init } from '../../dist/index.js';
import { numberToF16 } from '../reference/safetensors.mjs';
import { ARTIFACTS, openBrowser } from './browser.mjs';

const C = 768, L = 12, V = 50257, P = 1024, F = 4 * C;

/** Writes the file tensor by tensor (it is ~250 MB: never held whole in memory); returns its path. */
function writeGpt2Small(path) {
  const tensors = [['wte.weight', [V, C], 'matrix'], ['wpe.weight', [P, C], 'matrix']];
  for (let l = 0; l < L; l++) {
    const h = `h.${l}.`;
    tensors.push([h + 'ln_1.weight', [C], 'one'], [h + 'ln_1.bias', [C], 'zero'], [h + 'attn.c_attn.weight', [C, 3 * C], 'matrix'],
      [h + 'attn.c_attn.bias', [3 * C], 'zero'], [h + 'attn.c_proj.weight', [C, C], 'matrix'], [h + 'attn.c_proj.bias', [C], 'zero'],
      [h + 'ln_2.weight', [C], 'one'], [h + 'ln_2.bias', [C], 'zero'], [h + 'mlp.c_fc.weight', [C, F], 'matrix'],
      [h + 'mlp.c_fc.bias', [F], 'zero'], [h + 'mlp.c_proj.weight', [F, C], 'matrix'], [h + 'mlp.c_proj.bias', [C], 'zero']);
  }
  tensors.push(['ln_f.weight', [C], 'one'], ['ln_f.bias', [C], 'zero']);
  tensors.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const header = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, shape] of tensors) {
    const bytes = 2 * shape.reduce((a, b) => a * b, 1);
    header[name] = { dtype: 'F16', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const fd = openSync(path, 'w');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeSync(fd, length);
  writeSync(fd, json);
  // Random weights k/4096, |k| ≤ 96 (exact in F16), from a seeded xorshift32.
  const table = Array.from({ length: 193 }, (_, k) => numberToF16((k - 96) / 4096));
  const one = numberToF16(1);
  let s = 12345;
  for (const [, shape, kind] of tensors) {
    const n = shape.reduce((a, b) => a * b, 1), out = new Uint16Array(n);
    if (kind === 'one') out.fill(one);
    else if (kind === 'matrix') {
      for (let i = 0; i < n; i++) {
        s ^= s << 13, s ^= s >>> 17, s ^= s << 5;
        out[i] = table[(s >>> 0) % 193];
      }
    }
    writeSync(fd, new Uint8Array(out.buffer));
  }
  closeSync(fd);
  return { path, bytes: 8 + json.length + offset };
}

test('a gpt2-small-sized file opens with progress; a 32-token forward shows all 144 heads', { timeout: 240000 }, async () => {
  const path = join(ARTIFACTS, 'gpt2-small-random-f16.safetensors');
  let size = existsSync(path) ? statSync(path).size : 0;
  if (size < 200e6) size = writeGpt2Small(path).bytes;
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
