// The next-token view (§1.1) of the whole model: the likeliest next tokens as bars (GPT-2 id and text), the loss on
// the text, tokens the model does not know greyed; and generation token by token with temperature, top-k, top-p
// and a seed. Not the probabilities or the sampling (the worker asks the package's forward and generate).
import { $, setText } from '../dom.js';
import { fmt } from '../draw.js';
import { label, page, showError } from '../page.js';
import { callWithProgress } from '../rpc.js';
import { S } from '../strings.js';
import { markUnknown } from './tokens.js';

export function renderPrediction(a) {
  const bars = $('bars');
  if (a.empty) {
    bars.textContent = '';
    setText($('predict-title'), a.outOfVocab ? S.predict.outOfVocab(a.outOfVocab.toLocaleString('en')) : '');
    setText($('loss-line'), '');
    return;
  }
  setText($('predict-title'), S.predict.title(a.tokens.slice(-6).map((t) => t.done).join('').trimStart()) +
    (a.truncated ? ` ${S.predict.truncated(a.tokens.length)}` : ''));
  const max = a.top[0]?.prob || 1;
  a.top.forEach((t, k) => {
    let row = bars.children[k];
    if (!row) {
      row = document.createElement('div');
      row.className = 'bar-row';
      row.innerHTML = '<span class="bar-token"></span><span class="bar"><span></span></span><span class="bar-p"></span>';
      bars.append(row);
    }
    row.dataset.id = t.id;
    row.dataset.prob = t.prob;
    setText(row.children[0], label({ text: t.text }));
    row.children[1].firstChild.style.width = `${(100 * t.prob) / max}%`;
    setText(row.children[2], `${(100 * t.prob).toFixed(1)}%  #${t.id}`);
    row.title = S.predict.barTitle(label({ text: t.text }), t.id, fmt(t.prob));
  });
  while (bars.children.length > a.top.length) bars.lastChild.remove();
  const ablating = a.ablate.length > 0;
  const delta = a.loss - a.baseLoss;
  setText($('loss-line'), a.loss === null ? '' : ablating
    ? `${S.predict.lossLine(a.baseLoss.toFixed(3), a.lossCount)} · ${S.predict.lossAblated(a.loss.toFixed(3), `${delta >= 0 ? '+' : ''}${delta.toFixed(3)}`)}`
    : S.predict.lossLine(a.loss.toFixed(3), a.lossCount));
  const unknown = a.tokens.filter((t) => t.unknown).length;
  setText($('unknown-note'), unknown ? S.predict.unknownNote(unknown) : '');
  markUnknown(a.tokens);  // section 1's chips are the same tokens: grey the ones this model read as UNK
  setText($('gen-prompt'), page.state.text);
}

/** Wires the generate button: tokens appear one by one as the worker posts them. */
export function wireGeneration() {
  const button = $('generate');
  button.onclick = async () => {
    const s = page.state, out = $('gen-out');
    out.textContent = '';
    setText($('gen-prompt'), s.text);
    setText($('gen-stats'), '');
    button.disabled = true;
    const onToken = (t) => {
      const span = document.createElement('span');
      span.className = 'gen-token';
      span.textContent = t.text;
      span.dataset.id = t.id;
      span.title = `#${t.id} · p = ${fmt(t.probability)}`;
      out.append(span);
      setText($('gen-cache'), S.predict.cacheLine(t.position, (t.cacheBytes / 1024).toFixed(1)));
    };
    try {
      const r = await callWithProgress('modelGenerate', onToken, { text: s.text, temperature: Number(s.temperature) || 0,
        topK: s.topK, topP: Math.min(1, Math.max(0.01, Number(s.topP) || 1)), seed: s.genSeed, maxTokens: Math.max(1, s.maxTokens) });
      if (r.tail) out.append(r.tail);
      setText($('gen-stats'), S.predict.generated(r.tokens.length, r.ms.toFixed(0), (r.tokens.length / (r.ms / 1000)).toFixed(0)));
      window.__generation = { ids: r.tokens.map((t) => t.id), ms: r.ms, promptTokens: r.promptTokens, settings: { ...s } };
    } catch (e) {
      if (!e.stale) showError(e);
    } finally {
      button.disabled = false;
    }
  };
}
