// AttentionError and the argument checks every public function uses, so messages read the same everywhere.
// Not the API: index.js calls these before anything reaches WebAssembly.

/** An error from attention-wasm: `code` is machine-readable, `message` names the argument, expected and received. */
export class AttentionError extends Error {
  constructor(code, message) {
    super(message);
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

export function checkFloat32(name, value, length, shapeText) {
  if (!(value instanceof Float32Array)) throw invalid(name, `a Float32Array of length ${length} (${shapeText})`, value);
  if (value.length !== length)
    throw invalid(name, `length ${length} (${shapeText})`, value);
  return value;
}

export function checkBool(name, value) {
  if (typeof value !== 'boolean') throw invalid(name, 'a boolean', value);
  return value;
}
