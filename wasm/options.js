// Option checking for the JS API, one place per rule: sizes, heap limits, masks, enums, threads; it turns user
// options into the plain call objects the bindings take. Not the API (index.js, kv-cache.js, mha.js call it).
import { AttentionError, checkAttached, checkBool, checkFloat32, checkInt, invalid, statusError } from './errors.js';

// wasm32 memory stops at 2 GiB; a C++ allocation beyond it would abort the instance, so refuse such calls up front.
export const HEAP_LIMIT = 2 ** 31 - 2 ** 26;

/**
 * Refuses a call whose allocations (`floats` float32 values, plus `extraBytes`) cannot fit: next to what the
 * instance already holds when `module` is given. C++ cannot report a failed allocation (it aborts the instance), so
 * every call that allocates is sized here first.
 */
export function checkHeap(floats, what, module = null, extraBytes = 0) {
  const bytes = floats * 4 + extraBytes;
  // What the heap holds is at most its size (cheap to read); count it exactly (mallinfo walks every chunk, too slow
  // for every call) only when that bound does not settle the question.
  const held = !module || bytes + module.HEAPU8.length <= HEAP_LIMIT ? 0 : module.heapInUse();
  if (bytes + held > HEAP_LIMIT)
    throw new AttentionError('OUT_OF_MEMORY', `${what} needs about ${(bytes / 2 ** 30).toFixed(1)} GiB of ` +
      `WebAssembly memory${held ? ` besides the ${(held / 2 ** 30).toFixed(2)} GiB in use` : ''}, more than its ` +
      `${(HEAP_LIMIT / 2 ** 30).toFixed(2)} GiB limit: use a shorter sequence, fewer heads, or no weights/trace`);
}

// The option names each API takes, the one list (index.d.ts declares the same; a test compares them). A name not
// listed is refused: a typo such as `casual` must not silently compute something else.
const MASK_OPTIONS = ['causal', 'window', 'keyPadding', 'bias', 'biasShape', 'scale', 'impl', 'threads'];
const ATTENTION_OPTIONS = ['q', 'k', 'v', 'batch', 'qLen', 'kvLen', 'heads', 'kvHeads', 'headDim', 'valueDim',
  'returnWeights', 'returnLse', 'outputs', ...MASK_OPTIONS];
export const OPTION_NAMES = Object.freeze({
  init: ['locateFile', 'wasmBinary', 'threads'],
  attention: ATTENTION_OPTIONS,
  'kvCache.attention': ATTENTION_OPTIONS,
  window: ['size', 'left', 'right', 'align'],
  outputs: ['out', 'weights', 'lse'],
  kvCache: ['kvHeads', 'headDim', 'valueDim', 'batch'],
  'kvCache.append': ['k', 'v'],
  cost: ['dModel', 'heads', 'kvHeads', 'headDim', 'valueDim', 'layers', 'context', 'bytesPerElement', 'bias'],
  MultiHeadAttention: ['dModel', 'heads', 'kvHeads', 'headDim', 'valueDim', 'contextDim', 'bias', 'positional',
    'maxLen', 'seed', 'weights'],
  weights: ['wQ', 'wK', 'wV', 'wO', 'bQ', 'bK', 'bV', 'bO', 'positions'],
  forward: ['batch', 'length', 'context', 'contextLength', 'firstPosition', 'trace', ...MASK_OPTIONS],
  decoder: ['batch'],
  // Decoding is causal (bottom-right) over the cache, one batch set by decoder(), positions from the cache length.
  'decoder.step': ['length', 'window', 'scale', 'impl', 'threads'],
  tokenizer: ['asset'],
  encode: ['allowSpecial'],
  encodeWithOffsets: ['allowSpecial'],
  loadModel: ['nHead', 'onProgress', 'weights'],
  'model.forward': ['logits', 'attention', 'maxAttentionTokens', 'heads', 'ablate', 'residual', 'logitLens', 'traceHead', 'threads'],
  'model.generate': ['maxTokens', 'temperature', 'topK', 'topP', 'seed', 'stop', 'probabilities', 'threads'],
  createTrainer: ['layers', 'heads', 'dModel', 'seq', 'batch', 'lr', 'minLrRatio', 'warmup', 'steps', 'seed', 'initScale', 'corpusSeed',
    'repeatShare', 'chineseShare', 'spanMin', 'spanMax', 'spanGapMin', 'spanGapMax', 'spanCopies', 'spanPool', 'alternationShare', 'attentionOnly', 'threads'],
  'trainer.headScores': ['documents', 'sequences'],
  'trainer.save': ['dtype'],
  'demo.nextTokens': ['model', 'out', 'seed', 'k', 'vocabSize'],
});

