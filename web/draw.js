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

/** The largest finite |value| in values[start, end), for a symmetric colour scale. */
export function absMax(values, start = 0, end = values.length) {
  let m = 0;
  for (let k = start; k < end; k++) {
    const a = Math.abs(values[k]);
    if (a > m && a !== Infinity) m = a;  // NaN fails a > m
  }
  return m;
}

/**
 * The canvas's 2D context at width × height, cleared to white with the default drawing state. The canvas is resized
 * only when its size changes: resizing reallocates the bitmap, and most redraws keep the size.
 */
function surface(canvas, width, height) {
  const ctx = canvas.getContext('2d');
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  } else if (ctx.reset) {
    ctx.reset();
  } else {
    canvas.width = width;  // browsers without reset(): assigning the size resets too
  }
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  return ctx;
}

// Scratch pixels for drawMatrix, reused across calls instead of allocated per draw (a keystroke draws dozens), and
// written a whole pixel at a time through a 32-bit view, in the platform's byte order.
let scratchImage = null, scratchPixels = null, scratchCanvas = null;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
function pixelsFor(width, height) {
  if (!scratchImage || scratchImage.width !== width || scratchImage.height !== height) {
    scratchImage = new ImageData(width, height);
    scratchPixels = new Uint32Array(scratchImage.data.buffer);
  }
  return scratchPixels;
}
const rgba = (r, g, b) => (LITTLE_ENDIAN ? (0xff000000 | (b << 16) | (g << 8) | r) : ((r << 24) | (g << 16) | (b << 8) | 0xff));
function canvasFor(width, height) {
  if (!scratchCanvas) scratchCanvas = new OffscreenCanvas(width, height);
  if (scratchCanvas.width < width) scratchCanvas.width = width;
  if (scratchCanvas.height < height) scratchCanvas.height = height;
  return scratchCanvas;
}

/** One flag per cell (1 = masked) from a Uint8Array-like of rows × cols flags, or from a function (i, j) → bool. */
function maskFlags(masked, rows, cols) {
  if (!masked || typeof masked !== 'function') return masked || null;
  const flags = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) flags[i * cols + j] = masked(i, j) ? 1 : 0;
  return flags;
}

/**
 * Where drawMatrix puts a rows × cols matrix, without drawing it: the canvas size and the cell grid, so a page can
 * lay out and hit-test a canvas before (or without) drawing it.
 * @returns {{left, top, cell, rows, cols, width, height}}
 */
export function matrixGeometry(rows, cols, { rowLabels, colLabels, maxSize = 420, minCell = 1 } = {}) {
  const labelled = Boolean(rowLabels || colLabels);
  const cell = Math.max(minCell, Math.min(28, Math.floor(maxSize / Math.max(rows, cols, 1))));
  const left = rowLabels && cell >= 8 ? 80 : 0, top = colLabels && cell >= 8 ? 70 : 0;
  return { left, top, cell, rows, cols, width: left + cols * cell + (labelled ? 40 : 0), height: top + rows * cell + 2 };
}

/**
 * Draws a rows × cols matrix (row-major `values`, starting at `offset`). Masked cells — `masked` is rows × cols
 * flags (1 = masked) or a function (i, j) → bool — are drawn grey with a diagonal hatch, never as a small number.
 * kind 'weight' uses the white→blue scale on [0, 1]; kind 'signed' a blue-white-red scale symmetric around 0.
 * Labels are drawn when given and cells are big enough.
 * @returns {{left, top, cell, rows, cols, width, height}} as matrixGeometry
 */
