// Export of the current analysis: the trace as JSON in a layout a BertViz user recognises.
// Not the download itself (dom.js) and not the per-card PNG buttons (canvas.js).
import { headSlice } from '/dist/trace.js';
import { drawNow } from './canvas.js';
import { $, download } from './dom.js';
import { lm } from './lm.js';
import { page } from './page.js';
import { S } from './strings.js';

/** The trace in a layout a BertViz user recognises (attention: layers × heads × Lq × Lk), plus everything else. */
export function traceJson(a, state) {
  const t = a.trace, dims = t.dims, b = 0, attention = [];
  for (let h = 0; h < dims.heads; h++) {
    const m = headSlice(t, 'weights', h, b), rows = [];
    for (let i = 0; i < dims.qLen; i++) rows.push(Array.from(m.subarray(i * dims.kvLen, (i + 1) * dims.kvLen)));
    attention.push(rows);
  }
  const plain = {};
  for (const [k, v] of Object.entries(t)) plain[k] = ArrayBuffer.isView(v) ? Array.from(v, (x) => (Number.isFinite(x) ? x : String(x))) : v;
  return { tokens: a.tokens.map((x) => x.text), tokenIds: a.tokens.map((x) => x.id), attention: [attention],
    headNames: a.headNames, config: a.config, state, trace: plain, model: modelJson() };
}

/**
 * The whole model's attention on the text, when one is loaded (not a single block) and its grid was computed:
 * attention [layers][heads][T][T] in the same layout, with the heads switched off (`ablate`, [layer, head] pairs).
 */
function modelJson() {
  const a = lm.analysis;
  if (lm.block || !lm.info || !a || a.empty || !a.attention) return undefined;
  const { layers: L, heads: H } = lm.info.config, T = a.tokens.length, attention = [];
  for (let l = 0; l < L; l++) {
    const layer = [];
    for (let h = 0; h < H; h++) {
      const base = (l * H + h) * T * T, rows = [];
      for (let i = 0; i < T; i++) rows.push(Array.from(a.attention.subarray(base + i * T, base + (i + 1) * T)));
      layer.push(rows);
    }
    attention.push(layer);
  }
  return { name: lm.info.name, config: lm.info.config, tokens: a.tokens.map((x) => x.text), tokenIds: a.tokens.map((x) => x.id),
    ablate: a.ablate, attention };
}

/** Wires the export buttons: the trace as JSON, every head's canvases as one PNG, and the link to this view. */
export function wireExport() {
  $('export-json').onclick = () => page.analysis?.trace && download('attention-trace.json', new Blob([JSON.stringify(traceJson(page.analysis, page.state))], { type: 'application/json' }));
  $('export-png').onclick = () => {
    const canvases = [...document.querySelectorAll('#head-grid canvas')];
    if (!canvases.length) return;
    canvases.forEach(drawNow);
    const w = Math.max(...canvases.map((c) => c.width)), out = document.createElement('canvas');
    out.width = w;
    out.height = canvases.reduce((s, c) => s + c.height + 8, 0);
    const ctx = out.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, out.width, out.height);
    let y = 0;
    for (const c of canvases) ctx.drawImage(c, 0, y), (y += c.height + 8);
    out.toBlob((blob) => download('attention-heads.png', blob));
  };
  $('copy-link').onclick = async () => {
    const link = location.href;
    try {
      await navigator.clipboard.writeText(link);
      $('export-note').textContent = S.export.copied;
    } catch {
      $('export-note').textContent = link;
    }
  };
}
