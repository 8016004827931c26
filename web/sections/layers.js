// Every layer × head of the whole model as a grid of small attention maps, each labelled from the model's measured
// head scores; a tick switches a head off (ablation, run by the library), a click enlarges that head with its
// scores in sentences. Not the labels' rules (head-labels.js), not the weights (the worker's forward).
import { matrixView, pixelTooltip, tooltip } from '../canvas.js';
import { $, headGrid, setText } from '../dom.js';
import { fmt } from '../draw.js';
import { bestHeads, describeHead } from '../head-labels.js';
import { lm, updateModel, updateTrace } from '../lm.js';
import { label, page } from '../page.js';
import { drawCausalPixels } from '../pixels.js';
import { S, language } from '../strings.js';
import { ablated } from '../url-state.js';
import { TUTORIAL_TEXT, TUTORIAL_TEXT_ZH, TUTORIAL_WORDS } from '../examples.js';

/** Draws the grid for an analysis (or clears it when null) and the selected head's enlarged map. */
export function renderLayers(a) {
  const grid = $('layer-grid'), info = lm.info;
  if (!a || a.empty || !info) {
    grid.textContent = '';
    grid.dataset.key = '';
    return;
  }
  const { layers: L, heads: H } = info.config, T = a.tokens.length, scores = info.headScores, labels = a.tokens.map(label);
  const cells = headGrid(grid, { key: `${info.name}|${L}x${H}|${language()}`, layers: L, heads: H,
    title: (l, h) => S.layers.headName(l, h), extra: (cell, l, h) => headCell(cell, l, h, scores) });
  for (let l = 0; l < L; l++) {
    for (let h = 0; h < H; h++) {
      const cell = cells[l * H + h], canvas = cell.querySelector('canvas');
      const off = ablated.has(`${l}.${h}`);
      cell.classList.toggle('ablated', off);
      cell.querySelector('input').checked = off;
      cell.classList.toggle('selected', lm.selected?.[0] === l && lm.selected?.[1] === h);
      if (!a.attention) continue;
      const base = (l * H + h) * T * T, w = a.attention;
      // Only the rows this analysis changed, when the canvas shows the analysis it was built on (lm.js).
      const shown = drawn.get(canvas), from = shown === a.version ? T : shown === a.heldVersion && shown != null ? a.attentionFrom : 0;
      drawCausalPixels(canvas, T, w.subarray(base, base + T * T), from);
      drawn.set(canvas, a.version);
      pixelTooltip(canvas, T, T, (i, j) => (j > i ? S.layers.maskedTip(labels[i], labels[j])
        : S.layers.weightTip(labels[i], labels[j], fmt(w[base + i * T + j]))), 'both');
    }
  }
  const n = [...ablated].filter((lh) => lh.split('.').map(Number).every((x, i) => x < (i ? H : L))).length;
  setText($('ablate-note'), S.layers.ablatedNote(n));
  renderDetail(a);
  renderTutorialNote(a);
}

// Which analysis (lm.js: version) each map of the grid shows.
const drawn = new WeakMap();

/** The indices of the tokens holding any byte of the first `word` in `text` (a Chinese word: all its pieces). */
function wordTokens(tokens, text, word) {
  const at = text.indexOf(word);
  if (at < 0) return [];
  const start = encoder.encode(text.slice(0, at)).length, end = start + encoder.encode(word).length;
  return tokens.flatMap((t, i) => (t.byteStart < end && t.byteEnd > start ? [i] : []));
}
const encoder = new TextEncoder();

/**
 * On the tutorial's sentence (or the same in Chinese), the model's noun → adjective head for that language and what
 * its row for the noun really holds: the weights read from this pass, not a claim made in advance. The noun is read
 * on its last piece and an adjective's share is the sum over its pieces, as the head was measured.
 */
