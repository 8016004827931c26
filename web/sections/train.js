// Train live: a tiny GPT-2 trains in a worker (train-worker.js) while the page draws its loss, every head's
// previous-token and induction scores over the steps, and the heads' maps on a fixed probe; the step at which a head
// forms is marked. The model can be saved as a .safetensors file or opened in the model picker. Not the training
// (attn.createTrainer) and not the picker (picker.js opens the file).
import { SERIES } from '../colours.js';
import { fmt } from '../draw.js';
import { matrixView, paint, pixelTooltip, tooltip } from '../canvas.js';
import { $, download, headGrid, setText } from '../dom.js';
import { TASK_HEAD, WATCHED, scoresOf as scoresOfRun, watchForming } from '../forming.js';
import { bestHeads, describeHead } from '../head-labels.js';
import { label } from '../page.js';
import { drawCausalPixels, drawLossCurve } from '../pixels.js';
import { S } from '../strings.js';
import { openFile } from './picker.js';


let worker = null;
const run = { config: null, probe: null, task: 'induction', steps: 0, reportEvery: 50, losses: [], reports: [],
  formed: {}, running: false, step: 0, seconds: 0, selected: null, saved: null,
  headOn: [] };  // [L·H]: false for a head the learner switched off while training ([] = every head on)
window.__train = run;

/** Wires the controls; the worker starts when the learner first presses start. */
export function wireTrain() {
  $('train-start').onclick = () => send(run.running ? 'pause' : 'start');
  $('train-reset').onclick = () => send('reset');
  $('train-save').onclick = () => save((bytes, name) => download(name, new Blob([bytes], { type: 'application/octet-stream' })));
  $('train-use').onclick = () => save((bytes, name) => {
    openFile(new File([bytes], name));
    $('s-pick').scrollIntoView({ behavior: 'smooth' });
  });
  for (const id of ['train-task', 'train-seed', 'train-lr']) $(id).addEventListener('change', () => run.config && send('reset'));
  relabelTrain();
}

function options() {
  const lr = Number($('train-lr').value);
  return { task: $('train-task').value, seed: Math.max(0, Math.floor(Number($('train-seed').value) || 0)),
    lr: lr > 0 && lr < 1 ? lr : 3e-3, on: run.headOn };
}

function send(type) {
  if (!worker) {
    worker = new Worker('./train-worker.js', { type: 'module', name: 'train' });
    worker.onmessage = ({ data }) => receive[data.type](data);
    worker.onerror = (e) => fail(e.message || S.errors.workerNoStart);
  }
  if (type === 'start' && !run.config) setText($('train-status'), S.train.starting);
  worker.postMessage({ type, options: options() });
}

let onSaved = null;
function save(then) {
  if (!run.config) return;
  onSaved = then;
  worker.postMessage({ type: 'save' });
}

function fail(message) {
  run.running = false;
  $('train-status').classList.add('error');
  setText($('train-status'), S.train.failed(message));
  relabelButtons();
}

const receive = {
  created({ config, options, report, task, probe, steps, reportEvery }) {
    if (run.headOn.length !== config.layers * config.heads) run.headOn = Array(config.layers * config.heads).fill(true);
    Object.assign(run, { config, options, reportOptions: report, task, probe, steps, reportEvery, losses: [], reports: [],
      formed: {}, step: 0, seconds: 0, selected: null, latest: null, finished: false });
    $('train-status').classList.remove('error');
    $('train-grid').dataset.key = '';
    for (const id of ['train-save', 'train-use']) $(id).disabled = false;
    draw();
  },
  progress({ step, loss, seconds }) {
    run.step = step, run.seconds = seconds;
    run.losses.push(loss);  // one per chunk of steps: the mean loss of those steps
    run.lossEvery = step / run.losses.length;
    scheduleDraw();
  },
  report(r) {
    run.latest = r;
    if (r.step > 0) run.reports.push(r);
    watchForming(run.formed, run.task, r, run.config);
    scheduleDraw();
  },
  state({ running, finished }) {
    run.running = running;
    run.finished = Boolean(finished);
    relabelButtons();
    scheduleDraw();
  },
  saved({ bytes, step, task }) {
    const name = `live-${task}-seed${run.options.seed}-step${step}.safetensors`;
    run.saved = { name, bytes: bytes.length };
    setText($('train-saved'), S.train.saved(name, (bytes.length / 1024).toFixed(0)));
    onSaved?.(bytes, name);
    onSaved = null;
  },
  error({ message }) {
    fail(message);
  },
};

