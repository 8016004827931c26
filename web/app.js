// The demo page's wiring: its sections (tokens, one head step by step, all heads, masks, decoding, variants,
// positions, cost) drawn from the worker's answers, and the update loop. Not math (worker.js asks attention-wasm
// for every number), not state (url-state.js), not the compute client (rpc.js), not canvases (canvas.js, draw.js).
import { headAverage, headSlice } from '/dist/trace.js';
import { drawNow, keyboardCells, matrixView, paint, pendingDraws, pngButton, removeFrom, stepCard, tooltip } from './canvas.js';
import { $, download, setText } from './dom.js';
import { absMax, cellAt, drawCostChart, drawLegend, drawLines, drawMatrix, fmt, linesGeometry, matrixGeometry } from './draw.js';
import { traceJson } from './export.js';
import { call, onWorkerError } from './rpc.js';
import { FIELDS, hashToState, hidden, readControls, stateToHash, writeControls } from './url-state.js';

function showError(message) {
  $('status').textContent = message;
  $('status').classList.add('error');
}
onWorkerError.handler = showError;

let state;
let analysis = null;  // the worker's latest analyze() answer

// ---------------------------------------------------------------------------------------------------------
// Section 1: tokens and the text view.
// A token's label: its text with visible whitespace; a token holding part of a character shows the character
// (first part) or '⋯' (the parts that continue it).
const label = (t) => {
  const text = t.text.includes('\uFFFD') ? (t.span ? t.span : '⋯') : t.text;
  return text === '' ? '∅' : text.replace(/ /g, '·').replace(/\n/g, '⏎').replace(/\t/g, '⇥');
};

// The chips are kept between keystrokes and only the ones whose token changed are rewritten: typing a character
// changes one or two tokens, not all of them. Hover and focus are handled once, on the box.
function renderTokens(tokens) {
  const box = $('tokens');
  while (box.children.length > tokens.length) box.lastChild.remove();
  tokens.forEach((t, i) => {
    let chip = box.children[i];
    if (!chip) {
      chip = document.createElement('button');
      chip.type = 'button';
      chip.className = 'chip';
      chip.dataset.i = i;
      chip.append('', document.createElement('small'));
      box.append(chip);
    }
    setText(chip.firstChild, label(t));
    setText(chip.lastChild, String(t.id));
    const title = `token ${i}: id ${t.id}, UTF-16 [${t.start}, ${t.end})`;
    if (chip.title !== title) chip.title = title;
  });
  highlightToken(-1);
}

function chipEvents() {
  const box = $('tokens');
  const focus = (e) => {
    const chip = e.target.closest?.('.chip');
    if (chip && !(e.type === 'mouseover' && chip.contains(e.relatedTarget))) highlightToken(Number(chip.dataset.i));
  };
  box.addEventListener('mouseover', focus);
  box.addEventListener('focusin', focus);
}

/** Sets a node's text only when it differs: an unchanged write still costs the page a layout. */

function highlightToken(i) {
  const text = state.text, view = $('text-view'), chips = $('tokens');
  chips.querySelector('.chip.active')?.classList.remove('active');
  chips.children[i]?.classList.add('active');
  view.textContent = '';
  const t = analysis?.tokens?.[i];
  if (!t || t.start === t.end) {
    view.textContent = text;
    return;
  }
  const mark = document.createElement('mark');
  mark.textContent = text.slice(t.start, t.end);
  view.append(text.slice(0, t.start), mark, text.slice(t.end));
}

// ---------------------------------------------------------------------------------------------------------
// One batch row of a [B, L, W] tensor of the trace (per-head slices come from the package's headSlice).
function rowsOf(data, b, rows, width) {
  return data.subarray(b * rows * width, (b + 1) * rows * width);
}

