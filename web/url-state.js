// The page's controls as a state object, mirrored in the URL hash so a link reproduces the view.
// Not rendering (app.js) and not computation (worker.js).
import { $ } from './dom.js';

export const FIELDS = {
  text: 'string', preset: 'string', dModel: 'int', heads: 'int', kvHeads: 'int', positional: 'string', seed: 'int',
  causal: 'bool', align: 'string', windowSize: 'int', padding: 'bool', padText: 'string', head: 'int', batchRow: 'int',
  average: 'bool', gqaKv: 'int', variantWindow: 'int', crossText: 'string', scale: 'string',
  lang: 'string', view: 'string', model: 'string', temperature: 'string', topK: 'int', topP: 'string', genSeed: 'int', maxTokens: 'int', probe: 'int', filmStep: 'int',
};
/** Controls that change a view but not the block's analysis (no recompute of sections 3–9). */
export const VIEW_ONLY = ['lang', 'view', 'head', 'batchRow', 'average', 'model', 'temperature', 'topK', 'topP', 'genSeed', 'maxTokens', 'probe', 'filmStep'];
/** Heads hidden in the heads view (a set the page changes in place). */
export const hidden = new Set();
/** Heads of the whole model switched off, as 'layer.head' strings (a set the page changes in place). */
export const ablated = new Set();

export function readControls() {
  const s = {};
  for (const [name, type] of Object.entries(FIELDS)) {
    const el = $(name);
    s[name] = type === 'bool' ? el.checked : type === 'int' ? Math.max(0, Math.floor(Number(el.value) || 0)) : el.value;
  }
  s.dModel = Math.max(4, s.dModel);
  s.heads = Math.max(1, Math.min(16, s.heads));
  s.dModel = nearestMultiple(s.dModel, s.heads);
  s.kvHeads = largestDivisorUpTo(s.heads, s.kvHeads);
  s.gqaKv = largestDivisorUpTo(s.heads, s.gqaKv);
  s.variantWindow = Math.max(1, s.variantWindow);
  return s;
}

// Snapping the controls to shapes the library accepts (d_model a multiple of heads, heads a multiple of kv heads), so
// that typing a number never shows an error. The rule itself is the library's (it refuses other shapes); the page only
// picks the nearest value it would accept. Waits for: a package helper listing the valid kv head counts for `heads`.
function nearestMultiple(value, of) {
  const below = value - (value % of);
  return Math.max(of, value - below >= of / 2 ? below + of : below);
}
function largestDivisorUpTo(n, limit) {
  let d = Math.max(1, Math.min(n, limit));
  while (n % d) d--;
  return d;
}

export function writeControls(s) {
  for (const [name, type] of Object.entries(FIELDS)) {
    if (s[name] === undefined) continue;
    const el = $(name);
    if (type === 'bool') el.checked = s[name];
    else el.value = s[name];
  }
}

export function stateToHash(s) {
  const p = new URLSearchParams();
  for (const [name, type] of Object.entries(FIELDS)) p.set(name, type === 'bool' ? (s[name] ? '1' : '0') : String(s[name]));
  if (hidden.size) p.set('hidden', [...hidden].join(','));
  if (ablated.size) p.set('ablate', [...ablated].join(','));
  return '#' + p.toString();
}

export function hashToState(hash) {
  const p = new URLSearchParams(hash.replace(/^#/, '')), s = {};
  for (const [name, type] of Object.entries(FIELDS)) {
    if (!p.has(name)) continue;
    const v = p.get(name);
    s[name] = type === 'bool' ? v === '1' : type === 'int' ? Number(v) : v;
  }
  hidden.clear();
  for (const h of (p.get('hidden') || '').split(',').filter(Boolean).map(Number)) hidden.add(h);
  ablated.clear();
  for (const lh of (p.get('ablate') || '').split(',')) if (/^\d+\.\d+$/.test(lh)) ablated.add(lh);
  return s;
}

