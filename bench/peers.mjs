// The peers `npm run bench` compares against, all single-threaded WebAssembly (or plain JS) in this Node process:
// onnxruntime-web (wasm EP) with a graph of standard ops and with com.microsoft.MultiHeadAttention,
// @tensorflow/tfjs-backend-wasm with the same standard ops, and a plain JS loop.
// Each `prepare*` returns { run() → Promise<{out, weights?}> | null when the peer cannot do this case, dispose() }.
// Inputs are copied in and outputs copied out on every run, as for our JS API.
import { pathToFileURL } from 'node:url';

import { causalMask } from './inputs.mjs';
import { Graph, sdpaContrib, sdpaStandard } from './onnx-model.mjs';

const NM = new URL('./node_modules/', import.meta.url);

// ---- onnxruntime-web ------------------------------------------------------------------------------------
let ort;
export async function loadOrt() {
  ort = await import('onnxruntime-web');
  ort.env.wasm.numThreads = 1;  // single thread, like everyone here
  ort.env.wasm.proxy = false;
  ort.env.wasm.wasmPaths = pathToFileURL(new URL('onnxruntime-web/dist/', NM).pathname).href;  // no CDN
  ort.env.logLevel = 'error';
  return ort.env.versions?.web ?? ort.env.versions?.common ?? 'unknown';
}