/** Edit distance with adjacent transpositions (so `casual` is one edit from `causal`), case-insensitive. */
function editDistance(a, b) {
  a = a.toLowerCase(), b = b.toLowerCase();
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}

/** The known name closest to `key`, if it is close enough to be a typo of it. */
export function closestName(key, names) {
  let best = null, bestDistance = Infinity;
  for (const name of names) {
    const distance = editDistance(key, name);
    if (distance < bestDistance) best = name, bestDistance = distance;
  }
  return bestDistance <= Math.max(1, Math.min(3, Math.floor(key.length / 3))) ? best : null;
}

/**
 * The options object of API `api` (a key of OPTION_NAMES; `label` names it in messages): undefined gives {} unless
 * `required`; anything but a plain object, or a key the API does not take, is an AttentionError('INVALID_ARGUMENT')
 * naming the key and the closest known one.
 */
export function checkOptions(api, value, { label = `${api}: options`, required = false } = {}) {
  const names = OPTION_NAMES[api];
  if (value === undefined && !required) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value) || ArrayBuffer.isView(value))
    throw invalid(label, 'an object', value);
  for (const key of Object.keys(value)) {
    if (names.includes(key)) continue;
    const near = closestName(key, names);
    throw new AttentionError('INVALID_ARGUMENT', `${label}: unknown option '${key}'` +
      (near ? ` (did you mean '${near}'?)` : ` (known: ${names.join(', ')})`));
  }
  return value;
}

export function threadsOption(value, max) {
  if (value === undefined) return max;
  return Math.min(checkInt('threads', value), max);
}

/**
 * The value named `value` of one of the module's Embind enums (SdpaImpl, Align, Positional): the C++ bindings
 * register the names, so the valid ones are listed in one place and no number crosses the boundary.
 */
export function enumValue(module, enumName, option, value) {
  const e = module[enumName];
  const names = Object.getOwnPropertyNames(e).filter((k) => e[k] instanceof e);
  if (typeof value === 'string' && names.includes(value)) return e[value];
  const quoted = names.map((n) => `'${n}'`);
  throw invalid(option, `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`, value);
}

// attention()'s arguments by their C++ names (SdpaShape's fields), for the core's messages.
const ATTENTION_NAMES = { kv_heads: 'kvHeads', head_dim: 'headDim', value_dim: 'valueDim', q_len: 'qLen',
  kv_len: 'kvLen' };

export function throwIfFailed(status) {
  if (status.code !== 'OK') throw statusError(status, ATTENTION_NAMES);
}

/** Grouped-query heads: the core's rule (attn::validate_head_groups), asked before a call is sized. */
export function checkHeadGroups(module, heads, kvHeads) {
  throwIfFailed(module.validateHeadGroups(heads, kvHeads));
}

export function alignOf(module, name, value) {
  return enumValue(module, 'Align', name, value === undefined ? 'top-left' : value);
}

export function windowBound(name, value) {
  if (value === undefined || value === null) return -1;
  return checkInt(name, value, 0);
}

export function optionalFloat(name, value, what) {
  if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) throw invalid(name, what, value);
  return value;
}

/**
 * Checks the mask options shared by attention() and forward(); returns the MaskCall fields (pointers filled in
 * later) and the arrays to copy into the heap.
 */
