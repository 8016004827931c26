// Hand-written TypeScript declarations for attention-wasm's public API (index.js), with the shapes of every array.
// Not generated (Emscripten 3.1.6 has no --emit-tsd) and not the Embind module's internals, which stay private.
//
// Shape letters in the comments: B batch, Lq query length, Lk key/value length, H heads, Hkv key/value heads,
// D headDim, Dv valueDim, E dModel, Ec contextDim. Every array is a flat, row-major Float32Array, so
// `q: [batch, qLen, heads·headDim]` means q[((b·qLen) + i)·heads·headDim + h·headDim + d].

declare global {
  // Symbol.dispose, for runtimes and TypeScript libs that do not declare it yet (the same declaration as
  // lib.esnext.disposable and @types/node; identical declarations merge).
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
}

/** The package version, e.g. "0.1.0". */
export declare const version: string;

/** Whether this runtime can run WebAssembly SIMD (simd128), which init() requires. Never throws. */
export declare function simdSupported(): boolean;

/**
 * O with no key beyond T's: generic option parameters (which TypeScript does not check for excess keys) use it, so
 * a typo such as `casual` for `causal` fails to compile, as it fails at run time (AttentionError INVALID_ARGUMENT).
 */
export type Exact<T, O> = O & { [K in Exclude<keyof O, keyof T>]: never };

export interface InitOptions {
  /**
   * Where the module's files are, for files hosted elsewhere: called with "attn.wasm", "attn_mt.wasm" or
   * "attn_mt.worker.js" and the folder the package would load it from. Default: the package's own files (which
   * bundlers emit and rename), in Node read from disk.
   */
  locateFile?: (path: string, prefix: string) => string;
  /** The bytes of attn.wasm, when you load them yourself (no fetch then; implies the single-thread build). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /**
   * Load the threaded build (dist/mt/). 'auto' (default): in a browser when the page is cross-origin isolated
   * (COOP/COEP); in Node only with `true`, since its thread pool keeps the process alive until process.exit().
   */
  threads?: 'auto' | boolean;
}

/**
 * Loads the WebAssembly module once; later calls return the same instance (their options are ignored).
 * Rejects with AttentionError('UNSUPPORTED') when the runtime has no WebAssembly SIMD. A failed load may be retried.
 */
export declare function init(options?: InitOptions): Promise<Attention>;

/** Error codes: bad input, an index out of range, unusable data, no SIMD, a disposed object, an asset not found. */
export type AttentionErrorCode =
  | 'INVALID_ARGUMENT'
  | 'OUT_OF_RANGE'
  | 'INVALID_DATA'
  | 'UNSUPPORTED'
  | 'DISPOSED'
  | 'NOT_FOUND'
  | 'OUT_OF_MEMORY'
  | 'WORKER_FAILED'
  | 'ABORTED'
  | (string & {});

/** Every AttentionErrorCode, as a list (the union above mirrors it; a test keeps them equal). */
export declare const ERROR_CODES: readonly AttentionErrorCode[];

/** An error from attention-wasm: `code` is machine-readable; `message` names the argument, expected and received. */
export declare class AttentionError extends Error {
  constructor(code: AttentionErrorCode, message: string, options?: { cause?: unknown });
  readonly name: 'AttentionError';
  readonly code: AttentionErrorCode;
}

// ---- masks and options shared by attention() and forward() ------------------------------------------------

/** How causal masks and windows line up when Lq ≠ Lk: 'top-left' (key j visible to query i when j ≤ i) or
 *  'bottom-right' (j ≤ i + Lk − Lq: the queries are the last Lq positions, the KV-cache case). */
export type Alignment = 'top-left' | 'bottom-right';

/** Which kernel: 'auto' (default) picks per shape; 'decode' is for one query row per head. */
export type AttentionImpl = 'auto' | 'materialized' | 'fused' | 'decode';

/** A sliding window around each query's position; a missing or null side is unbounded. */
export interface AttentionWindow {
  /** A window of `size` positions ending at the query's own (the same as left: size − 1); not with left/right. */
  size?: number;
  /** Keys at most this many positions before the query (≥ 0). */
  left?: number | null;
  /** Keys at most this many positions after the query (≥ 0). */
  right?: number | null;
  /** Default 'top-left'. */
  align?: Alignment;
}

export interface MaskOptions {
  /** true / 'top-left': key j visible to query i when j ≤ i; 'bottom-right': j ≤ i + Lk − Lq. Default false. */
  causal?: boolean | Alignment;
  window?: AttentionWindow | null;
  /** [batch, kvLen], 1 (or true) = padded key, ignored. A query with no visible key gets zeros, never NaN. */
  keyPadding?: Uint8Array | ReadonlyArray<number | boolean> | null;
  /**
   * Added to the scaled scores, broadcast like PyTorch's attn_mask: [batch|1, heads|1, qLen, kvLen] or [qLen, kvLen]
   * (−Infinity masks). Its shape is `biasShape`, else inferred from its length: [qLen, kvLen], [heads, …],
   * [batch, heads, …], then [batch, 1, …].
   */
  bias?: Float32Array | null;
  /** The bias's dims, e.g. [batch, 1, qLen, kvLen]; needed only where its length is ambiguous (batch = heads). */
  biasShape?: [number, number] | [number, number, number, number];
  /** Score scale; default 1/√headDim. Must be finite. */
  scale?: number;
  impl?: AttentionImpl;
  /** Threads for this call, at most `attn.threads` (the default). Results are the same bits for any count. */
  threads?: number;
}

