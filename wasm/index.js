// attention-wasm's public JavaScript API: init() once, then attention() (and friends) with validated inputs.
// Not the math (C++ core behind bindings.cpp) and not the heap plumbing (heap.js).
import createAttnModule from './attn.mjs';
import { AttentionError, ERROR_CODES, checkBool, checkFloat32, checkHeadGroups, checkInt, invalid } from './errors.js';
import { withHeap } from './heap.js';
import { abortRecorder, guardModule } from './instance.js';
import { createTokenizer } from './tokenizer.js';
import { VERSION } from './version.js';

export { AttentionError, ERROR_CODES };
export { headAverage, headSlice, permutationDiff } from './trace.js';
export const version = VERSION;  // written from package.json into dist/version.js by tools/assemble-dist.mjs

// The smallest module that uses a SIMD instruction (v128.const + drop); valid iff the runtime has wasm SIMD.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8,
  0, 65, 0, 253, 15, 253, 98, 11]);

export function simdSupported() {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

let loading = null;
let instanceState = null;  // { aborted, what } of the loaded instance

/**
 * Loads the WebAssembly module once; later calls return the same instance (options of later calls are ignored).
 * @param {{locateFile?: (path: string, prefix: string) => string, wasmBinary?: ArrayBuffer | Uint8Array}} [options]
 */
export function init(options = {}) {
  if (loading && instanceState?.aborted) loading = null;  // an instance that aborted is replaced by a fresh one
  if (!loading) {
    loading = load(options).catch((error) => {
      loading = null;  // a failed load may be retried
      throw error;
    });
  }
  return loading;
}

/**
 * import() that bundlers leave alone (a computed specifier, plus the comments webpack and Vite honour): Node's
 * built-ins and the threaded build are resolved at run time, so a browser bundle neither fails on `node:` modules
 * nor inlines the threaded build, whose pthread workers must load it from its own URL.
 */
const runtimeImport = (specifier) => import(/* webpackIgnore: true */ /* @vite-ignore */ specifier);

/**
 * Whether to load the threaded build (dist/mt/attn_mt.*), and if not, why. Browsers: automatically when the page is
 * cross-origin isolated (COOP/COEP), which SharedArrayBuffer needs. Node: only when asked (`threads: true`), because
 * the thread pool keeps the process alive until process.exit().
 */
function threadPlan(threads, wasmBinary) {
  if (threads !== 'auto' && typeof threads !== 'boolean') throw invalid('threads', "'auto', true or false", threads);
  const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
  if (threads === false) return { use: false, reason: 'one thread was requested (threads: false)' };
  if (wasmBinary) return { use: false, reason: 'a wasmBinary was given, which is the single-thread build' };
  if (typeof SharedArrayBuffer === 'undefined' || (!isNode && !globalThis.crossOriginIsolated))
    return { use: false, reason: 'threads need SharedArrayBuffer: serve the page with Cross-Origin-Opener-Policy: ' +
      'same-origin and Cross-Origin-Embedder-Policy: require-corp' };
  if (isNode && threads === 'auto')
    return { use: false, reason: 'in Node threads are opt-in (init({ threads: true })): the thread pool keeps the ' +
      'process alive until process.exit()' };
  return { use: true, reason: '' };
}

async function load({ locateFile, wasmBinary, threads = 'auto' } = {}) {
  if (!simdSupported())
    throw new AttentionError('UNSUPPORTED', 'attention-wasm needs WebAssembly SIMD (simd128), which this runtime ' +
      'does not support: use Chrome/Edge >= 91, Firefox >= 89, Safari >= 16.4 or Node.js >= 16.4');
  const plan = threadPlan(threads, wasmBinary);
  const state = { aborted: false, what: '' };
  const moduleOptions = { ...abortRecorder(state) };
  if (locateFile) moduleOptions.locateFile = locateFile;
  if (wasmBinary) moduleOptions.wasmBinary = wasmBinary;
  const factory = plan.use ? (await runtimeImport(new URL('./mt/attn_mt.mjs', import.meta.url).href)).default : createAttnModule;
  const module = guardModule(await factory(moduleOptions), state);
  instanceState = state;
  return new Attention(module, plan);
}

// wasm32 memory stops at 2 GiB; a C++ allocation beyond it would abort the instance, so refuse such calls up front.
const HEAP_LIMIT = 2 ** 31 - 2 ** 26;

function checkHeap(floats, what) {
  const bytes = floats * 4;
  if (bytes > HEAP_LIMIT)
    throw new AttentionError('OUT_OF_MEMORY', `${what} needs about ${(bytes / 2 ** 30).toFixed(1)} GiB of WebAssembly ` +
      'memory, more than its 2 GiB limit: use a shorter sequence, fewer heads, or no weights/trace');
}

function threadsOption(value, max) {
  if (value === undefined) return max;
  return Math.min(checkInt('threads', value), max);
}

/**
 * The value named `value` of one of the module's Embind enums (SdpaImpl, Align, Positional): the C++ bindings
 * register the names, so the valid ones are listed in one place and no number crosses the boundary.
 */
function enumValue(module, enumName, option, value) {
  const e = module[enumName];
  const names = Object.getOwnPropertyNames(e).filter((k) => e[k] instanceof e);
  if (typeof value === 'string' && names.includes(value)) return e[value];
  const quoted = names.map((n) => `'${n}'`);
  throw invalid(option, `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`, value);
}

function throwIfFailed(status) {
  if (status.code !== 'OK') throw new AttentionError(status.code, status.message);
}

function alignOf(module, name, value) {
  return enumValue(module, 'Align', name, value ?? 'top-left');
}

function windowBound(name, value) {
  if (value === undefined || value === null) return -1;
  return checkInt(name, value, 0);
}

function optionalFloat(name, value, what) {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) throw invalid(name, what, value);
  return value;
}

