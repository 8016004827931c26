// Browser benchmark of live training on the page, in headless Chromium: for seeds 1–5 of the default (induction)
// task, the step and the seconds of training at which the page first marks the phase change — the induction head
// formed (a head of layer 1) or the model copying (web/forming.js) — and their medians; a seed is stopped at maxSteps
// (default: the run's end) if neither has come.
// Also the best raw induction score of each layer at the end. Reported, not asserted.
// Run: node bench/train-live.bench.mjs [seeds=5] [task=induction] [maxSteps]
import { openBrowser } from '../tests/e2e/browser.mjs';

const SEEDS = Number(process.argv[2] || 5), TASK = process.argv[3] || 'induction', MAX = Number(process.argv[4] || Infinity);
const METRICS = TASK === 'induction' ? ['induction', 'copying'] : ['noun_adjective_en'];  // the first to come counts
const SCORE = TASK === 'induction' ? 'induction' : 'noun_adjective';  // the raw head score reported per layer
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), n = s.length;
  return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
};

const env = await openBrowser();
const rows = [];
try {
  const page = await env.newPage({ width: 1280, height: 800 });
  await page.goto(env.url + '#view=lab');  // the lab view holds the live-training section
  await page.waitForFunction(() => window.__ready === true, null, { timeout: 60000 });
  await page.locator('#s-train').scrollIntoViewIfNeeded();  // the charts and maps are drawn, as a learner sees them
  await page.selectOption('#train-task', TASK);
  for (let seed = 1; seed <= SEEDS; seed++) {
    await page.fill('#train-seed', String(seed));
    await page.click('#train-reset');
    await page.waitForFunction((s) => window.__train.options?.seed === s && window.__train.step === 0, seed, { timeout: 60000 });
    const t0 = Date.now();
    await page.click('#train-start');
    await page.waitForFunction(([ms, max]) => ms.some((m) => window.__train.formed[m]?.confirmed) || window.__train.finished ||
      window.__train.step >= max, [METRICS, MAX], { timeout: 3600000, polling: 200 });
    const r = await page.evaluate(([ms, score]) => {
      const t = window.__train, marks = ms.map((m) => t.formed[m]).filter((f) => f?.confirmed);
      const f = marks.sort((a, b) => a.step - b.step)[0], m = f && ms.find((k) => t.formed[k] === f);
      return { formed: Boolean(f), metric: m ?? null, step: f?.step ?? null, seconds: f?.seconds ?? null,
        head: f && f.l !== undefined ? [f.l, f.h] : null, value: f?.value ?? null, msPerStep: (1000 * t.seconds) / t.step,
        stepNow: t.step, copyLoss: t.latest.ablation.all,
        bestByLayer: Array.from({ length: t.config.layers }, (_, l) => // the last report's best raw score per layer
          Math.max(...t.latest.scores[score].slice(l * t.config.heads, (l + 1) * t.config.heads))) };
    }, [METRICS, SCORE]);
    if (await page.evaluate(() => window.__train.running)) {
      await page.click('#train-start');  // pause
      await page.waitForFunction(() => window.__train.running === false);
    }
    rows.push({ seed, ...r, wallSeconds: (Date.now() - t0) / 1000 });
    const at = r.formed ? `${r.metric} at step ${r.step} after ${r.seconds.toFixed(1)} s of training (` +
      (r.head ? `L${r.head[0]} H${r.head[1]}, score ${r.value})` : `second-copy loss ${r.value})`)
      : `nothing formed by step ${r.stepNow} (second-copy loss ${r.copyLoss.toFixed(2)})`;
    const byLayer = r.bestByLayer.map((v, l) => `layer ${l} ${v.toFixed(2)}`).join(', ');
    console.log(`seed ${seed}: ${at}; best raw ${SCORE} score at step ${r.stepNow}: ${byLayer}; ` +
      `${r.msPerStep.toFixed(1)} ms a step with measuring`);
  }
} finally {
  await env.close();
}
const formed = rows.filter((r) => r.formed);
console.log(`${TASK} task, ${formed.length} of ${rows.length} seeds reached ${METRICS.join(' or ')}`);
if (formed.length === rows.length) {
  console.log(`median over ${rows.length} seeds: step ${median(rows.map((r) => r.step))}, ` +
    `${median(rows.map((r) => r.seconds)).toFixed(1)} s of training, ${median(rows.map((r) => r.msPerStep)).toFixed(1)} ms a step`);
}
console.log(JSON.stringify(rows));
