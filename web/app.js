// The demo page's boot and update loop: reads the controls, asks the worker for an analysis, hands it to the
// sections (web/sections/*.js) and wires the controls. Not math (worker.js asks attention-wasm for every number), not
// state (url-state.js, page.js), not the compute client (rpc.js), not drawing (canvas.js, draw.js, sections/).
import { removeFrom } from './canvas.js';
import { $, setText } from './dom.js';
import { drawLegend } from './draw.js';
import { wireExport } from './export.js';
import { page, showError } from './page.js';
import { call, onWorkerError } from './rpc.js';
import { renderCalc, wireCost } from './sections/cost.js';
import { redrawDecode, renderDecode } from './sections/decode.js';
import { renderHeads } from './sections/heads.js';
import { renderNextTokens } from './sections/next-tokens.js';
import { renderPositions } from './sections/positions.js';
import { renderSteps } from './sections/steps.js';
import { chipEvents, renderTokens } from './sections/tokens.js';
import { renderVariants } from './sections/variants.js';
import { FIELDS, VIEW_ONLY, hashToState, hidden, readControls, stateToHash, writeControls } from './url-state.js';
import { lm, updateModel } from './lm.js';
import { fillPicker, wirePicker } from './sections/picker.js';
import { wireGeneration } from './sections/predict.js';
import { wireTutorialExample } from './sections/layers.js';

onWorkerError.handler = showError;

let computeTimer = 0;

function update({ recompute = true } = {}) {
  page.state = readControls();
  $('seeded-controls').hidden = page.state.preset !== 'seeded';
  $('batch-row-label').hidden = !page.state.padding;
  if (!recompute && page.analysis) {
    history.replaceState(null, '', stateToHash(page.state));
    return render();
  }
  clearTimeout(computeTimer);
  computeTimer = setTimeout(compute, 0);
}
page.update = update;  // the sections call it when a view-only control changes

async function compute() {
  const t0 = performance.now();
  try {
    updateModel();  // the whole model first: the worker answers in order, and the model is what the page opens on
    const answer = call('analyze', page.state);
    history.replaceState(null, '', stateToHash(page.state));  // while the worker computes, not before it starts
    const a = await answer;
    const t1 = performance.now();
    page.analysis = a;
    render();
    const t2 = performance.now();
    window.__timing = { lastUpdateMs: t2 - t0, workerMs: t1 - t0, renderMs: t2 - t1, traceMs: a.ms, start: t0, end: t2 };
    $('status').classList.remove('error');
    $('status').textContent = a.empty ? 'Type some text.' :
      `${a.tokens.length} tokens${a.truncated ? ' (the first 256 shown)' : ''} · ${a.config.heads} heads · d_model ${a.config.dModel} · ` +
      `${info.backend} × ${info.threads} thread${info.threads === 1 ? '' : 's'} · trace in ${a.ms.toFixed(1)} ms · attention-wasm ${info.version}`;
    $('status').title = info.threadsReason || 'threads on: the page is cross-origin isolated';
    window.__state = { analysis: a, state: page.state };
  } catch (e) {
    if (!e.stale) showError(e.message);
  }
  // The variants (five more forward passes) and the next-token scores (a pass over the whole vocabulary) wait until
  // typing pauses, so they never delay the next keystroke.
  clearTimeout(variantsTimer);
  variantsTimer = setTimeout(async () => {
    try {
      if (page.analysis && !page.analysis.empty) {
        const { dims } = page.analysis.trace, L = dims.qLen, E = dims.dModel;
        page.analysis.nextTokens = await call('nextTokens', { preset: page.state.preset, seed: page.state.seed,
          out: page.analysis.trace.out.slice((L - 1) * E, L * E) });  // batch row 0, last token
        renderNextTokens(page.analysis.nextTokens);
      }
      renderVariants(await call('variants', page.state));
      renderDecode(await call('decode', page.state));
    } catch (e) {
      if (!e.stale) showError(e.message);
    }
  }, 400);
}
let variantsTimer = 0;

function render() {
  const a = page.analysis;
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
  select.value = String(Math.min(page.state.head, heads - 1));
  setText($('model-note'), page.state.preset === 'teaching'
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
  fillPicker();
  writeControls(hashToState(location.hash));
  page.state = readControls();
  chipEvents();
  drawLegend($('legend-signed'), { kind: 'signed', limit: 1 });
  drawLegend($('legend-weight'), { kind: 'weight' });
  for (const [name] of Object.entries(FIELDS)) {
    const el = $(name);
    const changed = () => {
      update({ recompute: !VIEW_ONLY.includes(name) });
      if (name === 'head') redrawDecode();  // the decode section shows the chosen head too
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
  wireCost();
  wireExport();
  wireGeneration();
  wireTutorialExample();
  wirePicker();  // asks for the default model now: the worker fetched it while the wasm loads
  $('preset').addEventListener('change', () => {
    if (lm.block) $('model').value = $('preset').value;  // the picker and section 2 name the same block
  });

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
