// Every layer × head of the whole model as a grid of small attention maps, each labelled from the model's measured
// head scores; a tick switches a head off (ablation, run by the library), a click enlarges that head with its
// scores in sentences. Not the labels' rules (head-labels.js), not the weights (the worker's forward).
import { matrixView, tooltip } from '../canvas.js';
import { $, setText } from '../dom.js';
import { fmt } from '../draw.js';
import { bestHeads, describeHead } from '../head-labels.js';
import { lm, updateModel } from '../lm.js';
import { label, page } from '../page.js';
import { drawCausalPixels } from '../pixels.js';
import { S } from '../strings.js';
import { ablated } from '../url-state.js';

export const TUTORIAL_TEXT = 'A fluffy blue creature purrs.';

/** Draws the grid for an analysis (or clears it when null) and the selected head's enlarged map. */
export function renderLayers(a) {
  const grid = $('layer-grid'), info = lm.info;
  setText($('grid-note'), S.gridNote);
  if (!a || a.empty || !info) {
    grid.textContent = '';
    grid.dataset.key = '';
    return;
  }
  const { layers: L, heads: H } = info.config, T = a.tokens.length, scores = info.headScores;
  const key = `${info.name}|${L}x${H}`;
  if (grid.dataset.key !== key) buildGrid(grid, key, L, H, scores);
  for (let l = 0; l < L; l++) {
    for (let h = 0; h < H; h++) {
      const cell = grid.children[l * H + h], canvas = cell.querySelector('canvas');
      const off = ablated.has(`${l}.${h}`);
      cell.classList.toggle('ablated', off);
      cell.querySelector('input').checked = off;
      cell.classList.toggle('selected', lm.selected?.[0] === l && lm.selected?.[1] === h);
      if (!a.attention) continue;
      const base = (l * H + h) * T * T, w = a.attention;
      drawCausalPixels(canvas, T, (i, j) => w[base + i * T + j]);
    }
  }
  grid.style.setProperty('--heads', H);
  const n = [...ablated].filter((lh) => lh.split('.').map(Number).every((x, i) => x < (i ? H : L))).length;
  setText($('ablate-note'), S.ablatedNote(n));
  renderDetail(a);
  renderTutorialNote(a);
}

/**
 * On the tutorial's sentence, the model's noun → adjective head and what its row for "creature" really holds: the
 * weights read from this pass, not a claim made in advance.
 */
function renderTutorialNote(a) {
  const best = bestHeads(lm.info.headScores).noun_adjective_en, T = a.tokens.length;
  const at = (text) => a.tokens.findIndex((t) => t.text === text);
  const noun = at(' creature'), adjectives = [at(' fluffy'), at(' blue')];
  if (!best || !a.attention || page.state.text !== TUTORIAL_TEXT || noun < 0 || adjectives.includes(-1)) {
    setText($('tutorial-note'), '');
    return;
  }
  const row = ((best.l * lm.info.config.heads + best.h) * T + noun) * T;
  const [fluffy, blue] = adjectives.map((j) => a.attention[row + j]);
  setText($('tutorial-note'), S.tutorialNote(best.l, best.h, best.shown, fmt(fluffy), fmt(blue)));
}

function buildGrid(grid, key, L, H, scores) {
  grid.textContent = '';
  grid.dataset.key = key;
  for (let l = 0; l < L; l++) {
    for (let h = 0; h < H; h++) {
      const cell = document.createElement('div');
      cell.className = 'lh';
      cell.dataset.layer = l;
      cell.dataset.head = h;
      const title = document.createElement('div');
      title.className = 'lh-title';
      const off = document.createElement('label');
      off.className = 'lh-off';
      off.append(Object.assign(document.createElement('input'), { type: 'checkbox' }), ` ${S.off}`);
      off.firstChild.setAttribute('aria-label', S.headSwitchOff(l, h));
      off.firstChild.onchange = (e) => {
        e.target.checked ? ablated.add(`${l}.${h}`) : ablated.delete(`${l}.${h}`);
        page.update({ recompute: false });
        updateModel();
      };
      title.append(S.headName(l, h), off);
      const canvas = document.createElement('canvas');
      canvas.setAttribute('aria-label', S.selectedHead(l, h));
      canvas.onclick = () => select(l, h);
      const what = document.createElement('div');
      what.className = 'lh-label';
      what.textContent = describeHead(scores, l, h).title;  // a file without head scores: the picker says so once
      cell.append(title, canvas, what);
      grid.append(cell);
    }
  }
}

/** Selects head (l, h) for the enlarged view. */
export function select(l, h) {
  lm.selected = [l, h];
  if (lm.analysis) renderLayers(lm.analysis);
}

function renderDetail(a) {
  const info = lm.info, { heads: H } = info.config, T = a.tokens.length;
  const [l, h] = lm.selected ?? defaultHead(info);
  setText($('head-detail-title'), S.selectedHead(l, h));
  const box = $('head-detail-sentences');
  box.textContent = '';
  for (const sentence of describeHead(info.headScores, l, h).sentences) {
    const p = document.createElement('p');
    p.textContent = sentence;
    box.append(p);
  }
  const canvas = $('head-detail-map');
  canvas.dataset.layer = l;
  canvas.dataset.head = h;
  if (!a.attention) return;
  const base = (l * H + h) * T * T, labels = a.tokens.map(label), weights = a.attention.subarray(base, base + T * T);
  const g = matrixView(canvas, weights, T, T, { kind: 'weight', rowLabels: labels, colLabels: labels, maxSize: 420,
    masked: (i, j) => j > i });
  tooltip(canvas, g, weights, T, (i, j) => S.weightTip(labels[i], labels[j], j > i ? null : fmt(weights[i * T + j])));
}

/** The head shown before any click: the noun → adjective head when the model has one, else layer 0 head 0. */
function defaultHead(info) {
  const best = bestHeads(info.headScores).noun_adjective_en;
  return best ? [best.l, best.h] : [0, 0];
}

/** The tutorial's example: its text, with the noun → adjective head selected and pointed out. */
export function wireTutorialExample() {
  setText($('tutorial-example'), `${S.tutorialExample}: ${TUTORIAL_TEXT}`);
  setText($('ablate-none'), S.allHeadsOn);
  $('tutorial-example').onclick = () => {
    $('text').value = TUTORIAL_TEXT;
    const best = bestHeads(lm.info?.headScores).noun_adjective_en;
    if (best) lm.selected = [best.l, best.h];
    page.update();
  };
  $('ablate-none').onclick = () => {
    ablated.clear();
    page.update({ recompute: false });
    updateModel();
  };
}
