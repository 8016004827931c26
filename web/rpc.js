// The page's compute client: requests to the worker (worker.js), one in flight per method; a newer request of the
// same method makes older answers stale (they reject with { stale: true }). Not the computation (worker.js).
// Not yet the package's createAttentionWorker (worker-client.js): its worker has no demo entry (teaching model and its
// embed(ids, texts), seededEmbeddings, nextTokens), no batched tokenTexts(ids) and no timed call, so each keystroke
// would need one round trip per token text; until it has them the page keeps this one-message-per-answer worker.
// Two workers of the same script, so that the two run in parallel: one holds the whole model (methods named
// model…), the other the single block of sections 3–9; a keystroke's model answer never waits behind the block's trace.
import { S } from './strings.js';

const workers = { model: new Worker('./worker.js', { type: 'module', name: 'model' }), block: new Worker('./worker.js', { type: 'module', name: 'block' }) };
const workerFor = (method) => (method.startsWith('model') ? workers.model : workers.block);
const pending = new Map();
const latest = {};
let nextId = 1;
/** Called with a message when a worker fails. */
export const onWorkerError = { handler: (message) => console.error(message) };
for (const worker of Object.values(workers)) {
  worker.onmessage = ({ data }) => {
    const p = pending.get(data.id);
    if ('progress' in data) return p?.onProgress?.(data.progress);  // a partial answer (e.g. one generated token)
    pending.delete(data.id);
    if (data.error) p.reject(Object.assign(new Error(data.error.message), data.error));
    else p.resolve(data.result);
  };
  worker.onerror = (e) => onWorkerError.handler(S.errors.workerFailed(e.message || S.errors.workerNoStart));
}
export function call(method, ...args) {
  return callWithProgress(method, undefined, ...args);
}
/** call(), with onProgress(partial) for each partial answer the worker posts before the result. */
export function callWithProgress(method, onProgress, ...args) {
  const id = nextId++;
  latest[method] = id;
  const answer = new Promise((resolve, reject) => pending.set(id, { resolve, reject, onProgress }));
  // Large inputs (a model file's bytes) move to the worker instead of being copied.
  const moved = args.flatMap((a) => (a && typeof a === 'object' ? Object.values(a).filter((v) => v instanceof ArrayBuffer) : []));
  workerFor(method).postMessage({ id, method, args }, moved);
  return answer.then((result) => {
    if (latest[method] !== id) throw Object.assign(new Error('stale'), { stale: true });
    return result;
  });
}

