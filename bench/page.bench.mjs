// Browser benchmark of the demo page: time from a keystroke to the redrawn page (worker round trip + drawing),
// for 128 tokens and 12 heads, in headless Chromium. Reported, not asserted. Run: node bench/page.bench.mjs
import { openBrowser } from '../tests/e2e/browser.mjs';

const env = await openBrowser();
try {
  const page = await env.newPage({ width: 1280, height: 800 });
  // 128 tokens of ordinary English, the seeded model with 12 heads of 16.
  const words = 'the quick brown fox jumps over the lazy dog while a fluffy blue creature watches'.split(' ');
  let text = '';
  while (true) {
    const next = text + (text ? ' ' : '') + words[text.split(' ').length % words.length];
    if (next.split(' ').length > 128) break;
    text = next;
  }
  const hash = new URLSearchParams({ text, preset: 'seeded', dModel: '192', heads: '12', kvHeads: '12', seed: '1', ...JSON.parse(process.env.EXTRA || '{}') });
  await page.goto(`${env.url}#${hash}`);
  await page.waitForFunction(() => window.__ready && window.__state?.analysis?.trace, null, { timeout: 60000 });
  const tokens = await page.evaluate(() => window.__state.analysis.tokens.length);
  const times = [];
  for (let k = 0; k < 21; k++) {
    const ms = await page.evaluate((suffix) => new Promise((resolve) => {
      const el = document.getElementById('text');
      const target = el.value.slice(0, -1) + suffix;
      const t0 = performance.now();
      el.value = target;
      el.dispatchEvent(new Event('input'));
      // Checked every millisecond (not every frame, which would add up to a frame of waiting), then resolved in the
      // next animation frame: the frame that paints the new state.
      const poll = () => (window.__state.state.text === target && window.__state.analysis
        ? requestAnimationFrame(() => resolve({ total: performance.now() - t0, startDelay: window.__timing.start - t0,
          afterRender: performance.now() - window.__timing.end }))
        : setTimeout(poll, 1));
      poll();
    }), k % 2 ? 's' : 't');
    if (k === 20) console.log('parts of the last keystroke:', JSON.stringify(ms));
    times.push(ms.total);
    if (k === 20) console.log('last keystroke, split:', JSON.stringify(await page.evaluate(() => window.__timing)));
  }
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1];
  const threads = await page.evaluate(() => document.getElementById('status').textContent);
  console.log(`page redraw after a keystroke: ${tokens} tokens, 12 heads: median ${median.toFixed(1)} ms ` +
    `(min ${times[0].toFixed(1)}, max ${times[times.length - 1].toFixed(1)}; one frame at 60 Hz is 16.7 ms)`);
  console.log(`status: ${threads}`);
} finally {
  await env.close();
}
