// attention-wasm's public JavaScript API: init() once, then attention() (and friends) with validated inputs.
// Not the math (C++ core behind bindings.cpp) and not the heap plumbing (heap.js).
import createAttnModule from './attn.mjs';
import { AttentionError, checkBool, checkFloat32, checkInt, invalid } from './errors.js';
import { withHeap } from './heap.js';

export { AttentionError };
export const version = '0.1.0';

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

/**
 * Loads the WebAssembly module once; later calls return the same instance (options of later calls are ignored).
 * @param {{locateFile?: (path: string, prefix: string) => string, wasmBinary?: ArrayBuffer | Uint8Array}} [options]
 */
export function init(options = {}) {
  if (!loading) {
    loading = load(options).catch((error) => {
      loading = null;  // a failed load may be retried
      throw error;
    });
  }
  return loading;
}

async function load({ locateFile, wasmBinary } = {}) {
  if (!simdSupported())
    throw new AttentionError('UNSUPPORTED', 'attention-wasm needs WebAssembly SIMD (simd128), which this runtime ' +
      'does not support: use Chrome/Edge >= 91, Firefox >= 89, Safari >= 16.4 or Node.js >= 16.4');
  const moduleOptions = {};
  if (locateFile) moduleOptions.locateFile = locateFile;
  if (wasmBinary) moduleOptions.wasmBinary = wasmBinary;
  const module = await createAttnModule(moduleOptions);
  return new Attention(module);
}

const IMPLS = { auto: 0, materialized: 1, fused: 2, decode: 3 };
const BIAS_SHAPES = { none: 0, 'q,k': 1, 'h,q,k': 2, 'b,h,q,k': 3 };

function throwIfFailed(status) {
  if (status.code !== 'OK') throw new AttentionError(status.code, status.message);
}

function alignOf(name, value) {
  if (value === undefined || value === 'top-left') return 0;
  if (value === 'bottom-right') return 1;
  throw invalid(name, "'top-left' or 'bottom-right'", value);
}

function windowBound(name, value) {
  if (value === undefined || value === null) return -1;
  return checkInt(name, value, 0);
}

/** Resolves and checks attention() options; returns the call description for bindings.cpp plus the arrays. */
function prepareAttention(o) {
  if (typeof o !== 'object' || o === null) throw invalid('options', 'an object', o);
  const batch = checkInt('batch', o.batch ?? 1);
  const qLen = checkInt('qLen', o.qLen);
  const kvLen = checkInt('kvLen', o.kvLen ?? qLen);
  const heads = checkInt('heads', o.heads ?? 1);
  const kvHeads = checkInt('kvHeads', o.kvHeads ?? heads);
  const headDim = checkInt('headDim', o.headDim);
  const valueDim = checkInt('valueDim', o.valueDim ?? headDim);
  if (heads % kvHeads !== 0)
    throw new AttentionError('INVALID_ARGUMENT', `kvHeads: expected a divisor of heads (${heads}), received ${kvHeads}`);
  const q = checkFloat32('q', o.q, batch * qLen * heads * headDim, `[batch=${batch}, qLen=${qLen}, heads·headDim=${heads * headDim}]`);
  const k = checkFloat32('k', o.k, batch * kvLen * kvHeads * headDim, `[batch=${batch}, kvLen=${kvLen}, kvHeads·headDim=${kvHeads * headDim}]`);
  const v = checkFloat32('v', o.v, batch * kvLen * kvHeads * valueDim, `[batch=${batch}, kvLen=${kvLen}, kvHeads·valueDim=${kvHeads * valueDim}]`);

  let scale = o.scale;
  if (scale !== undefined && (typeof scale !== 'number' || !Number.isFinite(scale)))
    throw invalid('scale', 'a finite number (default 1/√headDim)', scale);

  const causalOption = o.causal ?? false;
  const causal = causalOption !== false;
  const causalAlign = causalOption === true || causalOption === false ? 0 : alignOf('causal', causalOption);

  let windowLeft = -1, windowRight = -1, windowAlign = 0;
  if (o.window !== undefined && o.window !== null) {
    if (typeof o.window !== 'object') throw invalid('window', '{ left?, right?, align? }', o.window);
    windowLeft = windowBound('window.left', o.window.left);
    windowRight = windowBound('window.right', o.window.right);
    windowAlign = alignOf('window.align', o.window.align);
  }

  let keyPadding;
  if (o.keyPadding !== undefined && o.keyPadding !== null) {
    const n = batch * kvLen;
    if (!(o.keyPadding instanceof Uint8Array || Array.isArray(o.keyPadding)) || o.keyPadding.length !== n)
      throw invalid('keyPadding', `a Uint8Array or array of length ${n} ([batch, kvLen], 1 = padded)`, o.keyPadding);
    keyPadding = Uint8Array.from(o.keyPadding, (x) => (x ? 1 : 0));
  }

  let bias, biasShape = BIAS_SHAPES.none;
  if (o.bias !== undefined && o.bias !== null) {
    const qk = qLen * kvLen;
    const shapes = [[qk, 'q,k'], [heads * qk, 'h,q,k'], [batch * heads * qk, 'b,h,q,k']];
    const match = o.bias instanceof Float32Array && shapes.find(([n]) => n === o.bias.length);
    if (!match)
      throw invalid('bias', `a Float32Array of length ${qk} [qLen, kvLen], ${heads * qk} [heads, qLen, kvLen] or ` +
        `${batch * heads * qk} [batch, heads, qLen, kvLen]`, o.bias);
    bias = o.bias;
    biasShape = BIAS_SHAPES[match[1]];
  }

  const returnWeights = checkBool('returnWeights', o.returnWeights ?? false);
  const returnLse = checkBool('returnLse', o.returnLse ?? false);
  const impl = IMPLS[o.impl ?? 'auto'];
  if (impl === undefined) throw invalid('impl', "'auto', 'materialized', 'fused' or 'decode'", o.impl);

  const call = {
    batch, qLen, kvLen, heads, kvHeads, headDim, valueDim,
    hasScale: scale !== undefined, scale: scale ?? 0,
    causal, causalAlign, windowLeft, windowRight, windowAlign, biasShape, impl,
  };
  return { call, q, k, v, keyPadding, bias, returnWeights, returnLse };
}

