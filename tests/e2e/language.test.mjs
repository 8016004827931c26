// The page in both languages in real Chromium: the default follows the browser's language, the switch rewrites every
// string and keeps the choice in the link, Chinese renders as glyphs, characters split into byte pieces are bracketed
// and read on their last piece (numbers checked against the package in Node), the § buttons open the shipped
// tutorial; screenshots at 1280 and 390 px in both languages are kept in build-e2e/. Not the numbers of every section
// (page.test.mjs, model.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { init } from '../../dist/index.js';
import { demo } from '../../dist/demo.js';
import en from '../../web/strings/en.js';
import zh from '../../web/strings/zh.js';
import { TUTORIAL_TEXT_ZH, TUTORIAL_WORDS } from '../../web/examples.js';
import { ARTIFACTS, openBrowser } from './browser.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const env = await openBrowser();
test.after(() => env.close());
const attn = await init();
const tok = await attn.tokenizer('gpt2');
const trained = await attn.loadModel(join(ROOT, 'web', 'models', 'tiny-tutor.safetensors'));
const STRINGS = { en, zh };
const at = (table, path) => path.split('.').reduce((v, k) => v[k], table);

async function open(hash = '', { viewport, locale = 'en-US' } = {}) {
  const page = await env.newPage(viewport, { locale });
  await page.goto(env.url + hash);
  await page.waitForFunction(() => window.__ready === true && window.__state && window.__modelReady === true && window.__lm,
    null, { timeout: 60000 });
  return page;
}
const hashLang = (page) => new URLSearchParams(new URL(page.url()).hash.slice(1)).get('lang');

/** Every static string on the page equals the language file's. */
async function assertStatic(page, lang) {
  const shown = await page.$$eval('[data-s]', (els) => els.map((e) => [e.dataset.s, e.textContent]));
  assert.ok(shown.length > 80, `${shown.length} strings`);
  for (const [path, text] of shown) assert.equal(text, at(STRINGS[lang], path), `${lang} ${path}`);
  const labels = await page.$$eval('[data-s-aria-label]', (els) => els.map((e) => [e.dataset.sAriaLabel, e.getAttribute('aria-label')]));
  for (const [path, text] of labels) assert.equal(text, at(STRINGS[lang], path), `${lang} aria-label ${path}`);
  assert.equal(await page.title(), STRINGS[lang].page.title);
  assert.equal(await page.getAttribute('html', 'lang'), lang === 'zh' ? 'zh-CN' : 'en');
}

test('the default language is the browser\'s: Chinese for zh-CN, English for en-US; the link can override it', async () => {
  const zhPage = await open('', { locale: 'zh-CN' });
  assert.equal(await zhPage.inputValue('#lang'), 'zh');
  await assertStatic(zhPage, 'zh');
  assert.equal(hashLang(zhPage), 'zh');
  const enPage = await open('', { locale: 'en-US' });
  assert.equal(await enPage.inputValue('#lang'), 'en');
  await assertStatic(enPage, 'en');
  const linked = await open('#lang=zh', { locale: 'en-US' });
  assert.equal(await linked.inputValue('#lang'), 'zh');
  assert.deepEqual([...zhPage.errors, ...enPage.errors, ...linked.errors], []);
});