/**
 * Checks the mask options shared by attention() and forward(); returns the MaskCall fields (pointers filled in
 * later) and the arrays to copy into the heap.
 */
function prepareMask(module, o, { batch, qLen, kvLen, heads }) {
  const causalOption = o.causal ?? false;
  const causal = causalOption !== false;
  const causalAlign = alignOf(module, 'causal', causalOption === true || causalOption === false ? 'top-left' : causalOption);

  let windowLeft = -1, windowRight = -1, windowAlign = alignOf(module, 'window.align', 'top-left');
  if (o.window !== undefined && o.window !== null) {
    if (typeof o.window !== 'object') throw invalid('window', '{ size } or { left?, right?, align? }', o.window);
    // { size: w }: the last w positions up to and including the query's own (left = w − 1, no right side).
    if (o.window.size !== undefined) {
      if (o.window.left != null || o.window.right != null) throw invalid('window', '{ size } or { left, right }, not both', o.window);
      windowLeft = checkInt('window.size', o.window.size) - 1;
    } else windowLeft = windowBound('window.left', o.window.left);
    windowRight = windowBound('window.right', o.window.right);
    windowAlign = alignOf(module, 'window.align', o.window.align);
  }

  let keyPadding;
  if (o.keyPadding !== undefined && o.keyPadding !== null) {
    const n = batch * kvLen;
    if (!(o.keyPadding instanceof Uint8Array || Array.isArray(o.keyPadding)) || o.keyPadding.length !== n)
      throw invalid('keyPadding', `a Uint8Array or array of length ${n} ([batch, kvLen], 1 = padded)`, o.keyPadding);
    keyPadding = Uint8Array.from(o.keyPadding, (x) => (x ? 1 : 0));
  }

  // The additive bias [batch|1, heads|1, qLen, kvLen] (PyTorch's attn_mask broadcasting); its shape from
  // `biasShape` or, when that is absent, from its length: [qLen, kvLen], [heads, …], [batch, heads, …] or [batch, 1, …].
  let bias, biasPerBatch = false, biasPerHead = false;
  if (o.bias !== undefined && o.bias !== null) {
    const qk = qLen * kvLen;
    if (!(o.bias instanceof Float32Array)) throw invalid('bias', `a Float32Array [batch|1, heads|1, qLen=${qLen}, kvLen=${kvLen}]`, o.bias);
    if (o.biasShape !== undefined) {
      const d = o.biasShape;
      const ok = Array.isArray(d) && (d.length === 2 || d.length === 4) && d.at(-2) === qLen && d.at(-1) === kvLen &&
        (d.length === 2 || ((d[0] === 1 || d[0] === batch) && (d[1] === 1 || d[1] === heads)));
      if (!ok) throw invalid('biasShape', `[qLen=${qLen}, kvLen=${kvLen}] or [1 or batch=${batch}, 1 or heads=${heads}, ${qLen}, ${kvLen}]`, d);
      biasPerBatch = d.length === 4 && d[0] === batch && batch > 1;
      biasPerHead = d.length === 4 && d[1] === heads && heads > 1;
      const n = (biasPerBatch ? batch : 1) * (biasPerHead ? heads : 1) * qk;
      if (o.bias.length !== n) throw invalid('bias', `length ${n} (biasShape [${d}])`, o.bias);
    } else {
      const shapes = [[qk, false, false], [heads * qk, false, true], [batch * heads * qk, true, true], [batch * qk, true, false]];
      const match = shapes.find(([n]) => n === o.bias.length);
      if (!match)
        throw invalid('bias', `a Float32Array of length ${qk} [qLen, kvLen], ${heads * qk} [heads, qLen, kvLen], ` +
          `${batch * heads * qk} [batch, heads, qLen, kvLen] or ${batch * qk} [batch, 1, qLen, kvLen]`, o.bias);
      [, biasPerBatch, biasPerHead] = match;
    }
    bias = o.bias;
  }
  const mask = { causal, causalAlign, windowLeft, windowRight, windowAlign, biasPerBatch, biasPerHead, keyPadding: 0, bias: 0 };
  return { mask, arrays: { keyPadding, bias } };
}

