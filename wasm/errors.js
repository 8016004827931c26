// AttentionError and the argument checks every public function uses, so messages read the same everywhere.
// Not the API: index.js calls these before anything reaches WebAssembly.

/**
 * Every AttentionError code, the one list: the C++ core's status codes (attn::code_name) plus the JS layer's own.
 * index.d.ts mirrors it as the AttentionErrorCode union; tests/node/errors.test.mjs fails when the two drift.
 */
export const ERROR_CODES = Object.freeze([
  'INVALID_ARGUMENT',  // a bad argument: the message names it, the expected and the received value
  'OUT_OF_RANGE',      // an index or size past what the object holds (token ids, positions, heap limits)
  'INVALID_DATA',      // bytes that are not what they claim (a vocabulary asset, a model file)
  'UNSUPPORTED',       // the runtime lacks a feature (WebAssembly SIMD)
  'DISPOSED',          // the object was disposed
  'NOT_FOUND',         // a named resource does not exist
  'OUT_OF_MEMORY',     // the wasm heap cannot hold what the call needs
  'WORKER_FAILED',     // the worker behind a worker client failed or was terminated
  'ABORTED',           // the WebAssembly instance stopped (e.g. a C++ allocation past the heap); init() gives a new one
]);

/** An error from attention-wasm: `code` is machine-readable, `message` names the argument, expected and received. */
export class AttentionError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = 'AttentionError';
    this.code = code;
  }
}

export function describe(value) {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.length})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  return typeof value;
}

export function invalid(name, expected, value) {
  return new AttentionError('INVALID_ARGUMENT', `${name}: expected ${expected}, received ${describe(value)}`);
}

/** A whole number in [min, 2^31): sizes cross into wasm as 32-bit values. */
export function checkInt(name, value, min = 1) {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value >= 2 ** 31)
    throw invalid(name, `an integer >= ${min}`, value);
  return value;
}

/**
 * A typed array whose buffer was transferred or detached (postMessage, ArrayBuffer.transfer) reads as empty; handed
 * to Embind it fails inside the instance, so every array argument is checked here, before any call into wasm.
 */
export function isDetached(value) {
  if (!ArrayBuffer.isView(value) && !(value instanceof ArrayBuffer)) return false;
  const buffer = value instanceof ArrayBuffer ? value : value.buffer;
  if (typeof buffer.detached === 'boolean') return buffer.detached;
  try {  // runtimes without ArrayBuffer.prototype.detached: slicing a detached buffer throws
    buffer.slice(0, 0);
    return false;
  } catch {
    return true;
  }
}

export function checkAttached(name, value) {
  if (isDetached(value))
    throw new AttentionError('INVALID_ARGUMENT', `${name}: its ArrayBuffer is detached (transferred, e.g. by ` +
      'postMessage): pass an array whose buffer is still usable');
  return value;
}

export function checkFloat32(name, value, length, shapeText) {
  if (!(value instanceof Float32Array)) throw invalid(name, `a Float32Array of length ${length} (${shapeText})`, value);
  checkAttached(name, value);
  if (value.length !== length)
    throw invalid(name, `length ${length} (${shapeText})`, value);
  return value;
}

export function checkBool(name, value) {
  if (typeof value !== 'boolean') throw invalid(name, 'a boolean', value);
  return value;
}

/**
 * A failed core status as an AttentionError. A core message about one argument begins with its C++ name
 * (`kv_heads: expected …`); `names` maps such a leading name to the one the JS API gives that argument.
 */
export function statusError(status, names = {}, prefix = '') {
  const message = status.message.replace(/^[a-z]+(?:_[a-z]+)+(?=:)/, (w) => names[w] ?? w);
  return new AttentionError(status.code, prefix + message);
}
