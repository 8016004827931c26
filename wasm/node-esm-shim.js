// Linked with emcc --extern-pre-js, so it sits verbatim at the top of attn.mjs (and attn_mt.mjs).
// Emscripten 3.1.6's ES-module output uses CommonJS __dirname/require under Node and fetch()es the .wasm by a
// file: URL, which Node's fetch rejects; give it module-local stand-ins under Node. Browsers keep their own fetch.
// Synchronous (process.getBuiltinModule, Node >= 20.16): no top-level await, which a bundler's non-ES-module output
// (a Vite worker, an esbuild IIFE) cannot hold; and no import of a `node:` module for a browser bundler to resolve.
var __dirname, require, fetch = globalThis.fetch;
if (typeof process == 'object' && typeof process.versions == 'object' && typeof process.versions.node == 'string') {
  require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
  __dirname = require('node:path').dirname(require('node:url').fileURLToPath(import.meta.url));
  fetch = async (url, init) => String(url).startsWith('file:')
    ? new Response(require('node:fs').readFileSync(new URL(url)), { headers: { 'Content-Type': 'application/wasm' } })
    : globalThis.fetch(url, init);
}