function implOf(module, value) {
  return enumValue(module, 'SdpaImpl', 'impl', value ?? 'auto');
}

/**
 * Resolves and checks attention() options; returns the call description for bindings.cpp plus the arrays.
 * `cache`: keys and values come from a KV cache already in the heap (its shape given), not from o.k and o.v.
 */
function prepareAttention(module, o, cache = null) {
  if (typeof o !== 'object' || o === null) throw invalid('options', 'an object', o);
  if (cache) {
    for (const name of ['batch', 'kvLen', 'kvHeads', 'headDim', 'valueDim', 'k', 'v'])
      if (o[name] !== undefined) throw invalid(name, "nothing: the KV cache's own shape and tokens are used", o[name]);
    o = { ...o, ...cache, k: null, v: null };
  }
  const batch = checkInt('batch', o.batch ?? 1);
  const qLen = checkInt('qLen', o.qLen);
  const kvLen = checkInt('kvLen', o.kvLen ?? qLen);
  const heads = checkInt('heads', o.heads ?? 1);
  const kvHeads = checkInt('kvHeads', o.kvHeads ?? heads);
  const headDim = checkInt('headDim', o.headDim);
  const valueDim = checkInt('valueDim', o.valueDim ?? headDim);
  checkHeadGroups(heads, kvHeads);
  const q = checkFloat32('q', o.q, batch * qLen * heads * headDim, `[batch=${batch}, qLen=${qLen}, heads·headDim=${heads * headDim}]`);
  const k = cache ? null : checkFloat32('k', o.k, batch * kvLen * kvHeads * headDim, `[batch=${batch}, kvLen=${kvLen}, kvHeads·headDim=${kvHeads * headDim}]`);
  const v = cache ? null : checkFloat32('v', o.v, batch * kvLen * kvHeads * valueDim, `[batch=${batch}, kvLen=${kvLen}, kvHeads·valueDim=${kvHeads * valueDim}]`);
  const scale = optionalFloat('scale', o.scale, 'a finite number (default 1/√headDim)');
  const { mask, arrays } = prepareMask(module, o, { batch, qLen, kvLen, heads });
  const returnWeights = checkBool('returnWeights', o.returnWeights ?? false);
  const returnLse = checkBool('returnLse', o.returnLse ?? false);
  const outputs = o.outputs ?? 'copy';
  const scores = batch * heads * qLen * kvLen;
  let into = null;  // caller-owned arrays to fill: no allocation per call
  if (typeof outputs === 'object' && outputs !== null) {
    const wanted = {
      out: [batch * qLen * heads * valueDim, `[batch=${batch}, qLen=${qLen}, heads·valueDim=${heads * valueDim}]`],
      weights: returnWeights && [scores, `[batch=${batch}, heads=${heads}, qLen=${qLen}, kvLen=${kvLen}]`],
      lse: returnLse && [batch * heads * qLen, `[batch=${batch}, heads=${heads}, qLen=${qLen}]`],
    };
    into = {};
    for (const [name, array] of Object.entries(outputs)) {
      if (!(name in wanted)) throw invalid('outputs', "'copy', 'view' or { out?, weights?, lse? } arrays to fill", outputs);
      if (!wanted[name]) throw invalid(`outputs.${name}`, `nothing (return${name === 'lse' ? 'Lse' : 'Weights'} is false)`, array);
      into[name] = checkFloat32(`outputs.${name}`, array, ...wanted[name]);
    }
  } else if (outputs !== 'copy' && outputs !== 'view') {
    throw invalid('outputs', "'copy', 'view' or { out?, weights?, lse? } arrays to fill", outputs);
  }
  checkHeap(q.length + (k?.length ?? 0) + (v?.length ?? 0) + batch * qLen * heads * valueDim + (returnWeights ? scores : 2 * qLen * kvLen),
    'this attention call');
  const call = {
    batch, qLen, kvLen, heads, kvHeads, headDim, valueDim,
    hasScale: scale !== undefined, scale: scale ?? 0, impl: implOf(module, o.impl), mask, threads: 1,
  };
  return { call, q, k, v, ...arrays, returnWeights, returnLse, views: outputs === 'view', into };
}

const NO_POINTERS = { q: 0, k: 0, v: 0, out: 0, weights: 0, scores: 0, lse: 0 };

