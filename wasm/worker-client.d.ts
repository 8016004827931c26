// Hand-written declarations for worker-client.js: the API of index.d.ts, run in a Web Worker, returning promises.
// Not the worker side (worker-host.d.ts) and not a Node API (Node has no Web Worker).
import type {
  AttentionOptions, AttentionResult, Cost, CostConfig, DecoderOptions, DecoderStepOptions, EncodeOptions,
  EncodedWithOffsets, ForwardOptions, ForwardResult, GenerateOptions, GenerationStep, Gpt2Model, KvCacheAttentionOptions,
  KvCacheOptions, KvCacheResult, LoadModelOptions, MemoryUse, MhaConfig, MhaWeights, ModelForwardOptions,
  ModelForwardResult, ModelSource, MultiHeadAttentionOptions, TokenizerName, Exact,
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

/** A ModelSession living in the worker (see ModelSession in index.d.ts). */
export interface RemoteModelSession {
  readonly id: number;
  /** Tokens kept (read so far and not truncated). */
  position(): Promise<number>;
  /** Reads ids after the kept tokens; the result's arrays are transferred back. */
  append(ids: Uint32Array | number[], options?: ModelForwardOptions): Promise<ModelForwardResult>;
  truncate(position: number): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A Gpt2Model living in the worker (see Gpt2Model in index.d.ts): the same properties, copied when it loaded, and
 * the same calls returning promises. Results' typed arrays are transferred back.
 */
export interface RemoteModel extends Readonly<Pick<Gpt2Model, 'config' | 'metadata' | 'headScores' | 'lossCurve' | 'film'>> {
  readonly id: number;
  forward(ids: Uint32Array | number[], options?: ModelForwardOptions): Promise<ModelForwardResult>;
  session(): Promise<RemoteModelSession>;
  /** One step per message: each iteration asks the worker for the next token; a `break` ends it there. */
  generate(ids: Uint32Array | number[], options?: GenerateOptions): AsyncIterableIterator<GenerationStep>;
  /** Frees the model's wasm memory in the worker (its sessions too); later calls reject with 'DISPOSED'. */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** call()'s options: progress reports of the handler, and buffers of the input to move instead of copy. */
export interface CallOptions<P = unknown> {
  onProgress?: (progress: P) => void;
  transfer?: Transferable[];
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
  /**
   * loadModel() in the worker. A URL string is read relative to the page (not to the worker script); the bytes of an
   * ArrayBuffer or typed array are copied, a Blob/File is read in the worker slice by slice. onProgress gets each
   * { loaded, total } the worker reports. Rejects with the AttentionError loadModel() throws (e.g. 'INVALID_DATA').
   */
  loadModel(source?: ModelSource, options?: LoadModelOptions): Promise<RemoteModel>;
  /**
   * One of your own handlers, served in the same worker by serveAttentionWorker({ handlers }) (worker-host.js):
   * resolves to what handlers[name](input, { progress }) returns. Rejects with its error (code, message and its own
   * other fields), or AttentionError('INVALID_ARGUMENT') for a name the worker does not serve.
   */
  call<T = unknown, P = unknown>(name: string, input?: unknown, options?: CallOptions<P>): Promise<T>;
  /** Stops the worker; pending and later calls reject with AttentionError('DISPOSED'). */
  terminate(): void;
}

/**
 * Starts attention-wasm in a module Web Worker. `worker`: the URL of worker.js (default: next to this file),
 * or a module Worker you made. Inputs are copied to the worker; typed-array results are transferred back.
 */
export declare function createAttentionWorker(worker?: string | URL | Worker): AttentionWorker;
