// Small attention maps drawn one pixel per cell (scaled up by CSS), and the loss-curve chart of the training film:
// the fast drawings the model sections repeat for every layer × head on each keystroke. Not the labelled matrices
// (draw.js) and not what is drawn (sections/).
import { MASKED, colourOf } from './colours.js';
import { chartSurface } from './draw.js';

/**
 * Causal weights of one head as a T × T picture: weight(i, j) for j ≤ i, masked grey above the diagonal.
 * weight(i, j) is a number in [0, 1].
 */
export function drawCausalPixels(canvas, T, weight) {
  if (canvas.width !== T) canvas.width = T;
  if (canvas.height !== T) canvas.height = T;
  const ctx = canvas.getContext('2d');
  const image = ctx.createImageData(T, T), px = image.data;
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) {
      const at = 4 * (i * T + j);
      if (j > i) px[at] = MASKED[0], px[at + 1] = MASKED[1], px[at + 2] = MASKED[2];
      else {
        const [r, g, b] = colourOf('weight', weight(i, j));  // the weights' scale of every map (colours.js)
        px[at] = r, px[at + 1] = g, px[at + 2] = b;
      }
      px[at + 3] = 255;
    }
  }
  ctx.putImageData(image, 0, 0);
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
  if (linear) for (let k = 0, every = 10 ** Math.floor(Math.log10(xMax / 2)); k <= xMax; k += every) ticks.push(k);
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