// ---------------------------------------------------------------------------------------------------------
// Section 3: one head, step by step, in the tutorial's order.
function renderSteps() {
  const a = analysis, t = a.trace, dims = t.dims, steps = $('steps');
  const h = Math.min(state.head, dims.heads - 1), b = Math.min(state.batchRow, dims.batch - 1);
  const hk = t.kvHead[h];  // the kv head query head h reads (grouped-query attention)
  const keys = keyLabels(), tokens = b === 1 ? padLabels() : keys;
  const L = dims.qLen, Lk = dims.kvLen, E = dims.dModel, D = dims.headDim, Dv = dims.valueDim;
  setText($('batch-note'), dims.batch === 1 ? '' : b === 0
    ? `Batch row 0 of 2: your text (${L} tokens).`
    : `Batch row 1 of 2: ${tokens.filter((x) => x !== '[pad]').join(' ')} then ${L - a.padTokens.length} × [pad]; ` +
      'the [pad] keys are masked for every query.');
  const visible = headSlice(t, 'visible', h, b);  // the library's mask decision, cell by cell
  const isMasked = (i, j) => visible[i * Lk + j] === 0;
  const matrices = [
    { title: 'Embeddings', formula: 'E[token]', shape: `[L=${L}, d_model=${E}]`, data: rowsOf(t.xIn, b, L, E), cols: E },
    { title: '+ positions', formula: `P[pos] (${a.config.positional})`, shape: `[L, ${E}]`, data: t.positions, cols: E },
    { title: 'X', formula: 'X = E + P', shape: `[L, ${E}]`, data: rowsOf(t.x, b, L, E), cols: E },
    { title: `Q (head ${h})`, formula: 'Q = X·W_q', shape: `[L, d_k=${D}]`, data: headSlice(t, 'q', h, b), cols: D },
    { title: `K (kv head ${hk})`, formula: 'K = X·W_k', shape: `[L, d_k=${D}]`, data: headSlice(t, 'k', h, b), cols: D },
    { title: `V (kv head ${hk})`, formula: 'V = X·W_v', shape: `[L, d_v=${Dv}]`, data: headSlice(t, 'v', h, b), cols: Dv },
  ];
  let k = 0;
  for (const m of matrices) {
    const canvas = stepCard(steps, k++, m);
    const g = matrixView(canvas, m.data, m.data.length / m.cols, m.cols, { rowLabels: tokens, maxSize: 300 });
    tooltip(canvas, g, m.data, m.cols, (i, j) => `${tokens[i]} · dim ${j}: ${fmt(m.data[i * m.cols + j])}`);
  }
  const scores = [
    { key: 'rawScores', title: 'Scores', formula: 'S = Q·Kᵀ', kind: 'signed' },
    { key: 'scaledScores', title: 'Scaled', formula: `S · scale  (× ${fmt(t.scale)}; 1/√d_k unless set)`, kind: 'signed' },
    { key: 'maskedScores', title: 'Masked', formula: 'S · scale + mask (−∞ where hidden)', kind: 'signed', mask: true },
    { key: 'weights', title: 'Softmax', formula: 'A = softmax(row)', kind: 'weight', mask: true, note: 'each row sums to 1' },
  ];
  const scaledMax = absMax(headSlice(t, 'scaledScores', h, b));
  for (const s of scores) {
    const data = headSlice(t, s.key, h, b);
    const canvas = stepCard(steps, k++, { title: s.title, formula: s.formula, shape: `[Lq=${L}, Lk=${Lk}]`, note: s.note });
    canvas.dataset.step = s.key;
    const options = { kind: s.kind, rowLabels: tokens, colLabels: keys, maxSize: 320 };
    const draw = (highlightRow = -1, highlightCol = -1) => drawMatrix(canvas, data, L, Lk, { ...options,
      masked: s.mask ? isMasked : undefined, highlightRow, highlightCol,
      limit: s.kind === 'signed' ? scaledMax / (s.key === 'rawScores' ? t.scale : 1) : undefined });
    const g = matrixGeometry(L, Lk, options);
    paint(canvas, g.width, g.height, () => draw());
    keyboardCells(canvas, L, Lk, (i, j) => (pendingDraws.delete(canvas), draw(i, j)), explainScore);
    tooltip(canvas, g, data, Lk, (i, j) => `${tokens[i]} → ${keys[j]}: ${isMasked(i, j) && s.mask ? 'masked' : fmt(data[i * Lk + j])}`);
    canvas.onclick = (e) => {
      const c = cellAt(e, canvas, g);
      if (c) explainScore(c.i, c.j);
    };
    if (s.key === 'weights') {  // the softmax property, shown: every row of weights sums to 1
      let sums = canvas.parentElement.querySelector('.row-sums');
      if (!sums) {
        sums = document.createElement('div');
        sums.className = 'shape row-sums';
        canvas.parentElement.append(sums);
      }
      setText(sums, 'row sums: ' + Array.from(headSlice(t, 'rowSums', h, b), (sum) => sum.toFixed(3)).join(' '));
    }
  }
  const out = headSlice(t, 'headsOut', h, b);
  const canvas = stepCard(steps, k++, { title: 'Head output', formula: 'O = A·V', shape: `[L, d_v=${Dv}]`, note: 'click a row' });
  canvas.dataset.step = 'headOut';
  const outOptions = { rowLabels: tokens, maxSize: 300 };
  const drawOut = (highlightRow = -1) => drawMatrix(canvas, out, L, Dv, { ...outOptions, highlightRow });
  const g = matrixGeometry(L, Dv, outOptions);
  paint(canvas, g.width, g.height, () => drawOut());
  keyboardCells(canvas, L, 1, (i) => (pendingDraws.delete(canvas), drawOut(i)), (i) => explainOutput(i));
  tooltip(canvas, g, out, Dv, (i, j) => `${tokens[i]} · dim ${j}: ${fmt(out[i * Dv + j])}`);
  canvas.onclick = (e) => {
    const c = cellAt(e, canvas, g);
    if (c) explainOutput(c.i);
  };
  removeFrom(steps, k);
}

