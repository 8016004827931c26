// The demo page's boot and update loop: reads the controls, asks the worker for an analysis, hands it to the
// sections (web/sections/*.js) and wires the controls. Not math (worker.js asks attention-wasm for every number), not
// state (url-state.js, page.js), not the compute client (rpc.js), not drawing (canvas.js, draw.js, sections/).
import { legend, removeFrom } from './canvas.js';
import { cssVariables } from './colours.js';
import { $, setText } from './dom.js';
import { wireExport } from './export.js';
import { errorText, headNames, page, showError } from './page.js';
import { call, onWorkerError } from './rpc.js';
import { redrawCost, renderCalc, wireCost } from './sections/cost.js';
import { redrawDecode, renderDecode } from './sections/decode.js';
import { renderHeads } from './sections/heads.js';
import { renderNextTokens } from './sections/next-tokens.js';
import { renderPositions } from './sections/positions.js';
import { renderSteps } from './sections/steps.js';
import { chipEvents, renderTokens } from './sections/tokens.js';
import { renderVariants } from './sections/variants.js';
import { FIELDS, VIEW_ONLY, hashToState, hidden, readControls, stateToHash, writeControls } from './url-state.js';
import { lm, relabelModel, updateModel } from './lm.js';
import { fillPicker, wirePicker } from './sections/picker.js';
import { wireGeneration } from './sections/predict.js';
import { wireTutorialExample } from './sections/layers.js';
import { relabelTrain, wireTrain } from './sections/train.js';
import { S, applyStrings, language, preferredLanguage, setLanguage } from './strings.js';
import { relabelStory, showView } from './story.js';
import { wireTutorial } from './tutorial.js';

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
  modelDrawn = updateModel();  // asked at once, not after the timer: the keystroke's frame waits for the model's answer
  history.replaceState(null, '', stateToHash(page.state));  // while the worker computes, not before it starts
  computeTimer = setTimeout(compute, 0);
}
page.update = update;  // the sections call it when a view-only control changes

const BLOCK_PAUSE_MS = 120;  // typing pause after which the single block's views follow the model's
let computes = 0;  // compute() calls so far: a newer one takes over from an older one waiting for the model
let modelDrawn = null;  // the latest updateModel(): resolves once the model's views are drawn (it never throws)

async function compute() {
  const mine = ++computes;
  // The whole model first, and the single block's trace once the model's views are drawn: the model is what the page
  // opens on, and on a busy machine the block's worker and drawing would take turns with the keystroke's frame.
  await modelDrawn;
  if (lm.info && !lm.block) {
    // After the model's frame is painted (a hidden page has no frames: at most 100 ms), and only once typing pauses:
    // keys that come back to back then each get the model's answer without the block's work in between.
    await new Promise((painted) => (requestAnimationFrame(() => setTimeout(painted, 0)), setTimeout(painted, 100)));
    await new Promise((paused) => setTimeout(paused, BLOCK_PAUSE_MS));
  }
  if (mine !== computes) return;
  const t0 = performance.now();
  try {
    const a = await call('analyze', page.state);
    if (mine !== computes && lm.info && !lm.block) return;  // a newer keystroke's compute draws its own answer
    const t1 = performance.now();
    page.analysis = a;
    render();
    const t2 = performance.now();
    window.__timing = { lastUpdateMs: t2 - t0, workerMs: t1 - t0, renderMs: t2 - t1, traceMs: a.ms, start: t0, end: t2 };
    $('status').classList.remove('error');
    renderStatus();
    window.__state = { analysis: a, state: page.state };
  } catch (e) {
    if (!e.stale) showError(e);
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
      renderVariants(latest.variants = await call('variants', page.state));
      renderDecode(await call('decode', page.state));
    } catch (e) {
      if (!e.stale) showError(e);
    }
  }, 400);
}
let variantsTimer = 0;
const latest = { variants: null, positions: null };  // answers kept to redraw in another language

/** The status line: what was analysed, on which backend, how fast. */
function renderStatus() {
  const a = page.analysis;
  if (!a || $('status').classList.contains('error')) return;
  $('status').textContent = a.empty ? S.status.typeSomething : S.status.line(a.tokens.length, a.truncated, a.config.heads,
    a.config.dModel, info.backend, info.threads, a.ms.toFixed(1), info.version);
  $('status').title = info.threadsReason || S.status.threadsOn;
}

/** Switches the page's language: the static strings, then every view drawn from the answers it already has. */
function relabel(lang) {
  setLanguage(lang);
  applyStrings();
  fillPicker();
  renderStatus();
  if (page.analysis) render();
  if (latest.variants) renderVariants(latest.variants);
  redrawDecode();
  if (latest.positions) renderPositions(latest.positions);
  renderCalc();
  redrawCost();
  relabelModel();
  wireTutorialExample();
  relabelTrain();
  drawLegends();
  relabelStory();
}

/** The colour legends of index.html's sections (the step cards draw their own), in the page's language. */
function drawLegends() {
  document.querySelectorAll('span.legend[data-kind]').forEach((box) => legend(box, box.dataset.kind, Number(box.dataset.limit) || 1));
}

function render() {
  const a = page.analysis;
  renderTokens(a.tokens || []);
  if (a.empty) {
    for (const id of ['steps', 'head-grid', 'concat']) removeFrom($(id), 0);
    $('next-token').innerHTML = '';
    return;
  }
  const heads = a.trace.dims.heads, select = $('head'), names = headNames(a);
  if (select.options.length !== heads || select.dataset.names !== names.join('|')) {
    select.innerHTML = '';
    names.forEach((n, h) => select.add(new Option(`${h}: ${n}`, h)));
    select.dataset.names = names.join('|');
  }
  select.value = String(Math.min(page.state.head, heads - 1));
  setText($('model-note'), page.state.preset === 'teaching' ? S.block.teachingNote : S.block.seededNote);
  renderSteps();
  renderHeads();
}

let info = { backend: '…', version: '…' };

async function main() {
  // Offline reloads (sw.js). Without it (e.g. a file: URL) the page works the same, only not offline.
  navigator.serviceWorker?.register('sw.js').catch(() => {});
  const linked = hashToState(location.hash);
  // The language: the link's, else the first of the browser's languages the page speaks.
  linked.lang = setLanguage(linked.lang ?? preferredLanguage(navigator.languages ?? [navigator.language]));
  applyStrings();
  $('status').textContent = S.status.loading;
  fillPicker();
  writeControls(linked);
  page.state = readControls();
  chipEvents();
  cssVariables();
  drawLegends();
  showView(page.state.view);
  for (const [id, view] of [['view-story', 'story'], ['view-lab', 'lab']]) $(id).onclick = () => {
    showView(view);
    update({ recompute: false });
  };
  for (const [name] of Object.entries(FIELDS)) {
    const el = $(name);
    const changed = () => {
      if (name === 'lang' && language() !== el.value) relabel(el.value);
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
  wireTutorial();
  wireTrain();
  wirePicker();  // asks for the default model now: the worker fetched it while the wasm loads
  $('preset').addEventListener('change', () => {
    if (lm.block) $('model').value = $('preset').value;  // the picker and section 2 name the same block
  });

  try {
    info = await call('info');
  } catch (e) {
    showError(S.errors.startFailed(errorText(e)));
    return;
  }
  update();
  renderCalc();
  call('positions').then((r) => renderPositions(latest.positions = r), (e) => showError(e));
  window.__ready = true;
}

main();
