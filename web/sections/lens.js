// The logit lens: for the last position, what the model would predict after each layer (the residual stream
// through the final LayerNorm and the unembedding, as the package's forward({ logitLens }) returns it), one row per
// depth. Not the lens itself (the library computes it) and not the final prediction (predict.js).
import { $, setText } from '../dom.js';
import { label } from '../page.js';
import { S } from '../strings.js';

export function renderLens(a) {
  setText($('lens-note'), S.lensNote);
  const table = $('lens');
  table.textContent = '';
  if (a.empty) return;
  const L = a.lens.length - 1;
  a.lens.forEach((row, d) => {
    const tr = table.insertRow();
    tr.dataset.depth = d;
    const th = document.createElement('th');
    th.textContent = S.lensDepth(d, L);
    tr.append(th);
    for (const t of row) {
      const td = tr.insertCell();
      td.dataset.id = t.id;
      td.dataset.prob = t.prob;
      td.textContent = `${label({ text: t.text })} ${(100 * t.prob).toFixed(1)}%`;
    }
  });
}
