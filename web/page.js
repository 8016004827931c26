// The page's current answer (controls and the worker's latest analysis) and what every section shares: token labels,
// batch rows, the error line. Not computation (worker.js asks attention-wasm) and not the controls (url-state.js).
import { $ } from './dom.js';

/** The current controls (url-state.js readControls()), the latest analyze() answer, and the update loop (app.js). */
export const page = { state: null, analysis: null, update: (options) => {} };

export function showError(message) {
  $('status').textContent = message;
  $('status').classList.add('error');
}

// A token's label: its text with visible whitespace; a token holding part of a character shows the character
// (first part) or '⋯' (the parts that continue it).
export const label = (t) => {
  const text = t.text.includes('\uFFFD') ? (t.span ? t.span : '⋯') : t.text;
  return text === '' ? '∅' : text.replace(/ /g, '·').replace(/\n/g, '⏎').replace(/\t/g, '⇥');
};


/** The labels of the analysed tokens, once per answer: every view labels the same tokens. */
export function keyLabels() {
  return (page.analysis.labels ??= page.analysis.tokens.map(label));
}

/** Batch row 1's labels: the shorter second sequence, then [pad]. */
export function padLabels() {
  const a = page.analysis;
  return a.tokens.map((_, i) => (i < a.padTokens.length ? label(a.padTokens[i]) : '[pad]'));
}

// One batch row of a [B, L, W] tensor of the trace (per-head slices come from the package's headSlice).
export function rowsOf(data, b, rows, width) {
  return data.subarray(b * rows * width, (b + 1) * rows * width);
}
