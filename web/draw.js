// Pure drawing functions for the demo: matrices as heat maps, colour legends, token-to-token line views, charts.
// Not state or layout: each function draws only from its arguments and returns the geometry for hit-testing.

// The map drawn for a value (its colour) comes from colours.js: one scale per kind of quantity, shared by every map.
import { MASKED, SELECTION, SERIES, colourOf, css, pixel32, pixelsOf, stepOf } from './colours.js';

/** The longer side of a map's cells in CSS px is at least this (a map of a few tokens is still big enough to read). */
export const MIN_MAP = 240;

/** The largest finite |value| in values[start, end), for a symmetric colour scale. */
export function absMax(values, start = 0, end = values.length) {
  let m = 0;
  for (let k = start; k < end; k++) {
    const a = Math.abs(values[k]);
    if (a > m && a !== Infinity) m = a;  // NaN fails a > m
  }
  return m;
}

/** The screen's pixels per CSS px (1 where there is no screen, e.g. in Node). */
const density = () => Math.max(1, globalThis.devicePixelRatio || 1);

/**
 * Sizes a canvas for a drawing of width × height CSS px: its bitmap at the screen's pixel density (crisp on a
 * high-density screen), its CSS width at width px (max-width may shrink it, the height follows). Unchanged sizes are
 * not reassigned: that would clear the canvas.
 */
export function sizeCanvas(canvas, width, height) {
  const d = density(), w = Math.round(width * d), h = Math.round(height * d);
  const resized = canvas.width !== w || canvas.height !== h;
  if (canvas.width !== w) canvas.width = w;
  if (canvas.height !== h) canvas.height = h;
  if (canvas.style.width !== `${width}px`) canvas.style.width = `${width}px`;
  return resized;
}

/**
 * The canvas's 2D context for a drawing of width × height CSS px, cleared to white with the default drawing state
 * and scaled to the screen's density. The bitmap is reallocated only when the size changes.
 */
function surface(canvas, width, height) {
  const ctx = canvas.getContext('2d');
  if (!sizeCanvas(canvas, width, height)) {
    if (ctx.reset) ctx.reset();
    else canvas.width = canvas.width;  // browsers without reset(): assigning the size resets too
  }
  const d = density();
  ctx.setTransform(d, 0, 0, d, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  return ctx;
}

/**
 * A chart's 2D context at its CSS size (its width and height attributes before the first call), cleared to white
 * and crisp at the screen's density: returns { ctx, width, height } in CSS px.
 */
export function chartSurface(canvas) {
  const width = parseFloat(canvas.style.width) || canvas.width, height = Math.round((width * canvas.height) / canvas.width);
  return { ctx: surface(canvas, width, height), width, height };
}

// Scratch pixels for drawMatrix, reused across calls instead of allocated per draw (a keystroke draws dozens), and
// written a whole pixel at a time through a 32-bit view.
let scratchImage = null, scratchPixels = null, scratchCanvas = null;
function pixelsFor(width, height) {
  if (!scratchImage || scratchImage.width !== width || scratchImage.height !== height) {
    scratchImage = new ImageData(width, height);
    scratchPixels = new Uint32Array(scratchImage.data.buffer);
  }
  return scratchPixels;
}
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
  const labelled = Boolean(rowLabels || colLabels), n = Math.max(rows, cols, 1);
  // The longer side at 28 px a cell, at least MIN_MAP and at most maxSize (unless MIN_MAP is more).
  const side = Math.max(MIN_MAP, Math.min(28 * n, maxSize));
  const cell = Math.max(minCell, n * Math.floor(side / n) >= MIN_MAP ? Math.floor(side / n) : Math.ceil(side / n));
  const left = rowLabels && cell >= 8 ? 80 : 0, top = colLabels && cell >= 8 ? 70 : 0;
  return { left, top, cell, rows, cols, width: left + cols * cell + (labelled ? 40 : 0), height: top + rows * cell + 2 };
}