function renderTutorialNote(a) {
  const lang = page.state.text === TUTORIAL_TEXT ? 'en' : page.state.text === TUTORIAL_TEXT_ZH ? 'zh' : null;
  const best = lang && bestHeads(lm.info.headScores)[`noun_adjective_${lang}`], T = a.tokens.length;
  const words = TUTORIAL_WORDS[lang], noun = lang ? wordTokens(a.tokens, page.state.text, words.noun) : [];
  const adjectives = lang ? words.adjectives.map((w) => wordTokens(a.tokens, page.state.text, w)) : [];
  if (!best || !a.attention || !noun.length || adjectives.some((keys) => !keys.length)) {
    setText($('tutorial-note'), '');
    return;
  }
  const q = noun.at(-1), row = ((best.l * lm.info.config.heads + best.h) * T + q) * T;
  const shares = adjectives.map((keys, k) => S.layers.share(fmt(keys.reduce((sum, j) => sum + a.attention[row + j], 0)),
    words.adjectives[k], keys.length)).join(S.layers.and);
  setText($('tutorial-note'), lang === 'en' ? S.layers.tutorialNote(best.l, best.h, best.shown, words.noun, shares)
    : S.layers.tutorialNoteZh(best.l, best.h, best.shown, words.noun, label(a.tokens[q]), shares));
}

/** A new cell of the grid (dom.js headGrid): its switch-off tick, a click to enlarge it, its measured label. */
function headCell(cell, l, h, scores) {
  const off = document.createElement('label');
  off.className = 'lh-off';
  off.append(Object.assign(document.createElement('input'), { type: 'checkbox' }), ` ${S.layers.off}`);
  off.firstChild.setAttribute('aria-label', S.layers.headSwitchOff(l, h));
  off.firstChild.onchange = (e) => {
    e.target.checked ? ablated.add(`${l}.${h}`) : ablated.delete(`${l}.${h}`);
    page.update({ recompute: false });
    updateModel();
  };
  cell.querySelector('.lh-title').append(off);
  const canvas = cell.querySelector('canvas');
  canvas.setAttribute('aria-label', S.layers.selectedHead(l, h));
  canvas.onclick = () => select(l, h);
  cell.querySelector('.lh-label').textContent = describeHead(scores, l, h).title;  // a file without head scores: the picker says so once
}

/** Selects head (l, h) for the enlarged view (at once, from the weights at hand) and its step-by-step trace. */
export function select(l, h) {
  lm.selected = [l, h];
  if (lm.analysis) renderLayers(lm.analysis);
  updateTrace();  // the runtime's trace of the newly selected head
}

/** The head the detail and the step-by-step view show: the clicked one, else the default. */
export const selectedHead = () => (lm.selected ?? (lm.info ? defaultHead(lm.info) : null));

function renderDetail(a) {
  const info = lm.info, { heads: H } = info.config, T = a.tokens.length;
  const [l, h] = selectedHead();
  setText($('head-detail-title'), S.layers.selectedHead(l, h));
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
  tooltip(canvas, g, weights, T, (i, j) => (j > i ? S.layers.maskedTip(labels[i], labels[j])
    : S.layers.weightTip(labels[i], labels[j], fmt(weights[i * T + j]))), 'both');
}

/** The head shown before any click: the noun → adjective head when the model has one, else layer 0 head 0. */
function defaultHead(info) {
  const best = bestHeads(info.headScores).noun_adjective_en;
  return best ? [best.l, best.h] : [0, 0];
}

/** The tutorial's example and the same in Chinese: the text, with that language's noun → adjective head selected. */
export function wireTutorialExample() {
  setText($('tutorial-example'), S.layers.tutorialExample(TUTORIAL_TEXT));
  setText($('tutorial-example-zh'), S.layers.tutorialExampleZh(TUTORIAL_TEXT_ZH));
  for (const [id, text, lang] of [['tutorial-example', TUTORIAL_TEXT, 'en'], ['tutorial-example-zh', TUTORIAL_TEXT_ZH, 'zh']]) {
    $(id).onclick = () => {
      $('text').value = text;
      const best = bestHeads(lm.info?.headScores)[`noun_adjective_${lang}`];
      if (best) lm.selected = [best.l, best.h];
      page.update();
    };
  }
  $('ablate-none').onclick = () => {
    ablated.clear();
    page.update({ recompute: false });
    updateModel();
  };
}