function keyLabels() {
  return (analysis.labels ??= analysis.tokens.map(label));  // once per answer: every view labels the same tokens
}
function padLabels() {
  const a = analysis;
  return a.tokens.map((_, i) => (i < a.padTokens.length ? label(a.padTokens[i]) : '[pad]'));
}

/** Click on a score cell: the dot product term by term, then scale, mask and softmax, from the trace. */
function explainScore(i, j) {
  const t = analysis.trace, dims = t.dims, h = Math.min(state.head, dims.heads - 1), b = Math.min(state.batchRow, dims.batch - 1);
  const D = dims.headDim;
  const q = headSlice(t, 'q', h, b).subarray(i * D, (i + 1) * D);
  const k = headSlice(t, 'k', h, b).subarray(j * D, (j + 1) * D);
  const at = i * dims.kvLen + j;
  const terms = Array.from(q, (qd, d) => `${fmt(qd)}×${fmt(k[d])}`).join(' + ');
  const raw = headSlice(t, 'rawScores', h, b)[at], scaled = headSlice(t, 'scaledScores', h, b)[at];
  const masked = headSlice(t, 'maskedScores', h, b)[at], w = headSlice(t, 'weights', h, b)[at];
  const tok = b === 1 ? padLabels() : keyLabels();
  $('explain').innerHTML = '';
  const p = document.createElement('div');
  p.innerHTML = `<strong></strong><br><code></code>`;
  p.querySelector('strong').textContent = `score[${i}][${j}]: query “${tok[i]}” · key “${keyLabels()[j]}” (head ${h})`;
  p.querySelector('code').textContent =
    `q·k = ${terms}\n    = ${fmt(raw)}\n× scale ${fmt(t.scale)} = ${fmt(scaled)}\nmasked: ${masked === -Infinity ? '−∞ (this key is hidden from this query)' : fmt(masked)}\n` +
    `softmax weight = ${fmt(w)}`;
  $('explain').append(p);
  $('explain').dataset.kind = 'score';
  $('explain').dataset.value = String(raw);
}

/** Click on an output row: which value rows it mixed, with which weights. */
function explainOutput(i) {
  const t = analysis.trace, dims = t.dims, h = Math.min(state.head, dims.heads - 1), b = Math.min(state.batchRow, dims.batch - 1);
  const Dv = dims.valueDim;
  const w = headSlice(t, 'weights', h, b).subarray(i * dims.kvLen, (i + 1) * dims.kvLen);
  const v = headSlice(t, 'v', h, b);
  const out = headSlice(t, 'headsOut', h, b).subarray(i * Dv, (i + 1) * Dv);
  const show = (row) => '[' + Array.from(row.subarray(0, 6), fmt).join(', ') + (row.length > 6 ? ', …]' : ']');
  const lines = [];
  w.forEach((wj, j) => {
    if (wj > 0) lines.push(`${fmt(wj)} × V[${j} “${keyLabels()[j]}”] ${show(v.subarray(j * Dv, (j + 1) * Dv))}`);
  });
  $('explain').innerHTML = '';
  const p = document.createElement('div');
  p.innerHTML = `<strong></strong><br><code></code>`;
  p.querySelector('strong').textContent = `output[${i}] of head ${h} = Σ_j A[${i}][j] · V[j]`;
  p.querySelector('code').textContent = (lines.length ? lines.join('\n+ ') : '(no visible key: the output is zeros)') + `\n= ${show(out)}`;
  $('explain').append(p);
  $('explain').dataset.kind = 'output';
  $('explain').dataset.rows = String(lines.length);
}

