// `npm run bench` driver (tools/bench.sh builds, then runs this): roofline probes, native Google Benchmark cases,
// the same cases in WebAssembly through the JS API (plus kernel-only and copy-only timings), peers in the same
// process, one table on stdout and build-bench/results.json.
// Not the builds (tools/bench.sh) and not the native timing loop (attn_bench.cpp).
//
// Usage: node --expose-gc bench/run.mjs [--quick] [--no-native] [--no-peers]   (ATTN_BENCH_QUICK=1 = --quick)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { maxAbsDiff, seeded, sum } from './inputs.mjs';
import * as peers from './peers.mjs';
import { wasmPeak } from './wasm-peak.mjs';

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick') || process.env.ATTN_BENCH_QUICK === '1';
const NATIVE = !argv.includes('--no-native');
const PEERS = !argv.includes('--no-peers');
const MODE = QUICK ? 'quick' : 'full';
const path = (rel) => fileURLToPath(new URL(rel, import.meta.url));
const OUT_DIR = path('../build-bench/');
mkdirSync(OUT_DIR, { recursive: true });
const cfg = JSON.parse(readFileSync(path('./cases.json'), 'utf8'));
const log = (...a) => process.stderr.write(`[bench] ${a.join(' ')}\n`);
const gc = () => globalThis.gc?.();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), n = s.length;
  return n % 2 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
};
const T0 = performance.now();

// ---- the case matrix (cases.json) -------------------------------------------------------------------------
const H = cfg.heads;
const cases = [];
for (const S of cfg.seqs[MODE]) for (const D of cfg.headDims) for (const causal of [true, false]) for (const weights of [false, true]) {
  if (weights && S > cfg.weightsMaxSeq) continue;
  cases.push({
    kind: 'sdpa', D, S, causal, weights, id: `attn D${D} S${S} ${causal ? 'causal' : 'full'}${weights ? ' +w' : ''}`,
    flops: causal ? 2 * D * H * S * (S + 1) : 4 * D * H * S * S, impl: weights ? 'materialized' : 'fused',
  });
}
const E = cfg.mha.dModel;
for (const S of cfg.mha.seqs[MODE]) {
  const d = E / cfg.mha.heads;
  cases.push({ kind: 'mha', S, id: `mha E${E} S${S} causal`, flops: 2 * d * cfg.mha.heads * S * (S + 1) + 8 * S * E * E });
}
const dc = cfg.decode;
cases.push({
  kind: 'decode', S: dc.cache, D: dc.headDim, id: `decode attn L${dc.cache}`, flops: 4 * dc.headDim * dc.heads * dc.cache,
  bytes: 2 * dc.cache * dc.heads * dc.headDim * 4,
});
{
  const meanKeys = dc.cache + (dc.steps + 1) / 2;
  cases.push({
    kind: 'mhadecode', S: dc.cache, id: `decode mha L${dc.cache}`, flops: 8 * E * E + 4 * E * meanKeys,
    bytes: 2 * meanKeys * E * 4 + 4 * E * E * 4,
  });
}
const perIsa = cfg.perIsa;
const perIsaCase = (c) => (c.kind === 'sdpa' && c.D === perIsa.headDim && c.causal && perIsa.seqs[MODE].includes(c.S)) ||
  (c.kind === 'mha' && c.S === perIsa.mhaSeq[MODE]) || c.kind === 'decode';

// ---- roofline ---------------------------------------------------------------------------------------------
const results = {
  meta: {
    mode: MODE, date: new Date().toISOString(), node: process.version, cpu: os.cpus()[0]?.model, cores: os.cpus().length,
    loadavg: os.loadavg(), note: 'medians; peer ratio = peer ms / our JS-API ms (> 1: we are faster)',
  },
  peaks: {}, cases: [],
};

