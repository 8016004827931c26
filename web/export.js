// Export of the current analysis: the trace as JSON in a layout a BertViz user recognises.
// Not the download itself (dom.js) and not the PNG buttons (canvas.js).
import { headSlice } from '/dist/trace.js';

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
    headNames: a.headNames, config: a.config, state, trace: plain };
}