export function prepareMask(module, o, { batch, qLen, kvLen, heads }) {
  const causalOption = o.causal ?? false;
  const causal = causalOption !== false;
  const causalAlign = alignOf(module, 'causal', causalOption === true || causalOption === false ? 'top-left' : causalOption);

  let windowLeft = -1, windowRight = -1, windowAlign = alignOf(module, 'window.align', 'top-left');
  if (o.window !== undefined && o.window !== null) {
    checkOptions('window', o.window, { label: 'window', required: true });
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
    checkAttached('keyPadding', o.keyPadding);
    const bad = Array.isArray(o.keyPadding) ? o.keyPadding.findIndex((x) => x !== 0 && x !== 1 && x !== true && x !== false) : -1;
    if (bad >= 0) throw invalid(`keyPadding[${bad}]`, '0, 1, false or true (1 = padded)', o.keyPadding[bad]);
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

export function implOf(module, value) {
  return enumValue(module, 'SdpaImpl', 'impl', value === undefined ? 'auto' : value);
}

/**
 * Resolves and checks attention() options; returns the call description for bindings.cpp plus the arrays.
 * `cache`: keys and values come from a KV cache already in the heap (its shape given), not from o.k and o.v.
 */
export function prepareAttention(module, o, cache = null) {
  checkOptions(cache ? 'kvCache.attention' : 'attention', o, { required: true });
  if (cache) {
    for (const name of ['batch', 'kvLen', 'kvHeads', 'headDim', 'valueDim', 'k', 'v'])
      if (o[name] !== undefined) throw invalid(name, "nothing: the KV cache's own shape and tokens are used", o[name]);
    o = { ...o, ...cache.shape, k: null, v: null };
  }
  const batch = checkInt('batch', o.batch ?? 1);
  const qLen = checkInt('qLen', o.qLen);
  const kvLen = checkInt('kvLen', o.kvLen ?? qLen);
  const heads = checkInt('heads', o.heads ?? 1);
  const kvHeads = checkInt('kvHeads', o.kvHeads ?? heads);
  const headDim = checkInt('headDim', o.headDim);
  const valueDim = checkInt('valueDim', o.valueDim ?? headDim);
  checkHeadGroups(module, heads, kvHeads);
  const q = checkFloat32('q', o.q, batch * qLen * heads * headDim, `[batch=${batch}, qLen=${qLen}, heads·headDim=${heads * headDim}]`);
  const k = cache ? null : checkFloat32('k', o.k, batch * kvLen * kvHeads * headDim, `[batch=${batch}, kvLen=${kvLen}, kvHeads·headDim=${kvHeads * headDim}]`);
  const v = cache ? null : checkFloat32('v', o.v, batch * kvLen * kvHeads * valueDim, `[batch=${batch}, kvLen=${kvLen}, kvHeads·valueDim=${kvHeads * valueDim}]`);
  const scale = optionalFloat('scale', o.scale, 'a finite number (default 1/√headDim)');
  const { mask, arrays } = prepareMask(module, o, { batch, qLen, kvLen, heads });
  const returnWeights = checkBool('returnWeights', o.returnWeights ?? false);
  const returnLse = checkBool('returnLse', o.returnLse ?? false);
  const outputs = o.outputs === undefined ? 'copy' : o.outputs;
  const scores = batch * heads * qLen * kvLen;
  let into = null;  // caller-owned arrays to fill: no allocation per call
  if (typeof outputs === 'object' && outputs !== null) {
    checkOptions('outputs', outputs, { label: 'outputs', required: true });
    const wanted = {
      out: [batch * qLen * heads * valueDim, `[batch=${batch}, qLen=${qLen}, heads·valueDim=${heads * valueDim}]`],
      weights: returnWeights && [scores, `[batch=${batch}, heads=${heads}, qLen=${qLen}, kvLen=${kvLen}]`],
      lse: returnLse && [batch * heads * qLen, `[batch=${batch}, heads=${heads}, qLen=${qLen}]`],
    };
    into = {};
    for (const [name, array] of Object.entries(outputs)) {
      if (!wanted[name]) throw invalid(`outputs.${name}`, `nothing (return${name === 'lse' ? 'Lse' : 'Weights'} is false)`, array);
      into[name] = checkFloat32(`outputs.${name}`, array, ...wanted[name]);
    }
  } else if (outputs !== 'copy' && outputs !== 'view') {
    throw invalid('outputs', "'copy', 'view' or { out?, weights?, lse? } arrays to fill", outputs);
  }
  const threads = threadsOption(o.threads, module.maxThreads());
  const impl = implOf(module, o.impl);
  const call = {
    batch, qLen, kvLen, heads, kvHeads, headDim, valueDim,
    hasScale: scale !== undefined, scale: scale ?? 0, impl, mask, threads,
  };
  const io = q.length + (k?.length ?? 0) + (v?.length ?? 0) + batch * qLen * heads * valueDim + (returnWeights ? scores : 0) +
    (returnLse ? batch * heads * qLen : 0) + (arrays.bias?.length ?? 0) + (arrays.keyPadding?.length ?? 0) / 4;
  // The C++ scratch, as C++ reports it (attn::sdpa_scratch_bytes).
  checkHeap(io, 'this attention call', module, module.sdpaScratchBytes(withAddresses(call, NO_POINTERS), returnWeights));
  return { call, q, k, v, ...arrays, returnWeights, returnLse, views: outputs === 'view', into };
}

export const NO_POINTERS = { q: 0, k: 0, v: 0, out: 0, weights: 0, scores: 0, lse: 0 };

/** The call with heap addresses filled in: tensors at the top level, mask arrays inside `mask`. */
export function withAddresses(call, addresses) {
  const { keyPadding = 0, bias = 0, ...tensors } = addresses;
  return { ...call, ...tensors, mask: { ...call.mask, keyPadding, bias } };
}
