// The Web Worker half of attention-wasm's worker helper, as a function: serveAttentionWorker() answers the requests of
// worker-client.js from this worker. Not the client, and not a general RPC layer: a fixed allowlist of package
// methods on objects kept here and named by id, plus the application's own handlers (one input, one answer).
//
// worker.js is the worker script that serves the package alone; an application that wants its own methods answered
// in the same worker writes a module worker that calls serveAttentionWorker({ handlers }) (see README, worker client).
// Protocol (one message per request, one per answer, any number of progress messages in between):
//   request   { id, target, method, args, progress? }   target 0 = the instance init() returned, n > 0 = an object
//                                          made here; progress: true = post loadModel's onProgress reports
//             { id, handler, input }         the application's handlers[handler](input, { progress })
//   progress  { id, progress }               e.g. loadModel's { loaded, total }, or what a handler reports
//   answer    { id, ok: true, value } | { id, ok: false, error: { name, code, message, details } }
// Typed arrays in answers and progress are transferred when they own their whole buffer (every package output is a
// copy out of the wasm heap, so nothing else holds them); views into other memory are copied.
import { AttentionError, init } from './index.js';

/** What each kind of object may be asked to do, and the plain properties its handle carries. */
const KINDS = {
  Attention: {
    methods: ['attention', 'cost', 'memory', 'info', 'tokenizer', 'MultiHeadAttention', 'kvCache', 'loadModel'], props: [],
  },
  MultiHeadAttention: { methods: ['forward', 'weights', 'decoder', 'dispose'], props: ['config'] },
  Decoder: { methods: ['step', 'reset', 'get', 'dispose'], props: ['batch', 'bytesPerToken'] },
  KvCache: { methods: ['append', 'attention', 'clear', 'get', 'dispose'], props: ['shape'] },
  Tokenizer: {
    methods: ['encode', 'encodeWithOffsets', 'decode', 'decodeBytes', 'tokenText', 'tokenBytes', 'dispose'],
    props: ['vocabSize', 'eotId'],
  },
  Model: {
    methods: ['forward', 'session', 'generate', 'dispose'],
    props: ['config', 'maxThreads', 'metadata', 'headScores', 'lossCurve', 'film'],
  },
  ModelSession: { methods: ['append', 'truncate', 'get', 'dispose'], props: [] },
  // model.generate()'s async iterator: one step per request, so the caller's pace (and a `break`) reaches the worker.
  Generation: { methods: ['next', 'return'], props: [] },
};
/** Properties that change, read through 'get'. */
const GETTERS = {
  Decoder: ['length', 'bytesInUse', 'bytesPerToken', 'batch'], KvCache: ['length', 'bytesInUse'], ModelSession: ['position'],
};

function invalidName(what, known, received) {
  return new AttentionError('INVALID_ARGUMENT', `${what}: expected one of ${known.join(', ')}, received ${JSON.stringify(received)}`);
}

/** Buffers that typed arrays in `value` own completely (never a view into shared or wasm memory). */
function transferables(value, found = new Set(), depth = 0) {
  if (ArrayBuffer.isView(value)) {
    const b = value.buffer;
    if (b instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === b.byteLength) found.add(b);
  } else if (value !== null && typeof value === 'object' && depth < 5) {
    for (const v of Object.values(value)) transferables(v, found, depth + 1);
  }
  return found;
}

/** An error as data: name, code and message, and the error's own other fields (e.g. an application's message key). */
function serializeError(error) {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const details = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'code' || key === 'name' || key === 'message') continue;
    try {
      details[key] = structuredClone(value);
    } catch {}  // a field that cannot cross (a function, a DOM object) is left out
  }
  return { name: error.name, code: error.code, message: error.message, details };
}

/**
 * Answers worker-client.js's requests in this worker (call it once, at the top of the worker's module).
 * handlers: { name(input, { progress }) → value or promise }: the application's own methods, reached with the
 * client's call(name, input, { onProgress }); progress(value) posts a partial answer before the result. A handler
 * runs in this worker next to the package's objects; its errors reach the caller like the package's.
 */