test('switching the language rewrites every view and round-trips through the URL', async () => {
  const page = await open('#text=' + encodeURIComponent('a fluffy blue creature'));
  await page.selectOption('#lang', 'zh');
  await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
  await assertStatic(page, 'zh');
  // The views drawn from answers already there are redrawn in Chinese too.
  await page.waitForFunction(() => document.querySelectorAll('#variants .variant').length === 5 && document.querySelector('#decode-verdict').textContent);
  await page.selectOption('#lang', 'en');
  await page.selectOption('#lang', 'zh');
  const texts = await page.evaluate(() => ({
    status: document.getElementById('status').textContent, scores: document.querySelector('canvas[data-step="rawScores"]').closest('.step').querySelector('h4').textContent,
    variant: document.querySelector('#variants .variant[data-variant="gqa"] h4').textContent, decode: document.getElementById('decode-verdict').textContent,
    config: document.getElementById('model-config').textContent, picker: document.querySelector('#model option[value="trained"]').textContent,
    rowSums: document.querySelector('.row-sums').textContent, head: document.querySelector('#head option').textContent,
    off: document.querySelector('#layer-grid .lh-off').textContent.trim(),
    headLabels: [...document.querySelectorAll('#layer-grid .lh-label')].map((x) => x.textContent).join(' '),
  }));
  assert.match(texts.status, /个 Token · 第 3–9 节的 Attention 模块：4 个头/);
  assert.equal(texts.scores, zh.steps.scores);
  assert.equal(texts.variant, zh.variants.names.gqa(2));
  assert.match(texts.decode, /^4 步，每步一个 Token/);
  assert.match(texts.config, new RegExp(`^${trained.config.layers} 层 × ${trained.config.heads} 个头`));
  assert.equal(texts.picker, zh.pick.names.trained);
  assert.equal(texts.rowSums, zh.steps.rowSums('1.000 1.000 1.000 1.000'));
  assert.equal(texts.head, `0: ${zh.block.teachingHeads['noun → adjective']}`);
  assert.equal(texts.off, zh.layers.off);
  assert.ok(texts.headLabels.includes(zh.layers.metricNames.induction), texts.headLabels);
  assert.ok(!texts.headLabels.includes(en.layers.metricNames.previous_token), texts.headLabels);
  // The link keeps the language: opened in an English browser, it shows Chinese; switching back writes lang=en.
  assert.equal(hashLang(page), 'zh');
  const again = await open(new URL(page.url()).hash, { locale: 'en-US', viewport: { width: 390, height: 844 } });
  assert.equal(await again.inputValue('#lang'), 'zh');
  assert.equal(await again.inputValue('#text'), 'a fluffy blue creature');
  await assertStatic(again, 'zh');
  await again.selectOption('#lang', 'en');
  await again.waitForFunction(() => new URLSearchParams(location.hash.slice(1)).get('lang') === 'en');
  await assertStatic(again, 'en');
  assert.deepEqual([...page.errors, ...again.errors], []);
});

test('Chinese is drawn with real glyphs, not boxes (a CJK font is installed for Chromium)', async () => {
  const page = await open('#lang=zh');
  const same = await page.evaluate(() => {
    const draw = (text) => {
      const c = new OffscreenCanvas(120, 40), ctx = c.getContext('2d');
      ctx.font = '28px sans-serif';
      ctx.fillText(text, 4, 30);
      return Array.from(ctx.getImageData(0, 0, 120, 40).data).join(',');
    };
    // Private-use characters have no glyph: without a CJK font, 我打他 draws the same missing-glyph boxes.
    return draw('我打他') === draw('\uE000\uE001\uE002');
  });
  assert.equal(same, false, 'Chinese draws as missing-glyph boxes: install a CJK font (tools/setup.sh)');
  assert.deepEqual(page.errors, []);
});

test('a Chinese character\'s byte pieces are bracketed with the character; the teaching model reads it on its last piece', async () => {
  const page = await open('#lang=zh&text=' + encodeURIComponent('我打他'));
  const ids = Array.from(tok.encode('我打他'));
  const groups = await page.$$eval('#tokens .char-group', (gs) => gs.map((g) => ({
    char: g.querySelector('.char-label').textContent, chips: [...g.querySelectorAll('.chip')].map((c) => [c.firstChild.textContent, Number(c.lastChild.textContent)]) })));
  const hex = (id) => Array.from(tok.tokenBytes(id), (b) => b.toString(16).padStart(2, '0')).join('\u202f');
  assert.deepEqual(groups, ['我', '打', '他'].map((char, k) => ({ char, chips: [[`⟨${hex(ids[2 * k])}⟩`, ids[2 * k]], [char, ids[2 * k + 1]]] })));
  // The block's weights are the teaching model's with each character's text on its last piece (他 is a pronoun there).
  const a = await page.evaluate(() => Array.from(window.__state.analysis.trace.weights));
  const t = demo(attn).teachingModel();
  const ref = t.mha.forward(t.embed(ids, ['', '我', '', '打', '', '他']), { causal: 'top-left', trace: true }).trace;
  assert.deepEqual(a, Array.from(ref.weights));
  t.mha.dispose();
  // Hovering a piece marks its character in the text.
  await page.hover('#tokens .chip[data-i="4"]');
  assert.equal(await page.textContent('#text-view mark'), '他');
  assert.deepEqual(page.errors, []);
});