const NO_POINTERS = { q: 0, k: 0, v: 0, out: 0, weights: 0, scores: 0, lse: 0, keyPadding: 0, bias: 0 };

class Attention {
  #module;

  constructor(module) {
    this.#module = module;
    /** The package version. */
    this.version = version;
    /** The instruction set the kernels run on, e.g. "wasm-simd128". */
    this.backend = module.backend();
  }

  /**
   * Scaled dot-product attention. q: [batch, qLen, heads·headDim], k: [batch, kvLen, kvHeads·headDim],
   * v: [batch, kvLen, kvHeads·valueDim] → out: [batch, qLen, heads·valueDim]; weights: [batch, heads, qLen, kvLen];
   * lse: [batch, heads, qLen].
   */
  attention(options) {
    const p = prepareAttention(options);
    const { batch, qLen, kvLen, heads, valueDim } = p.call;
    const spec = {
      q: { input: p.q }, k: { input: p.k }, v: { input: p.v },
      keyPadding: p.keyPadding && { input: p.keyPadding },
      bias: p.bias && { input: p.bias },
      out: { output: [Float32Array, batch * qLen * heads * valueDim] },
      weights: p.returnWeights && { output: [Float32Array, batch * heads * qLen * kvLen] },
      lse: p.returnLse && { output: [Float32Array, batch * heads * qLen] },
    };
    const { result, outputs } = withHeap(this.#module, spec,
      (addresses) => this.#module.sdpa({ ...p.call, ...NO_POINTERS, ...addresses }));
    throwIfFailed(result);
    const shapes = { out: [batch, qLen, heads * valueDim] };
    const answer = { out: outputs.out, shapes, impl: this.#module.chosenImpl({ ...p.call, ...NO_POINTERS }, p.returnWeights) };
    if (p.returnWeights) answer.weights = outputs.weights, shapes.weights = [batch, heads, qLen, kvLen];
    if (p.returnLse) answer.lse = outputs.lse, shapes.lse = [batch, heads, qLen];
    return answer;
  }

  /** Memory use of the wasm instance: `inUse` bytes allocated now (flat across calls = no leak), `heap` total. */
  memory() {
    return { inUse: this.#module.heapInUse(), heap: this.#module.HEAPU8.length };
  }
}

