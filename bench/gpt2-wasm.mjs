// GPT-2 in WebAssembly, ours against onnxruntime-web (wasm EP, 1 thread) on the same gpt2-small-shaped model (L 12,
// H 12, C 768, V 50257, P 1024, seeded random weights that are exact in F16, so the F32 and F16 files and the ONNX
// graph hold the same numbers): prefill of 128 and 512 tokens and decode steps at contexts 128 and 1,024, timed in one
// Node process, the engines alternating step by step; medians. Outputs are compared before timing. Ours also runs the
// F16 file on 2 threads (the threaded build, dist/mt/) when this engine can start it; the peer stays on 1 thread.
// Not a test: it asserts nothing about speed. Writes build-bench/gpt2-wasm.json.
//   node --expose-gc bench/gpt2-wasm.mjs [--quick] [--ours] [--dist <dir>]   (dist/ of this checkout by default; --ours: without the
//   peer, for quick iterations: ratios are then to our F32 row)
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';

import { gpt2Onnx } from './onnx-model.mjs';
import { loadOrt } from './peers.mjs';
import { wasmPeak } from './wasm-peak.mjs';

const path = (p) => new URL(p, import.meta.url);
const args = process.argv.slice(2);
const QUICK = args.includes('--quick'), OURS_ONLY = args.includes('--ours');
const DIST = args.includes('--dist') ? new URL(`${args[args.indexOf('--dist') + 1]}/`, `file://${process.cwd()}/`) : path('../dist/');
const CFG = { layers: 12, heads: 12, dModel: 768, dFF: 3072, vocab: 50257, context: 1024 };
/** Bytes a decode step at `context` reads: the 4 projections of each block and the tied head at `bytes` per weight
 *  (F16 for our F16 file, else 4), plus the KV cache (float32 keys and values of every earlier token). */
const decodeBytes = (bytes, context) =>
  (CFG.layers * 12 * CFG.dModel ** 2 + CFG.vocab * CFG.dModel) * bytes + 2 * CFG.layers * context * CFG.dModel * 4;
const PREFILLS = [128, 512], CONTEXTS = [128, 1024], STEPS = QUICK ? 6 : 12, PREFILL_REPS = QUICK ? 3 : 5;
const PREFILL = PREFILLS[0];  // the length whose logits are compared before timing
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const log = (...m) => console.error('[gpt2-wasm]', ...m);

// ---- weights: binary16 bit patterns from a seeded xorshift, widened exactly for the F32 copies ----------------
const F16_TO_F32 = (() => {
  const t = new Float32Array(65536);
  for (let b = 0; b < 65536; b++) {
    const e = (b >> 10) & 31, f = b & 1023, s = b & 0x8000 ? -1 : 1;
    t[b] = e === 0 ? s * f * 2 ** -24 : e === 31 ? (f ? NaN : s * Infinity) : s * (1 + f / 1024) * 2 ** (e - 15);
  }
  return t;
})();

/** The binary16 pattern nearest below |x| (truncated mantissa), for finite |x| < 65504. */
function toF16(x) {
  const a = Math.abs(x), sign = x < 0 ? 0x8000 : 0;
  if (a < 2 ** -14) return sign | Math.floor(a / 2 ** -24);
  const e = Math.floor(Math.log2(a));
  return sign | ((e + 15) << 10) | Math.floor((a / 2 ** e - 1) * 1024);
}

/** name → { shape, f16: Uint16Array }: uniform weights in offset ± scale, like bench/gpt2_native.cpp. */
function randomGpt2({ layers, dModel: C, dFF: F, vocab: V, context: P }, seed) {
  let s = seed >>> 0;
  const next = () => (s ^= s << 13, s >>>= 0, s ^= s >>> 17, s ^= s << 5, s >>>= 0, s / 2 ** 31 - 1);
  const tensors = new Map();
  const add = (name, shape, scale, offset = 0) => {
    const n = shape.reduce((a, b) => a * b, 1), f16 = new Uint16Array(n);
    for (let i = 0; i < n; i++) f16[i] = toF16(offset + scale * next());
    tensors.set(name, { shape, f16 });
  };
  add('wte.weight', [V, C], 0.1), add('wpe.weight', [P, C], 0.02);
  for (let l = 0; l < layers; l++) {
    const h = `h.${l}.`;
    add(h + 'ln_1.weight', [C], 0.1, 1), add(h + 'ln_1.bias', [C], 0.02);
    add(h + 'attn.c_attn.weight', [C, 3 * C], 0.04), add(h + 'attn.c_attn.bias', [3 * C], 0.02);
    add(h + 'attn.c_proj.weight', [C, C], 0.04), add(h + 'attn.c_proj.bias', [C], 0.02);
    add(h + 'ln_2.weight', [C], 0.1, 1), add(h + 'ln_2.bias', [C], 0.02);
    add(h + 'mlp.c_fc.weight', [C, F], 0.04), add(h + 'mlp.c_fc.bias', [F], 0.02);
    add(h + 'mlp.c_proj.weight', [F, C], 0.02), add(h + 'mlp.c_proj.bias', [C], 0.02);
  }
  add('ln_f.weight', [C], 0.1, 1), add('ln_f.bias', [C], 0.02);
  return tensors;
}

