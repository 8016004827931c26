// attn.kvCache(): keys and values appended step by step inside the wasm heap, read in place by attention().
// Not the C++ cache (attention/kv_cache.hpp) and not the MHA block's decoder (mha.js).
import { AttentionError, checkFloat32, checkInt, invalid } from './errors.js';
import { disposed, freeWhenCollected } from './finalize.js';
import { withHeap } from './heap.js';
import { checkHeap, checkOptions, prepareAttention, throwIfFailed } from './options.js';

/** A KV cache living in the wasm heap (see Attention#kvCache). */
export class KvCache {
  #owner;
  #module;
  #cache;
  #shape;

  constructor(owner, module, shape) {
    this.#owner = owner;
    this.#module = module;
    this.#shape = shape;
    this.#cache = new module.KvCache(shape.batch, shape.kvHeads, shape.headDim, shape.valueDim);
    freeWhenCollected(this, this.#cache);
  }

  #live() {
    if (!this.#cache) throw new AttentionError('DISPOSED', 'this KV cache has been disposed');
    return this.#cache;
  }

  /** Tokens cached so far, per batch row. */
  get length() { return this.#live().length(); }
  /** Bytes the cache holds now, all batch rows: batch·length·kvHeads·(headDim + valueDim)·4. */
  get bytesInUse() { return this.#live().bytesInUse(); }
  /** { batch, kvHeads, headDim, valueDim } */
  get shape() { return { ...this.#shape }; }

  /**
   * Appends n tokens per batch row: k: [batch, n, kvHeads·headDim], v: [batch, n, kvHeads·valueDim] (n from their
   * length). Returns the new length.
   */
  append(tokens) {
    const { k, v } = checkOptions('kvCache.append', tokens, { label: 'append: tokens', required: true });
    const cache = this.#live();
    const { batch, kvHeads, headDim, valueDim } = this.#shape;
    const kRow = batch * kvHeads * headDim, vRow = batch * kvHeads * valueDim;
    if (!(k instanceof Float32Array) || k.length === 0 || k.length % kRow !== 0)
      throw invalid('k', `a Float32Array of n·${kRow} floats ([batch=${batch}, n, kvHeads·headDim=${kvHeads * headDim}])`, k);
    const n = k.length / kRow;
    checkFloat32('v', v, n * vRow, `[batch=${batch}, n=${n}, kvHeads·valueDim=${kvHeads * valueDim}]`);
    // k and v are copied in first; then the cache's growth, as C++ reports it (attn::KvCache::append_bytes).
    checkHeap(n * (kRow + vRow), 'growing the KV cache', this.#module, cache.appendBytes(n));
    const { result } = withHeap(this.#module, { k: { input: k }, v: { input: v } }, (a) => cache.append(a.k, a.v, n));
    throwIfFailed(result);
    return cache.length();
  }

  /**
   * Attention of new queries over every cached token, read in place. Options as attention() without batch, kvLen,
   * kvHeads, headDim, valueDim, k and v (the cache's own); q: [batch, qLen, heads·headDim]. `causal: true` here
   * aligns bottom-right: the queries are the cache's newest qLen tokens (append their k and v first).
   */
  attention(options) {
    const cache = this.#live();
    if (cache.length() === 0)
      throw new AttentionError('INVALID_ARGUMENT', 'this KV cache is empty: append() keys and values first');
    checkOptions('kvCache.attention', options, { required: true });
    const o = options.causal === true ? { ...options, causal: 'bottom-right' } : options;
    const p = prepareAttention(this.#module, o, { shape: { ...this.#shape, kvLen: cache.length() } });
    return this.#owner._run(p, { checkScoreRange: (call) => cache.checkScoreRange(call), sdpa: (call) => cache.attend(call) });
  }

  /** Forgets every cached token (the memory stays for reuse). */
  clear() {
    this.#live().clear();
  }

  /** Frees the wasm memory; later calls throw AttentionError('DISPOSED'). Safe to call twice. */
  dispose() {
    disposed(this);
    if (this.#cache) this.#cache.delete();
    this.#cache = null;
  }
}
if (typeof Symbol.dispose === 'symbol') KvCache.prototype[Symbol.dispose] = KvCache.prototype.dispose;
