// attention-wasm's public JavaScript API: init() once, then attention() (and friends) with validated inputs.
// Not the math (C++ core behind bindings.cpp), option rules (options.js), the KV cache (kv-cache.js), the MHA block
// (mha.js) or the demo's helpers (demo.js, the 'attention-wasm/demo' entry).
import createAttnModule from './attn.mjs';
import { AttentionError, ERROR_CODES, checkBool, checkInt, invalid } from './errors.js';
import { withHeap } from './heap.js';
import { abortRecorder, guardModule, registerModule, runtimeImport } from './instance.js';
import { KvCache } from './kv-cache.js';
import { makeMultiHeadAttention } from './mha.js';
import { loadModel } from './model.js';
import { NO_POINTERS, checkOptions, prepareAttention, throwIfFailed, withAddresses } from './options.js';
import { createTokenizer } from './tokenizer.js';
import { createTrainer } from './trainer.js';
import { VERSION } from './version.js';

export { AttentionError, ERROR_CODES };
export { headAverage, headSlice, permutationDiff } from './trace.js';
export const version = VERSION;  // written from package.json into dist/version.js by tools/assemble-dist.mjs
/** The package's trained tiny GPT-2 (its model card is in the README): what `loadModel()` opens by default. */
export const defaultModelUrl = new URL('./tiny-tutor.safetensors', import.meta.url);

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

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
let loading = null;
let instanceState = null;  // { aborted, what } of the loaded instance

/**
 * Loads the WebAssembly module once; later calls return the same instance (options of later calls are ignored).
 * @param {{locateFile?: (path: string, prefix: string) => string, wasmBinary?: ArrayBuffer | Uint8Array}} [options]
 */
export function init(options) {
  try {
    options = checkOptions('init', options);
  } catch (error) {
    return Promise.reject(error);
  }
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
 * Whether to load the threaded build (dist/mt/attn_mt.*), and if not, why. Browsers: automatically when the page is
 * cross-origin isolated (COOP/COEP), which SharedArrayBuffer needs. Node: only when asked (`threads: true`), because
 * the thread pool keeps the process alive until process.exit().
 */
function threadPlan(threads, wasmBinary) {
  if (threads !== 'auto' && typeof threads !== 'boolean') throw invalid('threads', "'auto', true or false", threads);
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

/**
 * The files init() may load, each as a URL made from a string literal and import.meta.url: the form Vite and
 * webpack recognise, so an app's bundle emits every one of them and these URLs point at its copies (hashed names too).
 * The threaded glue is one of them, not an import: its pthread workers import it again by URL, so it must stay a
 * file of its own rather than be inlined into a bundle.
 */
const PACKAGE_FILES = {
  'attn.wasm': () => new URL('./attn.wasm', import.meta.url),
  'attn_mt.mjs': () => new URL('./mt/attn_mt.mjs', import.meta.url),
  'attn_mt.wasm': () => new URL('./mt/attn_mt.wasm', import.meta.url),
  'attn_mt.worker.js': () => new URL('./mt/attn_mt.worker.js', import.meta.url),
};

/**
 * Emscripten 3.1.6's threaded glue warns "Blocking on the main thread is very dangerous" the first time a call
 * waits for its worker threads on a page's main thread. The danger it names is a wait for a thread that needs the
 * main thread's event loop to start; this package never starts one: a call uses at most the pool of workers that
 * init() starts and loads before it resolves (attn::hardware_threads), and Emscripten's main-thread wait keeps
 * running the calls those workers proxy to it. So that one message is dropped; every other one is printed.
 * (A Web Worker, e.g. attention-wasm/worker-client, never blocks the page: Emscripten does not warn there.)
 */
const BLOCKING_WARNING = 'Blocking on the main thread is very dangerous';
const printErr = (text) => {
  if (!String(text).startsWith(BLOCKING_WARNING)) console.warn(text);
};

/**
 * The pthread worker script's URL, checked: a pthread worker whose script fails to load never reports back, so
 * init() would wait forever; a fetch that fails here makes init() fall back to one thread instead. A data: URL
 * (Vite inlines small files so, this script among them) becomes a blob: URL of the page's origin: a worker started
 * from a data: URL has an opaque origin and may not import the glue from the page's.
 */
async function checkedWorkerScript(url) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new AttentionError('NOT_FOUND', `${url} could not be fetched: ${error.message}`, { cause: error });
  }
  if (!response.ok) throw new AttentionError('NOT_FOUND', `${url} could not be loaded (HTTP ${response.status})`);
  return url.startsWith('data:') ? URL.createObjectURL(await response.blob()) : url;
}

/**
 * Emscripten's glue rethrows a pthread worker's start error from that worker's onerror handler, after reporting it
 * through printErr (which makes init() fall back to one thread). Left alone, the rethrow is an uncaught error of
 * the page, or one that ends the whole Web Worker init() runs in. Cancel exactly those (an ErrorEvent of a Worker,
 * rethrown) while `active()`: until the threaded build has loaded, and forever for one that failed.
 */