// ---------------------------------------------------------------------------------------------------------
// Section 4: all heads (heat map + line view each), their average, concat and W_o, next token.
let focusToken = -1;

function renderHeads() {
  const a = analysis, t = a.trace, dims = t.dims, box = $('head-grid');
  const b = Math.min(state.batchRow, dims.batch - 1), L = dims.qLen, Lk = dims.kvLen, n = L * Lk;
  const tokens = b === 1 ? padLabels() : keyLabels(), keys = keyLabels();
  const shown = [...Array(dims.heads).keys()].filter((h) => !hidden.has(h));
  // A head's mask for drawMatrix: the library's visibility bitmap.
  const maskOf = (h) => {
    const visible = headSlice(t, 'visible', h, b);
    return (i, j) => visible[i * Lk + j] === 0;
  };
  const specs = [];
  if (state.average) {
    const mean = shown.length ? headAverage(t, 'weights', { heads: shown, b }) : new Float32Array(n);
    specs.push({ title: `average of ${shown.length} head${shown.length === 1 ? '' : 's'}`, weights: mean, maskHead: shown[0] ?? 0 });
  } else {
    for (let h = 0; h < dims.heads; h++) {
      if (!hidden.has(h) || dims.heads <= 16) specs.push({ title: a.headNames[h], weights: headSlice(t, 'weights', h, b), maskHead: h, h });
    }
  }
  // The cards (and their canvases) are kept while the layout is the same: same heads, or the one average card.
  const layout = state.average ? 'average' : `heads ${dims.heads}`;
  if (box.dataset.layout !== layout || box.children.length !== specs.length) {
    removeFrom(box, 0);
    box.dataset.layout = layout;
    for (const spec of specs) box.append(headCard(spec.h));
  }
  const cards = specs.map((spec, k) => {
    const { title, h } = spec, card = box.children[k], [heat, lines] = card.querySelectorAll('canvas');
    if (h !== undefined) {
      card.classList.toggle('hidden-head', hidden.has(h));
      const check = card.querySelector('input');
      check.checked = !hidden.has(h);
      check.setAttribute('aria-label', `show ${title}`);
    }
    setText(card.querySelector('.title'), ' ' + title);
    heat.setAttribute('aria-label', `${title}: weights`);
    lines.setAttribute('aria-label', `${title}: line view`);
    pngButton(card, title);
    let mask = null;
    return { heat, lines, weights: spec.weights, mask: () => (mask ??= maskOf(spec.maskHead)) };
  });
  const heatOptions = { kind: 'weight', maxSize: 200 }, g = matrixGeometry(L, Lk, heatOptions), lg = linesGeometry(L, Lk);
  const redraw = () => {
    const focus = focusToken;
    for (const c of cards) {
      paint(c.heat, g.width, g.height, () => drawMatrix(c.heat, c.weights, L, Lk, { ...heatOptions, masked: c.mask(), highlightRow: focus }));
      paint(c.lines, lg.width, lg.height, () => drawLines(c.lines, c.weights, L, Lk, { leftLabels: tokens, rightLabels: keys, focus }));
    }
  };
  for (const c of cards) {
    c.heat.onmousemove = (e) => {
      const cell = cellAt(e, c.heat, g);
      const i = cell ? cell.i : -1;
      if (i !== focusToken) (focusToken = i), redraw();
    };
    c.heat.onmouseleave = () => ((focusToken = -1), redraw());
    c.lines.onmousemove = (e) => {
      const r = c.lines.getBoundingClientRect();
      const y = ((e.clientY - r.top) * c.lines.height) / r.height;
      const x = ((e.clientX - r.left) * c.lines.width) / r.width;
      const i = x < c.lines.width / 2 ? Math.floor((y - lg.top) / lg.rowHeight) : -1;
      const next = i >= 0 && i < L ? i : -1;
      if (next !== focusToken) (focusToken = next), redraw();
    };
    c.lines.onmouseleave = () => ((focusToken = -1), redraw());
  }
  redraw();

  // Concat and W_o.
  const concat = $('concat');
  const HDv = dims.heads * dims.valueDim;
  const c1 = stepCard(concat, 0, { title: 'Concat', formula: 'concat(O₁ … O_h)', shape: `[L, h·d_v=${HDv}]` });
  matrixView(c1, rowsOf(t.headsOut, b, L, HDv), L, HDv, { rowLabels: tokens, maxSize: 420 });
  const c2 = stepCard(concat, 1, { title: 'Output', formula: 'Y = concat·W_o', shape: `[L, d_model=${dims.dModel}]` });
  matrixView(c2, rowsOf(t.out, b, L, dims.dModel), L, dims.dModel, { rowLabels: tokens, maxSize: 420 });
  removeFrom(concat, 2);

  renderNextTokens(a.nextTokens);
}