export function drawMatrix(canvas, values, rows, cols, { offset = 0, kind = 'signed', limit, masked, rowLabels,
  colLabels, maxSize = 420, minCell = 1, highlightRow = -1, highlightCol = -1 } = {}) {
  const geometry = matrixGeometry(rows, cols, { rowLabels, colLabels, maxSize, minCell });
  const { left, top, cell } = geometry;
  const ctx = surface(canvas, geometry.width, geometry.height);
  const n = rows * cols, mask = maskFlags(masked, rows, cols), weight = kind === 'weight';
  const scale = weight ? 1 : limit ?? absMax(values, offset, offset + n);
  // One pixel per cell in an ImageData, scaled up without smoothing: fast for thousands of cells. The colours are
  // weightRGB and signedRGB written out so the loop allocates nothing: the clamps keep NaN as Math.min/max do, and
  // (x + 0.5) | 0 is Math.round(x) for the x here (30 ≤ x ≤ 255), so the pixels are the same.
  const px = pixelsFor(cols, rows), grey = rgba(...MASKED);
  for (let k = 0; k < n; k++) {
    if (mask && mask[k]) {
      px[k] = grey;
      continue;
    }
    const v = values[offset + k];
    if (weight) {
      const t = v > 1 ? 1 : v > 0 ? v : v <= 0 ? 0 : v;
      px[k] = rgba((255 - 225 * t + 0.5) | 0, (255 - 175 * t + 0.5) | 0, (255 - 75 * t + 0.5) | 0);
    } else {
      let t = scale > 0 ? v / scale : 0;
      t = t > 1 ? 1 : t < -1 ? -1 : t;
      px[k] = t >= 0 ? rgba(255, (255 - 190 * t + 0.5) | 0, (255 - 200 * t + 0.5) | 0)
        : rgba((255 + 200 * t + 0.5) | 0, (255 + 150 * t + 0.5) | 0, 255);
    }
  }
  const image = scratchImage;
  if (cell === 1) {
    ctx.putImageData(image, left, top);  // opaque pixels at scale 1: the same as drawing them, without a copy
  } else {
    const bitmap = canvasFor(cols, rows);
    bitmap.getContext('2d').putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(bitmap, 0, 0, cols, rows, left, top, cols * cell, rows * cell);
  }
  if (mask && cell >= 6) {  // hatch masked cells so they read as "masked", not as "small"
    ctx.strokeStyle = '#b0b0b0';
    ctx.beginPath();
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++)
        if (mask[i * cols + j]) {
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
  return geometry;
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

// The line view's label columns, drawn once and copied: every head's view shows the same tokens, so a keystroke
// draws each column once, not once per head. Kept by everything that shapes their pixels, so the result is the
// same as drawing the labels directly.
const labelColumns = new Map();
function labelColumn(labels, { align, x, width, height, top, rowHeight, font, focus }) {
  const key = JSON.stringify([align, x, width, height, top, rowHeight, font, focus, labels]);
  let column = labelColumns.get(key);
  if (!column) {
    column = new OffscreenCanvas(width, height);
    const ctx = column.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.font = font;
    ctx.textBaseline = 'middle';
    ctx.textAlign = align;
    labels.forEach((l, i) => {
      ctx.fillStyle = focus === i ? '#c07000' : '#222';
      ctx.fillText(clip(l), x, top + i * rowHeight + rowHeight / 2);
    });
    if (labelColumns.size >= 8) labelColumns.delete(labelColumns.keys().next().value);
    labelColumns.set(key, column);
  }
  return column;
}

/** Where drawLines puts rows (queries) and cols (keys), without drawing: the canvas size and the row pitch. */
export function linesGeometry(rows, cols) {
  const rowHeight = Math.max(6, Math.min(18, Math.floor(400 / Math.max(rows, cols, 1))));
  const top = 4;
  return { rowHeight, top, width: 240, height: top + Math.max(rows, cols) * rowHeight + 4 };
}

/**
 * BertViz-style line view: queries on the left, keys on the right, a line per (i, j) whose opacity is the weight.
 * With focus ≥ 0 only that query's lines are drawn.
 * @returns {{rowHeight, top, width, height}} as linesGeometry
 */
export function drawLines(canvas, weights, rows, cols, { offset = 0, leftLabels, rightLabels, focus = -1, color = '30,80,180' } = {}) {
  const geometry = linesGeometry(rows, cols), { rowHeight, top, width } = geometry;
  const height = geometry.height, ctx = surface(canvas, width, height);
  const font = `${Math.min(11, rowHeight - 2)}px sans-serif`;
  const x0 = 78, x1 = width - 78;
  // Labels first: the columns are opaque, and the lines end where the columns begin.
  ctx.drawImage(labelColumn(leftLabels, { align: 'right', x: x0 - 4, width: x0, height, top, rowHeight, font, focus }), 0, 0);
  ctx.drawImage(labelColumn(rightLabels, { align: 'left', x: 4, width: width - x1, height, top, rowHeight, font, focus: -1 }), x1, 0);
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
  return geometry;
}

/** Line chart of measured points with a fitted c·n² curve. points: [{n, ms}]; labels: the axis title, ms(v) → text. */
export function drawCostChart(canvas, points, { axis = '', ms: msText = (v) => v } = {}) {
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
  ctx.fillText(axis, L + W / 2, T + H + 30);
  ctx.textAlign = 'right';
  for (let k = 0; k <= 4; k++) ctx.fillText(msText(fmt((msMax * k) / 4)), L - 4, Y((msMax * k) / 4));
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