/** A report's scores as head-labels.js reads them, on this run's model (forming.js). */
const scoresOf = (r) => scoresOfRun(r, run.config);

/** The mean loss over the steps in (from, to]. */
function meanLoss(from, to) {
  const every = run.lossEvery || 5, a = Math.max(0, Math.floor(from / every)), b = Math.min(run.losses.length, Math.floor(to / every));
  if (b <= a) return null;
  let sum = 0;
  for (let k = a; k < b; k++) sum += run.losses[k];
  return sum / (b - a);
}

let drawPending = false;
function scheduleDraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    draw();
  });
}

function relabelButtons() {
  setText($('train-start'), run.running ? S.train.pause : run.step > 0 ? S.train.resume : S.train.start);
  $('train-start').disabled = run.finished && !run.running;
}

/** Redraws the section in the page's language (also after a language switch). */
export function relabelTrain() {
  relabelButtons();
  $('train-grid').dataset.key = '';
  draw();
}

function draw() {
  relabelButtons();
  if (!run.config) {
    setText($('train-status'), S.train.idle);
    return;
  }
  const every = run.lossEvery || 5;
  const msPerStep = run.step ? ((run.seconds * 1000) / run.step).toFixed(1) : '–';
  if (!$('train-status').classList.contains('error'))
    setText($('train-status'), S.train.status(run.step.toLocaleString('en'), run.steps.toLocaleString('en'),
      run.losses.length ? run.losses.at(-1).toFixed(3) : '–', run.seconds.toFixed(1), msPerStep));
  drawForming();
  const formedAt = (m) => (run.formed[m]?.confirmed ? run.formed[m].step : null);
  // The phase change: the task's last watched mark (for induction, the copying itself).
  const phase = formedAt(WATCHED[run.task].at(-1));
  const chart = (id, curves, options) => {
    const canvas = $(id);
    paint(canvas, 400, 180, () => drawLossCurve(canvas, curves, options.mark ?? null,
      { linear: true, xMax: run.steps, ...options }));
  };
  chart('train-loss', [{ every, values: run.losses, color: SERIES[0] }], { label: S.train.lossLabel, mark: phase });
  const series = (metric) => {
    const { layers: L, heads: H } = run.config, out = [];
    for (let k = 0; k < L * H; k++)
      out.push({ every: run.reportEvery, color: SERIES[k % SERIES.length],
        values: run.reports.map((r) => Math.max(0, r.scores[metric][k])) });  // a negative lift sits on the axis
    return out;
  };
  chart('train-prev', series('previous_token'), { label: S.train.prevLabel, yMax: 1, mark: formedAt('previous_token') });
  const second = run.task === 'induction' ? 'induction' : 'noun_adjective';
  const secondLabel = second === 'induction' ? S.train.inductionLabel : S.train.nounLabel;
  $('train-second').setAttribute('aria-label', secondLabel);
  chart('train-second', series(second), { label: secondLabel,
    yMax: second === 'induction' ? 1 : 0.5, mark: formedAt(second === 'induction' ? 'induction' : 'noun_adjective_en') });
  drawLegendLine();
  drawMaps();
  window.__trainDrawn = { step: run.step, reports: run.reports.length, losses: run.losses.length, phase };
}

/** One sentence per watched metric: formed at step s (t s) in head (l, h), with the loss before and now. */
function drawForming() {
  const box = $('train-phase');
  const lines = WATCHED[run.task].map((metric) => {
    const f = run.formed[metric];
    if (!f?.confirmed) return S.train.notYet[metric];
    const before = meanLoss(f.step - 200, f.step - 100), now = meanLoss(run.step - 100, run.step);
    return S.train.formed[metric](f.step.toLocaleString('en'), f.seconds.toFixed(1), f.l === undefined ? '' : S.layers.headName(f.l, f.h), f.value,
      before === null ? '–' : before.toFixed(2), now === null ? '–' : now.toFixed(2));
  });
  setText(box, lines.join(' '));
  box.classList.toggle('formed', WATCHED[run.task].some((m) => run.formed[m]?.confirmed));
}