/** An empty card for head h (a checkbox to hide it, double-click to isolate it), or for the average when h is undefined. */
function headCard(h) {
  const card = document.createElement('div');
  card.className = 'head';
  const head = document.createElement('div');
  if (h !== undefined) {
    const check = document.createElement('input');
    check.type = 'checkbox';
    check.onchange = () => {
      check.checked ? hidden.delete(h) : hidden.add(h);
      update({ recompute: false });
    };
    head.append(check);
    card.ondblclick = () => {
      hidden.clear();
      for (let x = 0; x < analysis.trace.dims.heads; x++) if (x !== h) hidden.add(x);
      update({ recompute: false });
    };
    card.dataset.head = h;
  }
  const title = document.createElement('span');
  title.className = 'title';
  head.append(title);
  const pair = document.createElement('div');
  pair.className = 'pair';
  pair.append(document.createElement('canvas'), document.createElement('canvas'));
  card.append(head, pair);
  return card;
}

function renderNextTokens(list) {
  const table = $('next-token');
  table.innerHTML = '<tr><th>rank</th><th>token</th><th>id</th><th>logit</th><th>probability</th></tr>';
  (list || []).forEach((n, r) => {
    const tr = document.createElement('tr');
    for (const v of [r + 1, label({ text: n.text }), n.id, fmt(n.logit), fmt(n.prob)]) {
      const td = document.createElement('td');
      td.textContent = v;
      tr.append(td);
    }
    table.append(tr);
  });
}

// ---------------------------------------------------------------------------------------------------------
// Sections 5–7.
function renderVariants(list) {
  const box = $('variants');
  list.forEach((v, k) => {
    let card = box.children[k];
    if (!card) {
      card = document.createElement('div');
      card.className = 'variant';
      card.innerHTML = '<h4></h4><canvas></canvas><table class="numbers"></table>';
      box.append(card);
    }
    card.dataset.variant = v.name;
    setText(card.querySelector('h4'), v.name);
    const rows = [['parameters (W_q, W_k, W_v, W_o)', v.params.toLocaleString('en')],
      ['KV cache per token', `${v.kvBytesPerToken.toLocaleString('en')} B`], ['KV cache kept at this length', `${v.kvBytes.toLocaleString('en')} B`],
      ['FLOPs for the last token', v.flopsPerToken.toLocaleString('en')]];
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
    pngButton(card, v.name);
    const canvas = card.querySelector('canvas');
    matrixView(canvas, v.weights, v.rows, v.cols, { kind: 'weight', maxSize: 230, masked: (i, j) => v.visible[i * v.cols + j] === 0 });
    drawNow(canvas);  // variants arrive once typing pauses: drawing them at once delays no keystroke
  });
  removeFrom(box, list.length);
}

