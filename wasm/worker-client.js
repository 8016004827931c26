// The main-thread half of attention-wasm's worker helper: createAttentionWorker() starts worker.js and returns an
// object whose methods mirror the API but return promises. Not for Node (no Web Worker there): browsers only, and
// not the worker side (worker-host.js, whose protocol this speaks).
//
// Inputs are copied to the worker (structured clone; your arrays stay usable); results come back transferred.
// Errors reject with the same AttentionError (code + message) the main thread would throw.
import { AttentionError } from './errors.js';

function reviveError(e) {
  let error;
  if (e.name === 'AttentionError') error = new AttentionError(e.code, e.message);
  else {
    error = new Error(e.message);
    error.name = e.name;
    if (e.code !== undefined) error.code = e.code;
  }
  return Object.assign(error, e.details);  // e.g. an application's message key and arguments
}

/** loadModel's source as something a worker can receive and read as the main thread would. */
async function sendableSource(source) {
  // A relative URL means the page's, not the worker script's.
  if (source instanceof URL) return source.href;
  if (typeof source === 'string') return new URL(source, globalThis.document?.baseURI ?? globalThis.location?.href).href;
  if (typeof Response !== 'undefined' && source instanceof Response) return source.blob();
  return source;  // ArrayBuffer, typed array, Blob: cloned (a Blob's bytes are not copied)
}

/**
 * Starts the attention worker. `worker` may be a URL of worker.js (default: the one next to this file), or a
 * module Worker you created yourself.
 */
