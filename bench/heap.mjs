// Wasm heap high-water mark of one fused attention call, in a fresh Node process (so earlier cases have not grown
// the heap): causal self-attention, B = 1, S, H, D from argv (default 8192, 12, 64). Prints one JSON object.
// memory().heap is the total wasm memory size, which never shrinks: after the call it is the high-water mark.
import { init } from '../dist/index.js';
import { seeded } from './inputs.mjs';

const [S = 8192, H = 12, D = 64] = process.argv.slice(2).map(Number);
const attn = await init({ threads: false });
const before = attn.memory();
const q = seeded(S * H * D, 1), k = seeded(S * H * D, 2), v = seeded(S * H * D, 3);
const t0 = performance.now();
const r = attn.attention({ q, k, v, qLen: S, heads: H, headDim: D, causal: true, impl: 'fused' });
const ms = performance.now() - t0;
const after = attn.memory();
const tensorBytes = 4 * S * H * D * 4;  // q, k, v and out, all copied into the heap by the JS API
console.log(JSON.stringify({
  seq: S, heads: H, headDim: D, impl: r.impl, ms,
  heapBefore: before.heap, heapAfter: after.heap, inUseBefore: before.inUse, inUseAfter: after.inUse,
  tensorBytes, overheadBytes: after.heap - tensorBytes,
}));
process.exit(0);