/** Section 5: the decoder's steps against the full causal pass, and the chosen head's weights row by row. */
let decoded = null;  // the latest answer, redrawn when only the chosen head changes
function renderDecode(d) {
  decoded = window.__decoded = d;
  const steps = d.steps, L = steps.length, table = $('decode-steps');
  if (!L) {
    setText($('decode-verdict'), '');
    table.innerHTML = '';
    return;
  }
  const worstOut = Math.max(...steps.map((s) => s.outDiff)), worstWeights = Math.max(...steps.map((s) => s.weightsDiff));
  setText($('decode-verdict'), `${L} steps, one token each: largest difference from the full causal pass — outputs ` +
    `${worstOut.toExponential(1)}, weights ${worstWeights.toExponential(1)} (any difference is float32 rounding: the ` +
    `sums run in another order). The cache grows by ${d.bytesPerToken.toLocaleString('en')} B per token.`);
  table.innerHTML = '<tr><th>step</th><th>new token</th><th>tokens in the cache</th><th>cache bytes</th>' +
    '<th>max |Δ| output</th><th>max |Δ| weights</th></tr>';
  steps.forEach((s, i) => {
    const tr = table.insertRow();
    for (const text of [i, label({ text: s.token }), s.cacheTokens, s.cacheBytes.toLocaleString('en'),
      s.outDiff.toExponential(1), s.weightsDiff.toExponential(1)]) tr.insertCell().textContent = text;
  });
  // Row i: step i's weights over the i + 1 cached tokens for the chosen head; the cells after it are not in the cache.
  const h = Math.min(state.head, d.heads - 1), w = new Float32Array(L * L), absent = new Uint8Array(L * L).fill(1);
  steps.forEach((s, i) => {
    for (let j = 0; j <= i; j++) w[i * L + j] = s.weights[h * (i + 1) + j], absent[i * L + j] = 0;
  });
  const labels = steps.map((s) => label({ text: s.token }));
  const canvas = $('decode-weights');
  matrixView(canvas, w, L, L, { kind: 'weight', masked: absent, rowLabels: labels, colLabels: labels, maxSize: 360 });
  drawNow(canvas);  // computed once typing pauses: drawing it now delays no keystroke
  pngButton($('decode-card'), `kv-cache-head-${h}`);
}

function renderPositions(r) {
  const box = $('positions');
  removeFrom(box, 0);
  for (const positional of ['none', 'sinusoidal']) {
    const card = document.createElement('div');
    card.className = 'variant';
    card.dataset.positional = positional;
    const L = r.a.length;
    const h = document.createElement('h4');
    h.textContent = `positions: ${positional}`;
    const ca = document.createElement('canvas'), cb = document.createElement('canvas');
    const p = document.createElement('p');
    p.className = 'verdict';
    const worst = r[positional].worst;
    p.textContent = worst < 1e-6
      ? `max |A(他打我)[π i][π j] − A(我打他)[i][j]| = ${worst.toExponential(1)}: a pure permutation — order is invisible.`
      : `max difference under the permutation = ${fmt(worst)}: the weights differ — order is visible.`;
    card.append(h, ca, cb, p);
    pngButton(card, `positions-${positional}`);
    box.append(card);
    // Drawn at once: this is the same for every text, computed once at start.
    matrixView(ca, r[positional].a, L, L, { kind: 'weight', rowLabels: r.a.map(label), colLabels: r.a.map(label), maxSize: 150 });
    matrixView(cb, r[positional].b, L, L, { kind: 'weight', rowLabels: r.b.map(label), colLabels: r.b.map(label), maxSize: 150 });
    drawNow(ca), drawNow(cb);
  }
}

const CALC_PRESETS = {
  gpt3: { dModel: 12288, heads: 96, kvHeads: 96, headDim: 128, layers: 96, context: 2048, bytes: 2 },
  gqa: { dModel: 8192, heads: 64, kvHeads: 8, headDim: 128, layers: 80, context: 4096, bytes: 2 },
};

