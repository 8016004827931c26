// Drawing an attention-weight matrix on a canvas: a pure function of its arguments, no state, no library calls.
// Not layout or interaction: the page decides sizes and what happens on hover.

/** Colour of a weight in [0, 1]: white → deep blue. */
export function weightColor(w) {
  const t = Math.max(0, Math.min(1, w));
  const r = Math.round(255 - 225 * t), g = Math.round(255 - 175 * t), b = Math.round(255 - 75 * t);
  return `rgb(${r},${g},${b})`;
}

/**
 * Draws weights [rows, cols] (row-major) as a heat map with row/column labels. Cells where `masked(i, j)` is true
 * are hatched grey, never coloured as a small number.
 * @returns {{cell: number, left: number, top: number}} geometry, for hit-testing clicks
 */
export function drawHeatmap(canvas, weights, rows, cols, labels, { masked = () => false, cell = 28 } = {}) {
  const ctx = canvas.getContext('2d');
  const left = 90, top = 90;
  canvas.width = left + cols * cell + 70;  // room for the last rotated column label
  canvas.height = top + rows * cell + 4;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = '12px sans-serif';
  ctx.fillStyle = '#222';
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  for (let i = 0; i < rows; i++) ctx.fillText(clip(labels[i]), left - 6, top + i * cell + cell / 2);
  for (let j = 0; j < cols; j++) {
    ctx.save();
    ctx.translate(left + j * cell + cell / 2, top - 6);
    ctx.rotate(-Math.PI / 3);
    ctx.textAlign = 'left';
    ctx.fillText(clip(labels[j]), 0, 0);
    ctx.restore();
  }
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const x = left + j * cell, y = top + i * cell;
      if (masked(i, j)) {
        ctx.fillStyle = '#e4e4e4';
        ctx.fillRect(x, y, cell, cell);
        ctx.strokeStyle = '#bbb';
        ctx.beginPath();
        ctx.moveTo(x, y + cell);
        ctx.lineTo(x + cell, y);
        ctx.stroke();
      } else {
        ctx.fillStyle = weightColor(weights[i * cols + j]);
        ctx.fillRect(x, y, cell, cell);
      }
    }
  ctx.strokeStyle = '#999';
  ctx.strokeRect(left - 0.5, top - 0.5, cols * cell + 1, rows * cell + 1);
  return { cell, left, top };
}

function clip(s) {
  return s.length > 10 ? s.slice(0, 9) + '…' : s;
}