// ---- attention() --------------------------------------------------------------------------------------------

export interface AttentionOptions extends MaskOptions {
  /** [batch, qLen, heads·headDim] */
  q: Float32Array;
  /** [batch, kvLen, kvHeads·headDim] */
  k: Float32Array;
  /** [batch, kvLen, kvHeads·valueDim] */
  v: Float32Array;
  /** Default 1. */
  batch?: number;
  qLen: number;
  /** Default qLen. */
  kvLen?: number;
  /** Query heads; default 1. */
  heads?: number;
  /** Key/value heads, a divisor of heads (GQA / MQA); default heads. */
  kvHeads?: number;
  headDim: number;
  /** Default headDim. */
  valueDim?: number;
  /** Also return the softmax weights [batch, heads, qLen, kvLen]. */
  returnWeights?: boolean;
  /** Also return the log-sum-exp of each row [batch, heads, qLen] (−Infinity for a fully masked row). */
  returnLse?: boolean;
  /**
   * 'copy' (default): outputs are fresh arrays. 'view': outputs are views into the wasm heap, with no copy — valid only
   * until the next attention() call on this instance, and detached by any call that grows wasm memory.
   * { out?, weights?, lse? }: these arrays (exact lengths) are filled and returned, no allocation; the rest are copies.
   */
  outputs?: 'copy' | 'view' | AttentionOutputArrays;
}

/** Caller-owned arrays attention() fills instead of allocating: reuse them across calls. */
export interface AttentionOutputArrays {
  /** [batch, qLen, heads·valueDim] */
  out?: Float32Array;
  /** [batch, heads, qLen, kvLen]; only with returnWeights. */
  weights?: Float32Array;
  /** [batch, heads, qLen]; only with returnLse. */
  lse?: Float32Array;
}

export interface AttentionResultBase {
  /** [batch, qLen, heads·valueDim] */
  out: Float32Array;
  shapes: {
    /** [batch, qLen, heads·valueDim] */
    out: [number, number, number];
    /** [batch, heads, qLen, kvLen], when weights were asked for. */
    weights?: [number, number, number, number];
    /** [batch, heads, qLen], when lse was asked for. */
    lse?: [number, number, number];
  };
  /** The kernel that ran. */
  impl: Exclude<AttentionImpl, 'auto'>;
}

/** attention()'s result; `weights` / `lse` are present (not optional) when the options literally ask for them. */
export type AttentionResult<O extends AttentionOptions = AttentionOptions> = ResultFor<O>;
/** The result for options O (of attention() or KvCache.attention()). */
type ResultFor<O> = AttentionResultBase &
  (O extends { returnWeights: true }
    ? { /** [batch, heads, qLen, kvLen] softmax weights. */ weights: Float32Array }
    : { /** [batch, heads, qLen, kvLen] softmax weights (returnWeights). */ weights?: Float32Array }) &
  (O extends { returnLse: true }
    ? { /** [batch, heads, qLen] log-sum-exp per row. */ lse: Float32Array }
    : { /** [batch, heads, qLen] log-sum-exp per row (returnLse). */ lse?: Float32Array });

// ---- kvCache() ----------------------------------------------------------------------------------------------

export interface KvCacheOptions {
  /** Key/value heads. */
  kvHeads: number;
  headDim: number;
  /** Default headDim. */
  valueDim?: number;
  /** Sequences cached together; default 1. */
  batch?: number;
}

/** KvCache.attention()'s options: attention()'s, minus what the cache supplies (its shape, k and v). */
export interface KvCacheAttentionOptions extends Omit<AttentionOptions, 'k' | 'v' | 'batch' | 'kvLen' | 'kvHeads' | 'headDim' | 'valueDim'> {
  k?: never;
  v?: never;
  batch?: never;
  kvLen?: never;
  kvHeads?: never;
  headDim?: never;
  valueDim?: never;
  /** true / 'bottom-right' (here the default alignment): the queries are the cache's newest qLen tokens. */
  causal?: boolean | Alignment;
}

/** KvCache.attention()'s result: as attention()'s, `weights` / `lse` present when literally asked for. */
export type KvCacheResult<O extends KvCacheAttentionOptions = KvCacheAttentionOptions> = ResultFor<O>;