function drawLegendLine() {
  const box = $('train-legend'), { layers: L, heads: H } = run.config;
  if (box.dataset.key === `${L}|${H}|${S.layers.headName(0, 0)}`) return;
  box.dataset.key = `${L}|${H}|${S.layers.headName(0, 0)}`;
  box.textContent = '';
  for (let k = 0; k < L * H; k++) {
    const item = document.createElement('span');
    item.style.setProperty('--swatch', SERIES[k % SERIES.length]);
    item.textContent = S.layers.headName(Math.floor(k / H), k % H);
    box.append(item);
  }
}

/** Every head's map on the probe (small, one pixel per cell), and the selected head enlarged with its values. */
function drawMaps() {
  const r = run.latest, grid = $('train-grid');
  if (!r || !run.probe) return;
  const { layers: L, heads: H } = run.config, T = run.probe.ids.length, labels = run.probe.texts.map((t) => label({ text: t }));
  setText($('train-probe'), S.train.probe(labels.slice(1).join(' '), r.step.toLocaleString('en')));
  const cells = headGrid(grid, { key: `${run.task}|${run.probe.ids.join(',')}|${S.layers.headName(0, 0)}`, layers: L, heads: H,
    title: (l, h) => S.layers.headName(l, h),
    extra: (cell, l, h) => {
      const canvas = cell.querySelector('canvas'), worth = document.createElement('div');
      canvas.tabIndex = 0;
      canvas.setAttribute('aria-label', S.train.mapLabel(l, h));
      const pick = () => {
        run.selected = [l, h];
        drawMaps();
      };
      canvas.onclick = pick;
      canvas.onkeydown = (e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), pick());
      worth.className = 'lh-worth';
      // Ablation during training: an unticked head outputs zero and gets no gradient from the next step on.
      const trains = document.createElement('label'), box = document.createElement('input'), text = document.createElement('span');
      trains.className = 'lh-trains';
      box.type = 'checkbox';
      box.checked = run.headOn[l * H + h] !== false;
      box.onchange = () => {
        run.headOn[l * H + h] = box.checked;
        worker.postMessage({ type: 'mask', options: options() });
      };
      text.textContent = S.train.headTrains;
      trains.append(box, text);
      cell.append(worth, trains);
    } });
  const scores = scoresOf(r);
  const [sl, sh] = run.selected ?? defaultHead(r);
  for (let k = 0; k < L * H; k++) {
    const cell = cells[k], base = k * T * T;
    cell.classList.toggle('selected', k === sl * H + sh);
    const canvas = cell.querySelector('canvas');
    drawCausalPixels(canvas, T, (i, j) => r.attention[base + i * T + j]);
    pixelTooltip(canvas, T, T, (i, j) => (j > i ? S.layers.maskedTip(labels[i], labels[j])
      : S.layers.weightTip(labels[i], labels[j], fmt(r.attention[base + i * T + j]))));
    setText(cell.querySelector('.lh-label'), r.step > 0 ? describeHead(scores, Math.floor(k / H), k % H).title : '');
    const rise = r.ablation.off[k] - r.ablation.all;
    setText(cell.querySelector('.lh-worth'), run.headOn[k] === false ? S.train.offWhileTraining
      : S.train.offLoss(`${rise >= 0 ? '+' : '−'}${Math.abs(rise).toFixed(2)}`));
    cell.classList.toggle('off', run.headOn[k] === false);
  }
  setText($('train-ablation'), S.train.ablationNote(r.ablation.all.toFixed(2)));
  const canvas = $('train-detail'), base = (sl * H + sh) * T * T, weights = r.attention.slice(base, base + T * T);
  setText($('train-detail-title'), S.train.detailTitle(sl, sh, r.step.toLocaleString('en')));
  const g = matrixView(canvas, weights, T, T, { kind: 'weight', rowLabels: labels, colLabels: labels, maxSize: 420,
    masked: (i, j) => j > i });
  tooltip(canvas, g, weights, T, (i, j) => (j > i ? S.layers.maskedTip(labels[i], labels[j])
    : S.layers.weightTip(labels[i], labels[j], fmt(weights[i * T + j]))));
}

/** The head enlarged before any click: the one with the best score of the task's own head metric. */
function defaultHead(r) {
  const best = bestHeads(scoresOf(r))[TASK_HEAD[run.task]];
  return best && r.step > 0 ? [best.l, best.h] : [run.config.layers - 1, 0];
}
