// Pure drawing functions for the demo: matrices as heat maps, colour legends, token-to-token line views, charts.
// Not state or layout: each function draws only from its arguments and returns the geometry for hit-testing.

const MASKED = [228, 228, 228];

/** Sequential scale for weights in [0, 1]: white → deep blue. */
export function weightRGB(w) {
  const t = Math.max(0, Math.min(1, w));
  return [Math.round(255 - 225 * t), Math.round(255 - 175 * t), Math.round(255 - 75 * t)];
}

/** Diverging scale for signed values, |v| ≤ limit: blue (negative) → white → red (positive). */
export function signedRGB(v, limit) {
  const t = Math.max(-1, Math.min(1, limit > 0 ? v / limit : 0));
  if (t >= 0) return [255, Math.round(255 - 190 * t), Math.round(255 - 200 * t)];
  return [Math.round(255 + 200 * t), Math.round(255 + 150 * t), 255];
}

const css = ([r, g, b]) => `rgb(${r},${g},${b})`;

/** The largest finite |value|, for a symmetric colour scale. */
export function absMax(values) {
  let m = 0;
  for (const v of values) if (Number.isFinite(v) && Math.abs(v) > m) m = Math.abs(v);
  return m;
}

/**
 * Draws a rows × cols matrix (row-major `values`, starting at `offset`). Cells for which masked(i, j) is true are
 * drawn grey with a diagonal hatch, never as a small number. kind 'weight' uses the white→blue scale on [0, 1];
 * kind 'signed' a blue-white-red scale symmetric around 0. Labels are drawn when given and cells are big enough.
 * @returns {{left, top, cell, rows, cols}}
 */
export function drawMatrix(canvas, values, rows, cols, { offset = 0, kind = 'signed', limit, masked, rowLabels,
  colLabels, maxSize = 420, minCell = 1, highlightRow = -1, highlightCol = -1 } = {}) {
  const labelled = Boolean(rowLabels || colLabels);
  const cell = Math.max(minCell, Math.min(28, Math.floor(maxSize / Math.max(rows, cols, 1))));
  const left = rowLabels && cell >= 8 ? 80 : 0, top = colLabels && cell >= 8 ? 70 : 0;
  canvas.width = left + cols * cell + (labelled ? 40 : 0);
  canvas.height = top + rows * cell + 2;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const scale = limit ?? absMax(values.subarray ? values.subarray(offset, offset + rows * cols) : values);
  // One pixel per cell in an ImageData, scaled up without smoothing: fast for thousands of cells.
  const image = new ImageData(cols, rows);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const v = values[offset + i * cols + j];
      const rgb = masked && masked(i, j) ? MASKED : kind === 'weight' ? weightRGB(v) : signedRGB(v, scale);
      const p = 4 * (i * cols + j);
      image.data[p] = rgb[0], image.data[p + 1] = rgb[1], image.data[p + 2] = rgb[2], image.data[p + 3] = 255;
    }
  const bitmap = new OffscreenCanvas(cols, rows);
  bitmap.getContext('2d').putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(bitmap, left, top, cols * cell, rows * cell);
  if (masked && cell >= 6) {  // hatch masked cells so they read as "masked", not as "small"
    ctx.strokeStyle = '#b0b0b0';
    ctx.beginPath();
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++)
        if (masked(i, j)) {
          ctx.moveTo(left + j * cell, top + (i + 1) * cell);
          ctx.lineTo(left + (j + 1) * cell, top + i * cell);
        }
    ctx.stroke();
  }
  ctx.font = `${Math.min(12, Math.max(9, cell - 4))}px sans-serif`;
  ctx.fillStyle = '#222';
  if (left) {
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    rowLabels.forEach((l, i) => ctx.fillText(clip(l), left - 4, top + i * cell + cell / 2));
  }
  if (top) {
    colLabels.forEach((l, j) => {
      ctx.save();
      ctx.translate(left + j * cell + cell / 2, top - 4);
      ctx.rotate(-Math.PI / 3);
      ctx.textAlign = 'left';
      ctx.fillText(clip(l), 0, 0);
      ctx.restore();
    });
  }
  ctx.strokeStyle = '#888';
  ctx.strokeRect(left - 0.5, top - 0.5, cols * cell + 1, rows * cell + 1);
  ctx.strokeStyle = '#e0a000';
  ctx.lineWidth = 2;
  if (highlightRow >= 0) ctx.strokeRect(left, top + highlightRow * cell, cols * cell, cell);
  if (highlightCol >= 0) ctx.strokeRect(left + highlightCol * cell, top, cell, rows * cell);
  ctx.lineWidth = 1;
  return { left, top, cell, rows, cols };
}

/** The cell under a mouse event, or null. */
export function cellAt(event, canvas, geometry) {
  const r = canvas.getBoundingClientRect();
  const x = ((event.clientX - r.left) * canvas.width) / r.width - geometry.left;
  const y = ((event.clientY - r.top) * canvas.height) / r.height - geometry.top;
  const i = Math.floor(y / geometry.cell), j = Math.floor(x / geometry.cell);
  return i >= 0 && j >= 0 && i < geometry.rows && j < geometry.cols ? { i, j } : null;
}

/** A horizontal colour legend for the scale drawMatrix used. */
export function drawLegend(canvas, { kind = 'signed', limit = 1 } = {}) {
  canvas.width = 220;
  canvas.height = 30;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, 220, 30);
  for (let x = 0; x < 200; x++) {
    const t = x / 199;
    ctx.fillStyle = css(kind === 'weight' ? weightRGB(t) : signedRGB((2 * t - 1) * limit, limit));
    ctx.fillRect(10 + x, 2, 1, 12);
  }
  ctx.fillStyle = '#333';
  ctx.font = '10px sans-serif';
  ctx.textAlign = 'left';
  ctx.fillText(kind === 'weight' ? '0' : fmt(-limit), 10, 26);
  ctx.textAlign = 'right';
  ctx.fillText(kind === 'weight' ? '1' : fmt(limit), 210, 26);
  ctx.textAlign = 'center';
  if (kind !== 'weight') ctx.fillText('0', 110, 26);
  ctx.fillStyle = css(MASKED);
}

