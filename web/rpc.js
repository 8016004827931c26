// The page's compute client: the page's two workers (worker.js) behind the package's worker client
// (createAttentionWorker), and the page's one policy on top: a newer request of the same method makes older answers
// stale (they reject with { stale: true }). Not the computation (worker.js) and not a protocol (the package's).
// Two workers of the same script, so that the two run in parallel: one holds the whole model (methods named
// model…), the other the single block of sections 3–9; a keystroke's model answer never waits behind the block's trace.
import { createAttentionWorker } from '/dist/worker-client.js';
import { S } from './strings.js';

/** Called with a message when a worker fails. */
export const onWorkerError = { handler: (message) => console.error(message) };
const clients = {};
for (const name of ['model', 'block']) {
  const worker = new Worker('./worker.js', { type: 'module', name });
  worker.addEventListener('error', (e) => onWorkerError.handler(S.errors.workerFailed(e.message || S.errors.workerNoStart)));
  clients[name] = createAttentionWorker(worker);
}
const clientFor = (method) => (method.startsWith('model') ? clients.model : clients.block);
const latest = {};
let nextRequest = 1;

export function call(method, input) {
  return callWithProgress(method, undefined, input);
}
/** call(), with onProgress(partial) for each partial answer the worker posts before the result. */
export function callWithProgress(method, onProgress, input) {
  const request = nextRequest++;
  latest[method] = request;
  // Large inputs (a model file's bytes) move to the worker instead of being copied.
  const transfer = input && typeof input === 'object' ? Object.values(input).filter((v) => v instanceof ArrayBuffer) : [];
  return clientFor(method).call(method, input, { onProgress, transfer }).then((result) => {
    if (latest[method] !== request) throw Object.assign(new Error('stale'), { stale: true });
    return result;
  });
}