/** Keys and values kept in wasm memory across calls. Owns wasm memory: dispose() it. */
export interface KvCache {
  /** Tokens cached so far, per batch row. */
  readonly length: number;
  /** Bytes the cache holds now, all batch rows: batch·length·kvHeads·(headDim + valueDim)·4. */
  readonly bytesInUse: number;
  readonly shape: { batch: number; kvHeads: number; headDim: number; valueDim: number };
  /** Appends n tokens per row: k: [batch, n, kvHeads·headDim], v: [batch, n, kvHeads·valueDim]. Returns the new length. */
  append(tokens: { k: Float32Array; v: Float32Array }): number;
  /** Attention of q: [batch, qLen, heads·headDim] over every cached token, read in place (only q is copied in). */
  attention<O extends KvCacheAttentionOptions>(options: Exact<KvCacheAttentionOptions, O>): KvCacheResult<O>;
  /** Forgets every cached token (the memory stays for reuse). */
  clear(): void;
  /** Frees the wasm memory; later calls throw AttentionError('DISPOSED'). Safe to call twice. */
  dispose(): void;
  [Symbol.dispose](): void;
}

// ---- cost() -------------------------------------------------------------------------------------------------

export interface CostConfig {
  dModel: number;
  heads: number;
  /** Default heads. */
  kvHeads?: number;
  /** Default dModel / heads (0 = default). */
  headDim?: number;
  /** Default headDim (0 = default). */
  valueDim?: number;
  /** Default 1. */
  layers?: number;
  /** Tokens in the context (KV cache size, full-pass FLOPs); default 1. */
  context?: number;
  /** Bytes per cached element; default 2 (fp16). */
  bytesPerElement?: number;
  /** Projections with bias vectors; default false. */
  bias?: boolean;
}

/** Parameter, FLOP and KV-cache byte counts (exact JS numbers below 2^53). */
export interface Cost {
  paramsWQ: number;
  paramsWK: number;
  paramsWV: number;
  paramsWO: number;
  paramsPerQueryHead: number;
  paramsPerLayer: number;
  paramsTotal: number;
  kvCacheBytesPerToken: number;
  kvCacheBytes: number;
  flopsProjectionsPerToken: number;
  flopsAttentionPerToken: number;
  flopsPerToken: number;
  flopsAttentionFullPass: number;
}

export interface MemoryUse {
  /** Bytes malloc'd in the wasm heap now: flat across repeated calls means nothing leaks. */
  inUse: number;
  /** The wasm heap's total size in bytes (it grows, never shrinks). */
  heap: number;
}

// ---- MultiHeadAttention ---------------------------------------------------------------------------------------

export type Positional = 'none' | 'sinusoidal' | 'learned';

/** Weights stored [in, out] row-major (Y = X·W). Biases only with `bias: true`; positions only when learned. */
export interface MhaWeightsInput {
  /** [E, H·D] */
  wQ: Float32Array;
  /** [Ec, Hkv·D] */
  wK: Float32Array;
  /** [Ec, Hkv·Dv] */
  wV: Float32Array;
  /** [H·Dv, E] */
  wO: Float32Array;
  /** [H·D] */
  bQ?: Float32Array;
  /** [Hkv·D] */
  bK?: Float32Array;
  /** [Hkv·Dv] */
  bV?: Float32Array;
  /** [E] */
  bO?: Float32Array;
  /** [maxLen, E] the learned position table. */
  positions?: Float32Array;
}

/** Copies of the weights; arrays the configuration does not use are empty (length 0). */
export interface MhaWeights {
  /** [E, H·D] */
  wQ: Float32Array;
  /** [Ec, Hkv·D] */
  wK: Float32Array;
  /** [Ec, Hkv·Dv] */
  wV: Float32Array;
  /** [H·Dv, E] */
  wO: Float32Array;
  /** [H·D] or empty */
  bQ: Float32Array;
  /** [Hkv·D] or empty */
  bK: Float32Array;
  /** [Hkv·Dv] or empty */
  bV: Float32Array;
  /** [E] or empty */
  bO: Float32Array;
  /** [maxLen, E] or empty */
  positions: Float32Array;
}

interface MultiHeadAttentionOptionsBase {
  /** E, the model width. */
  dModel: number;
  /** H; default 1. */
  heads?: number;
  /** Hkv, a divisor of heads; default heads. */
  kvHeads?: number;
  /** D; default dModel / heads (required when that is not whole). */
  headDim?: number;
  /** Dv; default headDim. */
  valueDim?: number;
  /** Ec, the width of a cross-attention context; default dModel. */
  contextDim?: number;
  /** Projections with bias vectors; default false. */
  bias?: boolean;
  /** Deterministic Xavier-uniform weights from this seed (bit-identical natively); default 0. Ignored with `weights`. */
  seed?: number;
  /** Your own weights instead of seeded ones; sizes must match the configuration. */
  weights?: MhaWeightsInput;
}

/** new MultiHeadAttention(options): a learned position table needs `maxLen` rows. */
export type MultiHeadAttentionOptions = MultiHeadAttentionOptionsBase &
  (
    | { /** Default 'none'. */ positional?: 'none' | 'sinusoidal'; maxLen?: number }
    | { positional: 'learned'; /** Rows of the learned position table. */ maxLen: number }
  );