function cancelPthreadStartErrors(active) {
  globalThis.addEventListener?.('error', (event) => {
    if (active() && event.error instanceof ErrorEvent && event.error.target instanceof Worker) event.preventDefault();
  });
}

async function load({ locateFile, wasmBinary, threads = 'auto' } = {}, fallbackReason = '') {
  if (!simdSupported())
    throw new AttentionError('UNSUPPORTED', 'attention-wasm needs WebAssembly SIMD (simd128), which this runtime ' +
      'does not support: use Chrome/Edge >= 91, Firefox >= 89, Safari >= 16.4 or Node.js >= 16.4');
  const plan = fallbackReason ? { use: false, reason: fallbackReason } : threadPlan(threads, wasmBinary);
  const state = { aborted: false, what: '' };
  const moduleOptions = { ...abortRecorder(state), printErr };
  // In a browser the glue is told where each file is (see PACKAGE_FILES), so bundled copies are found; Node reads
  // them from the folder the glue is in (its pthread workers need file paths, not URLs).
  const files = Object.fromEntries(Object.entries(PACKAGE_FILES).map(([name, url]) => [name, url().href]));
  const locate = locateFile ?? (isNode ? undefined : (path, prefix) => files[path] ?? prefix + path);
  if (locate) moduleOptions.locateFile = locate;
  if (wasmBinary) moduleOptions.wasmBinary = wasmBinary;
  if (plan.use) {
    // Never worse than one thread: if the threaded build cannot load, the single-thread one runs and says why.
    try {
      const glue = files['attn_mt.mjs'];
      if (!isNode) {
        moduleOptions.mainScriptUrlOrBlob = glue;  // what each pthread worker imports
        const prefix = glue.slice(0, glue.lastIndexOf('/') + 1);
        const worker = await checkedWorkerScript(locate('attn_mt.worker.js', prefix));
        moduleOptions.locateFile = (path, prefix) => (path === 'attn_mt.worker.js' ? worker : locate(path, prefix));
      }
      let factory;
      try {
        factory = (await runtimeImport(glue)).default;
      } catch (error) {
        throw new AttentionError('NOT_FOUND', `${glue} could not be imported: ${error?.message ?? error}`, { cause: error });
      }
      // A pthread worker whose script fails to run (a syntax error, a blocked URL) is only reported through
      // printErr, and the module would wait for it forever: while loading, that report fails the load instead.
      let loaded = false, workerFailed;
      const failure = new Promise((_, reject) => (workerFailed = reject));
      const active = () => !loaded;
      if (!isNode) cancelPthreadStartErrors(active);
      moduleOptions.printErr = (text) => {
        if (loaded || !String(text).startsWith('worker sent an error!')) printErr(text);
        else workerFailed(new AttentionError('NOT_FOUND', `a pthread worker could not start: ${text}`));
      };
      // The pool's Workers are watched from their creation: a script that fails before the glue hooks them (a
      // syntax error, e.g. a dev server that rewrote it) is only ever told here. Cancelled, the error does not
      // reach this scope as well.
      const started = (module) => {
        if (isNode) return;
        for (const w of module.PThread?.unusedWorkers ?? []) {
          w.addEventListener('error', (e) => {
            if (!active()) return;
            e.preventDefault();
            const where = e.filename ? ` (${e.filename}:${e.lineno})` : '';
            workerFailed(new AttentionError('NOT_FOUND', `a pthread worker could not start: ${e.message || 'its script failed to load'}${where}`));
          });
        }
      };
      const attn = await instantiate(factory, moduleOptions, state, plan, 'attn_mt.wasm', { failure, started });
      loaded = true;
      return attn;
    } catch (error) {
      const reason = `the threaded build could not load (${error.message}); running on one thread`;
      return load({ locateFile, wasmBinary, threads: false }, reason);
    }
  }
  return instantiate(createAttnModule, moduleOptions, state, plan, 'attn.wasm');
}

/**
 * Runs an Emscripten factory; a failure names the file it could not load (as locateFile resolves it). `failure`:
 * a promise that rejects when the load cannot finish for a reason the factory never reports; `started(module)`:
 * called once the factory's synchronous part has run.
 */
async function instantiate(factory, moduleOptions, state, plan, wasmName, { failure, started } = {}) {
  let module;
  try {
    const ready = factory(moduleOptions);
    started?.(moduleOptions);  // the factory has run its synchronous start (the pthread pool's Workers exist)
    module = guardModule(await (failure ? Promise.race([ready, failure]) : ready), state);
  } catch (error) {
    if (error instanceof AttentionError) throw error;  // already says what failed
    const url = PACKAGE_FILES[wasmName]().href;
    const from = moduleOptions.wasmBinary ? 'the given wasmBinary'
      : moduleOptions.locateFile ? moduleOptions.locateFile(wasmName, url.slice(0, url.lastIndexOf('/') + 1)) : url;
    throw new AttentionError(moduleOptions.wasmBinary ? 'INVALID_DATA' : 'NOT_FOUND',
      `init: the WebAssembly module could not be loaded from ${from}: ${error?.message ?? error}`, { cause: error });
  }
  instanceState = state;
  return new Attention(module, plan);
}

