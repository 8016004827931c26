// Section 6: 我打他 against 他打我 without and with positions; whether the weights are a pure permutation is the
// package's permutationDiff (worker.js). Not computed here.
import { drawNow, matrixView, pngButton, removeFrom, tooltip } from '../canvas.js';
import { $ } from '../dom.js';
import { fmt } from '../draw.js';
import { label } from '../page.js';
import { S } from '../strings.js';

export function renderPositions(r) {
  const box = $('positions');
  removeFrom(box, 0);
  for (const positional of ['none', 'sinusoidal']) {
    const card = document.createElement('div');
    card.className = 'variant';
    card.dataset.positional = positional;
    const L = r.a.length;
    const h = document.createElement('h4');
    h.textContent = S.positions.title(S.block[positional]);
    const ca = document.createElement('canvas'), cb = document.createElement('canvas');
    const p = document.createElement('p');
    p.className = 'verdict';
    const worst = r[positional].worst;
    p.textContent = worst < 1e-6 ? S.positions.permutation(worst.toExponential(1)) : S.positions.differ(fmt(worst));
    card.append(h, ca, cb, p);
    pngButton(card, `positions-${positional}`);
    box.append(card);
    // Drawn at once: this is the same for every text, computed once at start.
    for (const [canvas, side] of [[ca, 'a'], [cb, 'b']]) {
      const labels = r[side].map(label), w = r[positional][side];
      const g = matrixView(canvas, w, L, L, { kind: 'weight', rowLabels: labels, colLabels: labels, maxSize: 150 });
      tooltip(canvas, g, w, L, (i, j) => S.steps.scoreTip(labels[i], labels[j], fmt(w[i * L + j])));
    }
    drawNow(ca), drawNow(cb);
  }
}