/** The resolved configuration (defaults filled in). */
export interface MhaConfig {
  readonly dModel: number;
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly valueDim: number;
  readonly contextDim: number;
  readonly bias: boolean;
  readonly positional: Positional;
  readonly maxLen: number;
}

export interface ForwardOptions extends MaskOptions {
  /** Default 1. */
  batch?: number;
  /** Tokens per batch row; default x.length / (batch·dModel). */
  length?: number;
  /** Cross-attention: K and V come from this [batch, contextLength, contextDim] (no positions added to it). */
  context?: Float32Array | null;
  /** Default context.length / (batch·contextDim). */
  contextLength?: number;
  /** Position of the first token (for the positional encoding); default 0. */
  firstPosition?: number;
  /** Also return every intermediate of the pass. */
  trace?: boolean;
}

/** The sizes behind every trace array. kvLen = qLen for self-attention, contextLength for cross-attention. */
export interface TraceDims {
  batch: number;
  qLen: number;
  kvLen: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  valueDim: number;
  dModel: number;
}

/** Every intermediate of one forward pass, copied out. Head h of q is columns h·D … h·D + D − 1 of each row. */
export interface MhaTrace {
  /** [batch, qLen, dModel] the input x as given. */
  xIn: Float32Array;
  /** [qLen, dModel] the positional encoding added (zeros for 'none'). */
  positions: Float32Array;
  /** [batch, qLen, dModel] xIn + positions. */
  x: Float32Array;
  /** [batch, qLen, heads·headDim] */
  q: Float32Array;
  /** [batch, kvLen, kvHeads·headDim] */
  k: Float32Array;
  /** [batch, kvLen, kvHeads·valueDim] */
  v: Float32Array;
  /** [batch, heads, qLen, kvLen] q·k */
  rawScores: Float32Array;
  /** [batch, heads, qLen, kvLen] q·k · scale */
  scaledScores: Float32Array;
  /** [batch, heads, qLen, kvLen] scaled + bias, −Infinity where masked */
  maskedScores: Float32Array;
  /** [batch, heads, qLen, kvLen] softmax of maskedScores (a row with no visible key is all zeros) */
  weights: Float32Array;
  /** [batch, heads, qLen] log-sum-exp of each row */
  lse: Float32Array;
  /** [batch, qLen, heads·valueDim] per-head outputs, concatenated */
  headsOut: Float32Array;
  /** [batch, qLen, dModel] headsOut · wO (+ bO): the same as the result's `out` */
  out: Float32Array;
  /** The scale applied to q·k: the given `scale`, else 1/√headDim. */
  scale: number;
  /** [heads] the kv head each query head reads (query head h reads kvHead[h]; grouped-query attention). */
  kvHead: Uint32Array;
  /** [batch, heads, qLen, kvLen] 1 where query i may see key j (causal, window, padding, a −Infinity bias), else 0. */
  visible: Uint8Array;
  /** [batch, heads, qLen] the sum of each weights row: 1, or 0 for a row that sees no key. */
  rowSums: Float32Array;
  dims: TraceDims;
}

export interface ForwardResultBase {
  /** [batch, length, dModel] */
  out: Float32Array;
  /** [batch, length, dModel] */
  shape: [number, number, number];
}

/** forward()'s result; `trace` is present (not optional) when the options literally say `trace: true`. */
export type ForwardResult<O extends ForwardOptions = ForwardOptions> = ForwardResultBase &
  (O extends { trace: true } ? { trace: MhaTrace } : { trace?: MhaTrace });

export interface DecoderOptions {
  /** Sequences decoded together; default 1. */
  batch?: number;
}

export interface DecoderStepOptions {
  /** New tokens per batch row; default x.length / (batch·dModel). */
  length?: number;
  /** Limits how far back each new token looks (the mask is causal, bottom-right aligned). */
  window?: AttentionWindow | null;
  /** Default 1/√headDim. */
  scale?: number;
  impl?: AttentionImpl;
  /** Threads for this step, at most `attn.threads` (the default). */
  threads?: number;
}

/** A KV-cache decoder over a MultiHeadAttention's weights. Owns wasm memory: dispose() it. */
export interface Decoder {
  /** Batch rows decoded together. */
  readonly batch: number;
  /** Tokens cached so far per row: the position the next token gets. */
  readonly length: number;
  /** Bytes one token adds per row: kvHeads·(headDim + valueDim)·4. */
  readonly bytesPerToken: number;
  /** Bytes the cache holds now, all rows. */
  readonly bytesInUse: number;
  /** Appends n tokens per row and returns their outputs. x: [batch, n, dModel] → [batch, n, dModel]. */
  step(x: Float32Array, options?: DecoderStepOptions): Float32Array;
  /** Forgets every cached token. */
  reset(): void;
  /** Frees the cache; later calls throw AttentionError('DISPOSED'). Safe to call twice. */
  dispose(): void;
  [Symbol.dispose](): void;
}

