// The model sections' shared state and update loop: which whole model is loaded (lm.info), its latest analysis of
// the text, the selected head; asks the worker and hands the answer to the sections that draw it. Not the compute
// (lm-worker.js asks the package) and not the drawing (sections/predict.js, layers.js, lens.js, film.js).
import { $ } from './dom.js';
import { page, showError } from './page.js';
import { call } from './rpc.js';
import { renderLayers, selectedHead } from './sections/layers.js';
import { renderModelSteps } from './sections/model-steps.js';
import { redrawMultiHead } from './sections/multi-head.js';
import { redrawLens, renderLens } from './sections/lens.js';
import { renderFilm } from './sections/film.js';
import { renderPrediction } from './sections/predict.js';
import { ablated } from './url-state.js';
import { S } from './strings.js';

/**
 * info: the loaded model's description (modelLoad); analysis: modelAnalyze's latest answer; selected: [l, h];
 * trace: modelTrace's latest answer (the selected head step by step).
 */
export const lm = { info: null, analysis: null, selected: null, trace: null, block: false };

/** Whether the picker shows a single attention block (the teaching or seeded one) rather than a whole model. */
export const isBlock = (model) => model === 'teaching' || model === 'seeded';

/**
 * Shows the whole-model sections for the picker's choice: for a single block each keeps its heading and says why it
 * has nothing to draw (a note under the heading, strings blockOnly.<section>) instead of vanishing.
 */
export function showModelSections(model) {
  lm.block = isBlock(model);
  $('block-note').hidden = !lm.block;
  $('preset-loaded').hidden = lm.block;  // the cost calculator's preset for the whole model
  document.querySelector('#s-predict .lm-body').hidden = lm.block;
  for (const name of ['layers', 'lens', 'film']) {
    const section = $(`s-${name}`);
    let note = section.querySelector(':scope > .lm-block-note');
    if (!note) {
      note = document.createElement('p');
      note.className = 'note lm-block-note';
      note.dataset.s = `blockOnly.${name}`;
      note.textContent = S.blockOnly[name];
      section.querySelector('h2').after(note);
    }
    note.hidden = !lm.block;
    // Out of the way by style, not `hidden`: the sections' own hidden parts (a file without a film) stay as they are.
    for (const child of section.children) if (child.tagName !== 'H2' && child !== note) child.style.display = lm.block ? 'none' : '';
  }
}

/** Re-analyses the text with the loaded model (and the heads switched off), then redraws the model sections. */
export async function updateModel() {
  if (!lm.info || lm.block) return;
  const t0 = performance.now();
  try {
    const ablate = [...ablated].map((lh) => lh.split('.').map(Number))
      .filter(([l, h]) => l < lm.info.config.layers && h < lm.info.config.heads);
    // The rows the page holds: the worker sends only the attention rows from the first token they do not cover.
    const held = lm.analysis?.attention && analysedModel === lm.info && JSON.stringify(lm.analysis.ablate) === JSON.stringify(ablate)
      ? lm.analysis : null;
    const answer = call('modelAnalyze', { text: page.state.text, ablate, have: held?.tokens.map((t) => t.id) ?? null });
    const base = ablate.length ? call('modelAnalyzeBase', { text: page.state.text }) : null;
    base?.catch(() => {});  // stale when a newer keystroke came: answered (or ignored) with `answer` below
    const a = await answer;
    a.baseLoss = base ? (await base).loss : a.loss;
    if (a.attention) a.attention = withHeldRows(a, held);
    a.version = ++analyses;
    a.heldVersion = held?.version ?? null;  // the analysis whose attention rows before attentionFrom this one shares
    analysedModel = lm.info;
    const t1 = performance.now();
    lm.analysis = a;
    // Each part's time, for bench/model-page.bench.mjs: what a keystroke's frame waits for.
    const [l, h] = selectedHead(), t = lm.trace;  // the step view's trace, while it is this text's and this head's
    if (!a.empty && t?.text === a.text && t.ablate === JSON.stringify(ablate) && t.headTrace?.layer === l && t.headTrace.head === h) a.headTrace = t.headTrace;
    const parts = [['prediction', renderPrediction], ['layers', renderLayers], ['steps', renderModelSteps], ['lens', renderLens]]
      .map(([name, render]) => {
        const s = performance.now();
        render(a);
        return [name, performance.now() - s];
      });
    const t2 = performance.now();
    window.__lm = { info: lm.info, analysis: a, text: page.state.text };
    window.__lmTiming = { workerMs: t1 - t0, renderMs: t2 - t1, forwardMs: a.ms, start: t0, end: t2,
      transitMs: performance.timeOrigin + t1 - a.sentAt, render: Object.fromEntries(parts), reread: a.reread };
    if (stepsOnScreen) updateTrace();
  } catch (e) {
    if (!e.stale) showError(e);
  }
}

let analyses = 0, analysedModel = null;  // analyses answered so far; the model lm.analysis is of

/**
 * The answer's attention rows [L, H, T − from, T] (from = a.attentionFrom) below the held analysis's rows 0 … from − 1:
 * the whole [L, H, T, T]. The held buffer is written in place when the length is unchanged (typing within the last
 * token), so a keystroke allocates nothing of size T²; the held analysis is being replaced, nothing reads it after.
 */
function withHeldRows(a, held) {
  const from = a.attentionFrom, T = a.tokens.length, rows = a.attention, n = T - from;
  if (from === 0) return rows;
  const LH = rows.length / (n * T), oldT = held.tokens.length, old = held.attention;
  let all = old;
  if (oldT !== T) {  // a row of another length: copied cell by cell (a row of token i holds i + 1 weights)
    all = new Float32Array(LH * T * T);
    for (let lh = 0; lh < LH; lh++) {
      for (let i = 0; i < from; i++) {
        const src = (lh * oldT + i) * oldT, dst = (lh * T + i) * T;
        for (let j = 0; j <= i; j++) all[dst + j] = old[src + j];
      }
    }
  }
  for (let lh = 0; lh < LH; lh++) all.set(rows.subarray(lh * n * T, (lh + 1) * n * T), (lh * T + from) * T);
  return all;
}

/**
 * The selected head step by step (a full pass of its own in the worker), asked after the keystroke's frame and only
 * while the step view is on screen or a head was just clicked: typing with the grid in view never waits for it.
 */
export async function updateTrace() {
  if (!lm.info || lm.block || !lm.analysis || lm.analysis.empty) return;
  const ablate = lm.analysis.ablate, text = page.state.text;
  try {
    const t = await call('modelTrace', { text, ablate, head: selectedHead() });
    lm.trace = { ...t, ablate: JSON.stringify(t.ablate ?? []) };
    if (lm.analysis.text !== t.text) return;  // a newer keystroke's analysis is on screen: its own trace follows
    lm.analysis.headTrace = t.headTrace;
    renderModelSteps(lm.analysis);
    window.__lm = { ...window.__lm, analysis: lm.analysis };
  } catch (e) {
    if (!e.stale) showError(e);
  }
}
let stepsOnScreen = false;
new IntersectionObserver(([e]) => {
  stepsOnScreen = e.isIntersecting;
  if (stepsOnScreen) updateTrace();
}, { rootMargin: '200px 0px' }).observe($('model-steps-title'));

/** Redraws the model sections in the page's (new) language from the answers they already have. */
export function relabelModel() {
  if (lm.info && !lm.block) renderFilm(lm.info);
  redrawMultiHead();
  if (!lm.analysis || lm.block) return;
  renderPrediction(lm.analysis);
  renderLayers(lm.analysis);
  renderModelSteps(lm.analysis);
  redrawLens();
}
