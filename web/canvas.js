// Canvases drawn on demand and the widgets around them (tooltips, step cards, PNG buttons, keyboard cursors).
// Not the drawing primitives (draw.js) and not what is drawn (app.js).
import { $, download, setText } from './dom.js';
import { cellAt, drawMatrix, fmt, matrixGeometry } from './draw.js';
import { S } from './strings.js';

// Drawing on demand. The page holds ~40 canvases but a screen shows a few: a canvas is drawn when it is on (or near)
// the screen; the others keep their latest drawing and run it when scrolled to, before an export reads them, or
// once typing pauses. A keystroke thus redraws what the reader sees, not the whole page. The size is set at once
// (layout and hit-testing need it), the pixels when needed.
export const pendingDraws = new Map();  // canvas → its latest drawing, not run yet
const nearScreen = new Set();    // canvases on the screen or within a margin of it
const watcher = new IntersectionObserver((entries) => {
  for (const e of entries) {
    if (e.isIntersecting) nearScreen.add(e.target), drawNow(e.target);
    else nearScreen.delete(e.target);
  }
}, { rootMargin: '400px 0px' });

/** Sets the canvas size (unchanged sizes are not reassigned: that would clear the canvas) and schedules draw. */
export function paint(canvas, width, height, draw) {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  watcher.observe(canvas);  // no-op when already observed
  pendingDraws.set(canvas, draw);
  if (nearScreen.has(canvas)) drawNow(canvas);
  else drawRestLater();
}

export function drawNow(canvas) {
  const draw = pendingDraws.get(canvas);
  if (!draw) return;
  pendingDraws.delete(canvas);
  draw();
}

/** A matrix on a canvas, drawn on demand; returns its geometry for hit-testing. */
export function matrixView(canvas, values, rows, cols, options) {
  const g = matrixGeometry(rows, cols, options);
  paint(canvas, g.width, g.height, () => drawMatrix(canvas, values, rows, cols, options));
  return g;
}

/** Removes a container's children from index `from` on, and forgets their canvases. */
export function removeFrom(container, from) {
  while (container.children.length > from) {
    for (const c of container.lastChild.querySelectorAll('canvas')) pendingDraws.delete(c), nearScreen.delete(c), watcher.unobserve(c);
    container.lastChild.remove();
  }
}

// Off-screen canvases are drawn once typing has paused, a few milliseconds per task so that input and frames get
// in between: scrolling then finds them drawn, and exports and screenshots see every view. (Timers rather than
// requestIdleCallback, whose callbacks Chromium was seen to hold back for seconds after a hover.)
let restTimer = 0;
export function drawRestLater(delay = 300) {
  clearTimeout(restTimer);
  restTimer = setTimeout(drawRest, delay);
}
function drawRest() {
  const end = performance.now() + 5;
  for (const canvas of pendingDraws.keys()) {
    drawNow(canvas);
    if (performance.now() > end) break;
  }
  if (pendingDraws.size) drawRestLater(0);
}
window.addEventListener('beforeprint', () => [...pendingDraws.keys()].forEach(drawNow));

/** Shows the page's tooltip with `text` beside the mouse event's point. */
export function showTip(e, text) {
  const tip = $('tooltip');
  tip.hidden = false;
  tip.textContent = text;
  tip.style.left = `${e.clientX + 12}px`;
  tip.style.top = `${e.clientY + 12}px`;
}
export const hideTip = () => ($('tooltip').hidden = true);

/** The exact value of the cell under the mouse, for a matrix drawn by drawMatrix with this geometry. */
export function tooltip(canvas, geometry, values, cols, describe) {
  canvas.onmousemove = (e) => {
    const c = cellAt(e, canvas, geometry);
    if (!c) return hideTip();
    showTip(e, describe ? describe(c.i, c.j) : fmt(values[c.i * cols + c.j]));
  };
  canvas.onmouseleave = hideTip;
}

/** The same for a rows × cols picture of one pixel per cell, scaled by CSS (the layer grid, the training film). */
export function pixelTooltip(canvas, rows, cols, describe) {
  canvas.onmousemove = (e) => {
    const r = canvas.getBoundingClientRect();
    const i = Math.floor(((e.clientY - r.top) / r.height) * rows), j = Math.floor(((e.clientX - r.left) / r.width) * cols);
    if (i < 0 || j < 0 || i >= rows || j >= cols) return hideTip();
    showTip(e, describe(i, j));
  };
  canvas.onmouseleave = hideTip;
}

/** The container's k-th step card, made on first use and updated after; returns its canvas. */
export function stepCard(container, k, { title, formula, shape, note }) {
  let card = container.children[k];
  if (!card) {
    card = document.createElement('div');
    card.className = 'step';
    card.innerHTML = `<h4></h4><div class="formula"></div><div class="shape"></div><canvas></canvas>`;
    container.append(card);
  }
  setText(card.querySelector('h4'), title);
  setText(card.querySelector('.formula'), formula);
  setText(card.querySelector('.shape'), shape + (note ? ` · ${note}` : ''));
  const canvas = card.querySelector('canvas'), aria = `${title}: ${formula}, ${shape}`;
  if (canvas.getAttribute('aria-label') !== aria) canvas.setAttribute('aria-label', aria);
  pngButton(card, title);
  return canvas;
}

/** A small button that downloads the card's canvases, stacked, as one PNG (made once, renamed on later calls). */
export function pngButton(card, name) {
  let button = card.querySelector(':scope > button.png');
  if (button) {
    button.dataset.name = name;
    button.title = S.export.pngTitle(name);
    return;
  }
  button = document.createElement('button');
  button.type = 'button';
  button.className = 'png';
  button.textContent = S.export.pngButton;
  button.dataset.name = name;
  button.title = S.export.pngTitle(name);
  button.onclick = () => {
    const canvases = [...card.querySelectorAll('canvas')];
    canvases.forEach(drawNow);
    const out = document.createElement('canvas');
    out.width = Math.max(1, ...canvases.map((c) => c.width));
    out.height = Math.max(1, canvases.reduce((sum, c) => sum + c.height + 6, 0));
    const ctx = out.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, out.width, out.height);
    let y = 0;
    for (const c of canvases) ctx.drawImage(c, 0, y), (y += c.height + 6);
    out.toBlob((blob) => download(`${button.dataset.name.replace(/[^\w.-]+/g, '-')}.png`, blob));
  };
  card.append(button);
}

/**
 * Keyboard use of a matrix canvas: focus it with Tab, move a cursor with the arrow keys, Enter acts on the cell
 * (the same as a click). redraw(i, j) draws the matrix with the cursor highlighted.
 */
export function keyboardCells(canvas, rows, cols, redraw, act) {
  canvas.tabIndex = 0;
  let i = 0, j = 0;
  canvas.onkeydown = (e) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (moves[e.key]) {
      i = Math.max(0, Math.min(rows - 1, i + moves[e.key][0]));
      j = Math.max(0, Math.min(cols - 1, j + moves[e.key][1]));
      redraw(i, j);
      e.preventDefault();
    } else if (e.key === 'Enter' || e.key === ' ') {
      act(i, j);
      e.preventDefault();
    }
  };
  canvas.onfocus = () => redraw(i, j);
}