/**
 * Draws a rows × cols matrix (row-major `values`, starting at `offset`). Masked cells — `masked` is rows × cols
 * flags (1 = masked) or a function (i, j) → bool — are drawn grey with a diagonal hatch, never as a small number.
 * kind 'weight' uses the weights' scale on [0, 1]; kind 'signed' the signed scale, symmetric around 0 over ±limit
 * (default: the largest |value|). The scales are colours.js's.
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
  // One pixel per cell in an ImageData, scaled up without smoothing: fast for thousands of cells. Each value takes
  // its step's pixel on the kind's shared scale (colours.js), so the loop allocates nothing.
  const px = pixelsFor(cols, rows), grey = pixel32(MASKED), colours = pixelsOf(weight ? 'weight' : 'signed');
  for (let k = 0; k < n; k++) px[k] = mask && mask[k] ? grey : colours[stepOf(kind, values[offset + k], scale)];
  const bitmap = canvasFor(cols, rows);
  bitmap.getContext('2d').putImageData(scratchImage, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(bitmap, 0, 0, cols, rows, left, top, cols * cell, rows * cell);
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
  ctx.strokeStyle = SELECTION;
  ctx.lineWidth = 2;
  if (highlightRow >= 0) ctx.strokeRect(left, top + highlightRow * cell, cols * cell, cell);
  if (highlightCol >= 0) ctx.strokeRect(left + highlightCol * cell, top, cell, rows * cell);
  ctx.lineWidth = 1;
  return geometry;
}

/** The cell under a mouse event, or null. */
export function cellAt(event, canvas, geometry) {
  const r = canvas.getBoundingClientRect();
  const x = ((event.clientX - r.left) * geometry.width) / r.width - geometry.left;
  const y = ((event.clientY - r.top) * geometry.height) / r.height - geometry.top;
  const i = Math.floor(y / geometry.cell), j = Math.floor(x / geometry.cell);
  return i >= 0 && j >= 0 && i < geometry.rows && j < geometry.cols ? { i, j } : null;
}

/** A horizontal colour legend of a kind's scale (colours.js): weights 0 to 1, signed values −limit to limit. */
export function drawLegend(canvas, { kind = 'signed', limit = 1 } = {}) {
  const ctx = surface(canvas, 180, 28);
  for (let x = 0; x < 160; x++) {
    const t = x / 159;
    ctx.fillStyle = css(colourOf(kind, kind === 'weight' ? t : (2 * t - 1) * limit, limit));
    ctx.fillRect(10 + x, 2, 1, 12);
  }
  ctx.strokeStyle = '#888';
  ctx.strokeRect(9.5, 1.5, 161, 13);
  ctx.fillStyle = '#333';
  ctx.font = '10px sans-serif';
  ctx.textAlign = 'left';
  ctx.fillText(kind === 'weight' ? '0' : fmt(-limit), 10, 25);
  ctx.textAlign = 'right';
  ctx.fillText(kind === 'weight' ? '1' : fmt(limit), 170, 25);
  ctx.textAlign = 'center';
  ctx.fillText(kind === 'weight' ? '0.5' : '0', 90, 25);
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
      ctx.fillStyle = focus === i ? SELECTION : '#222';
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
export function drawLines(canvas, weights, rows, cols, { offset = 0, leftLabels, rightLabels, focus = -1 } = {}) {
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
    ctx.strokeStyle = css(colourOf('weight', w));  // a link's colour is its weight's, on the weights' scale
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
  const ctx = surface(canvas, 460, 260);
  const L = 56, R = 14, T = 14, B = 36, W = 460 - L - R, H = 260 - T - B;
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
  ctx.strokeStyle = SERIES[1];
  ctx.setLineDash([5, 4]);
  ctx.beginPath();
  for (let s = 0; s <= 100; s++) {
    const n = (nMax * s) / 100;
    s === 0 ? ctx.moveTo(X(n), Y(c * n * n)) : ctx.lineTo(X(n), Y(c * n * n));
  }
  ctx.stroke();
  ctx.setLineDash([]);
  ctx.strokeStyle = ctx.fillStyle = SERIES[0];
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