async function loadAsset(url) {
  if (url.protocol === 'file:') {
    const { readFile } = await runtimeImport('node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  let response;
  try {
    response = await fetch(url);
  } catch (error) {  // a network error names no URL
    throw new AttentionError('NOT_FOUND', `tokenizer asset ${url} could not be fetched: ${error.message}`, { cause: error });
  }
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
    registerModule(this, module);  // for the 'attention-wasm/demo' helpers
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
    return this._run(p, this.#module);
  }

  /**
   * Runs a prepared attention call with its arrays in the heap through `runner.checkScoreRange(call)` (the core's
   * check that the scores stay within float32, attn::check_score_range) and then `runner.sdpa(call)`; shared with
   * KvCache, whose runner reads its own keys and values.
   */
  _run(p, runner) {
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
      (addresses) => {
        const call = withAddresses({ ...p.call, ...NO_POINTERS }, addresses);
        const range = runner.checkScoreRange(call);
        return range.code === 'OK' ? runner.sdpa(call) : range;
      }, { views: p.views });
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
    checkOptions('kvCache', options, { required: true });
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
    checkOptions('cost', config, { label: 'cost: config', required: true });
    const c = {
      dModel: checkInt('dModel', config.dModel), heads: checkInt('heads', config.heads),
      kvHeads: checkInt('kvHeads', config.kvHeads ?? config.heads), headDim: checkInt('headDim', config.headDim ?? 0, 0),
      valueDim: checkInt('valueDim', config.valueDim ?? 0, 0), layers: checkInt('layers', config.layers ?? 1),
      context: checkInt('context', config.context ?? 1), bytesPerElement: checkInt('bytesPerElement', config.bytesPerElement ?? 2),
      bias: checkBool('bias', config.bias ?? false),
    };
    // Counts cross as JS numbers: refuse a configuration whose largest counts (all parameters, the whole cache's
    // bytes; every other count is below one of them) would pass 2^53, where they stop being exact.
    const D = c.headDim || c.dModel / c.heads, Dv = c.valueDim || D;
    const params = c.layers * (c.dModel * (c.heads * D + c.kvHeads * (D + Dv)) + c.heads * Dv * c.dModel +
      (c.heads + c.kvHeads) * D + c.kvHeads * Dv + c.dModel);
    const cacheBytes = c.layers * c.kvHeads * (D + Dv) * c.bytesPerElement * c.context;
    if (!(Math.max(params, cacheBytes) <= Number.MAX_SAFE_INTEGER))
      throw new AttentionError('OUT_OF_RANGE', `cost: this configuration's counts (${params.toExponential(2)} ` +
        `parameters, ${cacheBytes.toExponential(2)} cache bytes) pass 2^53, beyond exact JS numbers`);
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
  async tokenizer(name = 'gpt2', options = undefined) {
    if (name !== 'gpt2') throw invalid('name', "'gpt2'", name);
    const { asset } = checkOptions('tokenizer', options);
    return createTokenizer(this.#module, asset ?? await this.#vocabulary());
  }

  /** gpt2-bpe.bin's bytes, read once per instance. */
  #vocabulary() {
    this.#gpt2Asset ??= loadAsset(new URL('./gpt2-bpe.bin', import.meta.url)).catch((error) => {
      this.#gpt2Asset = undefined;
      throw error;
    });
    return this.#gpt2Asset;
  }

  /**
   * A GPT-2 trainer for live training on the corpus generator's toy stories (English and Chinese) and repeated
   * spans: step(n), headScores(), attention(ids), save(). Options (defaults: a 2-layer, 4-head, d_model 64 model
   * over 32 tokens, batch 16): layers, heads, dModel, seq, batch, lr, warmup, steps (the schedule's length), seed,
   * corpusSeed, repeatShare, chineseShare, spanMin, spanMax, threads. The same options give the same model, bit
   * for bit, for a given thread count.
   */
  async createTrainer(options = {}) {
    return createTrainer(this.#module, this.threads, await this.#vocabulary(), options);
  }

  /**
   * A GPT-2 model from a safetensors file (Hugging Face layout, with or without 'transformer.'; F32, F16 or BF16;
   * or this package's restricted-vocabulary files). source: ArrayBuffer | Uint8Array | Blob | Response | URL string
   * (in Node also a path); default: the package's trained tiny model (defaultModelUrl). options.nHead when the file
   * does not say (default: metadata n_head, else dModel / 64).
   */
  loadModel(source = defaultModelUrl, options = undefined) {
    return loadModel(this.#module, this.threads, source, options);
  }

  /** Memory use of the wasm instance: `inUse` bytes allocated now (flat across calls = no leak), `heap` total. */
  memory() {
    return { inUse: this.#module.heapInUse(), heap: this.#module.HEAPU8.length };
  }
}
