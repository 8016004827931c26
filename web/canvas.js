// Canvases drawn on demand and the widgets around them (tooltips, step cards, PNG buttons, keyboard cursors).
// Not the drawing primitives (draw.js) and not what is drawn (app.js).
import { $, download, setText } from './dom.js';
import { drawLegend, drawMatrix, fmt, matrixGeometry, sizeCanvas } from './draw.js';
import { selectToken, selection, watchSelection } from './selection.js';
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

/** Sets the canvas size in CSS px (draw.js sizeCanvas: crisp at the screen's density) and schedules draw. */
export function paint(canvas, width, height, draw) {
  sizeCanvas(canvas, width, height);
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

/** Shows the page's tooltip with `text` beside a point of the window (a pointer event, or { clientX, clientY }). */
export function showTip(e, text) {
  const tip = $('tooltip');
  tip.hidden = false;
  tip.textContent = text;
  // Beside the point, kept inside the window (a phone's screen is narrow).
  tip.style.left = `${Math.max(0, Math.min(e.clientX + 12, window.innerWidth - tip.offsetWidth - 4))}px`;
  tip.style.top = `${e.clientY + 12}px`;
}
export const hideTip = () => ($('tooltip').hidden = true);

// Every map's cells: where its cell grid is on the canvas (as fractions of the canvas's box, so CSS scaling does
// not matter), the sentence giving a cell's exact value, and which axes are the text's tokens ('rows', 'both' or
// none): those are marked for the selected token, and a click or tap on a cell selects its token.
const maps = new WeakMap();

/** The exact value of the cell under the mouse (or a tap, or the keyboard's cursor), for a matrix drawn by drawMatrix. */
export function tooltip(canvas, geometry, values, cols, describe, tokens) {
  const g = geometry;
  mapCells(canvas, { rows: g.rows, cols: g.cols, frame: { x: g.left / g.width, y: g.top / g.height, w: g.cell / g.width,
    h: g.cell / g.height }, describe: describe ?? ((i, j) => fmt(values[i * cols + j])), tokens });
}

/** The same for a rows × cols picture of one pixel per cell, scaled by CSS (the layer grid, the training film). */
export function pixelTooltip(canvas, rows, cols, describe, tokens) {
  mapCells(canvas, { rows, cols, frame: { x: 0, y: 0, w: 1 / cols, h: 1 / rows }, describe, tokens });
}

function cellUnder(e, canvas, m) {
  const r = canvas.getBoundingClientRect(), f = m.frame;
  const i = Math.floor(((e.clientY - r.top) / r.height - f.y) / f.h), j = Math.floor(((e.clientX - r.left) / r.width - f.x) / f.w);
  return i >= 0 && j >= 0 && i < m.rows && j < m.cols ? { i, j } : null;
}

/** Shows cell (i, j)'s value beside the cell (for the keyboard's cursor). */
export function showCellTip(canvas, i, j) {
  const m = maps.get(canvas);
  if (!m) return;
  const r = canvas.getBoundingClientRect(), f = m.frame;
  showTip({ clientX: r.left + (f.x + (j + 1) * f.w) * r.width, clientY: r.top + (f.y + (i + 0.5) * f.h) * r.height }, m.describe(i, j));
}

function mapCells(canvas, m) {
  const known = maps.has(canvas);
  m.cursor = maps.get(canvas)?.cursor ?? { i: 0, j: 0 };
  maps.set(canvas, m);
  canvas.dataset.frame = [m.frame.x, m.frame.y, m.frame.w, m.frame.h, m.rows, m.cols].join(',');  // read by tests
  markSelected(canvas);
  if (known) return;
  const map = () => maps.get(canvas);
  canvas.addEventListener('mousemove', (e) => {
    const c = cellUnder(e, canvas, map());
    c ? showTip(e, map().describe(c.i, c.j)) : hideTip();
  });
  canvas.addEventListener('mouseleave', hideTip);
  canvas.addEventListener('click', (e) => {  // a tap too: a touch has no hover, so the tap shows the value
    const c = cellUnder(e, canvas, map());
    if (!c) return;
    showTip(e, map().describe(c.i, c.j));
    if (map().tokens) selectToken(c.i);
  });
  if (canvas.onkeydown) return;  // a map with its own keys (keyboardCells) shows the tip from there
  canvas.tabIndex = 0;
  canvas.addEventListener('keydown', (e) => {
    const m = map(), move = MOVES[e.key];
    if (e.key === 'Enter' || e.key === ' ') canvas.click(), e.preventDefault();  // what a click on the map does
    if (!move) return;
    m.cursor = { i: clamp(m.cursor.i + move[0], m.rows), j: clamp(m.cursor.j + move[1], m.cols) };
    showCellTip(canvas, m.cursor.i, m.cursor.j);
    if (m.tokens) selectToken(m.cursor.i);
    e.preventDefault();
  });
  canvas.addEventListener('focus', () => showCellTip(canvas, map().cursor.i, map().cursor.j));
  canvas.addEventListener('blur', hideTip);
}
const MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
const clamp = (x, n) => Math.max(0, Math.min(n - 1, x));

/** Marks the selected token's row (and column, when both axes are tokens) on a map, over its drawing. */
function markSelected(canvas) {
  const m = maps.get(canvas);
  let box = canvas.parentElement;
  if (!m?.tokens || !box) return;
  if (!box.classList.contains('map')) {
    box = document.createElement('span');
    box.className = 'map';
    canvas.replaceWith(box);
    const row = document.createElement('span'), col = document.createElement('span');
    row.className = 'sel-row';
    col.className = 'sel-col';
    box.append(canvas, row, col);
  }
  const t = selection.token, f = m.frame, [row, col] = box.querySelectorAll('.sel-row, .sel-col');
  const pct = (x) => `${(100 * x).toFixed(3)}%`;
  row.hidden = !(t >= 0 && t < m.rows);
  col.hidden = !(m.tokens === 'both' && t >= 0 && t < m.cols);
  if (!row.hidden) Object.assign(row.style, { left: pct(f.x), width: pct(f.w * m.cols), top: pct(f.y + t * f.h), height: pct(f.h) });
  if (!col.hidden) Object.assign(col.style, { top: pct(f.y), height: pct(f.h * m.rows), left: pct(f.x + t * f.w), width: pct(f.w) });
}
watchSelection(() => document.querySelectorAll('.map > canvas').forEach(markSelected));

/**
 * A colour legend in `box` (made a span.legend): the scale of a kind of quantity (colours.js) drawn with its ends,
 * and its name. limit: a signed scale's ±end.
 */
export function legend(box, kind, limit = 1) {
  if (!box.querySelector('canvas')) box.append(document.createElement('canvas'), document.createElement('span'));
  box.classList.add('legend');
  box.dataset.kind = kind;
  box.dataset.limit = limit;
  const canvas = box.querySelector('canvas');
  setText(box.lastChild, S.legend[kind]);
  canvas.setAttribute('aria-label', S.legend.scale(S.legend[kind]));
  drawLegend(canvas, { kind, limit });
}

/** The container's k-th step card, made on first use and updated after, with its legend when kind is given; returns its canvas. */
export function stepCard(container, k, { title, formula, shape, note, kind, limit }) {
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
  if (kind) legend(card.querySelector(':scope > .legend') ?? card.appendChild(document.createElement('span')), kind, limit);
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
 * (the same as a click). redraw(i, j) draws the matrix with the cursor highlighted; the cursor's cell shows its
 * value and its row's token is selected everywhere.
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
      showCellTip(canvas, i, j);
      selectToken(i);
      e.preventDefault();
    } else if (e.key === 'Enter' || e.key === ' ') {
      act(i, j);
      e.preventDefault();
    }
  };
  canvas.onfocus = () => (redraw(i, j), showCellTip(canvas, i, j));
  canvas.onblur = hideTip;
}

