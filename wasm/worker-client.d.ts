// Hand-written declarations for worker-client.js: the API of index.d.ts, run in a Web Worker, returning promises.
// Not the worker side (worker.js has no exports) and not a Node API (Node has no Web Worker).
import type {
  AttentionOptions, AttentionResult, Cost, CostConfig, DecoderOptions, DecoderStepOptions, EncodeOptions,
  EncodedWithOffsets, ForwardOptions, ForwardResult, KvCacheAttentionOptions, KvCacheOptions, KvCacheResult, MemoryUse,
  MhaConfig, MhaWeights, MultiHeadAttentionOptions, TokenizerName, Exact,
} from './index.js';

/** A KvCache living in the worker (see KvCache in index.d.ts). */
export interface RemoteKvCache {
  readonly id: number;
  readonly shape: { batch: number; kvHeads: number; headDim: number; valueDim: number };
  /** Appends n tokens per row; resolves to the new length. */
  append(tokens: { k: Float32Array; v: Float32Array }): Promise<number>;
  attention<O extends KvCacheAttentionOptions>(options: Exact<KvCacheAttentionOptions, O>): Promise<KvCacheResult<O>>;
  clear(): Promise<void>;
  /** Tokens cached so far per row. */
  length(): Promise<number>;
  bytesInUse(): Promise<number>;
  dispose(): Promise<void>;
}

/** A Decoder living in the worker (see Decoder in index.d.ts). */
export interface RemoteDecoder {
  /** The object's id in the worker. */
  readonly id: number;
  readonly batch: number;
  /** Bytes one token adds per row. */
  readonly bytesPerToken: number;
  /** x: [batch, n, dModel] → [batch, n, dModel]. */
  step(x: Float32Array, options?: DecoderStepOptions): Promise<Float32Array>;
  reset(): Promise<void>;
  /** Tokens cached so far per row. */
  length(): Promise<number>;
  bytesInUse(): Promise<number>;
  dispose(): Promise<void>;
}

/** A MultiHeadAttention living in the worker (see MultiHeadAttention in index.d.ts). */
export interface RemoteMultiHeadAttention {
  readonly id: number;
  readonly config: MhaConfig;
  /** x: [batch, length, dModel] → out: [batch, length, dModel] (+ trace with `trace: true`), transferred back. */
  forward<O extends ForwardOptions = {}>(x: Float32Array, options?: Exact<ForwardOptions, O>): Promise<ForwardResult<O>>;
  weights(): Promise<MhaWeights>;
  decoder(options?: DecoderOptions): Promise<RemoteDecoder>;
  dispose(): Promise<void>;
}

/** A Tokenizer living in the worker (see Tokenizer in index.d.ts). */
export interface RemoteTokenizer {
  readonly id: number;
  readonly vocabSize: number;
  readonly eotId: number;
  encode(text: string, options?: EncodeOptions): Promise<Uint32Array>;
  encodeWithOffsets(text: string, options?: EncodeOptions): Promise<EncodedWithOffsets>;
  decode(ids: ArrayLike<number>): Promise<string>;
  decodeBytes(ids: ArrayLike<number>): Promise<Uint8Array>;
  tokenText(id: number): Promise<string>;
  tokenBytes(id: number): Promise<Uint8Array>;
  dispose(): Promise<void>;
}

export interface AttentionWorker {
  /** The underlying module Worker. */
  readonly worker: Worker;
  /** Loads the module in the worker (also done on first use); resolves to its version and backend. */
  ready(): Promise<{ version: string; backend: string; threads: number; threadsReason: string }>;
  /** attention() in the worker; rejects with AttentionError exactly where attention() would throw. */
  attention<O extends AttentionOptions>(options: Exact<AttentionOptions, O>): Promise<AttentionResult<O>>;
  cost(config: CostConfig): Promise<Cost>;
  memory(): Promise<MemoryUse>;
  createMultiHeadAttention(options: MultiHeadAttentionOptions): Promise<RemoteMultiHeadAttention>;
  tokenizer(name?: TokenizerName): Promise<RemoteTokenizer>;
  kvCache(options: KvCacheOptions): Promise<RemoteKvCache>;
  /** Stops the worker; pending and later calls reject with AttentionError('DISPOSED'). */
  terminate(): void;
}

/**
 * Starts attention-wasm in a module Web Worker. `worker`: the URL of worker.js (default: next to this file),
 * or a module Worker you made. Inputs are copied to the worker; typed-array results are transferred back.
 */
export declare function createAttentionWorker(worker?: string | URL | Worker): AttentionWorker;