/** A multi-head attention block (positions, Q/K/V projections, SDPA per head, W_o). Owns wasm memory: dispose() it. */
export interface MultiHeadAttention {
  readonly config: MhaConfig;
  /** Copies of the weights, stored [in, out]. */
  weights(): MhaWeights;
  /**
   * x: [batch, length, dModel] → out: [batch, length, dModel]. Self-attention, or cross-attention with `context`.
   * With `trace: true` the result has every intermediate.
   */
  forward<O extends ForwardOptions = {}>(x: Float32Array, options?: Exact<ForwardOptions, O>): ForwardResult<O>;
  /** A KV-cache decoder over these weights. */
  decoder(options?: DecoderOptions): Decoder;
  /** Frees the wasm memory; later calls throw AttentionError('DISPOSED'). Safe to call twice. */
  dispose(): void;
  [Symbol.dispose](): void;
}

export interface MultiHeadAttentionConstructor {
  /** Throws AttentionError('INVALID_ARGUMENT') for a bad configuration or weights of the wrong size. */
  new (options: MultiHeadAttentionOptions): MultiHeadAttention;
  readonly prototype: MultiHeadAttention;
}

// ---- tokenizer ------------------------------------------------------------------------------------------------

export type TokenizerName = 'gpt2';

export interface EncodeOptions {
  /** Read "<|endoftext|>" in the text as the special token (otherwise it is plain text). Default false. */
  allowSpecial?: boolean;
}

/** One token: its id, UTF-8 byte range and UTF-16 range [start, end) of the string, and text = slice(start, end). */
export interface TokenSpan {
  id: number;
  byteStart: number;
  byteEnd: number;
  start: number;
  end: number;
  text: string;
}

export interface EncodedWithOffsets {
  /** [tokens] */
  ids: Uint32Array;
  /** [tokens] UTF-8 byte offsets */
  byteStart: Uint32Array;
  byteEnd: Uint32Array;
  /** [tokens] UTF-16 offsets into the string */
  start: Uint32Array;
  end: Uint32Array;
  /** One entry per token. */
  tokens: TokenSpan[];
}

/** Byte-level BPE (GPT-2 vocabulary, ids equal to r50k_base). Owns wasm memory: dispose() it. */
export interface Tokenizer {
  /** Number of ids (GPT-2: 50257). */
  readonly vocabSize: number;
  /** Id of "<|endoftext|>" (50256). */
  readonly eotId: number;
  /** Token ids of `text`. */
  encode(text: string, options?: EncodeOptions): Uint32Array;
  /** Ids plus where each token came from. */
  encodeWithOffsets(text: string, options?: EncodeOptions): EncodedWithOffsets;
  /** The text of `ids`; invalid UTF-8 (a cut character) shows as U+FFFD. Throws OUT_OF_RANGE for unknown ids. */
  decode(ids: ArrayLike<number>): string;
  /** The raw UTF-8 bytes of `ids`. */
  decodeBytes(ids: ArrayLike<number>): Uint8Array;
  /** One token as display text. */
  tokenText(id: number): string;
  /** One token's raw bytes. */
  tokenBytes(id: number): Uint8Array;
  /** Frees the wasm-side tokenizer; later calls throw AttentionError('DISPOSED'). */
  dispose(): void;
  [Symbol.dispose](): void;
}

export interface TokenizerOptions {
  /** The vocabulary asset's bytes (gpt2-bpe.bin), when you load it yourself; default: read next to index.js. */
  asset?: Uint8Array | ArrayBuffer;
}

// ---- the loaded module ----------------------------------------------------------------------------------------

/** What init() resolves to. */
export interface Attention {
  /** The package version. */
  readonly version: string;
  /** The instruction set the kernels run on, e.g. "wasm-simd128". */
  readonly backend: string;
  /** Threads a call may use: 1 for the single-thread build. */
  readonly threads: number;
  /** Why the single-thread build was loaded ('' when threads are on). */
  readonly threadsReason: string;
  /** The multi-head attention block class, bound to this instance. */
  readonly MultiHeadAttention: MultiHeadAttentionConstructor;
  /**
   * Scaled dot-product attention. q: [batch, qLen, heads·headDim], k: [batch, kvLen, kvHeads·headDim],
   * v: [batch, kvLen, kvHeads·valueDim] → out: [batch, qLen, heads·valueDim]; weights: [batch, heads, qLen, kvLen];
   * lse: [batch, heads, qLen]. Outputs are copies. Throws AttentionError('INVALID_ARGUMENT') naming the argument.
   */
  attention<O extends AttentionOptions>(options: Exact<AttentionOptions, O>): AttentionResult<O>;
  /** Keys and values kept in wasm memory: append() new tokens, then attention() reads them all in place. */
  kvCache(options: KvCacheOptions): KvCache;
  /** Parameters, FLOPs and KV-cache bytes of an attention configuration. */
  cost(config: CostConfig): Cost;
  /** Memory use of the wasm instance. */
  memory(): MemoryUse;
  /**
   * A tokenizer; 'gpt2' (the default) is GPT-2's byte-level BPE. Its vocabulary, gpt2-bpe.bin, ships next to
   * index.js and is read once per instance (fetched in a browser, read from disk in Node) unless `asset` is given.
   * Rejects with AttentionError('NOT_FOUND') when the asset cannot be loaded.
   */
  tokenizer(name?: TokenizerName, options?: TokenizerOptions): Promise<Tokenizer>;
  /**
   * A GPT-2 model from a safetensors file (Hugging Face layout with or without 'transformer.'; F32, F16 or BF16);
   * without a source, the package's trained tiny model (defaultModelUrl).
   * Rejects with AttentionError('INVALID_DATA') naming the tensor and the rule a bad file breaks.
   */
  loadModel(source?: ModelSource, options?: LoadModelOptions): Promise<Gpt2Model>;
  /**
   * A GPT-2 trainer for live training on the corpus generator's toy stories (English and Chinese) and repeated
   * spans. The same options give the same model, bit for bit, for a given thread count.
   */
  createTrainer(options?: TrainerOptions): Promise<Trainer>;
}

