// Small attention maps drawn one pixel per cell (scaled up by CSS), and the loss-curve chart of the training film:
// the fast drawings the model sections repeat for every layer × head on each keystroke. Not the labelled matrices
// (draw.js) and not what is drawn (sections/).
import { MASKED, pixel32, pixelsOf, stepOf } from './colours.js';
import { chartSurface } from './draw.js';

/**
 * Causal weights of one head as a T × T picture: weight(i, j) for j ≤ i, masked grey above the diagonal.
 * weight: (i, j) → a number in [0, 1], or the weights themselves [T, T] (row i, column j at i·T + j).
 * from: rows 0 … from − 1 are left as drawn (the canvas already shows them for these weights: a causal model's
 * earlier rows do not change when a text grows or its last token changes); rows from … T − 1 are drawn. The picture
 * is the same pixel for pixel as a whole redraw (tests/e2e/model.test.mjs compares them).
 */
export function drawCausalPixels(canvas, T, weight, from = 0) {
  let image = images.get(canvas);
  if (canvas.width !== T || canvas.height !== T || !image || image.width !== T) {
    canvas.width = canvas.height = T;  // resizing clears the canvas: every row is drawn
    image = new ImageData(T, T);
    images.set(canvas, image);
    from = 0;
  }
  const px = new Uint32Array(image.data.buffer), colours = pixelsOf('weight'), masked = pixel32(MASKED);
  const at = typeof weight === 'function' ? weight : (i, j) => weight[i * T + j];
  for (let i = from; i < T; i++) {
    const row = i * T;
    for (let j = 0; j <= i; j++) px[row + j] = colours[stepOf('weight', at(i, j))];  // the weights' scale of every map
    px.fill(masked, row + i + 1, row + T);
  }
  if (from < T) canvas.getContext('2d').putImageData(image, 0, 0, 0, from, T, T - from);
}
// Each canvas's picture as last drawn, so a redraw of some rows writes only those.
const images = new WeakMap();

/** A round step (1, 2 or 5 × 10ⁿ) that puts at most 5 intervals on [0, max]: labels of 10,000-step runs stay apart. */
function tickStep(max) {
  if (!(max > 0)) return 1;
  const base = 10 ** Math.floor(Math.log10(max / 5));
  return [1, 2, 5].map((m) => m * base).find((step) => max / step <= 5) ?? 10 * base;
}

/**
 * Loss curves [{ every, values, color }] against step on a logarithmic axis (the film's checkpoints are log-spaced:
 * most of the forming happens early), with a vertical mark at markStep (none when null). Value k is the loss at step
 * (k + 1)·every. Live training draws on a linear axis up to xMax, scores on a fixed yMax. event: { step, label }, a
 * dashed green line with its label (the film's moment induction appears).
 */
export function drawLossCurve(canvas, curves, markStep, { label = '', linear = false, xMax: xEnd, yMax: yTop, event } = {}) {
  const { ctx, width, height } = chartSurface(canvas);  // crisp at the screen's density
  const L = 44, R = 10, T = 10, B = 30, W = width - L - R, H = height - T - B;
  const points = curves.map((c) => c.values.map((v, k) => [(k + 1) * c.every, v]));
  const all = points.flat();
  if (all.length === 0) return;
  const xMax = xEnd ?? Math.max(...all.map((p) => p[0]), markStep ?? 0, 1), yMax = yTop ?? Math.max(...all.map((p) => p[1])) * 1.05;
  const X = linear ? (s) => L + (s / xMax) * W : (s) => L + (Math.log1p(s) / Math.log1p(xMax)) * W;
  const Y = (v) => T + H - (v / yMax) * H;
  ctx.strokeStyle = '#999';
  ctx.strokeRect(L, T, W, H);
  ctx.fillStyle = '#333';
  ctx.font = '11px sans-serif';
  ctx.textAlign = 'right';
  for (let k = 0; k <= 4; k++) ctx.fillText((yMax * k / 4).toFixed(1), L - 4, Y(yMax * k / 4) + 4);
  ctx.textAlign = 'center';
  ctx.fillText(label, L + W / 2, T + H + 24);
  const ticks = [];
  if (linear) for (let k = 0, every = tickStep(xMax); k <= xMax; k += every) ticks.push(k);
  else for (let tick = 1; tick <= xMax; tick *= 10) ticks.push(tick);
  for (const tick of ticks) {
    ctx.textAlign = X(tick) > L + W - 20 ? 'right' : 'center';  // the last label stays inside the canvas
    ctx.fillText(tick.toLocaleString('en'), X(tick), T + H + 12);
  }
  curves.forEach((c, n) => {
    ctx.strokeStyle = c.color;
    ctx.beginPath();
    points[n].forEach(([s, v], k) => (k ? ctx.lineTo(X(s), Y(v)) : ctx.moveTo(X(s), Y(v))));
    ctx.stroke();
  });
  if (event) {
    ctx.strokeStyle = ctx.fillStyle = '#0a7d32';
    ctx.setLineDash([4, 3]);
    ctx.beginPath();
    ctx.moveTo(X(event.step), T);
    ctx.lineTo(X(event.step), T + H);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.textAlign = X(event.step) > L + W / 2 ? 'right' : 'left';
    ctx.fillText(event.label, X(event.step) + (ctx.textAlign === 'right' ? -4 : 4), T + 12);
  }
  if (markStep === null || markStep === undefined) return;
  ctx.strokeStyle = '#c00';
  ctx.beginPath();
  ctx.moveTo(X(markStep), T);
  ctx.lineTo(X(markStep), T + H);
  ctx.stroke();
}