async function ortSession(graph, feeds, outputNames) {
  const session = await ort.InferenceSession.create(graph.build(), {
    executionProviders: ['wasm'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1,
  });
  return {
    async run() {
      const r = await session.run(feeds());
      const res = { out: r[outputNames[0]].data };
      if (outputNames[1]) res.weights = r[outputNames[1]].data;
      for (const t of Object.values(r)) t.dispose?.();
      return res;
    },
    dispose: () => session.release(),
  };
}

/** kind: 'std' (MatMul/Softmax/... graph) or 'mha' (com.microsoft.MultiHeadAttention). */
export async function prepareOrtSdpa(kind, c, q, k, v) {
  if (kind === 'mha' && c.weights) return null;  // the contrib op does not return attention weights
  const { qLen, kvLen, heads, headDim } = c;
  const g = new Graph(`sdpa_${kind}`);
  g.input('q', [1, qLen, heads * headDim]);
  g.input('k', [1, kvLen, heads * headDim]);
  g.input('v', [1, kvLen, heads * headDim]);
  const masked = c.causal && qLen > 1;
  const o = kind === 'std'
    ? sdpaStandard(g, { q: 'q', k: 'k', v: 'v', batch: 1, qLen, kvLen, heads, headDim,
      mask: masked ? causalMask(qLen, kvLen) : null, weightsOut: c.weights ? 'weights' : null })
    : sdpaContrib(g, { q: 'q', k: 'k', v: 'v', heads, headDim, causal: masked });
  g.node('Identity', [o], ['out']);
  g.output('out', [1, qLen, heads * headDim]);
  if (c.weights) g.output('weights', [1, heads, qLen, kvLen]);
  const feeds = () => ({
    q: new ort.Tensor('float32', q, [1, qLen, heads * headDim]),
    k: new ort.Tensor('float32', k, [1, kvLen, heads * headDim]),
    v: new ort.Tensor('float32', v, [1, kvLen, heads * headDim]),
  });
  return ortSession(g, feeds, c.weights ? ['out', 'weights'] : ['out']);
}

/** The MHA block (x·Wq, x·Wk, x·Wv, causal attention, ·Wo) with our weights ([in, out]), as an ONNX graph. */
export async function prepareOrtMha(kind, c, x, w) {
  const { seq, dModel: e, heads } = c;
  const d = e / heads;
  const g = new Graph(`mha_${kind}`);
  g.input('x', [1, seq, e]);
  const proj = (name, data) => g.node('MatMul', ['x', g.init(name, [e, e], data)]);
  const q = proj('wq', w.wQ), k = proj('wk', w.wK), v = proj('wv', w.wV);
  const a = kind === 'std'
    ? sdpaStandard(g, { q, k, v, batch: 1, qLen: seq, kvLen: seq, heads, headDim: d, mask: causalMask(seq, seq) })
    : sdpaContrib(g, { q, k, v, heads, headDim: d, causal: true });
  g.node('MatMul', [a, g.init('wo', [e, e], w.wO)], ['out']);
  g.output('out', [1, seq, e]);
  return ortSession(g, () => ({ x: new ort.Tensor('float32', x, [1, seq, e]) }), ['out']);
}

// ---- tfjs (wasm backend) ----------------------------------------------------------------------------------
let tf;
export async function loadTfjs() {
  tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(new URL('@tensorflow/tfjs-backend-wasm/dist/', NM).pathname);  // local files, no CDN
  wasm.setThreadsCount?.(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialise');
  await tf.ready();
  const binary = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'threaded-simd (1 thread)'
    : tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'simd' : 'plain';
  return { version: tf.version_core, binary, threads: wasm.getThreadsCount?.() ?? 1 };
}

function tfSdpa(q, k, v, { seq, kvLen, heads, headDim, maskT }) {
  // functional ops only: tfjs-core without the chained-op registration has no tensor.reshape() etc.
  const split = (t, len) => tf.transpose(tf.reshape(t, [1, len, heads, headDim]), [0, 2, 1, 3]);
  let s = tf.mul(tf.matMul(split(q, seq), split(k, kvLen), false, true), tf.scalar(1 / Math.sqrt(headDim)));
  if (maskT) s = tf.add(s, maskT);
  const p = tf.softmax(s);
  const o = tf.reshape(tf.transpose(tf.matMul(p, split(v, kvLen)), [0, 2, 1, 3]), [1, seq, heads * headDim]);
  return { o, p };
}

export function prepareTfjsSdpa(c, q, k, v) {
  const { qLen, kvLen, heads, headDim } = c;
  const maskT = c.causal && qLen > 1 ? tf.tensor2d(causalMask(qLen, kvLen), [qLen, kvLen]) : null;
  return {
    async run() {
      const [o, p] = tf.tidy(() => {
        const r = tfSdpa(tf.tensor3d(q, [1, qLen, heads * headDim]), tf.tensor3d(k, [1, kvLen, heads * headDim]),
          tf.tensor3d(v, [1, kvLen, heads * headDim]), { seq: qLen, kvLen, heads, headDim, maskT });
        return [r.o, c.weights ? r.p : tf.scalar(0)];
      });
      const res = { out: o.dataSync() };
      if (c.weights) res.weights = p.dataSync();
      o.dispose();
      p.dispose();
      return res;
    },
    dispose: () => maskT?.dispose(),
  };
}

export function prepareTfjsMha(c, x, w) {
  const { seq, dModel: e, heads } = c;
  const maskT = tf.tensor2d(causalMask(seq, seq), [seq, seq]);
  const W = Object.fromEntries(['wQ', 'wK', 'wV', 'wO'].map((n) => [n, tf.tensor2d(w[n], [e, e])]));
  return {
    async run() {
      const o = tf.tidy(() => {
        const xt = tf.tensor2d(x, [seq, e]);
        const { o: a } = tfSdpa(tf.matMul(xt, W.wQ), tf.matMul(xt, W.wK), tf.matMul(xt, W.wV),
          { seq, kvLen: seq, heads, headDim: e / heads, maskT });
        return tf.matMul(tf.reshape(a, [seq, e]), W.wO);
      });
      const out = o.dataSync();
      o.dispose();
      return { out };
    },
    dispose: () => { maskT.dispose(); Object.values(W).forEach((t) => t.dispose()); },
  };
}

// ---- plain JS ------------------------------------------------------------------------------------------------
/** Straightforward attention loops over Float32Arrays (causal rows stop at the diagonal). */
export function jsSdpa(q, k, v, { qLen, kvLen, heads, headDim: d, causal, weights }) {
  const hd = heads * d, scale = 1 / Math.sqrt(d);
  const out = new Float32Array(qLen * hd);
  const w = weights ? new Float32Array(heads * qLen * kvLen) : null;
  const p = new Float32Array(kvLen);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < qLen; i++) {
      const qi = i * hd + h * d;
      const n = causal ? Math.min(kvLen, i + kvLen - qLen + 1) : kvLen;
      let max = -Infinity;
      for (let j = 0; j < n; j++) {
        const kj = j * hd + h * d;
        let s = 0;
        for (let x = 0; x < d; x++) s += q[qi + x] * k[kj + x];
        s *= scale;
        p[j] = s;
        if (s > max) max = s;
      }
      let total = 0;
      for (let j = 0; j < n; j++) total += p[j] = Math.exp(p[j] - max);
      const inv = 1 / total;
      for (let j = 0; j < n; j++) {
        const pj = p[j] * inv, vj = j * hd + h * d;
        if (w) w[(h * qLen + i) * kvLen + j] = pj;
        for (let x = 0; x < d; x++) out[qi + x] += pj * v[vj + x];
      }
    }
  }
  return { out, weights: w };
}

function jsMatMul(a, rows, inner, b, cols) {  // a[rows, inner] · b[inner, cols]
  const c = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let i = 0; i < inner; i++) {
      const av = a[r * inner + i];
      const bo = i * cols, co = r * cols;
      for (let j = 0; j < cols; j++) c[co + j] += av * b[bo + j];
    }
  return c;
}

export function jsMha(x, w, { seq, dModel: e, heads }) {
  const q = jsMatMul(x, seq, e, w.wQ, e), k = jsMatMul(x, seq, e, w.wK, e), v = jsMatMul(x, seq, e, w.wV, e);
  const { out } = jsSdpa(q, k, v, { qLen: seq, kvLen: seq, heads, headDim: e / heads, causal: true });
  return { out: jsMatMul(out, seq, e, w.wO, e) };
}