const widen = (f16) => { const out = new Float32Array(f16.length); for (let i = 0; i < f16.length; i++) out[i] = F16_TO_F32[f16[i]]; return out; };

/** A safetensors file of the tensors as F32 or F16 (header padded to 8 bytes; data in name order). */
function safetensors(tensors, dtype) {
  const names = [...tensors.keys()].sort(), size = dtype === 'F16' ? 2 : 4, header = { __metadata__: { n_head: '12' } };
  let offset = 0;
  for (const n of names) {
    const bytes = tensors.get(n).f16.length * size;
    header[n] = { dtype, shape: tensors.get(n).shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(new TextEncoder().encode(json), 8);
  let at = 8 + json.length;
  for (const n of names) {
    const f16 = tensors.get(n).f16;
    const data = dtype === 'F16' ? f16 : widen(f16);
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    at += data.byteLength;
  }
  return out;
}

/** Useful FLOPs of n new tokens after `past` (as bench/gpt2_native.cpp): projections, causal attention, the head once. */
function flops(n, past) {
  const { layers: L, dModel: C, vocab: V } = CFG;
  let keys = 0;
  for (let t = 0; t < n; t++) keys += past + t + 1;
  return L * (2 * 12 * C * C * n + 4 * C * keys) + 2 * C * V;
}

// ---- the engines ---------------------------------------------------------------------------------------------------
const ids = Array.from({ length: CFG.context }, (_, t) => (t * 7919) % CFG.vocab);

async function ortEngine(tensors) {
  const version = await loadOrt();
  const ort = await import('onnxruntime-web');
  const f32 = new Map();
  const bytes = gpt2Onnx(CFG, (name) => {
    if (!f32.has(name)) f32.set(name, widen(tensors.get(name).f16));
    return f32.get(name);
  }).build();
  f32.clear();
  const session = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'], graphOptimizationLevel: 'all', intraOpNumThreads: 1, interOpNumThreads: 1,
  });
  const { layers: L, heads: H, dModel: C } = CFG, D = C / H;
  const emptyPast = () => Object.fromEntries(Array.from({ length: L }, (_, l) =>
    [`past_${l}`, new ort.Tensor('float32', new Float32Array(0), [2, 1, H, 0, D])]));
  /** Runs tokens [from, to) after `past` (a feeds object of past_N); returns { logits, past } for the next call. */
  async function run(from, to, past) {
    const n = to - from;
    const feeds = {
      input_ids: new ort.Tensor('int64', BigInt64Array.from(ids.slice(from, to), BigInt), [1, n]),
      position_ids: new ort.Tensor('int64', BigInt64Array.from({ length: n }, (_, i) => BigInt(from + i)), [1, n]),
      ...past,
    };
    const r = await session.run(feeds);
    const next = Object.fromEntries(Array.from({ length: L }, (_, l) => [`past_${l}`, r[`present_${l}`]]));
    for (const t of Object.values(past)) t.dispose?.();
    return { logits: r.logits.data, past: next };
  }
  return {
    name: `onnxruntime-web ${version}`,
    async prefill(n) { const r = await run(0, n, emptyPast()); dispose(r.past); return r.logits; },
    /** Prefills context − steps tokens, then each call of step() reads one more token. */
    async decoder(context, steps) {
      let state = await run(0, context - steps, emptyPast()), at = context - steps;
      return {
        async step() { state = await run(at, at + 1, state.past); at++; return state.logits; },
        close() { dispose(state.past); },
      };
    },
  };
}

function dispose(feeds) { for (const t of Object.values(feeds)) t.dispose?.(); }

async function oursEngine(attn, file, label, threads = 1) {
  const model = await attn.loadModel(file);
  return {
    name: label,
    threads,
    async prefill(n) { return model.forward(ids.slice(0, n), { logits: 'last', threads }).logits; },
    async decoder(context, steps) {
      const it = model.generate(ids.slice(0, context - steps), { maxTokens: steps + 1, temperature: 0, probabilities: false, threads });
      await it.next();  // the prompt
      return { async step() { const r = await it.next(); if (r.done) throw new Error('generation ended early'); }, async close() { await it.return(); } };
    },
    dispose: () => model.dispose(),
  };
}

/** max |a − b| / max |b|. */
function relDiff(a, b) {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) d = Math.max(d, Math.abs(a[i] - b[i])), m = Math.max(m, Math.abs(b[i]));
  return d / m;
}