/** The call with heap addresses filled in: tensors at the top level, mask arrays inside `mask`. */
function withAddresses(call, addresses) {
  const { keyPadding = 0, bias = 0, ...tensors } = addresses;
  return { ...call, ...tensors, mask: { ...call.mask, keyPadding, bias } };
}

/** See Attention#kvCache. */
class KvCache {
  #owner;
  #module;
  #cache;
  #shape;

  constructor(owner, module, shape) {
    this.#owner = owner;
    this.#module = module;
    this.#shape = shape;
    this.#cache = new module.KvCache(shape.batch, shape.kvHeads, shape.headDim, shape.valueDim);
  }

  #live() {
    if (!this.#cache) throw new AttentionError('DISPOSED', 'this KV cache has been disposed');
    return this.#cache;
  }

  /** Tokens cached so far, per batch row. */
  get length() { return this.#live().length(); }
  /** Bytes the cache holds now, all batch rows: batch·length·kvHeads·(headDim + valueDim)·4. */
  get bytesInUse() { return this.#live().bytesInUse(); }
  /** { batch, kvHeads, headDim, valueDim } */
  get shape() { return { ...this.#shape }; }

  /**
   * Appends n tokens per batch row: k: [batch, n, kvHeads·headDim], v: [batch, n, kvHeads·valueDim] (n from their
   * length). Returns the new length.
   */
  append({ k, v } = {}) {
    const cache = this.#live();
    const { batch, kvHeads, headDim, valueDim } = this.#shape;
    const kRow = batch * kvHeads * headDim, vRow = batch * kvHeads * valueDim;
    if (!(k instanceof Float32Array) || k.length === 0 || k.length % kRow !== 0)
      throw invalid('k', `a Float32Array of n·${kRow} floats ([batch=${batch}, n, kvHeads·headDim=${kvHeads * headDim}])`, k);
    const n = k.length / kRow;
    checkFloat32('v', v, n * vRow, `[batch=${batch}, n=${n}, kvHeads·valueDim=${kvHeads * valueDim}]`);
    // The cache grows by doubling: room for twice the new length must fit, plus the copies of k and v.
    checkHeap(2 * (cache.length() + n) * (kRow + vRow) + n * (kRow + vRow), 'growing the KV cache');
    const { result } = withHeap(this.#module, { k: { input: k }, v: { input: v } }, (a) => cache.append(a.k, a.v, n));
    throwIfFailed(result);
    return cache.length();
  }

  /**
   * Attention of new queries over every cached token, read in place. Options as attention() without batch, kvLen,
   * kvHeads, headDim, valueDim, k and v (the cache's own); q: [batch, qLen, heads·headDim]. `causal: true` here
   * aligns bottom-right: the queries are the cache's newest qLen tokens (append their k and v first).
   */
  attention(options) {
    const cache = this.#live();
    if (cache.length() === 0)
      throw new AttentionError('INVALID_ARGUMENT', 'this KV cache is empty: append() keys and values first');
    const o = typeof options === 'object' && options !== null && options.causal === true
      ? { ...options, causal: 'bottom-right' } : options;
    const p = prepareAttention(this.#module, o, { ...this.#shape, kvLen: cache.length() });
    p.call.threads = threadsOption(options.threads, this.#owner.threads);
    return this.#owner._run(p, (call) => cache.attend(call));
  }

  /** Forgets every cached token (the memory stays for reuse). */
  clear() { this.#live().clear(); }

  /** Frees the wasm memory; later calls throw AttentionError('DISPOSED'). Safe to call twice. */
  dispose() {
    if (this.#cache) this.#cache.delete();
    this.#cache = null;
  }
}
if (typeof Symbol.dispose === 'symbol') KvCache.prototype[Symbol.dispose] = KvCache.prototype.dispose;

async function loadAsset(url) {
  if (url.protocol === 'file:') {
    const { readFile } = await runtimeImport('node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new AttentionError('NOT_FOUND', `tokenizer asset ${url} could not be loaded (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

class Attention {
  #module;
  #gpt2Asset;
  #viewsRelease = null;  // frees the heap block behind the last `outputs: 'view'` result

  #releaseViews() {
    if (this.#viewsRelease) this.#viewsRelease();
    this.#viewsRelease = null;
  }

  constructor(module, plan) {
    this.#module = module;
    /** Threads a call may use (1 unless the threaded build loaded); `threadsReason` says why when it is 1. */
    this.threads = module.maxThreads();
    this.threadsReason = plan.reason;
    /** The multi-head attention block class, bound to this instance. */
    this.MultiHeadAttention = makeMultiHeadAttention(module);
    /** The package version. */
    this.version = version;
    /** The instruction set the kernels run on, e.g. "wasm-simd128". */
    this.backend = module.backend();
  }

  /**
   * Scaled dot-product attention. q: [batch, qLen, heads·headDim], k: [batch, kvLen, kvHeads·headDim],
   * v: [batch, kvLen, kvHeads·valueDim] → out: [batch, qLen, heads·valueDim]; weights: [batch, heads, qLen, kvLen];
   * lse: [batch, heads, qLen]. Outputs are copies, unless `outputs: 'view'`: then they are views into the wasm heap,
   * valid only until the next attention() call on this instance, and detached by any call that grows memory; or
   * `outputs: { out?, weights?, lse? }`: those arrays are filled (and returned) instead of new ones.
   */
  attention(options) {
    const p = prepareAttention(this.#module, options);
    p.call.threads = threadsOption(options.threads, this.threads);
    return this._run(p, (call) => this.#module.sdpa(call));
  }

  /** Runs a prepared attention call through `sdpa(call)` with its arrays in the heap; shared with KvCache. */
  _run(p, sdpa) {
    const { batch, qLen, kvLen, heads, valueDim } = p.call;
    const spec = {
      q: { input: p.q }, k: p.k && { input: p.k }, v: p.v && { input: p.v },
      keyPadding: p.keyPadding && { input: p.keyPadding },
      bias: p.bias && { input: p.bias },
      out: { output: [Float32Array, batch * qLen * heads * valueDim], into: p.into?.out },
      weights: p.returnWeights && { output: [Float32Array, batch * heads * qLen * kvLen], into: p.into?.weights },
      lse: p.returnLse && { output: [Float32Array, batch * heads * qLen], into: p.into?.lse },
    };
    this.#releaseViews();
    const { result, outputs, release } = withHeap(this.#module, spec,
      (addresses) => sdpa(withAddresses({ ...p.call, ...NO_POINTERS }, addresses)), { views: p.views });
    if (result.code !== 'OK') release();
    else if (p.views) this.#viewsRelease = release;
    throwIfFailed(result);
    const shapes = { out: [batch, qLen, heads * valueDim] };
    const answer = { out: outputs.out, shapes, impl: result.impl };
    if (p.returnWeights) answer.weights = outputs.weights, shapes.weights = [batch, heads, qLen, kvLen];
    if (p.returnLse) answer.lse = outputs.lse, shapes.lse = [batch, heads, qLen];
    return answer;
  }

  /**
   * A key/value cache in wasm memory for incremental attention: append() the new tokens' k and v, then
   * attention({ q, qLen, heads, … }) reads every cached token in place (nothing is copied per call but q).
   * dispose() it when done.
   * @param {{kvHeads: number, headDim: number, valueDim?: number, batch?: number}} options
   */
  kvCache(options) {
    if (typeof options !== 'object' || options === null) throw invalid('options', 'an object', options);
    const batch = checkInt('batch', options.batch ?? 1);
    const kvHeads = checkInt('kvHeads', options.kvHeads);
    const headDim = checkInt('headDim', options.headDim);
    const valueDim = checkInt('valueDim', options.valueDim ?? headDim);
    return new KvCache(this, this.#module, { batch, kvHeads, headDim, valueDim });
  }

  /**
   * Parameters, FLOPs and KV-cache bytes of an attention configuration (counts as exact JS numbers).
   * @param {{dModel: number, heads: number, kvHeads?: number, headDim?: number, valueDim?: number, layers?: number,
   *          context?: number, bytesPerElement?: number, bias?: boolean}} config
   */
  cost(config) {
    if (typeof config !== 'object' || config === null) throw invalid('config', 'an object', config);
    const c = {
      dModel: checkInt('dModel', config.dModel), heads: checkInt('heads', config.heads),
      kvHeads: checkInt('kvHeads', config.kvHeads ?? config.heads), headDim: checkInt('headDim', config.headDim ?? 0, 0),
      valueDim: checkInt('valueDim', config.valueDim ?? 0, 0), layers: checkInt('layers', config.layers ?? 1),
      context: checkInt('context', config.context ?? 1), bytesPerElement: checkInt('bytesPerElement', config.bytesPerElement ?? 2),
      bias: checkBool('bias', config.bias ?? false),
    };
    const { status, cost } = this.#module.cost(c);
    throwIfFailed(status);
    return cost;
  }

  /**
   * A tokenizer. 'gpt2' is GPT-2's byte-level BPE (r50k, 50,257 tokens); its vocabulary ships with the package as
   * gpt2-bpe.bin and is read once per instance (fetched next to this module in a browser, read from disk in Node),
   * unless `asset` (the file's bytes) is given. Returns { encode, encodeWithOffsets, decode, tokenText, vocabSize,
   * dispose }.
   * @param {'gpt2'} [name]
   * @param {{asset?: Uint8Array | ArrayBuffer}} [options]
   */
  async tokenizer(name = 'gpt2', { asset } = {}) {
    if (name !== 'gpt2') throw invalid('name', "'gpt2'", name);
    if (asset === undefined) {
      this.#gpt2Asset ??= loadAsset(new URL('./gpt2-bpe.bin', import.meta.url)).catch((error) => {
        this.#gpt2Asset = undefined;
        throw error;
      });
      asset = await this.#gpt2Asset;
    }
    return createTokenizer(this.#module, asset);
  }

  /**
   * The demo's teaching model: hand-constructed weights whose heads do what their names say
   * (src/attn/model/demo_model.hpp explains the construction). Returns { mha, headNames, embed(ids, texts) }, where
   * embed gives the model's input embeddings [n, 48] for tokens (ids plus their texts); dispose mha when done.
   */
  teachingModel() {
    const { config, weights, headNames } = this.#module.teachingModel();
    const mha = new this.MultiHeadAttention({ ...config, weights: { wQ: weights.w_q, wK: weights.w_k, wV: weights.w_v,
      wO: weights.w_o, positions: weights.positions } });
    const embed = (ids, texts) => {
      if (!(ids instanceof Uint32Array || Array.isArray(ids))) throw invalid('ids', 'a Uint32Array or array of token ids', ids);
      if (!Array.isArray(texts) || texts.length !== ids.length || texts.some((t) => typeof t !== 'string'))
        throw invalid('texts', `an array of ${ids.length} strings (one per id)`, texts);
      const { status, x } = this.#module.teachingEmbeddings(Array.from(ids), texts);
      throwIfFailed(status);
      return x;
    };
    return { mha, headNames, embed };
  }

  /** Untrained embeddings [n, dModel]: per token id, values uniform in [-1, 1) from a seeded generator. */
  seededEmbeddings(ids, dModel, seed = 0) {
    if (!(ids instanceof Uint32Array || Array.isArray(ids))) throw invalid('ids', 'a Uint32Array or array of token ids', ids);
    checkInt('dModel', dModel);
    if (!Number.isSafeInteger(seed) || seed < 0) throw invalid('seed', 'a non-negative safe integer', seed);
    return this.#module.seededEmbeddings(seed, Array.from(ids), dModel);
  }

  /**
   * Next-token scores of a demo model with a tied unembedding: out ([dModel], an output row) against every token's
   * embedding, softmax over the whole vocabulary; the k best as [{ id, logit, prob }].
   * @param {{model: 'teaching' | 'seeded', out: Float32Array, seed?: number, k?: number, vocabSize?: number}} options
   */
  nextTokens({ model, out, seed = 0, k = 10, vocabSize = 50257 } = {}) {
    if (model !== 'teaching' && model !== 'seeded') throw invalid('model', "'teaching' or 'seeded'", model);
    if (!(out instanceof Float32Array)) throw invalid('out', 'a Float32Array output row [dModel]', out);
    if (model === 'teaching' && out.length !== 48) throw invalid('out', 'length 48 (the teaching model\'s d_model)', out);
    if (!Number.isSafeInteger(seed) || seed < 0) throw invalid('seed', 'a non-negative safe integer', seed);
    checkInt('k', k);
    checkInt('vocabSize', vocabSize);
    return this.#module.nextTokens(model, seed, out, vocabSize, k);
  }

  /** The teaching model's word class of a token text: 'noun', 'adjective', 'verb', … or 'other'. */
  wordClass(text) {
    if (typeof text !== 'string') throw invalid('text', 'a string', text);
    return this.#module.wordClass(text);
  }

  /** Memory use of the wasm instance: `inUse` bytes allocated now (flat across calls = no leak), `heap` total. */
  memory() {
    return { inUse: this.#module.heapInUse(), heap: this.#module.HEAPU8.length };
  }
}


const WEIGHT_NAMES = { wQ: 'w_q', wK: 'w_k', wV: 'w_v', wO: 'w_o', bQ: 'b_q', bK: 'b_k', bV: 'b_v', bO: 'b_o', positions: 'positions' };

function prepareMhaConfig(module, o) {
  if (typeof o !== 'object' || o === null) throw invalid('options', 'an object', o);
  const dModel = checkInt('dModel', o.dModel);
  const heads = checkInt('heads', o.heads ?? 1);
  const kvHeads = checkInt('kvHeads', o.kvHeads ?? heads);
  checkHeadGroups(heads, kvHeads);
  if (o.headDim === undefined && dModel % heads !== 0)
    throw new AttentionError('INVALID_ARGUMENT', `headDim: required when dModel (${dModel}) is not divisible by heads (${heads})`);
  const headDim = checkInt('headDim', o.headDim ?? dModel / heads);
  const valueDim = checkInt('valueDim', o.valueDim ?? headDim);
  const contextDim = checkInt('contextDim', o.contextDim ?? dModel);
  const positionalName = o.positional ?? 'none';
  const positional = enumValue(module, 'Positional', 'positional', positionalName);
  const maxLen = positionalName === 'learned' ? checkInt('maxLen', o.maxLen) : checkInt('maxLen', o.maxLen ?? 0, 0);
  const bias = checkBool('bias', o.bias ?? false);
  const seed = o.seed ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw invalid('seed', 'a non-negative safe integer', seed);
  checkHeap(dModel * heads * headDim + 2 * contextDim * kvHeads * (headDim + valueDim) + heads * valueDim * dModel +
    maxLen * dModel, 'this MultiHeadAttention');
  return { dModel, heads, kvHeads, headDim, valueDim, contextDim, maxLen, bias, positional, positionalName, seed };
}

function makeMultiHeadAttention(module) {
  /** Checks forward()/step() options; returns the ForwardCall (pointers 0) and arrays to copy in. */
  function prepareForward(config, x, o, { allowContext }) {
    if (typeof o !== 'object' || o === null) throw invalid('options', 'an object', o);
    const { dModel, contextDim, heads } = config;
    const batch = checkInt('batch', o.batch ?? 1);
    if (!(x instanceof Float32Array)) throw invalid('x', `a Float32Array [batch, length, dModel=${dModel}]`, x);
    const qLen = checkInt('length', o.length ?? x.length / (batch * dModel));
    checkFloat32('x', x, batch * qLen * dModel, `[batch=${batch}, length=${qLen}, dModel=${dModel}]`);
    let context = o.context, contextLen = 0;
    if (context !== undefined && context !== null) {
      if (!allowContext) throw invalid('context', 'no context (decoding is self-attention)', context);
      if (!(context instanceof Float32Array)) throw invalid('context', `a Float32Array [batch, contextLength, contextDim=${contextDim}]`, context);
      contextLen = checkInt('contextLength', o.contextLength ?? context.length / (batch * contextDim));
      checkFloat32('context', context, batch * contextLen * contextDim, `[batch=${batch}, contextLength=${contextLen}, contextDim=${contextDim}]`);
    } else context = undefined;
    const scale = optionalFloat('scale', o.scale, 'a finite number (default 1/√headDim)');
    const firstPosition = checkInt('firstPosition', o.firstPosition ?? 0, 0);
    const { mask, arrays } = prepareMask(module, o, { batch, qLen, kvLen: contextLen || qLen, heads });
    const call = {
      batch, qLen, contextLen, firstPosition, hasScale: scale !== undefined, scale: scale ?? 0, impl: implOf(module, o.impl),
      mask, x: 0, context: 0, out: 0, threads: threadsOption(o.threads, module.maxThreads()),
    };
    return { call, x, context, arrays, shape: [batch, qLen, dModel] };
  }

  function run(p, fn) {
    const spec = {
      x: { input: p.x }, context: p.context && { input: p.context },
      keyPadding: p.arrays.keyPadding && { input: p.arrays.keyPadding }, bias: p.arrays.bias && { input: p.arrays.bias },
      out: { output: [Float32Array, p.shape[0] * p.shape[1] * p.shape[2]] },
    };
    return withHeap(module, spec, (a) => fn({ ...p.call, x: a.x, context: a.context ?? 0, out: a.out,
      mask: { ...p.call.mask, keyPadding: a.keyPadding ?? 0, bias: a.bias ?? 0 } }));
  }

  class Decoder {
    #cache;
    #owner;
    constructor(owner, cache, batch) {
      this.#owner = owner;
      this.#cache = cache;
      /** Batch rows decoded together. */
      this.batch = batch;
    }

    #live() {
      if (!this.#cache) throw new AttentionError('DISPOSED', 'this decoder has been disposed');
      return this.#cache;
    }

    /** Tokens in the cache so far (the position the next token gets). */
    get length() { return this.#live().length(); }
    /** Bytes one token adds to the cache per sequence: kvHeads·(headDim + valueDim)·4. */
    get bytesPerToken() { return this.#live().bytesPerToken(); }
    /** Bytes the cache holds now, all batch rows. */
    get bytesInUse() { return this.#live().bytesInUse(); }

    /**
     * Appends n new tokens per batch row and returns their outputs. x: [batch, n, dModel] → [batch, n, dModel].
     * Causal, aligned bottom-right; `window` may limit how far back each token looks.
     */
    step(x, options = {}) {
      const cache = this.#live();
      const p = prepareForward(this.#owner.config, x, { ...options, batch: this.batch }, { allowContext: false });
      // The cache grows by doubling: room for twice the new length must fit.
      checkHeap(2 * (cache.length() + p.call.qLen) * this.batch * (cache.bytesPerToken() / 4), 'growing the KV cache');
      if (p.arrays.keyPadding || p.arrays.bias) throw invalid('options', 'no keyPadding or bias when decoding', 'one');
      const { result, outputs } = run(p, (call) => this.#owner._handle().decode(cache, call));
      throwIfFailed(result);
      return outputs.out;
    }

    /** Forgets every cached token. */
    reset() { this.#live().clear(); }

    dispose() {
      if (this.#cache) this.#cache.delete();
      this.#cache = null;
    }
  }

  class MultiHeadAttention {
    #handle;

    /**
     * @param {object} options dModel, heads, kvHeads, headDim, valueDim, contextDim, bias, positional
     *   ('none' | 'sinusoidal' | 'learned'), maxLen, and seed (deterministic weights) or weights
     *   ({ wQ, wK, wV, wO, bQ?, bK?, bV?, bO?, positions? } as Float32Arrays, stored [in, out]).
     */
    constructor(options) {
      const c = prepareMhaConfig(module, options);
      const handle = new module.Mha();
      const call = { dModel: c.dModel, heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim, valueDim: c.valueDim,
        contextDim: c.contextDim, maxLen: c.maxLen, bias: c.bias, positional: c.positional };
      let status;
      if (options.weights !== undefined) {
        const w = options.weights, named = {};
        if (typeof w !== 'object' || w === null) { handle.delete(); throw invalid('weights', 'an object of Float32Arrays', w); }
        for (const [js, cpp] of Object.entries(WEIGHT_NAMES)) {
          if (w[js] === undefined) continue;
          if (!(w[js] instanceof Float32Array)) { handle.delete(); throw invalid(`weights.${js}`, 'a Float32Array', w[js]); }
          named[cpp] = w[js];
        }
        status = handle.initWeights(call, named);
      } else status = handle.initRandom(call, c.seed);
      if (status.code !== 'OK') {
        handle.delete();
        throw new AttentionError(status.code, status.message);
      }
      this.#handle = handle;
      /** The resolved configuration. */
      this.config = Object.freeze({ dModel: c.dModel, heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim,
        valueDim: c.valueDim, contextDim: c.contextDim, bias: c.bias, positional: c.positionalName, maxLen: c.maxLen });
    }

    /** @internal */
    _handle() {
      if (!this.#handle) throw new AttentionError('DISPOSED', 'this MultiHeadAttention has been disposed');
      return this.#handle;
    }

    /** Copies of the weights, stored [in, out]: { wQ, wK, wV, wO, bQ, bK, bV, bO, positions }. */
    weights() {
      const w = this._handle().weights(), out = {};
      for (const [js, cpp] of Object.entries(WEIGHT_NAMES)) out[js] = w[cpp];
      return out;
    }

    /**
     * x: [batch, length, dModel] → { out: [batch, length, dModel], shape, trace? }. Options: batch, length,
     * context (cross-attention K/V source [batch, contextLength, contextDim]), causal, window, keyPadding, bias,
     * scale, firstPosition, impl, trace (every intermediate of the pass).
     */
    forward(x, options = {}) {
      const handle = this._handle();
      const p = prepareForward(this.config, x, options, { allowContext: true });
      const wantTrace = checkBool('trace', options.trace ?? false);
      if (wantTrace) {  // four score tensors (raw, scaled, masked, weights) live in the heap during the call
        const kvLen = p.call.contextLen || p.call.qLen;
        checkHeap(4 * p.call.batch * this.config.heads * p.call.qLen * kvLen + 8 * x.length, 'this traced forward pass');
      }
      const { result, outputs } = run(p, (call) => (wantTrace ? handle.forwardTrace(call) : { status: handle.forward(call) }));
      throwIfFailed(result.status);
      const answer = { out: outputs.out, shape: p.shape };
      if (wantTrace) {
        const { batch, qLen } = p.call, kvLen = p.call.contextLen || qLen;
        const { heads, kvHeads, headDim, valueDim, dModel } = this.config;
        answer.trace = { ...result.trace, dims: { batch, qLen, kvLen, heads, kvHeads, headDim, valueDim, dModel } };
      }
      return answer;
    }

    /** A KV-cache decoder over this module's weights; dispose() it when done. */
    decoder({ batch = 1 } = {}) {
      this._handle();
      checkInt('batch', batch);
      const { kvHeads, headDim, valueDim } = this.config;
      return new Decoder(this, new module.KvCache(batch, kvHeads, headDim, valueDim), batch);
    }

    /** Frees the wasm memory; later calls throw AttentionError('DISPOSED'). Safe to call twice. */
    dispose() {
      if (this.#handle) this.#handle.delete();
      this.#handle = null;
    }
  }
  if (typeof Symbol.dispose === 'symbol') {
    MultiHeadAttention.prototype[Symbol.dispose] = MultiHeadAttention.prototype.dispose;
    Decoder.prototype[Symbol.dispose] = Decoder.prototype.dispose;
  }
  return MultiHeadAttention;
}