async function wasmRoofline() {
  const p = await wasmPeak({ reps: QUICK ? 7 : 11, readBytes: (QUICK ? 256 : 512) << 20, readReps: QUICK ? 6 : 8 });
  return {
    op: `f32x4.mul + f32x4.add, fastest of ${p.forms.length} loops: ${p.form}`, gflops_median: p.gflopsMedian,
    gflops_max: p.gflops, forms: p.forms, read_bandwidth: { gbs_median: p.readGBs, gbs_max: p.readGBsMax, bytes: p.readBytes },
  };
}

log(`mode ${MODE}: ${cases.length} cases`);
results.peaks.wasm = await wasmRoofline();
log(`wasm peak ${results.peaks.wasm.gflops_median.toFixed(1)} GFLOP/s, read ${results.peaks.wasm.read_bandwidth.gbs_median.toFixed(1)} GB/s`);
if (NATIVE) {
  results.peaks.native = JSON.parse(execFileSync(path('../build-bench/native/attn_roofline'), QUICK ? ['--quick'] : [],
    { encoding: 'utf8' }));
  const n = results.peaks.native;
  log(`native ${n.dispatched} peak ${n.peaks[n.dispatched]?.gflops_median} GFLOP/s, read ${n.read_bandwidth.gbs_median} GB/s`);
}

