// The multi-head example of section 4 on the whole model: its two strongest noun → adjective heads side by side on
// the tutorial's sentence, with what each reads for the noun. The heads are picked from the model's measured head
// scores (head-labels.js adjectiveHeadPair) and what each reads is measured on the sentence: nothing is assumed.
// Not the single block's heads (heads.js).
import { pixelTooltip } from '../canvas.js';
import { $, setText } from '../dom.js';
import { fmt } from '../draw.js';
import { TUTORIAL_TEXT, TUTORIAL_WORDS } from '../examples.js';
import { READS_AT_LEAST, adjectiveHeadPair } from '../head-labels.js';
import { label } from '../page.js';
import { drawCausalPixels } from '../pixels.js';
import { call } from '../rpc.js';
import { S } from '../strings.js';

let shown = null;  // { info, heads, answer }: redrawn in another language without asking again

/** Asks the worker for the two heads' weights on the tutorial's sentence with the loaded model, then draws them. */
export async function renderMultiHead(info) {
  const heads = info?.headScores ? adjectiveHeadPair(info.headScores) : [];
  shown = null;
  if (!heads.length) return draw();
  const answer = await call('modelHeadsOn', { text: TUTORIAL_TEXT, heads: heads.map(({ l, h }) => [l, h]) });
  shown = { info, heads, answer };
  draw();
}

export const redrawMultiHead = () => draw();

/** A word's tokens in the sentence (by their text), the noun read on its last token as the heads were measured. */
const tokensOf = (tokens, word) => tokens.flatMap((t, i) => (t.text.trim() === word ? [i] : []));

function draw() {
  const box = $('multi-head');
  box.textContent = '';
  if (!shown) return setText($('multi-head-note'), S.multiHead.none);
  const { heads, answer: { tokens, attention } } = shown, T = tokens.length, labels = tokens.map(label);
  const { noun, adjectives } = TUTORIAL_WORDS.en, q = tokensOf(tokens, noun).at(-1);
  setText($('multi-head-note'), S.multiHead.note(TUTORIAL_TEXT));
  heads.forEach(({ l, h, metric, shown: value }, k) => {
    const card = document.createElement('div');
    card.className = 'step';
    card.dataset.layer = l;
    card.dataset.head = h;
    const title = document.createElement('h4');
    title.textContent = `${S.layers.headName(l, h)} · ${S.layers.metricNames[metric]} ${value}`;
    const canvas = document.createElement('canvas');
    canvas.className = 'multi-head-map';
    const w = (i, j) => attention[(k * T + i) * T + j];
    drawCausalPixels(canvas, T, w);
    pixelTooltip(canvas, T, T, (i, j) => (j > i ? S.layers.maskedTip(labels[i], labels[j]) : S.layers.weightTip(labels[i], labels[j], fmt(w(i, j)))));
    // What this head's row for the noun holds, word by word, from this pass.
    const reads = document.createElement('p');
    reads.className = 'note';
    const shares = adjectives.map((word) => [word, tokensOf(tokens, word).reduce((sum, j) => sum + w(q, j), 0)]);
    const read = shares.filter(([, x]) => x >= READS_AT_LEAST).map(([word]) => word);
    card.dataset.reads = read.join(' ');
    reads.textContent = q === undefined ? '' : S.multiHead.reads(noun, shares.map(([word, x]) => S.layers.share(fmt(x), word, 1)).join(S.layers.and),
      read.map((word) => `“${word}”`).join(S.multiHead.and));
    card.append(title, canvas, reads);
    box.append(card);
  });
}
