// The Web Worker half of attention-wasm's worker helper: loads the package with init() and answers requests from
// worker-client.js. Not a general RPC layer: a fixed allowlist of methods, objects kept here and named by id.
//
// createAttentionWorker() (worker-client.js) starts it as a module worker from next to itself; to host it elsewhere,
// serve this folder's files together and pass worker.js's URL. Protocol, one message each way:
//   request  { id, target, method, args }   target 0 = the instance init() returned, n > 0 = an object made here
//   response { id, ok: true, value } | { id, ok: false, error: { name, code, message } }
// Typed arrays in a response are transferred (their buffers move, nothing is copied): every output is already a
// copy out of the wasm heap, so nothing else holds them.
import { AttentionError, init } from './index.js';

/** What each kind of object may be asked to do, and the plain properties its handle carries. */
const KINDS = {
  Attention: { methods: ['attention', 'cost', 'memory', 'info', 'tokenizer', 'MultiHeadAttention', 'kvCache'], props: [] },
  MultiHeadAttention: { methods: ['forward', 'weights', 'decoder', 'dispose'], props: ['config'] },
  Decoder: { methods: ['step', 'reset', 'get', 'dispose'], props: ['batch', 'bytesPerToken'] },
  KvCache: { methods: ['append', 'attention', 'clear', 'get', 'dispose'], props: ['shape'] },
  Tokenizer: {
    methods: ['encode', 'encodeWithOffsets', 'decode', 'decodeBytes', 'tokenText', 'tokenBytes', 'dispose'],
    props: ['vocabSize', 'eotId'],
  },
};
/** Properties that change, read through 'get'. */
const GETTERS = { Decoder: ['length', 'bytesInUse', 'bytesPerToken', 'batch'], KvCache: ['length', 'bytesInUse'] };

const objects = new Map();  // id → { kind, value }
let nextId = 1;

function register(kind, value) {
  const id = nextId++;
  objects.set(id, { kind, value });
  const props = {};
  for (const p of KINDS[kind].props) props[p] = value[p];
  return { ref: id, kind, props };
}

async function target(id) {
  if (id === 0) return { kind: 'Attention', value: await init() };
  const entry = objects.get(id);
  if (!entry) throw new AttentionError('INVALID_ARGUMENT', `target: expected the id of an object made in this worker, received ${JSON.stringify(id)}`);
  return entry;
}

async function handle({ target: targetId, method, args = [] }) {
  const { kind, value } = await target(targetId);
  if (!KINDS[kind].methods.includes(method))
    throw new AttentionError('INVALID_ARGUMENT', `method: expected one of ${KINDS[kind].methods.join(', ')} on ${kind}, received ${JSON.stringify(method)}`);
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
    case 'get':
      if (!GETTERS[kind].includes(args[0]))
        throw new AttentionError('INVALID_ARGUMENT', `property: expected one of ${GETTERS[kind].join(', ')}, received ${JSON.stringify(args[0])}`);
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

/** Buffers that typed arrays in `value` own completely (never a view into shared or wasm memory). */
function transferables(value, found = new Set(), depth = 0) {
  if (ArrayBuffer.isView(value)) {
    const b = value.buffer;
    if (b instanceof ArrayBuffer && value.byteOffset === 0 && value.byteLength === b.byteLength) found.add(b);
  } else if (value !== null && typeof value === 'object' && depth < 4) {
    for (const v of Object.values(value)) transferables(v, found, depth + 1);
  }
  return found;
}

function serializeError(error) {
  if (error instanceof Error) return { name: error.name, code: error.code, message: error.message };
  return { name: 'Error', message: String(error) };
}

self.addEventListener('message', async (event) => {
  const request = event.data;
  if (request === null || typeof request !== 'object' || typeof request.id !== 'number') return;  // not ours
  let response, transfer = [];
  try {
    const value = await handle(request);
    response = { id: request.id, ok: true, value };
    transfer = [...transferables(value)];
  } catch (error) {
    response = { id: request.id, ok: false, error: serializeError(error) };
  }
  self.postMessage(response, transfer);
});