// ---- native cases (Google Benchmark) ----------------------------------------------------------------------
const nativeRows = new Map();  // `${case.id}|${isa}` → {ms, checksum, label}
if (NATIVE) {
  const tokens = [], names = [];
  const token = (c, isa) => {
    if (c.kind === 'sdpa') return [`sdpa:${isa}:${c.D}:${c.S}:${+c.causal}:${+c.weights}`, `sdpa/D:${c.D}/S:${c.S}/causal:${+c.causal}/weights:${+c.weights}/isa:${isa}`];
    if (c.kind === 'mha') return [`mha:${isa}:${c.S}`, `mha/S:${c.S}/isa:${isa}`];
    if (c.kind === 'decode') return [`decode:${isa}:${c.S}`, `decode/cache:${c.S}/isa:${isa}`];
    return [`mhadecode:${isa}:${c.S}:${dc.steps}`, `mhadecode/cache:${c.S}/isa:${isa}`];
  };
  // per-arch rows for the subset; the dispatched arch is the `best` row already
  const isas = Object.keys(results.peaks.native.peaks).filter((i) => i !== results.peaks.native.dispatched);
  for (const c of cases) {
    for (const isa of ['best', ...(perIsaCase(c) ? isas : [])]) {
      const [t, name] = token(c, isa);
      tokens.push(t);
      names.push({ name, c, isa });
    }
  }
  // The kernels alone, on the shapes they have inside attention (attn_bench.cpp: add_kernel), on every arch.
  const KERNELS = ['gemm_tile', 'gemm_proj', 'exp', 'transpose'];
  for (const isa of ['best', ...isas]) for (const k of KERNELS) tokens.push(`kernel:${isa}:${k}`);
  log(`native: ${tokens.length} benchmarks (log: build-bench/native-bench.log)`);
  const jsonOut = `${OUT_DIR}native-bench.json`;
  let gb = { benchmarks: [] };
  try {
    const consoleOut = execFileSync(path('../build-bench/native/attn_bench'), [`--attn_cases=${tokens.join(';')}`,
      `--benchmark_out=${jsonOut}`, '--benchmark_out_format=json', '--benchmark_format=console'],
    { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
    writeFileSync(`${OUT_DIR}native-bench.log`, consoleOut);
    gb = JSON.parse(readFileSync(jsonOut, 'utf8'));
  } catch (e) {
    results.meta.nativeError = `attn_bench failed (${e.signal ?? `status ${e.status}`})`;
    log(`${results.meta.nativeError}: native rows are missing`);
  }
  results.meta.nativeContext = gb.context;
  results.kernels = [];
  for (const b of gb.benchmarks) {
    if (b.aggregate_name !== 'median') continue;
    const kernel = /^kernel\/(\w+)\/isa:([^/]+)\//.exec(b.name);
    if (kernel) {
      const isa = kernel[2] === 'best' ? results.peaks.native.dispatched : kernel[2];
      const us = b.real_time, peak = results.peaks.native.peaks[isa]?.gflops_max;
      const row = { kernel: kernel[1], isa, us, error: b.error_message };
      if (b.flops) Object.assign(row, { gflops: b.flops / us / 1e3, pctPeak: (100 * b.flops / us / 1e3) / peak });
      if (b.elements) row.gElementsPerS = b.elements / us / 1e3;
      results.kernels.push(row);
      continue;
    }
    const hit = names.find(({ name }) => b.name.startsWith(`${name}/`));
    if (!hit) continue;
    nativeRows.set(`${hit.c.id}|${hit.isa}`, { ms: b.real_time, checksum: b.checksum, label: b.label, error: b.error_message });
  }
}

// ---- heap high-water mark (fresh process) and package size ----------------------------------------------
{
  const h = cfg.heap;
  log(`heap: fused S=${h.seq} H=${h.heads} D=${h.headDim} in a fresh process`);
  try {
    results.heap = JSON.parse(execFileSync(process.execPath, [path('./heap.mjs'), h.seq, h.heads, h.headDim], { encoding: 'utf8' }));
  } catch (e) {
    results.heap = { error: String(e.message).slice(0, 300) };
  }
  const wasmBytes = readFileSync(path('../dist/attn.wasm'));
  results.wasmSize = { bytes: wasmBytes.length, gzipBytes: gzipSync(wasmBytes, { level: 9 }).length };
}

// ---- our wasm build: JS API, kernel only (raw Embind calls on preallocated heap buffers), copy only ---------
const { init } = await import('../dist/index.js');
const { withHeap } = await import('../dist/heap.js');
const attn = await init({ threads: false });  // one thread, like every contender
results.meta.wasmBackend = attn.backend;
const { default: createAttnModule } = await import('../dist/attn.mjs');
const raw = await createAttnModule();  // a second instance, for kernel-only and copy-only timings

// The raw module's call objects (see wasm/bindings.cpp): enums are the module's Embind enums, as the package uses.
const NO_MASK = { causal: false, causalAlign: raw.Align['top-left'], windowLeft: -1, windowRight: -1,
  windowAlign: raw.Align['top-left'], biasPerBatch: false, biasPerHead: false, keyPadding: 0, bias: 0 };
const IMPL = { auto: raw.SdpaImpl.auto, materialized: raw.SdpaImpl.materialized, fused: raw.SdpaImpl.fused, decode: raw.SdpaImpl.decode };

/** Copies `arrays` into a fresh heap block and allocates `outputs` (lengths); returns pointers and free(). */
function heapBlock(arrays, outputs) {
  const all = [...Object.entries(arrays).map(([n, a]) => [n, a.length, a]), ...Object.entries(outputs).map(([n, len]) => [n, len, null])];
  const total = all.reduce((s, [, len]) => s + Math.ceil(len / 4) * 16, 0);
  const base = raw._malloc(total);
  if (!base) throw new Error('kernel-only: out of wasm memory');
  const ptr = {};
  let at = base;
  for (const [n, len, a] of all) {
    ptr[n] = at;
    if (a) raw.HEAPF32.set(a, at >> 2);
    at += Math.ceil(len / 4) * 16;
  }
  ptr.read = (n, len) => raw.HEAPF32.slice(ptr[n] >> 2, (ptr[n] >> 2) + len);
  ptr.free = () => raw._free(base);
  return ptr;
}

/**
 * Times `fn` (sync or async): the first call is the warm-up and its result is returned for checking; more warm-up
 * while under ~0.2 s; then 3 … 20 repetitions depending on the call's length. Returns {ms (median), reps, first}.
 */
async function timeIt(fn) {
  let t = performance.now();
  const first = await fn();
  const firstMs = performance.now() - t;
  for (let w = firstMs; w < 200 && w >= 0;) {
    t = performance.now();
    await fn();
    w += (performance.now() - t) || 1;
  }
  const reps = firstMs > 1000 ? 3 : firstMs > 300 ? 5 : Math.min(QUICK ? 15 : 20, Math.max(7, Math.round((QUICK ? 500 : 800) / Math.max(firstMs, 0.01))));
  const samples = [];
  for (let r = 0; r < reps; r++) {
    t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return { ms: median(samples), reps, min: Math.min(...samples), first };
}

// Skip a peer on a case when its best rate so far predicts a call longer than this.
const PREDICT_LIMIT_S = QUICK ? 2.5 : 6;
const bestRate = new Map();
function predictSkip(name, c) {
  const r = bestRate.get(name);
  if (!r) return null;
  const s = c.flops / r / 1e9;
  return s > PREDICT_LIMIT_S ? `skipped: predicted ${s.toFixed(0)} s per call` : null;
}

const peerVersions = {};
if (PEERS) {
  try { peerVersions['onnxruntime-web'] = await peers.loadOrt(); } catch (e) { peerVersions['onnxruntime-web'] = `failed: ${e.message}`; }
  try { peerVersions.tfjs = await peers.loadTfjs(); } catch (e) { peerVersions.tfjs = `failed: ${e.message}`; }
  results.meta.peers = peerVersions;
}
const ortOk = PEERS && !String(peerVersions['onnxruntime-web']).startsWith('failed');
const tfOk = PEERS && typeof peerVersions.tfjs === 'object';

const mha = new attn.MultiHeadAttention({ dModel: E, heads: cfg.mha.heads, seed: 42 });
const mhaWeights = mha.weights();
const rawMha = new raw.Mha();
{
  const st = rawMha.initRandom({ dModel: E, heads: cfg.mha.heads, kvHeads: cfg.mha.heads, headDim: E / cfg.mha.heads,
    valueDim: E / cfg.mha.heads, contextDim: E, maxLen: 0, bias: false, positional: raw.Positional.none }, 42);
  if (st.code !== 'OK') throw new Error(`raw Mha.initRandom: ${st.message}`);
}

async function runPeer(row, name, c, reference, make) {
  const skip = predictSkip(name, c);
  if (skip) return (row[name] = { skipped: skip });
  let p;
  try {
    p = await make();
    if (!p) return (row[name] = { skipped: 'not supported for this case' });
    const r = await timeIt(() => p.run());
    row[name] = { ms: r.ms, reps: r.reps, maxAbsDiff: maxAbsDiff(r.first.out, reference.out) };
    if (reference.weights && r.first.weights) row[name].weightsMaxAbsDiff = maxAbsDiff(r.first.weights, reference.weights);
    bestRate.set(name, Math.max(bestRate.get(name) ?? 0, c.flops / r.ms / 1e6));
  } catch (e) {
    row[name] = { error: String(e?.message ?? e).split('\n')[0].slice(0, 200) };
  } finally {
    try { await p?.dispose(); } catch { /* already gone */ }
    gc();
  }
}

for (const c of cases) {
  log(`${c.id} (${((performance.now() - T0) / 1000).toFixed(0)} s)`);
  const row = { id: c.id, kind: c.kind, flops: c.flops, bytes: c.bytes, contenders: {} };
  const k = row.contenders;
  for (const [key, n] of nativeRows) {
    const [id, isa] = key.split('|');
    if (id === c.id) k[`native:${isa}`] = n;
  }
  gc();
  if (c.kind === 'sdpa' || c.kind === 'decode') {
    const qLen = c.kind === 'decode' ? 1 : c.S, kvLen = c.S, D = c.D;
    const causal = c.kind === 'sdpa' && c.causal, weights = c.kind === 'sdpa' && c.weights;
    const impl = c.kind === 'decode' ? 'decode' : c.impl;
    const q = seeded(qLen * H * D, 1), kk = seeded(kvLen * H * D, 2), v = seeded(kvLen * H * D, 3);
    const outLen = qLen * H * D, wLen = H * qLen * kvLen;
    let reference;
    try {
      const api = await timeIt(() => attn.attention({ q, k: kk, v, qLen, kvLen, heads: H, headDim: D, causal, returnWeights: weights, impl }));
      reference = api.first;
      k['wasm:api'] = { ms: api.ms, reps: api.reps, impl: api.first.impl, checksum: sum(api.first.out) };
    } catch (e) {
      k['wasm:api'] = { error: String(e?.message ?? e).slice(0, 200) };
    }
    gc();
    if (c.kind === 'decode') try {  // the same call with K and V held in wasm memory by attn.kvCache()
      const cache = attn.kvCache({ kvHeads: H, headDim: D });
      cache.append({ k: kk, v });
      const kc = await timeIt(() => cache.attention({ q, qLen, heads: H, causal, impl }));
      k['wasm:kvcache'] = { ms: kc.ms, reps: kc.reps, maxAbsDiff: reference ? maxAbsDiff(kc.first.out, reference.out) : NaN };
      cache.dispose();
    } catch (e) {
      k['wasm:kvcache'] = { error: String(e?.message ?? e).slice(0, 200) };
    }
    gc();
    try {
      const spec = { q: { input: q }, k: { input: kk }, v: { input: v }, out: { output: [Float32Array, outLen] },
        weights: weights && { output: [Float32Array, wLen] } };
      const cr = await timeIt(() => withHeap(raw, spec, () => null));
      k['wasm:copy'] = { ms: cr.ms, reps: cr.reps, bytes: 4 * (q.length + kk.length + v.length + outLen + (weights ? wLen : 0)) };
    } catch (e) {
      k['wasm:copy'] = { error: String(e?.message ?? e).slice(0, 200) };
    }
    gc();
    const apiMs = k['wasm:api']?.ms, copyMs = k['wasm:copy']?.ms;
    if (apiMs > 500 && copyMs < 0.03 * apiMs) {
      k['wasm:kernel'] = { skipped: `copy is ${(100 * copyMs / apiMs).toFixed(1)}% of the API call: kernel ≈ API − copy` };
    } else try {
      const b = heapBlock({ q, k: kk, v }, weights ? { out: outLen, weights: wLen } : { out: outLen });
      const call = { batch: 1, qLen, kvLen, heads: H, kvHeads: H, headDim: D, valueDim: D, hasScale: false, scale: 0,
        impl: IMPL[impl], mask: { ...NO_MASK, causal }, q: b.q, k: b.k, v: b.v, out: b.out, weights: weights ? b.weights : 0, scores: 0, lse: 0, threads: 1 };
      const kr = await timeIt(() => {
        const st = raw.sdpa(call);
        if (st.code !== 'OK') throw new Error(st.message);
      });
      k['wasm:kernel'] = { ms: kr.ms, reps: kr.reps, maxAbsDiff: reference ? maxAbsDiff(b.read('out', outLen), reference.out) : NaN };
      b.free();
    } catch (e) {
      k['wasm:kernel'] = { error: String(e?.message ?? e).slice(0, 200) };
    }
    gc();
    if (PEERS && reference) {
      const pc = { qLen, kvLen, heads: H, headDim: D, causal, weights };
      if (ortOk) {
        await runPeer(k, 'ort-std', c, reference, () => peers.prepareOrtSdpa('std', pc, q, kk, v));
        await runPeer(k, 'ort-mha', c, reference, () => peers.prepareOrtSdpa('mha', pc, q, kk, v));
      }
      if (tfOk) await runPeer(k, 'tfjs', c, reference, () => peers.prepareTfjsSdpa(pc, q, kk, v));
      await runPeer(k, 'js', c, reference, () => ({ run: () => peers.jsSdpa(q, kk, v, pc), dispose() {} }));
    }
  } else if (c.kind === 'mha') {
    const x = seeded(c.S * E, 4);
    let reference;
    try {
      const api = await timeIt(() => mha.forward(x, { causal: true }));
      reference = api.first;
      k['wasm:api'] = { ms: api.ms, reps: api.reps, checksum: sum(api.first.out) };
    } catch (e) {
      k['wasm:api'] = { error: String(e?.message ?? e).slice(0, 200) };
    }
    try {
      const b = heapBlock({ x }, { out: c.S * E });
      const call = { batch: 1, qLen: c.S, contextLen: 0, firstPosition: 0, hasScale: false, scale: 0, impl: IMPL.auto,
        mask: { ...NO_MASK, causal: true }, x: b.x, context: 0, out: b.out, threads: 1 };
      const kr = await timeIt(() => {
        const st = rawMha.forward(call);
        if (st.code !== 'OK') throw new Error(st.message);
      });
      k['wasm:kernel'] = { ms: kr.ms, reps: kr.reps, maxAbsDiff: reference ? maxAbsDiff(b.read('out', c.S * E), reference.out) : NaN };
      b.free();
    } catch (e) {
      k['wasm:kernel'] = { error: String(e?.message ?? e).slice(0, 200) };
    }
    try {
      const spec = { x: { input: x }, out: { output: [Float32Array, c.S * E] } };
      const cr = await timeIt(() => withHeap(raw, spec, () => null));
      k['wasm:copy'] = { ms: cr.ms, reps: cr.reps, bytes: 8 * c.S * E };
    } catch (e) {
      k['wasm:copy'] = { error: String(e?.message ?? e).slice(0, 200) };
    }
    gc();
    if (PEERS && reference) {
      const pc = { seq: c.S, dModel: E, heads: cfg.mha.heads };
      if (ortOk) {
        await runPeer(k, 'ort-std', c, reference, () => peers.prepareOrtMha('std', pc, x, mhaWeights));
        await runPeer(k, 'ort-mha', c, reference, () => peers.prepareOrtMha('mha', pc, x, mhaWeights));
      }
      if (tfOk) await runPeer(k, 'tfjs', c, reference, () => peers.prepareTfjsMha(pc, x, mhaWeights));
      await runPeer(k, 'js', c, reference, () => ({ run: () => peers.jsMha(x, mhaWeights, pc), dispose() {} }));
    }
  } else {  // mhadecode: our block only (no peer has a KV-cache step here); round 1 warms up, round 2 is timed
    try {
      const dec = mha.decoder();
      const prefill = seeded(c.S * E, 5), x = seeded(E, 6);
      const samples = [];
      let last;
      for (let round = 0; round < 2; round++) {
        dec.reset();
        dec.step(prefill);
        for (let s = 0; s < dc.steps; s++) {
          const t = performance.now();
          last = dec.step(x);
          if (round) samples.push(performance.now() - t);
        }
      }
      k['wasm:api'] = { ms: median(samples), reps: samples.length, checksum: sum(last), cacheAfter: dec.length };
      dec.dispose();
    } catch (e) {
      k['wasm:api'] = { error: String(e?.message ?? e).slice(0, 200) };
    }
  }
  // native vs wasm: the same seeded inputs, so the output checksums should agree closely
  const nb = k['native:best'], wa = k['wasm:api'];
  if (nb?.checksum !== undefined && wa?.checksum !== undefined)
    row.nativeVsWasmChecksumDiff = Math.abs(nb.checksum - wa.checksum);
  results.cases.push(row);
}
rawMha.delete();
mha.dispose();

// ---- derived numbers and the table ------------------------------------------------------------------------
const np = results.peaks.native, wp = results.peaks.wasm;
// Peaks: the best repetition (noise on a shared machine only ever lowers a throughput); case times: medians.
const nativePeak = (isa) => np?.peaks[isa === 'best' ? np.dispatched : isa]?.gflops_max;
for (const row of results.cases) {
  for (const [name, r] of Object.entries(row.contenders)) {
    if (!r.ms) continue;
    r.gflops = row.flops / r.ms / 1e6;
    if (name === 'wasm:copy') { r.gbs = r.bytes / r.ms / 1e6; continue; }
    const peak = name.startsWith('native:') ? nativePeak(name.slice(7)) : wp.gflops_max;
    r.pctPeak = (100 * r.gflops) / peak;
    if (row.bytes) {
      r.gbs = row.bytes / r.ms / 1e6;
      const bw = name.startsWith('native:') ? np?.read_bandwidth.gbs_max : wp.read_bandwidth.gbs_max;
      r.pctBandwidth = (100 * r.gbs) / bw;
    }
  }
  const api = row.contenders['wasm:api'];
  row.ratios = {};
  for (const p of ['ort-std', 'ort-mha', 'tfjs', 'js']) {
    const r = row.contenders[p];
    if (r?.ms && api?.ms) row.ratios[p] = r.ms / api.ms;
  }
}
results.meta.seconds = (performance.now() - T0) / 1000;
writeFileSync(`${OUT_DIR}results.json`, `${JSON.stringify(results, null, 1)}\n`);

const f = (x, d = 1) => (x === undefined || x === null || Number.isNaN(x) ? '' : x.toFixed(d));
const fms = (x) => (x === undefined ? '' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x >= 1 ? x.toFixed(2) : x.toFixed(3));
const fe = (x) => (x === undefined || Number.isNaN(x) ? '' : x.toExponential(0));
const isaLabel = (isa) => (isa === 'best' ? `native ${np?.dispatched}*` : `native ${isa}`);
const head = ['case', 'ours', 'median ms', 'GFLOP/s', '%peak', '%BW', 'copy ms', 'ort-std', 'ort-mha', 'tfjs', 'js', 'max|Δ|'];
const lines = [];
for (const row of results.cases) {
  const k = row.contenders;
  const peerCell = (p) => {
    const r = k[p];
    if (!r) return '';
    if (r.error) return 'err';
    if (r.skipped) return r.skipped.startsWith('not') ? 'n/a' : 'skip';
    return `${f(row.ratios[p], 2)}x`;
  };
  const diffs = ['ort-std', 'ort-mha', 'tfjs', 'js'].map((p) => k[p]?.maxAbsDiff).filter((x) => x !== undefined);
  const add = (label, r, extra = {}) => {
    if (!r || r.skipped) return;
    if (r.error) return lines.push([row.id, label, 'error', '(see JSON)']);
    lines.push([row.id, label, fms(r.ms), f(r.gflops), f(r.pctPeak), f(r.pctBandwidth), extra.copy ?? '',
      ...(extra.peers ? ['ort-std', 'ort-mha', 'tfjs', 'js'].map(peerCell) : ['', '', '', '']), extra.diff ?? '']);
  };
  for (const [name, r] of Object.entries(k)) if (name.startsWith('native:')) add(isaLabel(name.slice(7)), r);
  add('wasm JS API', k['wasm:api'], { copy: k['wasm:copy']?.ms !== undefined ? fms(k['wasm:copy'].ms) : '', peers: true,
    diff: diffs.length ? fe(Math.max(...diffs)) : '' });
  add('wasm kernel', k['wasm:kernel'], { diff: k['wasm:kernel']?.maxAbsDiff !== undefined ? fe(k['wasm:kernel'].maxAbsDiff) : '' });
  add('wasm JS kvCache', k['wasm:kvcache'], { diff: k['wasm:kvcache']?.maxAbsDiff !== undefined ? fe(k['wasm:kvcache'].maxAbsDiff) : '' });
}
const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i] ?? '').length)));
const fmt = (l) => l.map((x, i) => (i < 2 ? String(x ?? '').padEnd(widths[i]) : String(x ?? '').padStart(widths[i]))).join('  ');
const out = [];
out.push(`attention-wasm bench (${MODE}) — ${results.meta.cpu}, ${results.meta.cores} cores, node ${process.version}, ` +
  `${results.meta.seconds.toFixed(0)} s; single thread everywhere; medians.`);
