// The page's current answer (controls and the worker's latest analysis) and what every section shares: token labels,
// batch rows, the error line. Not computation (worker.js asks attention-wasm) and not the controls (url-state.js).
import { $ } from './dom.js';
import { S } from './strings.js';

/** The current controls (url-state.js readControls()), the latest analyze() answer, and the update loop (app.js). */
export const page = { state: null, analysis: null, update: (options) => {} };

/** Shows an error on the status line: a string, or an error (worded by the page when the worker gave a key). */
export function showError(error) {
  $('status').textContent = typeof error === 'string' ? error : errorText(error);
  $('status').classList.add('error');
}

/** An error's sentence in the page's language: the page's own (key and args from worker.js) or the library's reason. */
export function errorText(e) {
  return e.key && S.errors[e.key] ? (typeof S.errors[e.key] === 'function' ? S.errors[e.key](...(e.args || [])) : S.errors[e.key])
    : S.errors.library(e.message);
}

// A token's label: its text with visible whitespace. A token of the page's tokenizer (worker.js) shows the characters
// it completes, then the hex of bytes it leaves for a later token (他 = ⟨e4 bb⟩ then 他); any other token text holding
// part of a character (U+FFFD) shows '⋯'.
export const label = (t) => {
  const text = t.done !== undefined ? t.done + (t.tail ? `⟨${t.tail}⟩` : '') : t.text.includes('\uFFFD') ? '⋯' : t.text;
  return text === '' ? '∅' : text.replace(/ /g, '·').replace(/\n/g, '⏎').replace(/\t/g, '⇥');
};


/** The block's head names in the page's language: the teaching model's (named by the package), else numbers. */
export function headNames(a) {
  return a.headNames ? a.headNames.map((n) => S.block.teachingHeads[n] ?? n)
    : Array.from({ length: a.trace.dims.heads }, (_, h) => S.block.headN(h));
}

/** The labels of the analysed tokens, once per answer: every view labels the same tokens. */
export function keyLabels() {
  return (page.analysis.labels ??= page.analysis.tokens.map(label));
}

/** Batch row 1's labels: the shorter second sequence, then [pad]. */
export function padLabels() {
  const a = page.analysis;
  return a.tokens.map((_, i) => (i < a.padTokens.length ? label(a.padTokens[i]) : '[pad]'));  // [pad] is notation
}

// One batch row of a [B, L, W] tensor of the trace (per-head slices come from the package's headSlice).
export function rowsOf(data, b, rows, width) {
  return data.subarray(b * rows * width, (b + 1) * rows * width);
}