async function renderCalc() {
  const v = (id) => Math.floor(Number($(id).value));
  const config = { dModel: v('c-dModel'), heads: v('c-heads'), kvHeads: v('c-kvHeads'), headDim: v('c-headDim'),
    layers: v('c-layers'), context: v('c-context'), bytesPerElement: v('c-bytes') };
  const table = $('calc-out');
  try {
    const c = await call('cost', config);
    const rows = [['W_q + W_k + W_v + W_o per query head', c.paramsPerQueryHead], ['attention parameters per layer', c.paramsPerLayer],
      ['attention parameters, all layers', c.paramsTotal], ['KV cache per token (all layers)', c.kvCacheBytesPerToken],
      ['KV cache for the context', c.kvCacheBytes], ['FLOPs per token: projections', c.flopsProjectionsPerToken],
      ['FLOPs per token: attention over the context', c.flopsAttentionPerToken]];
    table.innerHTML = '';
    for (const [k, n] of rows) {
      const tr = document.createElement('tr');
      tr.innerHTML = '<th></th><td></td><td></td>';
      tr.children[0].textContent = k;
      tr.children[1].textContent = n.toLocaleString('en');
      tr.children[2].textContent = human(n, k.includes('KV') ? 'B' : '');
      table.append(tr);
    }
    $('calc-note').textContent = config.dModel === 12288 && config.heads === 96 && config.layers === 96
      ? `The tutorial's "≈630万 per head" is ${c.paramsPerQueryHead.toLocaleString('en')}. Its "×96 heads ≈ 59.5亿" is off: ` +
        `96 heads give ${human(c.paramsPerLayer)} per layer, and ${human(c.paramsTotal)} over 96 layers — about a third of 175B, as it says.`
      : '';
  } catch (e) {
    if (!e.stale) table.innerHTML = `<tr><td>${e.message.replace(/[<>&]/g, '')}</td></tr>`;
  }
}

function human(n, unit = '') {
  const units = unit === 'B' ? ['B', 'KiB', 'MiB', 'GiB', 'TiB'] : ['', 'K', 'M', 'B', 'T'];
  const base = unit === 'B' ? 1024 : 1000;
  let k = 0;
  while (n >= base && k < units.length - 1) (n /= base), k++;
  return `${n.toFixed(n >= 100 || k === 0 ? 0 : 2)} ${units[k]}`.trim();
}

// ---------------------------------------------------------------------------------------------------------
// Updating.
let computeTimer = 0;

function update({ recompute = true } = {}) {
  state = readControls();
  $('seeded-controls').hidden = state.preset !== 'seeded';
  $('batch-row-label').hidden = !state.padding;
  if (!recompute && analysis) {
    history.replaceState(null, '', stateToHash(state));
    return render();
  }
  clearTimeout(computeTimer);
  computeTimer = setTimeout(compute, 0);
}

async function compute() {
  const t0 = performance.now();
  try {
    const answer = call('analyze', state);
    history.replaceState(null, '', stateToHash(state));  // while the worker computes, not before it starts
    const a = await answer;
    const t1 = performance.now();
    analysis = a;
    render();
    const t2 = performance.now();
    window.__timing = { lastUpdateMs: t2 - t0, workerMs: t1 - t0, renderMs: t2 - t1, traceMs: a.ms, start: t0, end: t2 };
    $('status').classList.remove('error');
    $('status').textContent = a.empty ? 'Type some text.' :
      `${a.tokens.length} tokens${a.truncated ? ' (the first 256 shown)' : ''} · ${a.config.heads} heads · d_model ${a.config.dModel} · ` +
      `${info.backend} × ${info.threads} thread${info.threads === 1 ? '' : 's'} · trace in ${a.ms.toFixed(1)} ms · attention-wasm ${info.version}`;
    $('status').title = info.threadsReason || 'threads on: the page is cross-origin isolated';
    window.__state = { analysis: a, state };
  } catch (e) {
    if (!e.stale) showError(e.message);
  }
  // The variants (five more forward passes) and the next-token scores (a pass over the whole vocabulary) wait until
  // typing pauses, so they never delay the next keystroke.
  clearTimeout(variantsTimer);
  variantsTimer = setTimeout(async () => {
    try {
      if (analysis && !analysis.empty) {
        const { dims } = analysis.trace, L = dims.qLen, E = dims.dModel;
        analysis.nextTokens = await call('nextTokens', { preset: state.preset, seed: state.seed,
          out: analysis.trace.out.slice((L - 1) * E, L * E) });  // batch row 0, last token
        renderNextTokens(analysis.nextTokens);
      }
      renderVariants(await call('variants', state));
      renderDecode(await call('decode', state));
    } catch (e) {
      if (!e.stale) showError(e.message);
    }
  }, 400);
}
let variantsTimer = 0;

