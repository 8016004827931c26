// One head of the whole model step by step: the head selected in the layers × heads grid, from X (ln_1 of the
// residual) through Q, K, V, scores, ÷√d, the causal mask and softmax to A·V. Every number is the runtime's
// (forward({ traceHead }) → headTrace): not one is recomputed here. Not the single block's view (steps.js).
import { matrixView, removeFrom, stepCard, tooltip } from '../canvas.js';
import { $, setText } from '../dom.js';
import { absMax, fmt } from '../draw.js';
import { label } from '../page.js';
import { S } from '../strings.js';

/** Draws analysis a's head trace (or clears the view when it has none). */
export function renderModelSteps(a) {
  const box = $('model-steps'), t = a?.headTrace;
  if (!t || a.empty) {
    removeFrom(box, 0);
    setText($('model-steps-title'), '');
    return;
  }
  const T = a.tokens.length, D = t.headDim, C = t.input.length / T, labels = a.tokens.map(label);
  box.dataset.layer = t.layer;
  box.dataset.head = t.head;
  setText($('model-steps-title'), S.modelSteps.heading(t.layer, t.head));
  const perToken = [
    { step: 'input', title: S.modelSteps.input(t.layer), formula: S.modelSteps.inputFormula, shape: `[T=${T}, d_model=${C}]`, data: t.input, cols: C },
    { step: 'q', title: S.steps.q(t.head), formula: 'Q = X·W_q', shape: `[T, d_k=${D}]`, data: t.q, cols: D },
    { step: 'k', title: S.steps.k(t.head), formula: 'K = X·W_k', shape: `[T, d_k=${D}]`, data: t.k, cols: D },
    { step: 'v', title: S.steps.v(t.head), formula: 'V = X·W_v', shape: `[T, d_v=${D}]`, data: t.v, cols: D },
  ];
  // One colour scale for the three score steps (the scaled one's range), as in the single block's view.
  const limit = absMax(t.scaledScores);
  const scores = [
    { step: 'rawScores', title: S.steps.scores, formula: 'S = Q·Kᵀ', kind: 'signed', limit: limit / t.scale },
    { step: 'scaledScores', title: S.steps.scaled, formula: S.modelSteps.scaledFormula(D, fmt(t.scale)), kind: 'signed', limit },
    { step: 'maskedScores', title: S.steps.masked, formula: S.steps.maskedFormula, kind: 'signed', limit, mask: true },
    { step: 'weights', title: S.steps.softmax, formula: 'A = softmax(row)', kind: 'weight', mask: true, note: S.steps.rowsSumToOne },
  ];
  let k = 0;
  for (const m of perToken) {
    const canvas = stepCard(box, k++, m);
    canvas.dataset.step = m.step;
    const g = matrixView(canvas, m.data, m.data.length / m.cols, m.cols, { rowLabels: labels, maxSize: 300 });
    tooltip(canvas, g, m.data, m.cols, (i, j) => S.steps.cellTip(labels[i], j, fmt(m.data[i * m.cols + j])));
  }
  for (const s of scores) {
    const canvas = stepCard(box, k++, { title: s.title, formula: s.formula, shape: `[T=${T}, T]`, note: s.note });
    canvas.dataset.step = s.step;
    const data = t[s.step], masked = s.mask ? (i, j) => j > i : undefined;
    const g = matrixView(canvas, data, T, T, { kind: s.kind, rowLabels: labels, colLabels: labels, maxSize: 320, masked, limit: s.limit });
    tooltip(canvas, g, data, T, (i, j) => S.steps.scoreTip(labels[i], labels[j], s.mask && j > i ? S.steps.maskedCell : fmt(data[i * T + j])));
  }
  const canvas = stepCard(box, k++, { title: S.steps.output, formula: 'O = A·V', shape: `[T, d_v=${D}]` });
  canvas.dataset.step = 'out';
  const g = matrixView(canvas, t.out, T, D, { rowLabels: labels, maxSize: 300 });
  tooltip(canvas, g, t.out, D, (i, j) => S.steps.cellTip(labels[i], j, fmt(t.out[i * D + j])));
  removeFrom(box, k);
}
