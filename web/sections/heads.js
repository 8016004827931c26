// Section 4: every head's weights (heat map and line view), their average over the shown heads (headAverage),
// concat and W_o. Not the next-token table (next-tokens.js); not the average's arithmetic (the package's).
import { headAverage, headSlice } from '/dist/trace.js';
import { matrixView, paint, pngButton, removeFrom, stepCard, tooltip } from '../canvas.js';
import { $, setText } from '../dom.js';
import { absMax, cellAt, drawLines, drawMatrix, fmt, linesGeometry, matrixGeometry } from '../draw.js';
import { selection, watchSelection } from '../selection.js';
import { hidden } from '../url-state.js';
import { headNames, keyLabels, padLabels, page, rowsOf } from '../page.js';
import { S } from '../strings.js';
import { renderNextTokens } from './next-tokens.js';

let focusToken = -1;  // the row under the mouse
let redrawLines = () => {};
watchSelection(() => redrawLines());

export function renderHeads() {
  const a = page.analysis, t = a.trace, dims = t.dims, box = $('head-grid');
  const b = Math.min(page.state.batchRow, dims.batch - 1), L = dims.qLen, Lk = dims.kvLen, n = L * Lk;
  const tokens = b === 1 ? padLabels() : keyLabels(), keys = keyLabels();
  const shown = [...Array(dims.heads).keys()].filter((h) => !hidden.has(h));
  // A head's mask for drawMatrix: the library's visibility bitmap.
  const maskOf = (h) => {
    const visible = headSlice(t, 'visible', h, b);
    return (i, j) => visible[i * Lk + j] === 0;
  };
  const specs = [];
  if (page.state.average) {
    const mean = shown.length ? headAverage(t, 'weights', { heads: shown, b }) : new Float32Array(n);
    specs.push({ title: S.heads.averageOf(shown.length), weights: mean, maskHead: shown[0] ?? 0 });
  } else {
    const names = headNames(a);
    for (let h = 0; h < dims.heads; h++) {
      if (!hidden.has(h) || dims.heads <= 16) specs.push({ title: names[h], weights: headSlice(t, 'weights', h, b), maskHead: h, h });
    }
  }
  // The cards (and their canvases) are kept while the layout is the same: same heads, or the one average card.
  const layout = page.state.average ? 'average' : `heads ${dims.heads}`;
  if (box.dataset.layout !== layout || box.children.length !== specs.length) {
    removeFrom(box, 0);
    box.dataset.layout = layout;
    for (const spec of specs) box.append(headCard(spec.h));
  }
  const cards = specs.map((spec, k) => {
    const { title, h } = spec, card = box.children[k], [heat, lines] = card.querySelectorAll('canvas');
    if (h !== undefined) {
      card.classList.toggle('hidden-head', hidden.has(h));
      const check = card.querySelector('input');
      check.checked = !hidden.has(h);
      check.setAttribute('aria-label', S.heads.show(title));
    }
    setText(card.querySelector('.title'), ' ' + title);
    heat.setAttribute('aria-label', S.heads.weightsLabel(title));
    lines.setAttribute('aria-label', S.heads.linesLabel(title));
    pngButton(card, title);
    let mask = null;
    return { heat, lines, weights: spec.weights, mask: () => (mask ??= maskOf(spec.maskHead)) };
  });
  const heatOptions = { kind: 'weight', maxSize: 200 }, g = matrixGeometry(L, Lk, heatOptions), lg = linesGeometry(L, Lk);
  // The line views follow the row under the mouse, else the selected token.
  const redraw = () => {
    const focus = focusToken >= 0 ? focusToken : selection.token < L ? selection.token : -1;
    for (const c of cards) {
      paint(c.heat, g.width, g.height, () => drawMatrix(c.heat, c.weights, L, Lk, { ...heatOptions, masked: c.mask(), highlightRow: focusToken }));
      paint(c.lines, lg.width, lg.height, () => drawLines(c.lines, c.weights, L, Lk, { leftLabels: tokens, rightLabels: keys, focus }));
    }
  };
  redrawLines = redraw;
  for (const c of cards) {
    tooltip(c.heat, g, c.weights, Lk, (i, j) => S.steps.scoreTip(tokens[i], keys[j], c.mask()(i, j) ? S.steps.maskedCell
      : fmt(c.weights[i * Lk + j])), 'both');
    c.heat.onmousemove = (e) => {
      const cell = cellAt(e, c.heat, g), i = cell ? cell.i : -1;
      if (i !== focusToken) (focusToken = i), redraw();
    };
    c.heat.onmouseleave = () => ((focusToken = -1), redraw());
    c.lines.onmousemove = (e) => {
      const r = c.lines.getBoundingClientRect();
      const y = ((e.clientY - r.top) * lg.height) / r.height;
      const x = ((e.clientX - r.left) * lg.width) / r.width;
      const i = x < lg.width / 2 ? Math.floor((y - lg.top) / lg.rowHeight) : -1;
      const next = i >= 0 && i < L ? i : -1;
      if (next !== focusToken) (focusToken = next), redraw();
    };
    c.lines.onmouseleave = () => ((focusToken = -1), redraw());
  }
  redraw();

  // Concat and W_o.
  const concat = $('concat');
  const HDv = dims.heads * dims.valueDim;
  const concatRows = rowsOf(t.headsOut, b, L, HDv), outRows = rowsOf(t.out, b, L, dims.dModel);
  const limit1 = absMax(concatRows), limit2 = absMax(outRows);
  const c1 = stepCard(concat, 0, { title: S.heads.concat, formula: 'concat(O₁ … O_h)', shape: `[L, h·d_v=${HDv}]`, kind: 'signed', limit: limit1 });
  const g1 = matrixView(c1, concatRows, L, HDv, { rowLabels: tokens, maxSize: 420, limit: limit1 });
  tooltip(c1, g1, concatRows, HDv, (i, j) => S.steps.cellTip(tokens[i], j, fmt(concatRows[i * HDv + j])), 'rows');
  const c2 = stepCard(concat, 1, { title: S.heads.output, formula: 'Y = concat·W_o', shape: `[L, d_model=${dims.dModel}]`,
    kind: 'signed', limit: limit2 });
  const g2 = matrixView(c2, outRows, L, dims.dModel, { rowLabels: tokens, maxSize: 420, limit: limit2 });
  tooltip(c2, g2, outRows, dims.dModel, (i, j) => S.steps.cellTip(tokens[i], j, fmt(outRows[i * dims.dModel + j])), 'rows');
  removeFrom(concat, 2);

  renderNextTokens(a.nextTokens);
}

/** An empty card for head h (a checkbox to hide it, double-click to isolate it), or for the average when h is undefined. */
function headCard(h) {
  const card = document.createElement('div');
  card.className = 'head';
  const head = document.createElement('div');
  if (h !== undefined) {
    const check = document.createElement('input');
    check.type = 'checkbox';
    check.onchange = () => {
      check.checked ? hidden.delete(h) : hidden.add(h);
      page.update({ recompute: false });
    };
    head.append(check);
    card.ondblclick = () => {
      hidden.clear();
      for (let x = 0; x < page.analysis.trace.dims.heads; x++) if (x !== h) hidden.add(x);
      page.update({ recompute: false });
    };
    card.dataset.head = h;
  }
  const title = document.createElement('span');
  title.className = 'title';
  head.append(title);
  const pair = document.createElement('div');
  pair.className = 'pair';
  pair.append(document.createElement('canvas'), document.createElement('canvas'));
  card.append(head, pair);
  return card;
}
