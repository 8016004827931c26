// The MultiHeadAttention class (and its KV-cache Decoder) bound to one wasm instance: config and weight checks,
// forward with an optional trace, decoding. Not the C++ block (attention/mha.hpp) and not option rules (options.js).
import { AttentionError, checkAttached, checkBool, checkFloat32, checkInt, invalid } from './errors.js';
import { disposed, freeWhenCollected } from './finalize.js';
import { withHeap } from './heap.js';
import { NO_POINTERS, checkHeap, checkOptions, enumValue, implOf, optionalFloat, prepareMask, threadsOption,
  withAddresses } from './options.js';

const WEIGHT_NAMES = { wQ: 'w_q', wK: 'w_k', wV: 'w_v', wO: 'w_o', bQ: 'b_q', bK: 'b_k', bV: 'b_v', bO: 'b_o', positions: 'positions' };
// The C++ block's messages name its fields; the JS caller knows them by these names.
const JS_NAMES = { ...Object.fromEntries(Object.entries(WEIGHT_NAMES).map(([js, cpp]) => [cpp, `weights.${js}`])),
  max_len: 'maxLen', d_model: 'dModel', kv_heads: 'kvHeads', head_dim: 'headDim', value_dim: 'valueDim',
  context_dim: 'contextDim', first_position: 'firstPosition', q_len: 'length', context_len: 'contextLength' };

/** A forward call to size before its arrays are placed in the heap (every address 0). */
const sizing = (call) => withAddresses(call, NO_POINTERS);

function throwIfFailed(status) {
  if (status.code !== 'OK')
    throw new AttentionError(status.code, status.message.replace(/\b[a-z]+_[a-z_]+\b/g, (w) => JS_NAMES[w] ?? w));
}

function prepareMhaConfig(module, o) {
  checkOptions('MultiHeadAttention', o, { required: true });
  const dModel = checkInt('dModel', o.dModel);
  const heads = checkInt('heads', o.heads ?? 1);
  const kvHeads = checkInt('kvHeads', o.kvHeads ?? heads);
  throwIfFailed(module.validateHeadGroups(heads, kvHeads));  // the core's rule, before anything is sized
  // headDim sizes the weights, so the core's rule for its default is asked before anything is sized.
  const givenHeadDim = o.headDim === undefined ? 0 : checkInt('headDim', o.headDim);
  throwIfFailed(module.validateHeadDim(dModel, heads, givenHeadDim));
  const headDim = givenHeadDim || dModel / heads;
  const valueDim = checkInt('valueDim', o.valueDim ?? headDim);
  const contextDim = checkInt('contextDim', o.contextDim ?? dModel);
  const positionalName = o.positional ?? 'none';
  const positional = enumValue(module, 'Positional', 'positional', positionalName);
  if (positionalName !== 'learned' && o.maxLen !== undefined)
    throw invalid('maxLen', `nothing: only learned positions have a table (positional is '${positionalName}')`, o.maxLen);
  const maxLen = positionalName === 'learned' ? checkInt('maxLen', o.maxLen) : 0;
  const bias = checkBool('bias', o.bias ?? false);
  const seed = o.seed === undefined ? 0 : o.seed;
  if (!Number.isSafeInteger(seed) || seed < 0) throw invalid('seed', 'a non-negative safe integer', seed);
  // The four matrices twice (as given, and packed for the projections; attention/mha.hpp) and the position table.
  checkHeap(2 * (dModel * heads * headDim + contextDim * kvHeads * (headDim + valueDim) + heads * valueDim * dModel) +
    maxLen * dModel, 'this MultiHeadAttention');
  return { dModel, heads, kvHeads, headDim, valueDim, contextDim, maxLen, bias, positional, positionalName, seed };
}

const hasNaN = (a) => a.some(Number.isNaN);
const allFinite = (a) => a.every(Number.isFinite);

/**
 * A NaN output from finite inputs and weights means the projected scores passed float32's range (the block's
 * masks give zeros, never NaN, for a query with no visible key): refused with the reason instead of returned.
 * The scores depend on the weights, so unlike attention() this is checked after the call.
 */
function refuseOverflow(out, finiteWeights, inputs, after = '') {
  if (finiteWeights && hasNaN(out) && inputs.every((a) => !a || allFinite(a)))
    throw new AttentionError('INVALID_ARGUMENT', 'x: the attention scores of these inputs pass float32\'s largest value ' +
      `(3.4e38), where the softmax has no finite answer: scale x (or scale) down${after}`);
}

