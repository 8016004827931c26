// Heads forming: our trained model's training film (every head's attention on fixed probe sentences, recorded at
// checkpoints during training and stored in the model file) behind a slider, with the loss curves and the shown
// checkpoint marked. Not training (tools/train) and not the live model's maps (layers.js).
import { $, headGrid, setText } from '../dom.js';
import { NAMED_ABOVE, describeHead, inductionForming } from '../head-labels.js';
import { label } from '../page.js';
import { drawCausalPixels, drawLossCurve } from '../pixels.js';
import { pixelTooltip } from '../canvas.js';
import { SERIES } from '../colours.js';
import { fmt } from '../draw.js';
import { S, language } from '../strings.js';

let film = null, info = null, forming = null;

/** Sets the film up for a loaded model (or says the file has none). */
export function renderFilm(modelInfo) {
  info = modelInfo;
  film = modelInfo?.film ?? null;
  setText($('film-note'), film ? S.film.note : S.film.none);
  for (const id of ['probe', 'filmStep', 'loss-curve', 'film-grid', 'film-induction']) $(id).hidden = !film;
  if (!film) return;
  renderInduction();
  const probe = $('probe'), keep = Number(probe.value) || 0;
  probe.textContent = '';
  film.probes.forEach((p, k) => probe.add(new Option(p.title.slice(0, 60), k)));
  probe.value = String(Math.min(keep, film.probes.length - 1));
  const slider = $('filmStep'), step = Number(slider.value) || 0;
  slider.max = String(film.steps.length - 1);
  slider.value = String(Math.min(step || film.steps.length - 1, film.steps.length - 1));
  probe.oninput = slider.oninput = drawFrame;
  $('film-grid').dataset.key = '';
  drawFrame();
}

/**
 * The moment induction appears (head-labels.js inductionForming): a tick on the slider at that checkpoint, a green
 * line on the loss curve, a sentence and a button that shows that checkpoint on the repeated-span probe.
 */
function renderInduction() {
  forming = inductionForming(film, info.headScores);
  const slider = $('filmStep'), note = $('film-induction');
  let marks = $('film-marks');
  if (!marks) {
    marks = document.createElement('datalist');
    marks.id = 'film-marks';
    slider.after(marks);
  }
  marks.textContent = '';
  slider.toggleAttribute('list', false);
  note.textContent = '';
  note.dataset.index = forming ? String(forming.index) : '';
  if (!forming) return setText(note, S.film.noInduction);
  marks.append(new Option('', String(forming.index)));
  slider.setAttribute('list', marks.id);
  const { l, h, step, value } = forming;
  note.append(S.film.induction(step.toLocaleString('en'), S.layers.headName(l, h), value.toFixed(2), NAMED_ABOVE.induction), ' ');
  const go = document.createElement('button');
  go.type = 'button';
  go.textContent = S.film.showInduction;
  go.onclick = () => {
    $('probe').value = String(forming.probe);
    slider.value = String(forming.index);
    drawFrame();
  };
  note.append(go);
}

function lossAt(step) {
  const c = info.lossCurve?.train;
  if (!c) return undefined;
  const k = Math.round(step / c.every) - 1;  // value k is the loss at step (k + 1)·every
  return k >= 0 ? c.values[Math.min(k, c.values.length - 1)] : undefined;
}

function drawFrame() {
  const { layers: L, heads: H } = info.config;
  const p = film.probes[Number($('probe').value) || 0], f = Number($('filmStep').value), step = film.steps[f];
  const T = p.ids.length, tri = (T * (T + 1)) / 2;
  const loss = lossAt(step);
  setText($('film-label'), S.film.step(step.toLocaleString('en'), loss === undefined ? null : loss.toFixed(3)));
  const curves = [];
  if (info.lossCurve?.train) curves.push({ ...info.lossCurve.train, color: SERIES[0] });
  if (info.lossCurve?.heldout) curves.push({ ...info.lossCurve.heldout, color: SERIES[1] });
  drawLossCurve($('loss-curve'), curves, step, { label: S.film.lossCurveLabel,
    event: forming && { step: forming.step, label: S.film.inductionMark } });
  const grid = $('film-grid'), labels = p.texts.map(label);
  const cells = headGrid(grid, { key: `${info.name}|${Number($('probe').value)}|${language()}`, layers: L, heads: H,
    title: (l, h) => S.layers.headName(l, h),
    extra: (cell, l, h) => {
      cell.querySelector('canvas').title = labels.join(' ');
      cell.querySelector('.lh-label').textContent = describeHead(info.headScores, l, h).title;  // what it became by the end
    } });
  for (let k = 0; k < L * H; k++) {
    const base = (f * L * H + k) * tri, canvas = cells[k].querySelector('canvas');
    const weight = (i, j) => p.frames[base + (i * (i + 1)) / 2 + j] / 255;
    drawCausalPixels(canvas, T, weight);
    pixelTooltip(canvas, T, T, (i, j) => (j > i ? S.layers.maskedTip(labels[i], labels[j])
      : S.layers.weightTip(labels[i], labels[j], fmt(weight(i, j)))));
  }
  window.__film = { step, index: f, probe: Number($('probe').value) };
}