test('the Chinese tutorial example: the noun row is its last piece, an adjective\'s share the sum over its pieces', async () => {
  const page = await open('#lang=zh');
  await page.click('#tutorial-example-zh');
  await page.waitForFunction((t) => window.__lm?.text === t && document.getElementById('tutorial-note').textContent, TUTORIAL_TEXT_ZH);
  const note = await page.textContent('#tutorial-note');
  const lift = trained.headScores.noun_adjective_zh.lift, best = lift.indexOf(Math.max(...lift)), H = trained.config.heads;
  const [l, h] = [Math.floor(best / H), best % H];
  assert.match(note, new RegExp(`第 ${l} 层第 ${h} 个头`));
  // The same shares from the package in Node: the word's tokens by their bytes, the row of the noun's last piece.
  const e = tok.encodeWithOffsets(TUTORIAL_TEXT_ZH), T = e.ids.length, bytes = new TextEncoder();
  const wordTokens = (w) => {
    const start = bytes.encode(TUTORIAL_TEXT_ZH.slice(0, TUTORIAL_TEXT_ZH.indexOf(w))).length, end = start + bytes.encode(w).length;
    return e.tokens.flatMap((t, i) => (t.byteStart < end && t.byteEnd > start ? [i] : []));
  };
  const { attention } = trained.forward(e.ids, { attention: true, logits: 'none' });
  const q = wordTokens(TUTORIAL_WORDS.zh.noun).at(-1), row = ((l * H + h) * T + q) * T;
  for (const w of TUTORIAL_WORDS.zh.adjectives) {
    const keys = wordTokens(w), share = keys.reduce((s, j) => s + attention[row + j], 0);
    const shown = Number(note.match(new RegExp(`把 (\\S+) 的权重放在 “${w}” 上（它的 ${keys.length} 块）`))[1]);
    assert.ok(Math.abs(shown - share) <= 5e-4 + 1e-3 * share, `${w}: shown ${shown}, package ${share}`);
  }
  assert.equal(await page.getAttribute('#head-detail-map', 'data-layer'), String(l));
  assert.deepEqual(page.errors, []);
});

test('the § buttons open the tutorial, shipped with the page, at the section they name', async () => {
  const page = await open('#lang=zh');
  await page.click('#h-step button[data-tutorial="2.2"]');
  await page.waitForFunction(() => document.getElementById('tutorial-panel').dataset.section === '2.2');
  assert.ok(await page.evaluate(() => document.getElementById('tutorial-panel').open));
  assert.match(await page.textContent('#t-2\\.2'), /Q、K、V/);
  const headings = await page.$$eval('#tutorial-body [id^="t-"]', (h) => h.map((x) => x.id));
  for (const id of ['t-1.1', 't-1.2', 't-3.2', 't-3.4', 't-4.1', 't-4.3', 't-5.1', 't-5.2', 't-6'])
    assert.ok(headings.includes(id), `${id} in ${headings}`);
  // Every § on the page names a section the tutorial has.
  const refs = await page.$$eval('button[data-tutorial]', (b) => b.map((x) => x.dataset.tutorial).filter(Boolean));
  for (const r of refs) assert.ok(headings.includes(`t-${r}`), `§${r}`);
  await page.click('#tutorial-close');
  assert.equal(await page.evaluate(() => document.getElementById('tutorial-panel').open), false);
  // In English the panel shows the translation, with the same sections.
  await page.selectOption('#lang', 'en');
  await page.click('#h-heads button[data-tutorial="4.1"]');
  await page.waitForFunction(() => document.getElementById('tutorial-panel').dataset.section === '4.1' &&
    document.getElementById('tutorial-body').lang === 'en');
  assert.match(await page.textContent('#t-4\\.1'), /multi-head attention/i);
  const english = await page.$$eval('#tutorial-body [id^="t-"]', (h) => h.map((x) => x.id));
  assert.deepEqual(english, headings);
  const sw = readFileSync(join(ROOT, 'web', 'sw.js'), 'utf8');
  for (const f of ['tutorial.zh.md', 'tutorial.en.md', 'strings/en.js', 'strings/zh.js']) assert.ok(sw.includes(`'${f}'`), `sw.js caches ${f}`);
  assert.deepEqual(page.errors, []);
});

test('screenshots at 1280 and 390 px in both languages; nothing scrolls sideways at 390 px', async () => {
  for (const lang of ['zh', 'en']) {
    for (const width of [1280, 390]) {
      const page = await open(`#lang=${lang}&text=` + encodeURIComponent(lang === 'zh' ? TUTORIAL_TEXT_ZH : 'a fluffy blue creature'),
        { viewport: { width, height: width === 390 ? 844 : 800 } });
      await page.waitForFunction(() => document.querySelectorAll('#variants .variant').length === 5 && document.querySelectorAll('#positions .verdict').length === 2);
      if (width === 390) {
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        assert.ok(overflow <= 1, `${lang}: the page is ${overflow} px wider than the screen`);
      }
      await page.evaluate(() => window.dispatchEvent(new Event('beforeprint')));  // draw every canvas before the shot
      await page.screenshot({ path: join(ARTIFACTS, `lang-${lang}-${width}.png`), fullPage: true });
      assert.deepEqual(page.errors, []);
      await page.close();
    }
  }
});
