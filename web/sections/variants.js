// Section 5: the same text through multi-head, grouped-query, multi-query, sliding-window and cross-attention,
// each with its head-averaged weights and the package's cost numbers. Not the runs or the costs (worker.js).
import { drawNow, matrixView, pngButton, removeFrom, tooltip } from '../canvas.js';
import { fmt } from '../draw.js';
import { label } from '../page.js';
import { $, setText } from '../dom.js';
import { S } from '../strings.js';

export function renderVariants(list) {
  const box = $('variants');
  list.forEach((v, k) => {
    let card = box.children[k];
    if (!card) {
      card = document.createElement('div');
      card.className = 'variant';
      card.innerHTML = '<h4></h4><canvas></canvas><table class="numbers"></table>';
      box.append(card);
    }
    const name = S.variants.names[v.name](v.window || v.kvHeads);
    card.dataset.variant = v.name;
    setText(card.querySelector('h4'), name);
    const rows = [[S.variants.params, v.params.toLocaleString('en')],
      [S.variants.kvPerToken, `${v.kvBytesPerToken.toLocaleString('en')} B`], [S.variants.kvKept, `${v.kvBytes.toLocaleString('en')} B`],
      [S.variants.flops, v.flopsPerToken.toLocaleString('en')]];
    const table = card.querySelector('table');
    rows.forEach(([name, val], r) => {
      let tr = table.rows[r];
      if (!tr) {
        tr = table.insertRow();
        tr.innerHTML = '<th></th><td></td>';
      }
      setText(tr.children[0], name);
      setText(tr.children[1], val);
    });
    pngButton(card, name);
    const canvas = card.querySelector('canvas');
    const g = matrixView(canvas, v.weights, v.rows, v.cols, { kind: 'weight', maxSize: 230, masked: (i, j) => v.visible[i * v.cols + j] === 0 });
    const queries = v.queryTokens.map(label), keys = v.keyTokens.map(label);
    tooltip(canvas, g, v.weights, v.cols, (i, j) => S.steps.scoreTip(queries[i], keys[j],
      v.visible[i * v.cols + j] === 0 ? S.steps.maskedCell : fmt(v.weights[i * v.cols + j])), v.cross ? 'rows' : 'both');
    drawNow(canvas);  // variants arrive once typing pauses: drawing them at once delays no keystroke
  });
  removeFrom(box, list.length);
}
