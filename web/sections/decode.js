// FAQ 3: the text fed one token at a time through the package's decoder and KV cache, compared step by step with the
// full causal pass, and the chosen head's weights over the growing cache. Not the comparison (worker.js).
import { drawNow, matrixView, pngButton, tooltip } from '../canvas.js';
import { fmt } from '../draw.js';
import { $, setText } from '../dom.js';
import { label, page } from '../page.js';
import { selection, watchSelection } from '../selection.js';
import { S } from '../strings.js';

/** Section 5: the decoder's steps against the full causal pass, and the chosen head's weights row by row. */
let decoded = null;  // the latest answer, redrawn when only the chosen head changes
export function renderDecode(d) {
  decoded = window.__decoded = d;
  const steps = d.steps, L = steps.length, table = $('decode-steps');
  if (!L) {
    setText($('decode-verdict'), '');
    table.innerHTML = '';
    return;
  }
  const worstOut = Math.max(...steps.map((s) => s.outDiff)), worstWeights = Math.max(...steps.map((s) => s.weightsDiff));
  setText($('decode-verdict'), S.decode.verdict(L, worstOut.toExponential(1), worstWeights.toExponential(1),
    d.bytesPerToken.toLocaleString('en')));
  table.textContent = '';
  const header = table.insertRow();
  for (const name of S.decode.columns) header.append(Object.assign(document.createElement('th'), { textContent: name }));
  steps.forEach((s, i) => {
    const tr = table.insertRow();
    for (const text of [i, label(s.token), s.cacheTokens, s.cacheBytes.toLocaleString('en'),
      s.outDiff.toExponential(1), s.weightsDiff.toExponential(1)]) tr.insertCell().textContent = text;
  });
  // Row i: step i's weights over the i + 1 cached tokens for the chosen head; the cells after it are not in the cache.
  const h = Math.min(page.state.head, d.heads - 1), w = new Float32Array(L * L), absent = new Uint8Array(L * L).fill(1);
  steps.forEach((s, i) => {
    for (let j = 0; j <= i; j++) w[i * L + j] = s.weights[h * (i + 1) + j], absent[i * L + j] = 0;
  });
  const labels = steps.map((s) => label(s.token));
  const canvas = $('decode-weights');
  const g = matrixView(canvas, w, L, L, { kind: 'weight', masked: absent, rowLabels: labels, colLabels: labels, maxSize: 360 });
  tooltip(canvas, g, w, L, (i, j) => S.steps.scoreTip(labels[i], labels[j], absent[i * L + j] ? S.steps.maskedCell : fmt(w[i * L + j])), 'both');
  drawNow(canvas);  // computed once typing pauses: drawing it now delays no keystroke
  markRow();
  pngButton($('decode-card'), S.decode.png(h));
}

/** Marks the selected token's step (row k + 1: the first row is the header). */
function markRow() {
  [...$('decode-steps').rows].forEach((tr, k) => tr.classList.toggle('selected', k - 1 === selection.token));
}
watchSelection(markRow);

/** Redraws the latest answer for the newly chosen head (nothing to recompute). */
export function redrawDecode() {
  if (decoded) renderDecode(decoded);
}