// ---- run ---------------------------------------------------------------------------------------------------------
const t0 = performance.now();
const load = os.loadavg();
// The peak probe runs after the engines load (minutes in): say now when it is not built.
if (!existsSync(path('../build-wasm/bench/roofline_wasm.cjs')))
  throw new Error('build-wasm/bench/roofline_wasm.cjs is missing: `npm run bench` builds it (or `cmake --build build-wasm --target attn_roofline_wasm`)');
log(`weights (seeded, F16-exact) …`);
const tensors = randomGpt2(CFG, 2024);
const { init } = await import(new URL('index.js', DIST).href);
const attn = await init({ threads: false });
const engines = OURS_ONLY ? [] : [await ortEngine(tensors)];
if (!OURS_ONLY) log(`onnxruntime-web session ready (${((performance.now() - t0) / 1e3).toFixed(1)} s)`);
for (const dtype of ['F32', 'F16']) {
  engines.push(await oursEngine(attn, safetensors(tensors, dtype), `ours, ${dtype} file`));
  log(`ours (${dtype} file) loaded`);
}
// The threaded build, 2 threads, the F16 file (a second wasm instance; skipped with a reason when it cannot start).
// init() keeps one instance per module, so the threaded one comes from a second copy of the module (another URL).
const { init: initMt } = await import(new URL('index.js?threaded', DIST).href);
const attnMt = await initMt({ threads: true }).catch((error) => ({ threads: 1, threadsReason: error.message }));
if (attnMt.threads >= 2) {
  engines.push(await oursEngine(attnMt, safetensors(tensors, 'F16'), 'ours, F16 file, 2 threads', 2));
  log('ours (F16 file, 2 threads) loaded');
} else log(`no 2-thread row: ${attnMt.threadsReason}`);
tensors.clear();

// Same logits before any timing: the F16 file holds the same values, so every engine answers the same up to sums' order.
const reference = await engines[0].prefill(PREFILL);
const check = {};
for (const e of engines.slice(1)) {
  check[e.name] = relDiff(await e.prefill(PREFILL), reference);
  if (!(check[e.name] < 1e-3)) throw new Error(`${e.name}: prefill logits differ from onnxruntime-web's by ${check[e.name]} (relative)`);
}
log('logits agree:', JSON.stringify(check));

const peak = await wasmPeak();
log(`wasm f32x4 peak ${peak.gflops.toFixed(1)} GFLOP/s (best of every run of every loop; ${peak.gflopsCpu.toFixed(1)} per CPU second; ` +
  `fastest loop: ${peak.form}), ` +
  `read ${peak.readGBs.toFixed(1)} GB/s (per CPU second ${peak.readGBsCpu.toFixed(1)})`);

const cases = [];
// Wall time, and this process's CPU time (user + system): on a shared, loaded machine the wall time also counts the
// time the OS gave to others, the CPU time does not (every engine here runs on this one thread).
// With --expose-gc each engine pays for its own garbage and no other's: onnxruntime-web's steps leave tens of MB of
// KV-cache copies in JS memory, which would otherwise be collected inside whichever engine's step comes next. So a
// call is timed with a full collection after it, minus the time of a collection with nothing left to collect.
const clock = () => ({ wall: performance.now(), cpu: process.cpuUsage() });
const since = (c) => {
  const cpu = process.cpuUsage(c.cpu);
  return { wall: performance.now() - c.wall, cpu: (cpu.user + cpu.system) / 1e3 };
};
const timed = async (fn, into) => {
  const gc = globalThis.gc ?? (() => {});
  gc();
  const c = clock();
  await fn();
  gc();
  const run = since(c), c2 = clock();
  gc();
  const base = since(c2);
  into.wall.push(run.wall - base.wall), into.cpu.push(run.cpu - base.cpu);
};
const samples = () => engines.map(() => ({ wall: [], cpu: [] }));
const medians = (s) => ({ ms: s.map((x) => median(x.wall)), cpuMs: s.map((x) => median(x.cpu)) });
for (const tokens of PREFILLS) {
  const s = samples(), reps = tokens > PREFILL ? Math.max(3, PREFILL_REPS - 2) : PREFILL_REPS;
  for (let r = 0; r < reps; r++) for (const [i, e] of engines.entries()) await timed(() => e.prefill(tokens), s[i]);
  cases.push({ kind: 'prefill', tokens, context: tokens, flops: flops(tokens, 0), ...medians(s) });
  log(`prefill ${tokens}:`, cases.at(-1).ms.map((x) => x.toFixed(0)).join(' / '), 'ms');
}
for (const context of CONTEXTS) {
  const decoders = [];
  for (const e of engines) decoders.push(await e.decoder(context, STEPS));
  const s = samples();
  for (let step = 0; step < STEPS; step++) for (const [i, d] of decoders.entries()) await timed(() => d.step(), s[i]);
  for (const d of decoders) await d.close();
  cases.push({ kind: 'decode', tokens: 1, context, flops: flops(1, context - 1), ...medians(s) });
  log(`decode at ${context}:`, cases.at(-1).ms.map((x) => x.toFixed(1)).join(' / '), 'ms');
}