export function createAttentionWorker(worker) {
  const w = worker && typeof worker.postMessage === 'function' ? worker
    : worker ? new Worker(worker, { type: 'module' })
    : new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  const pending = new Map();
  let nextId = 1;
  let closed = null;  // the error every later call rejects with

  function failAll(error) {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  }

  w.addEventListener('message', (event) => {
    const { id, ok, value, error } = event.data ?? {};
    const p = pending.get(id);
    if (!p) return;
    if ('progress' in event.data) return p.onProgress?.(event.data.progress);  // a partial answer: more to come
    pending.delete(id);
    if (ok) p.resolve(value);
    else p.reject(reviveError(error));
  });
  w.addEventListener('error', (event) => {
    // The worker script failed to load or threw outside a request: nothing pending can finish.
    event.preventDefault?.();
    closed = new AttentionError('WORKER_FAILED', `attention worker failed: ${event.message || 'could not start'}`);
    failAll(closed);
  });
  w.addEventListener('messageerror', () => failAll(new AttentionError('WORKER_FAILED', 'attention worker: a message could not be deserialized')));

  /** Posts request (with a fresh id) and resolves to its answer; onProgress gets each progress message before it. */
  function send(request, what, { onProgress, transfer = [] } = {}) {
    if (closed) return Promise.reject(closed);
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject, onProgress });
      try {
        w.postMessage({ id, ...request }, transfer);
      } catch (error) {  // e.g. a function in the options: it cannot be cloned
        pending.delete(id);
        reject(new AttentionError('INVALID_ARGUMENT', `${what}: arguments cannot be sent to a worker (${error.message})`));
      }
    });
  }
  const call = (target, method, args = [], extra) => send({ target, method, args, ...extra?.request }, method, extra);

  const handle = (h) => ({ id: h.ref, dispose: () => call(h.ref, 'dispose') });

  function decoder(h) {
    return {
      ...handle(h),
      batch: h.props.batch,
      bytesPerToken: h.props.bytesPerToken,
      step: (x, options) => call(h.ref, 'step', [x, options]),
      reset: () => call(h.ref, 'reset'),
      length: () => call(h.ref, 'get', ['length']),
      bytesInUse: () => call(h.ref, 'get', ['bytesInUse']),
    };
  }

  function kvCache(h) {
    return {
      ...handle(h),
      shape: h.props.shape,
      append: (tokens) => call(h.ref, 'append', [tokens]),
      attention: (options) => call(h.ref, 'attention', [options]),
      clear: () => call(h.ref, 'clear'),
      length: () => call(h.ref, 'get', ['length']),
      bytesInUse: () => call(h.ref, 'get', ['bytesInUse']),
    };
  }

  function multiHeadAttention(h) {
    return {
      ...handle(h),
      config: h.props.config,
      forward: (x, options) => call(h.ref, 'forward', [x, options]),
      weights: () => call(h.ref, 'weights'),
      decoder: async (options) => decoder(await call(h.ref, 'decoder', [options])),
    };
  }

  function tokenizer(h) {
    const m = (name) => (...args) => call(h.ref, name, args);
    return {
      ...handle(h),
      vocabSize: h.props.vocabSize,
      eotId: h.props.eotId,
      encode: m('encode'),
      encodeWithOffsets: m('encodeWithOffsets'),
      decode: m('decode'),
      decodeBytes: m('decodeBytes'),
      tokenText: m('tokenText'),
      tokenBytes: m('tokenBytes'),
    };
  }

  function session(h) {
    return {
      ...handle(h),
      /** Tokens kept (read so far and not truncated). */
      position: () => call(h.ref, 'get', ['position']),
      append: (ids, options) => call(h.ref, 'append', [ids, options]),
      truncate: (position) => call(h.ref, 'truncate', [position]),
    };
  }

  /**
   * An async iterator over a Generation in the worker, made by start() at the first next() (like the main thread's
   * async generator, nothing runs or fails before): each next() asks for one step; break/return ends it there.
   */
  function generation(start) {
    let made = null, done = false;
    const ref = async () => (await (made ??= start())).ref;
    return {
      async next() {
        if (done) return { done: true, value: undefined };
        const step = await call(await ref(), 'next').catch((error) => {
          done = true;  // a failed generator is finished, as on the main thread
          throw error;
        });
        if (step.done) done = true;
        return step;
      },
      async return(value) {
        if (done || !made) return (done = true), { done: true, value };
        done = true;
        return call(await ref(), 'return');
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  function model(h) {
    const m = {
      ...handle(h),
      ...h.props,
      forward: (ids, options) => call(h.ref, 'forward', [ids, options]),
      session: async () => session(await call(h.ref, 'session')),
      generate: (ids, options) => generation(() => call(h.ref, 'generate', [ids, options])),
    };
    if (typeof Symbol.asyncDispose === 'symbol') m[Symbol.asyncDispose] = m.dispose;
    return m;
  }

  return {
    /** The underlying Worker. */
    worker: w,
    /**
     * Loads the module in the worker (done on first use anyway); resolves to { version, backend, threads,
     * threadsReason } (threadsReason: why one thread, '' when threaded).
     */
    ready: () => call(0, 'info'),
    attention: (options) => call(0, 'attention', [options]),
    cost: (config) => call(0, 'cost', [config]),
    memory: () => call(0, 'memory'),
    /** new MultiHeadAttention(options) inside the worker; resolves to a handle with forward/weights/decoder/dispose. */
    createMultiHeadAttention: async (options) => multiHeadAttention(await call(0, 'MultiHeadAttention', [options])),
    tokenizer: async (name) => tokenizer(await call(0, 'tokenizer', [name])),
    /** attn.kvCache(options) inside the worker: the cache stays there; append/attention copy only the new arrays. */
    kvCache: async (options) => kvCache(await call(0, 'kvCache', [options])),
    /**
     * attn.loadModel(source, options) inside the worker; resolves to a Model handle (config, headScores, … as on the
     * main thread; forward, session, generate and dispose return promises). onProgress gets { loaded, total }.
     */
    async loadModel(source, options) {
      let onProgress;  // a function cannot be sent: the worker posts progress messages instead
      if (typeof options?.onProgress === 'function') ({ onProgress, ...options } = options);
      const request = { progress: onProgress !== undefined };
      return model(await call(0, 'loadModel', [await sendableSource(source), options], { onProgress, request }));
    },
    /**
     * One of the application's own handlers (serveAttentionWorker({ handlers }) in the worker): handlers[name](input).
     * onProgress gets what the handler reports with progress(); transfer: buffers of input to move, not copy.
     */
    call: (name, input, { onProgress, transfer } = {}) => send({ handler: name, input }, name, { onProgress, transfer }),
    /** Stops the worker; pending and later calls reject with AttentionError('DISPOSED'). */
    terminate() {
      w.terminate();
      closed = new AttentionError('DISPOSED', 'the attention worker has been terminated');
      failAll(closed);
    },
  };
}
