// The logit lens: for a chosen position (the last by default), what the model would predict after each layer (the
// residual stream through the final LayerNorm and the unembedding, as the package's forward({ logitLens })
// returns it), one row per depth. Not the lens itself (the library computes it) and not the final prediction.
import { $ } from '../dom.js';
import { label, page, showError } from '../page.js';
import { call } from '../rpc.js';
import { watchSelection } from '../selection.js';
import { S } from '../strings.js';

let position = -1;  // -1: the last token
let current = null;  // the analysis shown (its heads switched off apply to the lens too)

export function renderLens(a) {
  current = a;
  const select = $('lens-pos');
  if (a.empty) {
    $('lens').textContent = '';
    select.textContent = '';
    return;
  }
  const labels = a.tokens.map((t, i) => `${i}: ${label(t)}`);
  if (select.dataset.labels !== labels.join('|')) {
    select.textContent = '';
    labels.forEach((text, i) => select.add(new Option(text, i)));
    select.dataset.labels = labels.join('|');
    select.onchange = () => choose(Number(select.value), a.tokens.length);
  }
  if (position >= a.tokens.length) position = -1;
  select.value = String(position < 0 ? a.tokens.length - 1 : position);
  if (position < 0) drawLens(a.lens, a.tokens.length - 1);
  else choose(position, a.tokens.length);
}

// The selected token (selection.js) is the lens's position too.
watchSelection((i) => {
  if (!current || current.empty || i < 0 || i >= current.tokens.length) return;
  $('lens-pos').value = String(i);
  choose(i, current.tokens.length);
});

async function choose(p, T) {
  position = p === T - 1 ? -1 : p;
  try {
    const r = await call('modelLens', { text: page.state.text, position: p, ablate: current?.ablate ?? [] });
    drawLens(r.lens, p);
  } catch (e) {
    if (!e.stale) showError(e);
  }
}

/** Redraws the lens shown (its depth names in the page's language). */
export function redrawLens() {
  if (shown) drawLens(shown.lens, shown.p);
}
let shown = null;

function drawLens(lens, p) {
  shown = { lens, p };
  const table = $('lens');
  table.textContent = '';
  table.dataset.position = p;
  const L = lens.length - 1;
  lens.forEach((row, d) => {
    const tr = table.insertRow();
    tr.dataset.depth = d;
    const th = document.createElement('th');
    th.textContent = S.lens.depth(d, L);
    tr.append(th);
    for (const t of row) {
      const td = tr.insertCell();
      td.dataset.id = t.id;
      td.dataset.prob = t.prob;
      td.textContent = `${label({ text: t.text })} ${(100 * t.prob).toFixed(1)}%`;
    }
  });
  window.__lens = { position: p, lens };
}
