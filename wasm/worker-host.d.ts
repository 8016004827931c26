// Hand-written declarations for worker-host.js: the worker side of the worker helper, for a worker script of your own
// that answers your methods next to the package's. Not the client (worker-client.d.ts).

/** What a handler is given besides its input. */
export interface WorkerHandlerContext {
  /** Posts a partial answer: the caller's onProgress gets it before the result. Typed arrays owning their buffer move. */
  progress(value: unknown): void;
}

/** One of your methods: its input as the client sent it (a structured clone); returns the answer or a promise of it. */
export type WorkerHandler = (input: any, context: WorkerHandlerContext) => unknown;

/**
 * Answers createAttentionWorker()'s requests in this worker: the package's API, and `handlers` reached with the
 * client's call(name, input, options). Call it once, when the worker script starts.
 */
export declare function serveAttentionWorker(options?: { handlers?: Record<string, WorkerHandler> }): void;
