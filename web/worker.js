// The demo's compute side, in a Web Worker so typing never waits for the math: tokenizer, models, traces,
// variants, timings and costs, all from attention-wasm. Not drawing: app.js draws what this returns, and not the
// protocol: the package's worker host (serveAttentionWorker) answers the page's createAttentionWorker client with
// the handlers below, run here so that one keystroke is one round trip.
import { serveAttentionWorker } from '/dist/worker-host.js';
import { headAverage, headSlice, init, permutationDiff } from '/dist/index.js';
import { demo as demoOf } from '/dist/demo.js';
import { POSITIONS_PAIR } from './examples.js';
import { modelHandlers } from './lm-worker.js';
import { bytePieces } from './pieces.js';

const MAX_TOKENS = 256;  // traces grow as heads·L²; beyond this the page would draw millions of cells
let attn, demo, tok, teaching;
const seeded = new Map();  // config key → MultiHeadAttention
// The page runs two of these workers (rpc.js): the one for the whole model (named 'model') fetches our trained model
// at once, while the package's wasm loads, so the two downloads run in parallel.
const DEFAULT_MODEL = 'models/tiny-tutor.safetensors';
const modelRole = self.name === 'model';
const defaultModelBytes = !modelRole ? Promise.reject(pageError('noModel')) : fetch(DEFAULT_MODEL).then((r) => {
  if (!r.ok) throw pageError('modelHttp', DEFAULT_MODEL, r.status);
  return r.arrayBuffer();
});
defaultModelBytes.catch(() => {});  // reported when the page asks for the model, not as an unhandled rejection

/** An error the page words itself: S.errors[key](...args) in the page's language (the message is the key). */
function pageError(key, ...args) {
  return Object.assign(new Error(key), { key, args });
}

// The package, its tokenizer and the teaching model; every handler waits for them (the worker host is installed at
// once, below, so that no request sent while they load is lost).
const ready = (async () => {
  attn = await init();
  demo = demoOf(attn);
  tok = await attn.tokenizer('gpt2');
  teaching = demo.teachingModel();
  return { attn, tok };
})();

/**
 * The text's first MAX_TOKENS tokens: id, UTF-16 span [start, end), the token's own text (tokenText: a partial
 * character shows U+FFFD), the characters it completes (done) and the hex of the bytes it leaves unfinished (tail),
 * and for a piece of a character split over several tokens, that character and its first and last token (piece).
 */
function tokenize(text) {
  const kept = tok.encodeWithOffsets(text).tokens.slice(0, MAX_TOKENS);
  const bytes = encoder.encode(text).subarray(0, kept.at(-1)?.byteEnd ?? 0);
  const { tokens: pieces, chars } = bytePieces(bytes, kept);
  const out = kept.map((t, i) => ({ id: t.id, start: t.start, end: t.end, text: tok.tokenText(t.id), done: pieces[i].done,
    tail: pieces[i].tail, piece: null, byteStart: t.byteStart, byteEnd: t.byteEnd }));
  for (const c of chars) for (let i = c.first; i <= c.last; i++) out[i].piece ??= c;  // a token in two: the earlier
  return out;
}
const encoder = new TextEncoder();

function seededModel({ dModel, heads, kvHeads, positional, seed, contextDim }) {
  const key = JSON.stringify([dModel, heads, kvHeads, positional, seed, contextDim]);
  if (!seeded.has(key)) {
    if (seeded.size > 16) {
      for (const m of seeded.values()) m.dispose();
      seeded.clear();
    }
    seeded.set(key, new attn.MultiHeadAttention({ dModel, heads, kvHeads, positional, seed, contextDim,
      maxLen: positional === 'learned' ? 1024 : undefined }));
  }
  return seeded.get(key);
}

/** The model and the input embeddings [n, E] for tokens, under the page's model settings. */
function modelAndEmbeddings(state, tokens) {
  if (state.preset === 'teaching') {
    // Word classes come from what the token completes: a character split over tokens is read on its last piece.
    const texts = tokens.map((t) => t.done);
    return { mha: teaching.mha, x: teaching.embed(tokens.map((t) => t.id), texts), headNames: teaching.headNames };
  }
  const mha = seededModel(state);
  const x = demo.seededEmbeddings(tokens.map((t) => t.id), state.dModel, state.seed);
  return { mha, x, headNames: null };  // the page numbers them in its language
}

function maskOptions(state) {
  const options = { causal: state.causal ? state.align : false };
  if (state.windowSize > 0) options.window = { size: state.windowSize, align: state.align };
  // Empty: the library picks its default (the trace says which scale it used); anything else is passed as typed and
  // the library refuses what is not a finite number.
  if (state.scale.trim() !== '') options.scale = Number(state.scale);
  return options;
}

