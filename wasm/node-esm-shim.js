// Linked with emcc --extern-pre-js, so it sits verbatim at the top of attn.mjs.
// Emscripten 3.1.6's ES-module output uses CommonJS __dirname/require under Node and fetch()es the .wasm by a
// file: URL, which Node's fetch rejects; give it module-local stand-ins under Node. Browsers keep their own fetch.
var __dirname, require, fetch = globalThis.fetch;
if (typeof process == 'object' && typeof process.versions == 'object' && typeof process.versions.node == 'string') {
  const nodeModule = 'node:module';  // computed, so that browser bundlers do not try to resolve it
  const { createRequire } = await import(/* webpackIgnore: true */ /* @vite-ignore */ nodeModule);
  require = createRequire(import.meta.url);
  __dirname = require('node:path').dirname(require('node:url').fileURLToPath(import.meta.url));
  fetch = async (url, init) => String(url).startsWith('file:')
    ? new Response(require('node:fs').readFileSync(new URL(url)), { headers: { 'Content-Type': 'application/wasm' } })
    : globalThis.fetch(url, init);
}