export function serveAttentionWorker({ handlers = {} } = {}) {
  if (handlers === null || typeof handlers !== 'object' || Object.values(handlers).some((h) => typeof h !== 'function'))
    throw new AttentionError('INVALID_ARGUMENT', 'handlers: expected an object of functions');
  const own = new Map(Object.entries(handlers));
  const objects = new Map();  // id → { kind, value }
  const handles = new WeakSet();  // the answers that are handles of objects made here
  let nextId = 1;

  function register(kind, value) {
    const id = nextId++;
    objects.set(id, { kind, value });
    const props = {};
    for (const p of KINDS[kind].props) props[p] = value[p];
    const handle = { ref: id, kind, props };
    handles.add(handle);
    return handle;
  }

  async function target(id) {
    if (id === 0) return { kind: 'Attention', value: await init() };
    const entry = objects.get(id);
    if (!entry) throw new AttentionError('INVALID_ARGUMENT', `target: expected the id of an object made in this worker, received ${JSON.stringify(id)}`);
    return { ...entry, id };
  }

  async function packageMethod({ target: targetId, method, args = [], progress: wantsProgress }, progress) {
    const { kind, value, id } = await target(targetId);
    if (!KINDS[kind].methods.includes(method)) throw invalidName(`method on ${kind}`, KINDS[kind].methods, method);
    switch (method) {
      case 'info':
        return { version: value.version, backend: value.backend, threads: value.threads, threadsReason: value.threadsReason };
      case 'MultiHeadAttention':
        return register('MultiHeadAttention', new value.MultiHeadAttention(...args));
      case 'tokenizer':
        if (typeof value.tokenizer !== 'function')
          throw new AttentionError('UNSUPPORTED', 'tokenizer: this build of attention-wasm has no tokenizer');
        return register('Tokenizer', await value.tokenizer(...args));
      case 'decoder':
        return register('Decoder', value.decoder(...args));
      case 'kvCache':
        return register('KvCache', value.kvCache(...args));
      case 'loadModel': {
        // A function cannot be sent: the client leaves its onProgress out and asks for progress messages instead.
        const [source, options] = args;
        return register('Model', await value.loadModel(source, wantsProgress ? { ...options, onProgress: progress } : options));
      }
      case 'session':
        return register('ModelSession', value.session());
      case 'generate':
        return register('Generation', value.generate(...args));
      case 'next':
      case 'return': {
        // Finished (done, or failed: an async generator that threw is closed): nothing can be asked of it any more.
        let step;
        try {
          step = await value[method]();
        } catch (error) {
          objects.delete(id);
          throw error;
        }
        if (step.done) objects.delete(id);
        return step;
      }
      case 'get':
        if (!GETTERS[kind].includes(args[0])) throw invalidName('property', GETTERS[kind], args[0]);
        return value[args[0]];
      case 'dispose':
        // The wasm memory is freed now; the small JS wrapper stays registered so that later calls fail exactly as
        // they would on the main thread (AttentionError 'DISPOSED' with the same message).
        value.dispose();
        return undefined;
      default:
        return value[method](...args);
    }
  }

  function answer(request) {
    const progress = (value) => self.postMessage({ id: request.id, progress: value }, [...transferables(value)]);
    if (typeof request.handler !== 'string') return packageMethod(request, progress);
    const handler = own.get(request.handler);
    if (!handler) throw invalidName('handler', [...own.keys()], request.handler);
    return handler(request.input, { progress });
  }

  self.addEventListener('message', async (event) => {
    const request = event.data;
    if (request === null || typeof request !== 'object' || typeof request.id !== 'number') return;  // not ours
    let response, transfer = [];
    try {
      const value = await answer(request);
      response = { id: request.id, ok: true, value };
      // A handle's properties (e.g. a model's film) stay the worker's own: only results move.
      if (!handles.has(value)) transfer = [...transferables(value)];
    } catch (error) {
      response = { id: request.id, ok: false, error: serializeError(error) };
    }
    try {
      self.postMessage(response, transfer);
    } catch (error) {  // e.g. a handler's answer holds a function
      self.postMessage({ id: request.id, ok: false, error: serializeError(
        new AttentionError('INVALID_ARGUMENT', `the answer cannot be sent from the worker (${error.message})`)) });
    }
  });
}
