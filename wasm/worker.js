// The worker script of attention-wasm's worker helper: createAttentionWorker() (worker-client.js) starts it as a
// module worker from next to itself. It serves the package alone; the protocol and the allowlist are worker-host.js's.
// To host it elsewhere, serve this folder's files together and pass this file's URL; to answer your own methods in
// the same worker, write your own worker script that calls serveAttentionWorker({ handlers }).
import { serveAttentionWorker } from './worker-host.js';

serveAttentionWorker();