export interface TrainerOptions {
  /** Defaults: 2 layers, 4 heads, dModel 64, seq 32, batch 16, lr 3e-3, minLrRatio 0.1, warmup 50, steps 3000 (the
   * schedule's length), seed 1, corpusSeed 1, repeatShare 0.5, chineseShare 0.35, spanMin 3, spanMax 12, spanGapMin 0, spanGapMax 0, spanCopies 2, spanPool 0,
   * alternationShare 0, attentionOnly false. */
  layers?: number;
  heads?: number;
  dModel?: number;
  seq?: number;
  batch?: number;
  lr?: number;
  /** The rate rises linearly over `warmup` steps, then follows a cosine down to lr · minLrRatio at `steps`
   * (a number in [0, 1]; 1 keeps it constant after the warm-up). */
  minLrRatio?: number;
  /** Multiplies GPT-2's initial weight spread (0.02; 0.01 for positions), in (0, 100]; default 1. */
  initScale?: number;
  warmup?: number;
  steps?: number;
  seed?: number;
  corpusSeed?: number;
  /** Share of documents that are a random span of word tokens repeated once (what induction heads need). */
  repeatShare?: number;
  /** Share of stories written in Chinese. */
  chineseShare?: number;
  /** Tokens per copy of a repeated span. */
  spanMin?: number;
  spanMax?: number;
  /** Random filler tokens between the two copies, drawn from [spanGapMin, spanGapMax] (default 0, 0: back to back).
   * A gap that varies makes the copies' distance vary, so only an induction head (not a fixed-offset one) copies. */
  spanGapMin?: number;
  spanGapMax?: number;
  /** Copies of the span per document (2 to 64), each after its own gap; default 2. */
  spanCopies?: number;
  /** Repeated spans draw from this many word tokens (0: all of them). A small pool (e.g. 24) with repeatShare 1
   * leaves the model nothing to learn in a span but copying: the task for induction heads. */
  spanPool?: number;
  /** Share of repeated-span documents that instead alternate two pool tokens (a b a b …, 8–16 tokens), in [0, 1]:
   * a head that reads the previous token predicts them by itself, and an induction head reads such a head. */
  alternationShare?: number;
  /** MLP weights start at 0 and stay there (attention-only blocks); default false. */
  attentionOnly?: boolean;
  threads?: number;
}

export interface TrainerConfig {
  layers: number;
  heads: number;
  dModel: number;
  seq: number;
  batch: number;
  vocabSize: number;
  parameters: number;
  step: number;
  /** The GPT-2 ids repeated spans draw from (the first spanPool of the corpus's word tokens): an induction probe's. */
  spanPool: Uint32Array;
}

export interface Trainer {
  readonly config: TrainerConfig;
  /** Runs n steps (default 1); loss is their mean (nats per token). */
  step(n?: number): { step: number; loss: number; lr: number; gradNorm: number };
  /** Switches heads off while training ([layers · heads], layer-major; false = off: zero output, no gradient). */
  setHeadMask(on: boolean[]): void;
  /** Every head's scores now, measured on held-out text and repeated random spans. */
  headScores(options?: { documents?: number; sequences?: number }): HeadScores;
  /** Every head's attention on GPT-2 ids (at most config.seq of them). */
  attention(ids: Uint32Array | number[]): { attention: Float32Array; unknownPositions: Uint32Array };
  /** The model as a safetensors file that loadModel() opens. */
  save(options?: { dtype?: 'F16' | 'F32' }): Uint8Array;
  dispose(): void;
  [Symbol.dispose](): void;
}

/** A model file: its bytes, a Blob/File, a fetch Response, or a URL (in Node also a file path). */
export type ModelSource = ArrayBuffer | ArrayBufferView | Blob | Response | URL | string;

