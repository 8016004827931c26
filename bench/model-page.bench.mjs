// Browser benchmark of the page's whole-model sections on our trained model, in headless Chromium: time to the
// first prediction on a cold load, keystroke to painted frame at 128 tokens with every layer × head drawn,
// generation speed in the page, and a gpt2-small-sized file's load and 32-token forward. Reported, not asserted.
// Run: node bench/model-page.bench.mjs (ONLY=cold | keystroke | generation | gpt2-small for one part)
import { openBrowser } from '../tests/e2e/browser.mjs';
import { gpt2SmallFile } from '../tests/e2e/gpt2-small-file.mjs';

const env = await openBrowser();
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))];
try {
  // Cold load: a fresh browser context (no cache, no service worker), from navigation to the first bars painted.
  const cold = [], only = process.env.ONLY || '';  // ONLY=keystroke (or cold, generation, gpt2-small) runs that part alone
  for (let k = 0; k < (only && only !== 'cold' ? 0 : 3); k++) {
    const context = await env.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(env.url);
    await page.waitForFunction(() => document.querySelector('#bars .bar-row'), null, { timeout: 60000 });
    cold.push(await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(performance.now())))));
    await context.close();
  }
  if (cold.length) console.log(`cold load to the first prediction: median ${median(cold).toFixed(0)} ms (${cold.map((x) => x.toFixed(0)).join(', ')}); ` +
    `load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);

  // 128 tokens of the stories the model was trained on.
  const page = await env.newPage({ width: 1280, height: 800 });
  const sentences = ['Tom and Anna went to the park.', ' He sings.', ' A fluffy blue creature purrs.', ' The cat was happy.'];
  let text = '', k = 0;
  await page.goto(env.url);
  await page.waitForFunction(() => window.__modelReady && window.__lm, null, { timeout: 60000 });
  if (!only || only === 'keystroke') {
    for (;;) {
      const next = text + sentences[k++ % sentences.length];
      const n = await page.evaluate(async (t) => {
        document.getElementById('text').value = t;
        document.getElementById('text').dispatchEvent(new Event('input'));
        await new Promise((r) => { const poll = () => (window.__lm.text === t ? r() : setTimeout(poll, 5)); poll(); });
        return window.__lm.analysis.tokens.length;
      }, next);
      if (n > 127) break;
      text = next;
    }
    await page.evaluate(() => document.getElementById('s-layers').scrollIntoView());
    const times = [], parts = [];
    // Typing with pauses (PACED=1): each keystroke once the previous one's single-block views are drawn too, as
    // between the keys of a typist (~100 ms); else back to back, the next key as soon as the model's frame is painted.
    const paced = process.env.PACED === '1';
    for (let r = 0; r < 21; r++) {
      if (paced) await page.waitForFunction(() => window.__state?.state.text === document.getElementById('text').value, null, { timeout: 60000 });
      const m = await page.evaluate((suffix) => new Promise((resolve) => {
        const el = document.getElementById('text');
        const target = el.value.slice(0, -1) + suffix;
        const t0 = performance.now();
        el.value = target;
        el.dispatchEvent(new Event('input'));
        // Checked at every frame: the first frame whose callbacks see the drawn answer is the one that paints it.
        const poll = () => requestAnimationFrame(() => (window.__lm?.text === target
          ? resolve({ total: performance.now() - t0, ...window.__lmTiming, queuedMs: window.__lmTiming.start - t0,
            frameMs: performance.now() - window.__lmTiming.end, tokens: window.__lm.analysis.tokens.length,
            answerMs: window.__lm.analysis.answerMs, tokenizeMs: window.__lm.analysis.tokenizeMs, block: window.__timing })
          : poll()));
        poll();
      }), r % 2 ? '.' : '!');
      times.push(m.total);
      parts.push(m);
    }
    const last = parts[parts.length - 1];
    if (process.env.VERBOSE) console.log(JSON.stringify(parts.slice(-3)));
    console.log(`keystroke to painted frame${paced ? ' (paced)' : ''}, trained model, ${last.tokens} tokens, all ${await page.evaluate(() => document.querySelectorAll('#layer-grid .lh').length)} heads drawn: ` +
      `median ${median(times).toFixed(1)} ms, p90 ${p90(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)}; one 60 Hz frame is 16.7 ms)`);
    // Where the time goes (medians over the keystrokes): the worker's forward and the rest of its answer, the message
    // in transit, the page's drawing by section; tokens re-read per keystroke when the page reads incrementally.
    const part = (f) => {
      const xs = parts.map(f).filter((x) => Number.isFinite(x));
      return xs.length ? median(xs).toFixed(1) : '–';
    };
    console.log(`  parts (medians): input to the model's request ${part((m) => m.queuedMs)} ms; worker answer ${part((m) => m.answerMs)} ms = tokenize ${part((m) => m.tokenizeMs)} + forward ` +
      `${part((m) => m.forwardMs)} + rest; round trip ${part((m) => m.workerMs)} ms (transit ${part((m) => m.transitMs)} ms); drawing ` +
      `${part((m) => m.renderMs)} ms (${['prediction', 'layers', 'steps', 'lens'].map((k) => `${k} ${part((m) => m.render?.[k])}`).join(', ')}); ` +
      `drawn to the next frame ${part((m) => m.frameMs)} ms; tokens re-read ${part((m) => m.reread ?? m.tokens)}; load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
  }

  // Generation: 96 tokens after a short prompt, greedy and sampled, in the lab (where its controls are).
  const lab = !only || only === 'generation' ? await env.newPage({ width: 1280, height: 800 }) : null;
  if (lab) {
    await lab.goto(env.url + '#view=lab');
    await lab.waitForFunction(() => window.__modelReady && window.__lm, null, { timeout: 60000 });
    await lab.fill('#text', 'Tom and Anna went to the park.');
    await lab.waitForFunction(() => window.__lm.text === 'Tom and Anna went to the park.');
  }
  for (const temperature of lab ? ['0', '0.8'] : []) {
    await lab.fill('#temperature', temperature);
    await lab.fill('#maxTokens', '96');
    const speeds = [];
    for (let r = 0; r < 3; r++) {
      await lab.evaluate(() => (window.__generation = null));
      await lab.click('#generate');
      await lab.waitForFunction(() => window.__generation, null, { timeout: 60000 });
      const g = await lab.evaluate(() => window.__generation);
      speeds.push(g.ids.length / (g.ms / 1000));
    }
    console.log(`generation in the page, temperature ${temperature}: median ${median(speeds).toFixed(0)} tokens/s ` +
      `(${speeds.map((x) => x.toFixed(0)).join(', ')}); load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
  }

  // A GPT-2-small-sized file (random F16 weights, tests/e2e/gpt2-small-file.mjs) opened through the file picker, then
  // 32-token texts that differ in their first token (so each is a whole forward pass with all 144 heads' attention).
  if (!only || only === 'gpt2-small') {
    const { path, bytes } = gpt2SmallFile();
    const big = await env.newPage({ width: 1280, height: 800 });
    await big.goto(env.url + '#view=lab');
    await big.waitForFunction(() => window.__ready && window.__modelReady, null, { timeout: 60000 });
    await big.evaluate(() => (window.__modelReady = false));
    const t0 = Date.now();
    await big.setInputFiles('#model-file', path);
    await big.waitForFunction(() => window.__modelReady || window.__modelError, null, { timeout: 300000 });
    const loadMs = Date.now() - t0, workerLoadMs = await big.evaluate(() => window.__lm?.info?.ms ?? window.__modelError);
    const tok = await (await (await import('../dist/index.js')).init()).tokenizer('gpt2');
    const forwards = [], frames = [];
    for (const first of ['The', 'A', 'One', 'That', 'This']) {
      const long = `${first} quick brown fox jumps over the lazy dog while a fluffy blue creature watches from the old stone wall near the river, ` +
        'where the children play every afternoon until the sun goes down.';
      const text = long.slice(0, tok.encodeWithOffsets(long).tokens[31].end);  // exactly 32 GPT-2 tokens
      const m = await big.evaluate((t) => new Promise((resolve) => {
        const el = document.getElementById('text'), t0 = performance.now();
        el.value = t;
        el.dispatchEvent(new Event('input'));
        const poll = () => requestAnimationFrame(() => (window.__lm?.text === t
          ? resolve({ total: performance.now() - t0, forwardMs: window.__lm.analysis.ms,
            answerMs: window.__lm.analysis.answerMs, roundTripMs: window.__lmTiming.workerMs, drawMs: window.__lmTiming.renderMs })
          : poll()));
        poll();
      }), text);
      forwards.push(m.forwardMs);
      frames.push(m);
    }
    const heads = await big.evaluate(() => document.querySelectorAll('#layer-grid .lh canvas').length);
    console.log(`gpt2-small-sized F16 file (${(bytes / 2 ** 20).toFixed(0)} MiB): opened in ${loadMs} ms (the worker's load ${Number(workerLoadMs).toFixed(0)} ms); ` +
      `32-token forward with all ${heads} heads' attention: median ${median(forwards).toFixed(1)} ms (${forwards.map((x) => x.toFixed(0)).join(', ')}), ` +
      `text to painted frame median ${median(frames.map((m) => m.total)).toFixed(1)} ms (worker answer ` +
      `${median(frames.map((m) => m.answerMs)).toFixed(1)} ms, round trip ${median(frames.map((m) => m.roundTripMs)).toFixed(1)} ms, ` +
      `drawing ${median(frames.map((m) => m.drawMs)).toFixed(1)} ms); load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
  }
} finally {
  await env.close();
}