// ---- table ---------------------------------------------------------------------------------------------------------
const names = engines.map((e) => e.name);
const f = (x, d = 1) => x.toFixed(d);
console.log(`GPT-2 in wasm, 1 thread unless a row says 2: ours vs onnxruntime-web on the same gpt2-small-shaped model (random weights; ` +
  `logits agree to ${Object.values(check).map((x) => x.toExponential(1)).join(' / ')} relative)`);
console.log(`wasm f32x4 peak ${f(peak.gflops)} GFLOP/s (${f(peak.gflopsCpu)} per CPU second): the best run of the fastest of ` +
  `${peak.forms.length} mul+add loops (${peak.form}; its median ${f(peak.gflopsMedian)}), an upper bound for every row; ` +
  `read bandwidth ${f(peak.readGBs)} GB/s (${f(peak.readGBsCpu)} per CPU second); load average ${load.map((x) => f(x, 2)).join(' ')}; ` +
  `decode = median of ${STEPS} steps ending at the context, prefill = median of ${PREFILL_REPS} (3 at 512 tokens)`);
console.log('Each rate is given per wall second, then (in parentheses) per CPU second of this process, against the peak and');
console.log('bandwidth measured the same way: on a shared machine the CPU figures leave out the time the OS gave to others.');
console.log(`Each engine's time includes collecting its own JS garbage${globalThis.gc ? '' : ' (not here: run node with --expose-gc)'}.`);
console.log(`| case | engine | ms (CPU ms) | tokens/s | GFLOP/s | % of wasm peak | decode GB/s | % of read bandwidth | ` +
  `${OURS_ONLY ? 'F32 / this' : 'ORT / ours'} |`);
console.log('|---|---|---|---|---|---|---|---|---|');
for (const c of cases)
  for (const [i, name] of names.entries()) {
    const ms = c.ms[i], cpu = c.cpuMs[i], gflops = c.flops / ms / 1e6, gflopsCpu = c.flops / cpu / 1e6;
    const bytes = c.kind === 'decode' ? decodeBytes(name.includes('F16') ? 2 : 4, c.context) : null;
    const gbs = bytes && bytes / ms / 1e6, gbsCpu = bytes && bytes / cpu / 1e6;
    const pct = (x, of) => `${f((100 * x) / of, 0)} %`, lanes = engines[i].threads ?? 1;  // % of lanes × the peak
    console.log(`| ${c.kind} ${c.kind === 'prefill' ? c.tokens : `at ${c.context}`} | ${name} | ${f(ms)} (${f(cpu)}) | ` +
      `${f((c.kind === 'prefill' ? c.tokens : 1) / (ms / 1e3))} | ${f(gflops)} (${f(gflopsCpu)}) | ` +
      `${pct(gflops, lanes * peak.gflops)} (${pct(gflopsCpu, lanes * peak.gflopsCpu)}) | ` +
      `${bytes ? `${f(gbs)} (${f(gbsCpu)}) | ${pct(gbs, peak.readGBs)} (${pct(gbsCpu, peak.readGBsCpu)})` : ' | '} | ` +
      `${i === 0 ? '' : `${f(c.ms[0] / ms, 2)}× (${f(c.cpuMs[0] / cpu, 2)}×)`} |`);
  }
{  // the threaded row against the same file on 1 thread
  const one = names.indexOf('ours, F16 file'), two = names.indexOf('ours, F16 file, 2 threads');
  if (two >= 0)
    console.log('2 threads / 1 thread, F16 file, wall time: ' +
      cases.map((c) => `${c.kind} ${c.kind === 'prefill' ? c.tokens : `at ${c.context}`} ${f(c.ms[one] / c.ms[two], 2)}×`).join(', ') +
      ' (2 threads of this process share a machine others use too; the CPU ms of that row count both threads)');
}
mkdirSync(path('../build-bench/'), { recursive: true });
writeFileSync(path('../build-bench/gpt2-wasm.json'), JSON.stringify({
  date: new Date().toISOString(), loadavg: load, cpu: os.cpus()[0]?.model, engines: names, peak, check, steps: STEPS, cases,
  seconds: (performance.now() - t0) / 1e3,
}, null, 2));
log(`done in ${((performance.now() - t0) / 1e3).toFixed(0)} s`);
for (const e of engines) e.dispose?.();
process.exit(0);  // the threaded instance's workers would keep Node running