export function makeMultiHeadAttention(module) {
  /** Checks forward()/step() options; returns the ForwardCall (pointers 0) and arrays to copy in. */
  function prepareForward(config, x, o, { allowContext }) {
    const { dModel, contextDim, heads } = config;
    const batch = checkInt('batch', o.batch ?? 1);
    if (!(x instanceof Float32Array)) throw invalid('x', `a Float32Array [batch, length, dModel=${dModel}]`, x);
    const qLen = checkInt('length', o.length ?? x.length / (batch * dModel));
    checkFloat32('x', x, batch * qLen * dModel, `[batch=${batch}, length=${qLen}, dModel=${dModel}]`);
    let context = o.context, contextLen = 0;
    if (context !== undefined && context !== null) {
      if (!allowContext) throw invalid('context', 'no context (decoding is self-attention)', context);
      if (!(context instanceof Float32Array)) throw invalid('context', `a Float32Array [batch, contextLength, contextDim=${contextDim}]`, context);
      contextLen = checkInt('contextLength', o.contextLength ?? context.length / (batch * contextDim));
      checkFloat32('context', context, batch * contextLen * contextDim, `[batch=${batch}, contextLength=${contextLen}, contextDim=${contextDim}]`);
    } else context = undefined;
    const scale = optionalFloat('scale', o.scale, 'a finite number (default 1/√headDim)');
    const firstPosition = checkInt('firstPosition', o.firstPosition ?? 0, 0);
    const { mask, arrays } = prepareMask(module, o, { batch, qLen, kvLen: contextLen || qLen, heads });
    const call = {
      batch, qLen, contextLen, firstPosition, hasScale: scale !== undefined, scale: scale ?? 0, impl: implOf(module, o.impl),
      mask, x: 0, context: 0, out: 0, threads: threadsOption(o.threads, module.maxThreads()),
    };
    return { call, x, context, arrays, shape: [batch, qLen, dModel],
      io: x.length * 2 + (context?.length ?? 0) + (arrays.bias?.length ?? 0) + (arrays.keyPadding?.length ?? 0) / 4 };
  }

  function run(p, fn) {
    const spec = {
      x: { input: p.x }, context: p.context && { input: p.context },
      keyPadding: p.arrays.keyPadding && { input: p.arrays.keyPadding }, bias: p.arrays.bias && { input: p.arrays.bias },
      out: { output: [Float32Array, p.shape[0] * p.shape[1] * p.shape[2]] },
    };
    return withHeap(module, spec, (a) => fn({ ...p.call, x: a.x, context: a.context ?? 0, out: a.out,
      mask: { ...p.call.mask, keyPadding: a.keyPadding ?? 0, bias: a.bias ?? 0 } }));
  }

  class Decoder {
    #cache;
    #owner;
    constructor(owner, cache, batch) {
      this.#owner = owner;
      this.#cache = cache;
      freeWhenCollected(this, cache);
      /** Batch rows decoded together. */
      this.batch = batch;
    }

    #live() {
      if (!this.#cache) throw new AttentionError('DISPOSED', 'this decoder has been disposed');
      return this.#cache;
    }

    /** Tokens in the cache so far (the position the next token gets). */
    get length() { return this.#live().length(); }
    /** Bytes one token adds to the cache per sequence: kvHeads·(headDim + valueDim)·4. */
    get bytesPerToken() { return this.#live().bytesPerToken(); }
    /** Bytes the cache holds now, all batch rows. */
    get bytesInUse() { return this.#live().bytesInUse(); }

    /**
     * Appends n new tokens per batch row and returns their outputs. x: [batch, n, dModel] → [batch, n, dModel].
     * Causal, aligned bottom-right; `window` may limit how far back each token looks.
     */
    step(x, options) {
      checkOptions('decoder.step', options, { label: 'step: options' });
      const cache = this.#live();
      const p = prepareForward(this.#owner.config, x, { ...options, batch: this.batch }, { allowContext: false });
      // Its scratch and the cache's growth, as C++ reports them (MultiHeadAttention::decode_bytes).
      checkHeap(p.io, 'this decoding step', module, this.#owner._handle().decodeBytes(cache, sizing(p.call)));
      const { result, outputs } = run(p, (call) => this.#owner._handle().decode(cache, call));
      throwIfFailed(result);
      refuseOverflow(outputs.out, this.#owner._finiteWeights(), [x],
        ' (the cache already holds these tokens: reset() the decoder before going on)');
      return outputs.out;
    }

    /** Forgets every cached token. */
    reset() { this.#live().clear(); }

    dispose() {
      disposed(this);
      if (this.#cache) this.#cache.delete();
      this.#cache = null;
    }
  }

  class MultiHeadAttention {
    #handle;
    #finiteWeights = true;  // seeded weights are; given ones are checked once

    /**
     * @param {object} options dModel, heads, kvHeads, headDim, valueDim, contextDim, bias, positional
     *   ('none' | 'sinusoidal' | 'learned'), maxLen, and seed (deterministic weights) or weights
     *   ({ wQ, wK, wV, wO, bQ?, bK?, bV?, bO?, positions? } as Float32Arrays, stored [in, out]).
     */
    constructor(options) {
      const c = prepareMhaConfig(module, options);
      const handle = new module.Mha();
      const call = { dModel: c.dModel, heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim, valueDim: c.valueDim,
        contextDim: c.contextDim, maxLen: c.maxLen, bias: c.bias, positional: c.positional };
      let status;
      if (options.weights !== undefined) {
        const w = options.weights, named = {};
        try {
          checkOptions('weights', w, { label: 'weights', required: true });
          for (const [js, cpp] of Object.entries(WEIGHT_NAMES)) {
            if (w[js] === undefined) continue;
            if (!(w[js] instanceof Float32Array)) throw invalid(`weights.${js}`, 'a Float32Array', w[js]);
            named[cpp] = checkAttached(`weights.${js}`, w[js]);
          }
        } catch (error) {
          handle.delete();
          throw error;
        }
        status = handle.initWeights(call, named);
        this.#finiteWeights = Object.values(named).every(allFinite);
      } else status = handle.initRandom(call, c.seed);
      if (status.code !== 'OK') {
        handle.delete();
        throwIfFailed(status);
      }
      this.#handle = handle;
      freeWhenCollected(this, handle);
      /** The resolved configuration. */
      this.config = Object.freeze({ dModel: c.dModel, heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim,
        valueDim: c.valueDim, contextDim: c.contextDim, bias: c.bias, positional: c.positionalName, maxLen: c.maxLen });
    }

    /** @internal Whether every weight is finite (for the overflow check of decoding). */
    _finiteWeights() { return this.#finiteWeights; }

    /** @internal */
    _handle() {
      if (!this.#handle) throw new AttentionError('DISPOSED', 'this MultiHeadAttention has been disposed');
      return this.#handle;
    }

    /** Copies of the weights, stored [in, out]: { wQ, wK, wV, wO, bQ, bK, bV, bO, positions }. */
    weights() {
      const w = this._handle().weights(), out = {};
      for (const [js, cpp] of Object.entries(WEIGHT_NAMES)) out[js] = w[cpp];
      return out;
    }

    /**
     * x: [batch, length, dModel] → { out: [batch, length, dModel], shape, trace? }. Options: batch, length,
     * context (cross-attention K/V source [batch, contextLength, contextDim]), causal, window, keyPadding, bias,
     * scale, firstPosition, impl, trace (every intermediate of the pass).
     */
    forward(x, options) {
      options = checkOptions('forward', options);
      const handle = this._handle();
      const p = prepareForward(this.config, x, options, { allowContext: true });
      const wantTrace = checkBool('trace', options.trace ?? false);
      checkHeap(p.io, wantTrace ? 'this traced forward pass' : 'this forward pass', module,
        handle.forwardBytes(sizing(p.call), wantTrace));  // as C++ reports it (MultiHeadAttention::forward_bytes)
      const { result, outputs } = run(p, (call) => (wantTrace ? handle.forwardTrace(call) : { status: handle.forward(call) }));
      throwIfFailed(result.status);
      refuseOverflow(outputs.out, this.#finiteWeights, [x, p.context, p.arrays.bias && p.arrays.bias.map((b) => (b === -Infinity ? 0 : b))]);
      const answer = { out: outputs.out, shape: p.shape };
      if (wantTrace) {
        const { batch, qLen } = p.call, kvLen = p.call.contextLen || qLen;
        const { heads, kvHeads, headDim, valueDim, dModel } = this.config;
        answer.trace = { ...result.trace, dims: { batch, qLen, kvLen, heads, kvHeads, headDim, valueDim, dModel } };
      }
      return answer;
    }

    /** A KV-cache decoder over this module's weights; dispose() it when done. */
    decoder(options) {
      const { batch = 1 } = checkOptions('decoder', options);
      this._handle();
      checkInt('batch', batch);
      const { kvHeads, headDim, valueDim } = this.config;
      return new Decoder(this, new module.KvCache(batch, kvHeads, headDim, valueDim), batch);
    }

    /** Frees the wasm memory; later calls throw AttentionError('DISPOSED'). Safe to call twice. */
    dispose() {
      disposed(this);
      if (this.#handle) this.#handle.delete();
      this.#handle = null;
    }
  }
  if (typeof Symbol.dispose === 'symbol') {
    MultiHeadAttention.prototype[Symbol.dispose] = MultiHeadAttention.prototype.dispose;
    Decoder.prototype[Symbol.dispose] = Decoder.prototype.dispose;
  }
  return MultiHeadAttention;
}