/**
 * BertViz-style line view: queries on the left, keys on the right, a line per (i, j) whose opacity is the weight.
 * With focus ≥ 0 only that query's lines are drawn.
 * @returns {{rowHeight, top}}
 */
export function drawLines(canvas, weights, rows, cols, { offset = 0, leftLabels, rightLabels, focus = -1, color = '30,80,180' } = {}) {
  const rowHeight = Math.max(6, Math.min(18, Math.floor(400 / Math.max(rows, cols, 1))));
  const top = 4, width = 240;
  canvas.width = width;
  canvas.height = top + Math.max(rows, cols) * rowHeight + 4;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.font = `${Math.min(11, rowHeight - 2)}px sans-serif`;
  ctx.textBaseline = 'middle';
  const x0 = 78, x1 = width - 78;
  // Lines grouped by weight into 10 bands, one path per band: a few strokes instead of one per line. Unfocused,
  // each query shows its 4 strongest links above 0.05 (the rest would be a grey haze costing a frame to paint);
  // a focused query shows every link above 0.01.
  const bands = Array.from({ length: 10 }, () => []);
  for (let i = 0; i < rows; i++) {
    if (focus >= 0 && i !== focus) continue;
    let links = [];
    for (let j = 0; j < cols; j++) {
      const w = weights[offset + i * cols + j];
      if (w > (focus >= 0 ? 0.01 : 0.05)) links.push([w, j]);
    }
    if (focus < 0 && links.length > 4) links = links.sort((a, b) => b[0] - a[0]).slice(0, 4);
    for (const [w, j] of links) bands[Math.min(9, Math.floor(w * 10))].push(i, j);
  }
  bands.forEach((band, k) => {
    if (!band.length) return;
    const w = (k + 0.5) / 10;
    ctx.strokeStyle = `rgba(${color},${w.toFixed(2)})`;
    ctx.lineWidth = 1 + 2 * w;
    ctx.beginPath();
    for (let n = 0; n < band.length; n += 2) {
      ctx.moveTo(x0, top + band[n] * rowHeight + rowHeight / 2);
      ctx.lineTo(x1, top + band[n + 1] * rowHeight + rowHeight / 2);
    }
    ctx.stroke();
  });
  ctx.fillStyle = '#222';
  ctx.textAlign = 'right';
  leftLabels.forEach((l, i) => {
    ctx.fillStyle = focus === i ? '#c07000' : '#222';
    ctx.fillText(clip(l), x0 - 4, top + i * rowHeight + rowHeight / 2);
  });
  ctx.textAlign = 'left';
  ctx.fillStyle = '#222';
  rightLabels.forEach((l, j) => ctx.fillText(clip(l), x1 + 4, top + j * rowHeight + rowHeight / 2));
  return { rowHeight, top };
}

/** Line chart of measured points with a fitted c·n² curve. points: [{n, ms}]. */
export function drawCostChart(canvas, points) {
  canvas.width = 460;
  canvas.height = 260;
  const ctx = canvas.getContext('2d');
  const L = 56, R = 14, T = 14, B = 36, W = canvas.width - L - R, H = canvas.height - T - B;
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (points.length === 0) return;
  const nMax = Math.max(...points.map((p) => p.n)), last = points[points.length - 1];
  const c = last.ms / (last.n * last.n);  // fitted through the largest measurement
  const msMax = Math.max(...points.map((p) => p.ms), c * nMax * nMax) * 1.05;
  const X = (n) => L + (n / nMax) * W, Y = (ms) => T + H - (ms / msMax) * H;
  ctx.strokeStyle = '#999';
  ctx.strokeRect(L, T, W, H);
  ctx.fillStyle = '#333';
  ctx.font = '11px sans-serif';
  ctx.textAlign = 'center';
  for (const p of points) ctx.fillText(String(p.n), X(p.n), T + H + 14);
  ctx.fillText('sequence length n (tokens)', L + W / 2, T + H + 30);
  ctx.textAlign = 'right';
  for (let k = 0; k <= 4; k++) ctx.fillText(fmt((msMax * k) / 4) + ' ms', L - 4, Y((msMax * k) / 4));
  ctx.strokeStyle = '#e07000';
  ctx.setLineDash([5, 4]);
  ctx.beginPath();
  for (let s = 0; s <= 100; s++) {
    const n = (nMax * s) / 100;
    s === 0 ? ctx.moveTo(X(n), Y(c * n * n)) : ctx.lineTo(X(n), Y(c * n * n));
  }
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.strokeStyle = ctx.fillStyle = '#1e50b4';
  ctx.beginPath();
  points.forEach((p, k) => (k === 0 ? ctx.moveTo(X(p.n), Y(p.ms)) : ctx.lineTo(X(p.n), Y(p.ms))));
  ctx.stroke();
  for (const p of points) {
    ctx.beginPath();
    ctx.arc(X(p.n), Y(p.ms), 3, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/** A number with sensible precision for the page. */
export function fmt(v) {
  if (v === -Infinity) return '−∞';
  if (v === Infinity) return '∞';
  if (Number.isNaN(v)) return 'NaN';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return v.toFixed(a >= 100 ? 1 : a >= 10 ? 2 : 3);
}

function clip(s) {
  const t = String(s);
  return t.length > 10 ? t.slice(0, 9) + '…' : t;
}
