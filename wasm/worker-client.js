// The main-thread half of attention-wasm's worker helper: createAttentionWorker() starts worker.js and returns an
// object whose methods mirror the API but return promises. Not for Node (no Web Worker there): browsers only.
//
// Inputs are copied to the worker (structured clone; your arrays stay usable); results come back transferred.
// Errors reject with the same AttentionError (code + message) the main thread would throw.
import { AttentionError } from './errors.js';

function reviveError(e) {
  if (e.name === 'AttentionError') return new AttentionError(e.code, e.message);
  const error = new Error(e.message);
  error.name = e.name;
  if (e.code !== undefined) error.code = e.code;
  return error;
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

  function call(target, method, args = []) {
    if (closed) return Promise.reject(closed);
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      try {
        w.postMessage({ id, target, method, args });
      } catch (error) {  // e.g. a function in the options: it cannot be cloned
        pending.delete(id);
        reject(new AttentionError('INVALID_ARGUMENT', `${method}: arguments cannot be sent to a worker (${error.message})`));
      }
    });
  }

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
    /** Stops the worker; pending and later calls reject with AttentionError('DISPOSED'). */
    terminate() {
      w.terminate();
      closed = new AttentionError('DISPOSED', 'the attention worker has been terminated');
      failAll(closed);
    },
  };
}