if (np) {
  const list = Object.entries(np.peaks).map(([n, p]) => `${n}${n === np.dispatched ? '*' : ''} ${f(p.gflops_max)} [${f(p.gflops_median)}]`);
  out.push(`native peak (FMA; sse2: mul+add), best of ${np.reps} [median]: ${list.join(', ')} GFLOP/s; ` +
    `streaming read ${f(np.read_bandwidth.gbs_max)} [${f(np.read_bandwidth.gbs_median)}] GB/s`);
}
out.push(`wasm peak (f32x4 mul+add, ${wp.op}), best [median]: ${f(wp.gflops_max)} [${f(wp.gflops_median)}] GFLOP/s; ` +
  `streaming read ${f(wp.read_bandwidth.gbs_max)} [${f(wp.read_bandwidth.gbs_median)}] GB/s`);
const hp = results.heap;
out.push(hp?.heapAfter ? `wasm heap high-water, fused causal S=${hp.seq} H=${hp.heads} D=${hp.headDim}: ${(hp.heapAfter / 2 ** 20).toFixed(1)} MiB ` +
  `(q, k, v, out copied in: ${(hp.tensorBytes / 2 ** 20).toFixed(1)} MiB; call ${(hp.ms / 1000).toFixed(1)} s)` : `heap: ${hp?.error}`);