function render() {
  const a = analysis;
  renderTokens(a.tokens || []);
  if (a.empty) {
    for (const id of ['steps', 'head-grid', 'concat']) removeFrom($(id), 0);
    $('next-token').innerHTML = '';
    return;
  }
  const heads = a.trace.dims.heads, select = $('head');
  if (select.options.length !== heads || select.dataset.names !== a.headNames.join('|')) {
    select.innerHTML = '';
    a.headNames.forEach((n, h) => select.add(new Option(`${h}: ${n}`, h)));
    select.dataset.names = a.headNames.join('|');
  }
  select.value = String(Math.min(state.head, heads - 1));
  setText($('model-note'), state.preset === 'teaching'
    ? 'Teaching model: d_model 48, 4 heads of 16, weights constructed by hand (src/attn/model/demo_model.hpp): head 0 lets ' +
      'nouns look at adjectives, head 1 looks at the previous token, head 2 at copies of the same token, head 3 ' +
      'spreads evenly. Embeddings: a ±¼ signature per token id, a one-hot word class from a small lexicon, and a ' +
      'sinusoidal position table.'
    : `Seeded model: weights drawn from a fixed-seed generator (Xavier uniform) — untrained, so its patterns mean nothing; the arithmetic is exact.`);
  renderSteps();
  renderHeads();
}

let info = { backend: '…', version: '…' };

async function main() {
  // Offline reloads (sw.js). Without it (e.g. a file: URL) the page works the same, only not offline.
  navigator.serviceWorker?.register('sw.js').catch(() => {});
  writeControls(hashToState(location.hash));
  state = readControls();
  chipEvents();
  drawLegend($('legend-signed'), { kind: 'signed', limit: 1 });
  drawLegend($('legend-weight'), { kind: 'weight' });
  for (const [name] of Object.entries(FIELDS)) {
    const el = $(name);
    const changed = () => {
      update({ recompute: !['head', 'batchRow', 'average'].includes(name) });
      if (name === 'head' && decoded) renderDecode(decoded);  // section 5 shows the chosen head too
    };
    el.addEventListener('input', changed);
    el.addEventListener('change', changed);
  }
  document.querySelectorAll('[data-example]').forEach((b) => (b.onclick = () => {
    $('text').value = b.dataset.example;
    update();
  }));
  $('show-all').onclick = () => {
    hidden.clear();
    update({ recompute: false });
  };
  $('measure').onclick = async () => {
    $('measure').disabled = true;
    try {
      const points = await call('timing', [64, 128, 256, 512, 1024, 2048, 4096]);
      drawCostChart($('cost-chart'), points);
      $('cost-times').innerHTML = '<tr><th>n</th>' + points.map((p) => `<td>${p.n}</td>`).join('') + '</tr><tr><th>ms</th>' +
        points.map((p) => `<td>${fmt(p.ms)}</td>`).join('') + '</tr>';
      window.__timingPoints = points;
    } catch (e) {
      showError(e.message);
    } finally {
      $('measure').disabled = false;
    }
  };
  document.querySelectorAll('[data-preset]').forEach((b) => (b.onclick = () => {
    const p = CALC_PRESETS[b.dataset.preset];
    for (const [k, v] of Object.entries(p)) $(`c-${k}`).value = v;
    renderCalc();
  }));
  document.querySelectorAll('#calc input').forEach((el) => el.addEventListener('input', renderCalc));
  $('export-json').onclick = () => analysis?.trace && download('attention-trace.json', new Blob([JSON.stringify(traceJson(analysis, state))], { type: 'application/json' }));
  $('export-png').onclick = () => {
    const canvases = [...document.querySelectorAll('#head-grid canvas')];
    if (!canvases.length) return;
    canvases.forEach(drawNow);
    const w = Math.max(...canvases.map((c) => c.width)), out = document.createElement('canvas');
    out.width = w;
    out.height = canvases.reduce((s, c) => s + c.height + 8, 0);
    const ctx = out.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, out.width, out.height);
    let y = 0;
    for (const c of canvases) ctx.drawImage(c, 0, y), (y += c.height + 8);
    out.toBlob((blob) => download('attention-heads.png', blob));
  };
  $('copy-link').onclick = async () => {
    const link = location.href;
    try {
      await navigator.clipboard.writeText(link);
      $('export-note').textContent = 'link copied';
    } catch {
      $('export-note').textContent = link;
    }
  };

  try {
    info = await call('info');
  } catch (e) {
    showError(`Could not start attention-wasm: ${e.message}`);
    return;
  }
  update();
  renderCalc();
  call('positions').then(renderPositions, (e) => showError(e.message));
  window.__ready = true;
}

main();
