// Section 3: one head step by step (embeddings → Q, K, V → scores → scale → mask → softmax → output) and the
// explanation of a clicked cell. Every number is the trace's (headSlice): not one is recomputed here.
import { headSlice } from '/dist/trace.js';
import { keyboardCells, matrixView, paint, pendingDraws, removeFrom, stepCard, tooltip } from '../canvas.js';
import { $, setText } from '../dom.js';
import { absMax, cellAt, drawMatrix, fmt, matrixGeometry } from '../draw.js';
import { keyLabels, padLabels, page, rowsOf } from '../page.js';
import { S } from '../strings.js';

export function renderSteps() {
  const a = page.analysis, t = a.trace, dims = t.dims, steps = $('steps');
  const h = Math.min(page.state.head, dims.heads - 1), b = Math.min(page.state.batchRow, dims.batch - 1);
  const hk = t.kvHead[h];  // the kv head query head h reads (grouped-query attention)
  const keys = keyLabels(), tokens = b === 1 ? padLabels() : keys;
  const L = dims.qLen, Lk = dims.kvLen, E = dims.dModel, D = dims.headDim, Dv = dims.valueDim;
  setText($('batch-note'), dims.batch === 1 ? '' : b === 0 ? S.steps.batchRow0(L)
    : S.steps.batchRow1(tokens.filter((x) => x !== '[pad]').join(' '), L - a.padTokens.length));
  const visible = headSlice(t, 'visible', h, b);  // the library's mask decision, cell by cell
  const isMasked = (i, j) => visible[i * Lk + j] === 0;
  const matrices = [
    { title: S.steps.embeddings, formula: 'E[token]', shape: `[L=${L}, d_model=${E}]`, data: rowsOf(t.xIn, b, L, E), cols: E },
    { title: S.steps.positions, formula: S.steps.positionsFormula(S.block[a.config.positional] ?? a.config.positional),
      shape: `[L, ${E}]`, data: t.positions, cols: E },
    { title: S.steps.x, formula: 'X = E + P', shape: `[L, ${E}]`, data: rowsOf(t.x, b, L, E), cols: E },
    { title: S.steps.q(h), formula: 'Q = X·W_q', shape: `[L, d_k=${D}]`, data: headSlice(t, 'q', h, b), cols: D },
    { title: S.steps.k(hk), formula: 'K = X·W_k', shape: `[L, d_k=${D}]`, data: headSlice(t, 'k', h, b), cols: D },
    { title: S.steps.v(hk), formula: 'V = X·W_v', shape: `[L, d_v=${Dv}]`, data: headSlice(t, 'v', h, b), cols: Dv },
  ];
  let k = 0;
  for (const m of matrices) {
    const limit = absMax(m.data), canvas = stepCard(steps, k++, { ...m, kind: 'signed', limit });
    const g = matrixView(canvas, m.data, m.data.length / m.cols, m.cols, { rowLabels: tokens, maxSize: 300, limit });
    tooltip(canvas, g, m.data, m.cols, (i, j) => S.steps.cellTip(tokens[i], j, fmt(m.data[i * m.cols + j])), 'rows');
  }
  const scores = [
    { key: 'rawScores', title: S.steps.scores, formula: 'S = Q·Kᵀ', kind: 'signed' },
    { key: 'scaledScores', title: S.steps.scaled, formula: S.steps.scaledFormula(fmt(t.scale)), kind: 'signed' },
    { key: 'maskedScores', title: S.steps.masked, formula: S.steps.maskedFormula, kind: 'signed', mask: true },
    { key: 'weights', title: S.steps.softmax, formula: 'A = softmax(row)', kind: 'weight', mask: true, note: S.steps.rowsSumToOne },
  ];
  const scaledMax = absMax(headSlice(t, 'scaledScores', h, b));
  for (const s of scores) {
    const data = headSlice(t, s.key, h, b);
    // The raw, scaled and masked scores on one scale (the raw one stretched by 1/scale), so the steps compare.
    const limit = s.kind !== 'signed' ? 1 : t.scale !== 0 ? scaledMax / (s.key === 'rawScores' ? Math.abs(t.scale) : 1) : absMax(data);
    const canvas = stepCard(steps, k++, { title: s.title, formula: s.formula, shape: `[Lq=${L}, Lk=${Lk}]`, note: s.note,
      kind: s.kind, limit });
    canvas.dataset.step = s.key;
    const options = { kind: s.kind, rowLabels: tokens, colLabels: keys, maxSize: 320 };
    const draw = (highlightRow = -1, highlightCol = -1) => drawMatrix(canvas, data, L, Lk, { ...options,
      masked: s.mask ? isMasked : undefined, highlightRow, highlightCol, limit });
    const g = matrixGeometry(L, Lk, options);
    paint(canvas, g.width, g.height, () => draw());
    keyboardCells(canvas, L, Lk, (i, j) => (pendingDraws.delete(canvas), draw(i, j)), explainScore);
    tooltip(canvas, g, data, Lk, (i, j) => S.steps.scoreTip(tokens[i], keys[j], isMasked(i, j) && s.mask ? S.steps.maskedCell
      : fmt(data[i * Lk + j])), 'both');
    canvas.onclick = (e) => {
      const c = cellAt(e, canvas, g);
      if (c) explainScore(c.i, c.j);
    };
    if (s.key === 'weights') {  // the softmax property, shown: every row of weights sums to 1
      const card = canvas.closest('.step');
      let sums = card.querySelector('.row-sums');
      if (!sums) {
        sums = document.createElement('div');
        sums.className = 'shape row-sums';
        card.append(sums);
      }
      setText(sums, S.steps.rowSums(Array.from(headSlice(t, 'rowSums', h, b), (sum) => sum.toFixed(3)).join(' ')));
    }
  }
  const out = headSlice(t, 'headsOut', h, b);
  const outLimit = absMax(out);
  const canvas = stepCard(steps, k++, { title: S.steps.output, formula: 'O = A·V', shape: `[L, d_v=${Dv}]`, note: S.steps.clickRow,
    kind: 'signed', limit: outLimit });
  canvas.dataset.step = 'headOut';
  const outOptions = { rowLabels: tokens, maxSize: 300, limit: outLimit };
  const drawOut = (highlightRow = -1) => drawMatrix(canvas, out, L, Dv, { ...outOptions, highlightRow });
  const g = matrixGeometry(L, Dv, outOptions);
  paint(canvas, g.width, g.height, () => drawOut());
  keyboardCells(canvas, L, 1, (i) => (pendingDraws.delete(canvas), drawOut(i)), (i) => explainOutput(i));
  tooltip(canvas, g, out, Dv, (i, j) => S.steps.cellTip(tokens[i], j, fmt(out[i * Dv + j])), 'rows');
  canvas.onclick = (e) => {
    const c = cellAt(e, canvas, g);
    if (c) explainOutput(c.i);
  };
  removeFrom(steps, k);
}