export interface LoadModelOptions {
  /** Attention heads, when the file does not say (default: __metadata__ n_head, else dModel / 64). */
  nHead?: number;
  /** Called after each tensor is read: bytes of tensors read so far and in all (a Blob/File is read slice by slice). */
  onProgress?: (progress: { loaded: number; total: number }) => void;
  /**
   * How an F16 file's weights are held in memory: 'f16' (default) keeps them F16 and widens them inside the
   * matrix–vector kernels (half the bytes a decode step reads, the same results); 'f32' widens them once at load.
   * F32 and BF16 files are held as F32 either way. `config.weights` says what was kept.
   */
  weights?: 'f32' | 'f16';
}

export interface Gpt2ModelConfig {
  layers: number;
  heads: number;
  dModel: number;
  dFF: number;
  /** Rows of the embedding table (50257 for GPT-2; fewer for a restricted vocabulary). */
  vocabSize: number;
  /** The most tokens a pass may see (n_positions). */
  context: number;
  headDim: number;
  /** Whether the LM head is the token embedding (false: a distinct lm_head.weight). */
  tiedHead: boolean;
  restrictedVocab: boolean;
  /** Restricted vocabularies: the GPT-2 id of each row (empty otherwise). */
  gpt2Ids: Uint32Array;
  /** The row unknown ids map to, or −1. */
  unkRow: number;
  /**
   * The in-memory format of the matrices a decode step reads (each block's 4 projections and the head): 'f16',
   * 'f32', or 'mixed' (an F16 file with a tensor holding ±∞ or NaN, kept as F32).
   */
  weights: 'f32' | 'f16' | 'mixed';
}

export interface ModelForwardOptions {
  /** Which positions get logits: 'last' (default), 'all' or 'none'. */
  logits?: 'none' | 'last' | 'all';
  /** Every layer × head attention matrix (when the ids are at most maxAttentionTokens, default 256). */
  attention?: boolean;
  maxAttentionTokens?: number;
  /** [layer, head] pairs whose attention is kept at any length. */
  heads?: Array<[number, number]>;
  /** [layer, head] pairs switched off: their output is zeroed before the attention's output projection. */
  ablate?: Array<[number, number]>;
  /** The residual stream entering each block and after the last: [layers + 1, T, dModel]. */
  residual?: boolean;
  /** Each depth's residual of the last token through ln_f and the head: [layers + 1, vocabSize]. */
  logitLens?: boolean;
  /** [layer, head]: that one head step by step (ModelHeadTrace), for this call's tokens. */
  traceHead?: [number, number];
  threads?: number;
}

/**
 * One head of one layer step by step: X → Q, K, V → scores → ÷√d → mask → softmax → ·V. T = the call's tokens; the
 * weights are the forward's own, out the head's output before any ablation zeroes it.
 */
export interface ModelHeadTrace {
  layer: number;
  head: number;
  headDim: number;
  /** 1/√headDim. */
  scale: number;
  /** [T, dModel] ln_1 of the residual entering the layer: the X of Q = X·W_q. */
  input: Float32Array;
  /** [T, headDim] each. */
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  /** [T, T]: Q·Kᵀ, then · scale, then −∞ above the diagonal (causal), then softmax of each row. */
  rawScores: Float32Array;
  scaledScores: Float32Array;
  maskedScores: Float32Array;
  weights: Float32Array;
  /** [T, headDim] weights · V. */
  out: Float32Array;
}

export interface ModelForwardResult {
  /** [vocabSize] for the last token, or [T, vocabSize] with logits: 'all'; empty with 'none'. */
  logits: Float32Array;
  /** [layers, heads, T, T] when allHeads, else [heads.length, T, T]; absent when no attention was asked for. */
  attention?: Float32Array;
  allHeads: boolean;
  residual: Float32Array;
  logitLens: Float32Array;
  /** Positions whose id the (restricted) vocabulary does not hold: they were read as UNK. */
  unknownPositions: Uint32Array;
  /** With traceHead: that head step by step. */
  headTrace?: ModelHeadTrace;
}

export interface GenerateOptions {
  /** At most this many tokens (default 16). */
  maxTokens?: number;
  /** 0 = greedy; default 1. */
  temperature?: number;
  /** Keep the k most likely tokens (0, the default, keeps all). */
  topK?: number;
  /** Keep the fewest most likely tokens whose probability reaches topP (default 1). */
  topP?: number;
  /** The same seed gives the same tokens, natively and in wasm (default 0). */
  seed?: number;
  /** GPT-2 ids that end generation (the stop token is yielded). */
  stop?: number[];
  /** Also yield the step's probabilities over the vocabulary. */
  probabilities?: boolean;
  threads?: number;
}

export interface GenerationStep {
  /** The GPT-2 id chosen. */
  id: number;
  /** Its probability (after temperature). */
  probability: number;
  /** Tokens the model has read after this step's input. */
  position: number;
  probabilities?: Float32Array;
}

