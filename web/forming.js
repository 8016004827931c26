// When live training marks something formed (sections/train.js draws it; not the measuring, not the drawing): a head
// per watched metric (named as head-labels.js names one), and on the induction task the copying itself — the probe's
// second copy under COPYING nats a token (ln 64 ≈ 4.2 before), whichever heads do it: some seeds copy through a
// variant the induction score misses (README, "Train live"). Pure: tests feed it reports.
import { bestHeads } from './head-labels.js';

/** Per task: the head metrics watched (the task's own head last), then any behaviour. */
export const WATCHED = { induction: ['previous_token', 'induction', 'copying'], stories: ['previous_token', 'noun_adjective_en'] };
/** The head metric the task is about (its maps open on the best such head). */
export const TASK_HEAD = { induction: 'induction', stories: 'noun_adjective_en' };
// Nats a token on the probe's second copy: the copied token's probability above e^−2 ≈ 0.14, 9× a guess in the
// 64-token pool (tools/train/live_sweep's copies_step asks for 1 nat: copying well, later).
export const COPYING = 2;
export const CONFIRM = 2;  // formed once named in this many measurements in a row

/**
 * A report's scores as head-labels.js reads them ({ layers, heads, metric: [L·H] or { lift } }). Layer 0's induction
 * scores count as 0: an induction head reads a previous layer's previous-token head, so a layer-0 head that scores
 * on the probe looks a fixed distance back (the probe's period), which is not finding the earlier copy.
 */
export const scoresOf = (r, { layers, heads }) => r && { layers, heads, previous_token: r.scores.previous_token,
  induction: r.scores.induction.map((v, k) => (k < heads ? 0 : v)), noun_adjective_en: { lift: r.scores.noun_adjective } };

/**
 * Updates `formed` (metric → { step, seconds, count, l, h, value, confirmed }) with report `r` of a run of `task` on a
 * model of `config` ({ layers, heads }): a metric's mark is the first of CONFIRM named measurements in a row; once
 * confirmed it stays.
 */
export function watchForming(formed, task, r, config) {
  if (r.step === 0) return;
  const best = bestHeads(scoresOf(r, config));
  best.copying = { named: r.ablation.all < COPYING, shown: r.ablation.all.toFixed(2) };  // the model's, not a head's
  for (const metric of WATCHED[task]) {
    if (formed[metric]?.confirmed) continue;
    const b = best[metric];
    if (!b?.named) {
      delete formed[metric];
      continue;
    }
    const f = (formed[metric] ??= { step: r.step, seconds: r.seconds, count: 0 });
    f.count++;
    f.l = b.l, f.h = b.h, f.value = b.shown;
    if (f.count >= CONFIRM) f.confirmed = true;
  }
}