out.push(`dist/attn.wasm: ${results.wasmSize.bytes} bytes, ${results.wasmSize.gzipBytes} gzipped (level 9)`);
if (PEERS) out.push(`peers: onnxruntime-web ${typeof peerVersions['onnxruntime-web'] === 'string' ? peerVersions['onnxruntime-web'] : ''} (wasm EP, 1 thread), ` +
  `tfjs-backend-wasm ${peerVersions.tfjs?.version ?? peerVersions.tfjs} (${peerVersions.tfjs?.binary ?? '?'} binary, ${peerVersions.tfjs?.threads ?? '?'} thread), plain JS`);
out.push('');
out.push(fmt(head));
out.push(widths.map((w) => '-'.repeat(w)).join('  '));
let prev;
for (const l of lines) {
  if (prev !== undefined && prev !== l[0]) out.push('');
  out.push(fmt(l[0] === prev ? ['', ...l.slice(1)] : l));
  prev = l[0];
}
out.push('');
out.push('%peak: of the measured (best-run) FMA peak of that arch (native rows) or of the wasm f32x4 peak (wasm rows). %BW: of the');
out.push('DRAM streaming-read bandwidth (decode rows; their K/V working set, 12.6 MB, can sit in L3, so > 100% is possible).');
out.push('copy ms: the JS API\'s heap copy in/out alone (included in the JS API ms). Peer columns: peer ms / our JS-API ms');
out.push('(>1 = we are faster; peers also copy in/out); n/a = unsupported, skip = predicted too slow, err = failed (see JSON).');
out.push('max|Δ|: largest |peer out − our out| over peers (kernel and kvCache rows: vs the JS API call). * = the dispatcher\'s table.');
out.push(`JSON: build-bench/results.json`);
if (results.kernels?.length) {
  out.push('');
  out.push('kernels alone, native (attn_bench.cpp add_kernel: gemm_tile = a 32×128 score tile over D 64; gemm_proj = 128 rows');
  out.push('of x against a 128 × 64 panel of W; exp = one 128-logit row; transpose = one head\'s 1024 × 64 keys), medians:');
  out.push(`${'kernel'.padEnd(10)}  ${'arch'.padEnd(9)}  ${'µs/call'.padStart(8)}  ${'GFLOP/s'.padStart(8)}  ${'%peak'.padStart(6)}  ${'G elem/s'.padStart(8)}`);
  for (const k of results.kernels)
    out.push(`${k.kernel.padEnd(10)}  ${k.isa.padEnd(9)}  ${fms(k.us).padStart(8)}  ${f(k.gflops).padStart(8)}  ${f(k.pctPeak).padStart(6)}  ${f(k.gElementsPerS, 2).padStart(8)}`);
}
console.log(out.join('\n'));
process.exit(0);