export interface Gpt2Model {
  readonly config: Gpt2ModelConfig;
  /** The file's __metadata__ strings (empty object when it has none). */
  readonly metadata: Record<string, string>;
  /** Our trained models: every head's measured scores (train/head_report.hpp's JSON); null for other files. */
  readonly headScores: HeadScores | null;
  /** Our trained models: the mean training loss every `every` steps and the held-out loss; null otherwise. */
  readonly lossCurve: { train: LossCurve | null; heldout: LossCurve | null } | null;
  /** Our trained models: every head's attention on fixed probe sentences at log-spaced steps; null otherwise. */
  readonly film: TrainingFilm | null;
  /** One pass over GPT-2 token ids (at most config.context of them). */
  forward(ids: Uint32Array | number[], options?: ModelForwardOptions): ModelForwardResult;
  /**
   * One sequence read a piece at a time: the keys and values of every token are kept, so an edited text is re-read
   * from its first changed token only (truncate, then append the rest).
   */
  session(): ModelSession;
  /** Generates after ids, one token per iteration (a KV cache per layer; each step reads one token). */
  generate(ids: Uint32Array | number[], options?: GenerateOptions): AsyncGenerator<GenerationStep, void, void>;
  /** Frees the model's wasm memory; later calls throw AttentionError('DISPOSED'). */
  dispose(): void;
  [Symbol.dispose](): void;
}

export interface ModelSession {
  /** Tokens kept (read so far and not truncated). */
  readonly position: number;
  /**
   * Reads ids after the kept tokens: forward()'s options and result for the new tokens (T = ids.length), with the
   * keys being every kept token too: attention [layers, heads, T, position], headTrace's k and v [position, headDim].
   */
  append(ids: Uint32Array | number[], options?: ModelForwardOptions): ModelForwardResult;
  /** Forgets the tokens from `position` on (a position past the end changes nothing). */
  truncate(position: number): void;
  /** Frees its KV caches (the model's dispose() frees them too). */
  dispose(): void;
}

export interface LossCurve {
  every: number;
  values: number[];
}

/** Per-head arrays are [layers · heads], head (l, h) at l · heads + h. */
export interface HeadLift {
  /** Attention mass on the key words minus the same head's mass at the same offsets from ordinary rows. */
  lift: number[];
  mass: number[];
  /** Mean probability of a right next token at the probe rows (after a noun: any of its cue adjectives' verbs). */
  p_next: number;
  probes: number;
}

export interface HeadScores {
  layers: number;
  heads: number;
  previous_token: number[];
  induction: number[];
  /** Mean loss (nats) inside the second copy of repeated random tokens. */
  induction_loss: number;
  /** Noun → its cue adjectives (quality and colours, whose verbs may follow; not the size word), minus the
   * positional control. */
  noun_adjective_en: HeadLift;
  noun_adjective_zh: HeadLift;
  pronoun_antecedent_en: HeadLift;
  pronoun_antecedent_zh: HeadLift;
  /** Noun → its quality adjective alone (one of the cues; noun_adjective_* counts every cue). */
  noun_quality_en: HeadLift;
  noun_quality_zh: HeadLift;
}

export interface TrainingFilm {
  /** The training step of each frame. */
  steps: number[];
  /** Per probe sentence: its GPT-2 ids (BOS first) and frames [steps, layers · heads, T·(T+1)/2]: causal rows one
   * after another, weight = byte / 255. */
  probes: Array<{ ids: Uint32Array; frames: Uint8Array }>;
}

/** A score tensor of a trace: [batch, heads, qLen, kvLen]. */
export type TraceScoreName = 'rawScores' | 'scaledScores' | 'maskedScores' | 'weights';
/**
 * Head h's part of a traced tensor (batch row b, default 0): score tensors and `visible` → [qLen, kvLen] (a view);
 * `lse`, `rowSums` → [qLen] (a view); `q`, `headsOut` → [qLen, dim]; `k`, `v` → [kvLen, dim] of the kv head h reads.
 */
export declare function headSlice(trace: MhaTrace, name: TraceScoreName | 'lse' | 'rowSums', h: number, b?: number): Float32Array;
export declare function headSlice(trace: MhaTrace, name: 'visible', h: number, b?: number): Uint8Array;
export declare function headSlice(trace: MhaTrace, name: 'q' | 'k' | 'v' | 'headsOut', h: number, b?: number): Float32Array;
/** The mean over `heads` (default all) of a score tensor (default 'weights') for batch row b: [qLen, kvLen]. */
/** The package's trained tiny GPT-2 (dist/tiny-tutor.safetensors): what loadModel() opens by default. */
export declare const defaultModelUrl: URL;
export declare function headAverage(trace: MhaTrace, name?: TraceScoreName, options?: { heads?: number[]; b?: number }): Float32Array;
/** The largest |b[h][i][j] − a[h][perm i][perm j]| over heads (token p of b is token perm[p] of a). */
export declare function permutationDiff(a: MhaTrace, b: MhaTrace, perm: number[], name?: TraceScoreName): { worst: number; perHead: number[] };