/** Click on a score cell: the dot product term by term, then scale, mask and softmax, from the trace. */
function explainScore(i, j) {
  const t = page.analysis.trace, dims = t.dims, h = Math.min(page.state.head, dims.heads - 1), b = Math.min(page.state.batchRow, dims.batch - 1);
  const D = dims.headDim;
  const q = headSlice(t, 'q', h, b).subarray(i * D, (i + 1) * D);
  const k = headSlice(t, 'k', h, b).subarray(j * D, (j + 1) * D);
  const at = i * dims.kvLen + j;
  const terms = Array.from(q, (qd, d) => `${fmt(qd)}×${fmt(k[d])}`).join(' + ');
  const raw = headSlice(t, 'rawScores', h, b)[at], scaled = headSlice(t, 'scaledScores', h, b)[at];
  const masked = headSlice(t, 'maskedScores', h, b)[at], w = headSlice(t, 'weights', h, b)[at];
  const tok = b === 1 ? padLabels() : keyLabels();
  $('explain').innerHTML = '';
  const p = document.createElement('div');
  p.innerHTML = `<strong></strong><br><code></code>`;
  p.querySelector('strong').textContent = S.steps.scoreTitle(i, j, tok[i], keyLabels()[j], h);
  p.querySelector('code').textContent = S.steps.scoreLines(terms, fmt(raw), fmt(t.scale), fmt(scaled),
    masked === -Infinity ? S.steps.scoreMasked : fmt(masked), fmt(w));
  $('explain').append(p);
  $('explain').dataset.kind = 'score';
  $('explain').dataset.value = String(raw);
}

/** Click on an output row: which value rows it mixed, with which weights. */
function explainOutput(i) {
  const t = page.analysis.trace, dims = t.dims, h = Math.min(page.state.head, dims.heads - 1), b = Math.min(page.state.batchRow, dims.batch - 1);
  const Dv = dims.valueDim;
  const w = headSlice(t, 'weights', h, b).subarray(i * dims.kvLen, (i + 1) * dims.kvLen);
  const v = headSlice(t, 'v', h, b);
  const out = headSlice(t, 'headsOut', h, b).subarray(i * Dv, (i + 1) * Dv);
  const show = (row) => '[' + Array.from(row.subarray(0, 6), fmt).join(', ') + (row.length > 6 ? ', …]' : ']');
  const lines = [];
  w.forEach((wj, j) => {
    if (wj > 0) lines.push(`${fmt(wj)} × V[${j} “${keyLabels()[j]}”] ${show(v.subarray(j * Dv, (j + 1) * Dv))}`);
  });
  $('explain').innerHTML = '';
  const p = document.createElement('div');
  p.innerHTML = `<strong></strong><br><code></code>`;
  p.querySelector('strong').textContent = S.steps.outputTitle(i, h);
  p.querySelector('code').textContent = (lines.length ? lines.join('\n+ ') : S.steps.noVisibleKey) + `\n= ${show(out)}`;
  $('explain').append(p);
  $('explain').dataset.kind = 'output';
  $('explain').dataset.rows = String(lines.length);
}
