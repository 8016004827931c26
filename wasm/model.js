// attn.loadModel(): a GPT-2 checkpoint (safetensors, Hugging Face layout or ours) in the wasm heap, with forward
// passes that return every attention matrix, and generation as an async iterator. Not the runtime (C++:
// attn/model/gpt2.hpp) and not tokenization (tokenizer.js): ids in, ids out.
import { AttentionError, checkBool, checkInt, invalid, statusError } from './errors.js';
import { disposed, freeWhenCollected } from './finalize.js';
import { runtimeImport } from './instance.js';
import { modelExtras } from './model-file.js';
import { checkHeap, checkOptions, threadsOption } from './options.js';

const LOGITS = ['none', 'last', 'all'];
/** loadModel's `weights`: 'f16' keeps an F16 file's matrices as F16 in memory (half the bytes a decode step reads,
 *  the same results: the kernels widen them exactly); 'f32' widens them at load. F32 and BF16 files load as F32. */
const WEIGHTS = ['f16', 'f32'];

/** The bytes of `source`: ArrayBuffer, a typed array, a Blob/File, a Response, or a URL string (fetched; in Node a path). */
async function bytesOf(source) {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  if (typeof Blob !== 'undefined' && source instanceof Blob) return new Uint8Array(await source.arrayBuffer());
  if (typeof Response !== 'undefined' && source instanceof Response) return new Uint8Array(await source.arrayBuffer());
  if (typeof source === 'string' || source instanceof URL) {
    const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
    if (isNode && !/^https?:/.test(String(source))) {
      const { readFile } = await runtimeImport('node:fs/promises');
      try {
        return new Uint8Array(await readFile(source instanceof URL ? source : String(source)));
      } catch (error) {
        throw new AttentionError('NOT_FOUND', `loadModel: cannot read ${source}: ${error.message}`, { cause: error });
      }
    }
    let response;
    try {
      response = await fetch(source);
    } catch (error) {  // a network error names no URL
      throw new AttentionError('NOT_FOUND', `loadModel: ${source} could not be fetched: ${error.message}`, { cause: error });
    }
    if (!response.ok) throw new AttentionError('NOT_FOUND', `loadModel: ${source} answered HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  throw invalid('source', 'an ArrayBuffer, Uint8Array, Blob, Response, URL string or (in Node) a path', source);
}

// generate()'s options by their C++ names (GenerateOptions, SamplingOptions), for the core's messages.
const GENERATE_NAMES = { top_p: 'topP', top_k: 'topK', max_tokens: 'maxTokens' };

function throwIfFailed(status, fn) {
  if (status.code !== 'OK') throw statusError(status, GENERATE_NAMES, `${fn}: `);
}

/** [[layer, head], …] of this model (default none). */
function headPairs(name, pairs, { layers, heads }) {
  if (pairs === undefined) return [];
  if (!Array.isArray(pairs) || pairs.some((p) => !Array.isArray(p) || p.length !== 2 || !p.every(Number.isInteger)))
    throw invalid(name, 'an array of [layer, head] pairs', pairs);
  for (const [l, h] of pairs)
    if (l < 0 || l >= layers || h < 0 || h >= heads)
      throw new AttentionError('OUT_OF_RANGE', `${name}: [${l}, ${h}] is not a head of this ${layers}×${heads} model`);
  return pairs;
}

function idsOf(fn, ids, vocabularyNote) {
  if (!(ids instanceof Uint32Array || Array.isArray(ids)) || ids.length === 0)
    throw invalid(`${fn}: ids`, `a non-empty Uint32Array or array of GPT-2 token ids${vocabularyNote}`, ids);
  for (const id of ids)
    if (!Number.isInteger(id) || id < 0 || id >= 2 ** 32) throw invalid(`${fn}: ids`, 'integer token ids', ids);
  return Array.from(ids);
}

/** A reader of byte ranges of `source`: a Blob/File is read a slice at a time, anything else is read whole first. */
async function rangeReader(source) {
  if (typeof Blob !== 'undefined' && source instanceof Blob)
    return { size: source.size, read: async (begin, end) => new Uint8Array(await source.slice(begin, end).arrayBuffer()) };
  const bytes = await bytesOf(source);
  return { size: bytes.length, read: async (begin, end) => bytes.subarray(begin, end) };
}

/** Copies `bytes` into the wasm heap for fn(address); frees it after. */
function inHeap(module, bytes, what, fn) {
  const address = module._malloc(Math.max(1, bytes.length));
  if (!address) throw new AttentionError('OUT_OF_MEMORY', `loadModel: the wasm heap cannot hold ${what} (${bytes.length} bytes)`);
  try {
    module.HEAPU8.set(bytes, address);
    return fn(address);
  } finally {
    module._free(address);
  }
}

/**
 * Loads a model into `module` (see Attention#loadModel): the header is checked first (C++), then each tensor is read
 * and converted in turn, so the heap never holds the whole file (a Blob is read slice by slice; the mask buffers of
 * old checkpoints are skipped unread).
 */
export async function loadModel(module, maxThreads, source, options) {
  options = checkOptions('loadModel', options);
  const nHead = options.nHead === undefined ? 0 : checkInt('nHead', options.nHead);
  const weights = options.weights === undefined ? 'f16' : options.weights;
  if (!WEIGHTS.includes(weights)) throw invalid('weights', "'f32' or 'f16'", weights);
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') throw invalid('onProgress', 'a function', onProgress);
  const file = await rangeReader(source);
  if (file.size < 8) throw new AttentionError('INVALID_DATA', `loadModel: a safetensors file has at least 8 bytes, this one ${file.size}`);
  const first = await file.read(0, 8);
  const headerBytes = Number(new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true));
  if (!(headerBytes <= file.size - 8))
    throw new AttentionError('INVALID_DATA', `loadModel: the header length ${headerBytes} runs past the end of the ${file.size}-byte file`);
  const json = await file.read(8, 8 + headerBytes);
  const native = new module.Gpt2Model();
  try {
    const header = inHeap(module, json, 'the header', (address) => native.header(address, headerBytes, file.size));
    throwIfFailed(header.status, 'loadModel');
    const wanted = header.tensors.filter((t) => t.wanted || t.name.startsWith('film.'));
    checkHeap(wanted.reduce((sum, t) => sum + (t.end - t.begin), 0) / 2, 'this model (its weights as float32)');
    const film = new Map();
    const total = wanted.reduce((sum, t) => sum + (t.end - t.begin), 0);
    let loaded = 0;
    for (const [index, t] of header.tensors.entries()) {
      if (!wanted.includes(t)) continue;
      const bytes = await file.read(header.dataStart + t.begin, header.dataStart + t.end);
      if (t.name.startsWith('film.')) film.set(t.name, bytes.slice());
      else throwIfFailed(inHeap(module, bytes, t.name, (address) => native.addTensor(index, address)), 'loadModel');
      loaded += t.end - t.begin;
      onProgress?.({ loaded, total });
    }
    throwIfFailed(native.finish(nHead, weights === 'f16'), 'loadModel');
    const { __metadata__: metadata = {} } = JSON.parse(new TextDecoder().decode(json));
    return new Gpt2Model(module, native, maxThreads, modelExtras(metadata, film));
  } catch (error) {
    native.delete();
    throw error;
  }
}

class Gpt2Model {
  #module;
  #native;
  #generators = new Set();  // the native objects that read this model: generators and sessions, freed with it

  constructor(module, native, maxThreads, extras) {
    this.#module = module;
    this.#native = native;
    freeWhenCollected(this, native, this.#generators);  // its generators' native state too
    this.maxThreads = maxThreads;
    /** { layers, heads, dModel, dFF, vocabSize, context, headDim, tiedHead, restrictedVocab, gpt2Ids, unkRow, weights } */
    this.config = native.config();
    /** The file's __metadata__ strings; headScores, lossCurve and film for our trained models (else null). */
    Object.assign(this, extras);
  }

  #live(fn) {
    if (!this.#native) throw new AttentionError('DISPOSED', `${fn}: this model has been disposed`);
    return this.#native;
  }

  /**
   * One pass over ids (GPT-2 token ids, at most config.context). Options: logits 'last' (default) | 'all' | 'none';
   * attention (every layer × head, when ids.length ≤ maxAttentionTokens, default 256); heads: [[layer, head], …]
   * kept at any length; ablate: [[layer, head], …] switched off (their output zeroed before c_proj); residual; logitLens;
   * traceHead: [layer, head] (that head step by step); threads. Returns { logits [V] or [T, V], attention [L, H, T, T] (or
   * [len(heads), T, T]), allHeads, residual [L + 1, T, C], logitLens [L + 1, V], unknownPositions, headTrace? }.
   */
  forward(ids, options) {
    return this.#run('forward', ids, options, 0, (list, o) => this.#live('forward').forward(list, o));
  }

  /**
   * A session: one sequence read a piece at a time, the keys and values of every token kept. append(ids, options)
   * reads ids after the kept tokens (the options and result of forward(), for the new tokens: attention [L, H, n,
   * position]); truncate(position) forgets the tokens from position on, so an edited text is re-read from its first
   * changed token. Disposed with the model.
   */
  session() {
    const native = new this.#module.Gpt2Session(this.#live('session'));
    this.#generators.add(native);
    const model = this, live = (fn) => {
      if (!model.#generators.has(native)) throw new AttentionError('DISPOSED', `session.${fn}: this session has been disposed`);
      return native;
    };
    return {
      get position() {
        return live('position').position();
      },
      append: (ids, options) => this.#run('session.append', ids, options, live('append').position(),
        (list, o) => live('append').append(list, o)),
      truncate(position) {
        live('truncate').truncate(checkInt('position', position, 0));
      },
      dispose() {
        if (model.#generators.delete(native)) native.delete();
      },
    };
  }

  /** Checks forward()'s options for `ids` read after `before` kept tokens, runs call(list, nativeOptions). */
  #run(fn, ids, options, before, call) {
    options = checkOptions('model.forward', options, { label: `${fn}: options` });
    const logits = options.logits ?? 'last';
    if (!LOGITS.includes(logits)) throw invalid('logits', "'none', 'last' or 'all'", logits);
    const heads = headPairs('heads', options.heads, this.config);
    const ablate = headPairs('ablate', options.ablate, this.config);
    const t = options.traceHead;
    if (t !== undefined && !(Array.isArray(t) && t.length === 2 && t.every(Number.isInteger))) throw invalid('traceHead', 'a [layer, head] pair', t);
    const traceHead = options.traceHead === undefined ? null : headPairs('traceHead', [options.traceHead], this.config)[0];
    const list = idsOf(fn, ids, '');
    const T = list.length, K = before + T, { layers, heads: H, vocabSize: V } = this.config;
    const wantAll = checkBool('attention', options.attention ?? false);
    const maxAttentionTokens = checkInt('maxAttentionTokens', options.maxAttentionTokens ?? 256);
    checkHeap((wantAll && T <= maxAttentionTokens ? layers * H : heads.length + H) * T * K +
      (logits === 'all' ? T * V : V) + (traceHead ? 5 * T * K + T * this.config.dModel : 0), 'this forward pass');
    const r = call(list, {
      logits, attention: wantAll, maxAttentionTokens, heads, ablate, residual: checkBool('residual', options.residual ?? false),
      logitLens: checkBool('logitLens', options.logitLens ?? false), traceHead, threads: threadsOption(options.threads, this.maxThreads),
    });
    throwIfFailed(r.status, fn);
    const { status, ...result } = r;
    if (!wantAll && heads.length === 0) delete result.attention;
    return result;
  }

  /**
   * Generates after ids, one token per iteration: { id, probability, position, probabilities? }. Options:
   * maxTokens (16), temperature (1; 0 = greedy), topK (0 = all), topP (1), seed (0; the same seed gives the same
   * tokens natively and in wasm), stop (GPT-2 ids that end it, reported), probabilities (the step's distribution).
   */
  async *generate(ids, options) {
    this.#live('generate');
    options = checkOptions('model.generate', options, { label: 'generate: options' });
    const prompt = idsOf('generate', ids, '');
    // Types here (what crosses into wasm); ranges (temperature, topP) and when to stop are the C++ Generator's.
    const maxTokens = checkInt('maxTokens', options.maxTokens ?? 16);
    const temperature = options.temperature ?? 1;
    if (typeof temperature !== 'number') throw invalid('temperature', 'a finite number >= 0', temperature);
    const topK = checkInt('topK', options.topK ?? 0, 0);
    const topP = options.topP ?? 1;
    if (typeof topP !== 'number') throw invalid('topP', 'a number in (0, 1]', topP);
    const seed = options.seed ?? 0;
    if (!Number.isSafeInteger(seed) || seed < 0) throw invalid('seed', 'a non-negative safe integer', seed);
    // Stop ids: anything that is not a GPT-2 id can never be generated, so it is dropped rather than refused.
    const stop = Array.from(options.stop ?? []).filter((id) => Number.isInteger(id) && id >= 0 && id < 2 ** 32);
    const withProbabilities = checkBool('probabilities', options.probabilities ?? false);
    const gen = new this.#module.Gpt2Generator(this.#native, prompt, {
      maxTokens, temperature, topK, topP, seed, stop, threads: threadsOption(options.threads, this.maxThreads),
    });
    this.#generators.add(gen);
    try {
      for (;;) {
        this.#live('generate');
        const step = gen.next(withProbabilities);
        throwIfFailed(step.status, 'generate');
        const { status, last, ...out } = step;
        yield out;
        if (last) return;
      }
    } finally {
      this.#generators.delete(gen);
      gen.delete();
    }
  }

  /** Frees the model's wasm memory; later calls throw AttentionError('DISPOSED'). Safe to call twice. */
  dispose() {
    disposed(this);
    for (const gen of this.#generators) gen.delete();
    this.#generators.clear();
    this.#native?.delete();
    this.#native = null;
  }
}
if (typeof Symbol.dispose === 'symbol') Gpt2Model.prototype[Symbol.dispose] = Gpt2Model.prototype.dispose;