// A sliding window caps the keys each token reads: the attention FLOPs and the KV cache that must be kept are those of a
// context of min(w, context). Waits for: attn.cost({ window }) (the cost model knowing windows itself).
function windowedCost({ window, context, ...config }) {
  return attn.cost({ ...config, layers: 1, context: Math.min(window, context), bytesPerElement: 4 });
}

const handlers = {
  /** Everything the step-by-step, heads and export views show, for the page's text and settings. */
  analyze(state) {
    const tokens = tokenize(state.text);
    if (tokens.length === 0) return { tokens, empty: true };
    const { mha, x, headNames } = modelAndEmbeddings(state, tokens);
    const L = tokens.length, E = mha.config.dModel;
    const options = maskOptions(state);
    let batch = 1, input = x, padTokens = null, keyPadding;
    if (state.padding) {
      // A second, shorter sequence in the same batch, padded at the end: its padded keys are masked.
      padTokens = tokenize(state.padText).slice(0, Math.max(1, L - 1));
      const { x: x2 } = modelAndEmbeddings(state, padTokens);
      batch = 2;
      input = new Float32Array(2 * L * E);
      input.set(x);
      input.set(x2, L * E);
      keyPadding = new Uint8Array(2 * L);
      for (let j = padTokens.length; j < L; j++) keyPadding[L + j] = 1;
      options.keyPadding = keyPadding;
    }
    const t0 = performance.now();
    const { trace } = mha.forward(input, { ...options, batch, trace: true });
    const ms = performance.now() - t0;
    return { tokens, padTokens, keyPadding, trace, headNames, config: mha.config, ms,
      truncated: tok.encode(state.text).length > MAX_TOKENS };
  },

  /**
   * FAQ 3, tokens one at a time: a Decoder feeds the text's tokens one by one through the same model, each step
   * appending its k and v to the cache; its outputs are compared with the full causal pass. Per head, the newest
   * token's weights over the cache (attn.kvCache over the trace's k and v) are compared with the full pass's row.
   */
  decode(state) {
    const tokens = tokenize(state.text);
    if (tokens.length === 0) return { steps: [] };
    const { mha, x } = modelAndEmbeddings(state, tokens);
    const { dModel: E, heads: H, kvHeads: Hkv } = mha.config, L = tokens.length;
    const window = state.windowSize > 0 ? { size: state.windowSize } : undefined;
    const { trace } = mha.forward(x, { causal: true, window, trace: true });
    const D = trace.dims.headDim, Dv = trace.dims.valueDim;
    const decoder = mha.decoder();
    const cache = attn.kvCache({ kvHeads: Hkv, headDim: D, valueDim: Dv });
    const steps = [];
    try {
      for (let i = 0; i < L; i++) {
        const y = decoder.step(x.subarray(i * E, (i + 1) * E), { window });
        let outDiff = 0;
        for (let c = 0; c < E; c++) outDiff = Math.max(outDiff, Math.abs(y[c] - trace.out[i * E + c]));
        cache.append({ k: trace.k.subarray(i * Hkv * D, (i + 1) * Hkv * D), v: trace.v.subarray(i * Hkv * Dv, (i + 1) * Hkv * Dv) });
        const { weights } = cache.attention({ q: trace.q.subarray(i * H * D, (i + 1) * H * D), qLen: 1, heads: H, causal: true,
          window, returnWeights: true });  // [H, 1, i + 1]
        let weightsDiff = 0;
        for (let h = 0; h < H; h++)
          for (let j = 0; j <= i; j++) weightsDiff = Math.max(weightsDiff, Math.abs(weights[h * (i + 1) + j] - trace.weights[(h * L + i) * L + j]));
        steps.push({ token: tokens[i], cacheTokens: decoder.length, cacheBytes: decoder.bytesInUse, outDiff, weightsDiff,
          weights: weights.slice() });
      }
      return { steps, bytesPerToken: decoder.bytesPerToken, heads: H, dModel: E };
    } finally {
      decoder.dispose();
      cache.dispose();
    }
  },

  /** Next-token scores for an output row: a pass over the whole vocabulary, so the page asks only once typing pauses. */
  nextTokens({ preset, seed, out }) {
    return demo.nextTokens({ model: preset === 'teaching' ? 'teaching' : 'seeded', out, seed, k: 10 })
      .map((n) => ({ ...n, text: tok.tokenText(n.id) }));
  },

  /** The same text through multi-head, grouped-query, multi-query, sliding-window and cross-attention. */
  variants(state) {
    const tokens = tokenize(state.text);
    if (tokens.length === 0) return [];
    const crossTokens = tokenize(state.crossText || ' ');
    const { dModel, heads } = state, L = tokens.length;
    const gqa = Math.max(1, Math.min(heads, state.gqaKv));
    const runs = [  // the page names each kind in its language
      { name: 'mha', kvHeads: heads },
      { name: 'gqa', kvHeads: gqa },
      { name: 'mqa', kvHeads: 1 },
      { name: 'window', kvHeads: heads, window: state.variantWindow },
      { name: 'cross', kvHeads: heads, cross: true },
    ];
    return runs.map((r) => {
      const mha = seededModel({ ...state, kvHeads: r.kvHeads, positional: 'sinusoidal' });
      const x = demo.seededEmbeddings(tokens.map((t) => t.id), dModel, state.seed);
      const options = { causal: r.cross ? false : 'top-left', trace: true };
      if (r.window) options.window = { size: r.window };
      if (r.cross) options.context = demo.seededEmbeddings(crossTokens.map((t) => t.id), dModel, state.seed + 1);
      const { trace } = mha.forward(x, options);
      const Lk = trace.dims.kvLen, headDim = trace.dims.headDim, mean = headAverage(trace);
      // Which cells the library masked (the same for every head here: there is no per-head bias).
      const visible = headSlice(trace, 'visible', 0).slice();
      const cost = attn.cost({ dModel, heads, kvHeads: r.kvHeads, headDim, layers: 1, context: Lk, bytesPerElement: 4 });
      const windowed = r.window ? windowedCost({ dModel, heads, kvHeads: r.kvHeads, headDim, context: Lk, window: r.window }) : cost;
      return {
        name: r.name, kvHeads: r.kvHeads, window: r.window ?? 0, cross: !!r.cross, weights: mean, visible, rows: L, cols: Lk,
        queryTokens: tokens, keyTokens: r.cross ? crossTokens : tokens,
        params: cost.paramsPerLayer, kvBytesPerToken: cost.kvCacheBytesPerToken, kvBytes: windowed.kvCacheBytes,
        flopsPerToken: windowed.flopsPerToken,
      };
    });
  },

  /** 我打他 vs 他打我: are the weights a permutation of each other, with and without positions? */
  positions() {
    const [a, b] = POSITIONS_PAIR.map(tokenize);
    // b's token p is a's token perm[p] (each character is two byte-level tokens; ids are unique here).
    const perm = b.map((t, p) => {
      const pair = p - (p % 2), offset = p % 2;
      const char = b[pair].id;
      const at = a.findIndex((u, q) => q % 2 === 0 && u.id === char);
      return at + offset;
    });
    const out = {};
    for (const positional of ['none', 'sinusoidal']) {
      const mha = seededModel({ dModel: 32, heads: 2, kvHeads: 2, positional, seed: 7 });
      const ta = mha.forward(demo.seededEmbeddings(a.map((t) => t.id), 32, 7), { trace: true }).trace;
      const tb = mha.forward(demo.seededEmbeddings(b.map((t) => t.id), 32, 7), { trace: true }).trace;
      const L = a.length;
      const { worst } = permutationDiff(ta, tb, perm);
      out[positional] = { a: ta.weights.slice(0, L * L), b: tb.weights.slice(0, L * L), worst };
    }
    return { a, b, perm, ...out };
  },

  /** Median wall time of one causal attention call (1 head, D = 64, fused) per sequence length. */
  timing(lengths) {
    return lengths.map((n) => {
      const q = new Float32Array(n * 64).map((_, i) => Math.sin(i * 0.37));
      const reps = n <= 512 ? 5 : n <= 2048 ? 3 : 1;
      const times = [];
      attn.attention({ q, k: q, v: q, qLen: n, headDim: 64, causal: true });
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        attn.attention({ q, k: q, v: q, qLen: n, headDim: 64, causal: true });
        times.push(performance.now() - t0);
      }
      times.sort((x, y) => x - y);
      return { n, ms: times[times.length >> 1] };
    });
  },

  cost(config) {
    return attn.cost(config);
  },

  info() {
    return { backend: attn.backend, version: attn.version, maxTokens: MAX_TOKENS, threads: attn.threads, threadsReason: attn.threadsReason };
  },
};

const modelSide = modelHandlers({ ready, tokenize, defaultModel: () => defaultModelBytes, pageError, bytePieces });
const whenReady = (handler) => async (input, { progress }) => {
  await ready;
  return handler(input, progress);
};
serveAttentionWorker({
  handlers: Object.fromEntries(Object.entries({ ...handlers, ...modelSide }).map(([name, h]) => [name, whenReady(h)])),
});
