// The page's service worker: it keeps the page and the package it runs in a cache, so that a learner who loaded the
// page once can reload it offline. Network first — online, every request gets the server's current file (and
// refreshes the cache) — and the cached copy only when the network fails. Cached responses keep their headers, so
// the page stays cross-origin isolated (and threaded) offline too. Not a build step: FILES is kept by hand, and
// tests/e2e/page-sources.test.mjs fails when a module the page loads is missing from it.
const CACHE = 'attention-wasm-page';
// Everything the page can load, fetched at install: the first visit is not yet controlled by this worker.
const FILES = [
  './', 'index.html', 'style.css', 'app.js', 'canvas.js', 'colours.js', 'selection.js', 'story.js', 'dom.js', 'draw.js', 'export.js', 'page.js', 'rpc.js', 'url-state.js', 'worker.js',
  'strings.js', 'strings/en.js', 'strings/zh.js', 'examples.js', 'pieces.js', 'tutorial.js', 'tutorial.zh.md', 'tutorial.en.md', 'lm.js', 'lm-worker.js', 'head-labels.js', 'forming.js', 'pixels.js', 'models/tiny-tutor.safetensors',
  'train-worker.js', 'sections/train.js',
  'sections/picker.js', 'sections/predict.js', 'sections/layers.js', 'sections/lens.js', 'sections/film.js',
  'sections/cost.js', 'sections/decode.js', 'sections/heads.js', 'sections/next-tokens.js', 'sections/positions.js',
  'sections/steps.js', 'sections/tokens.js', 'sections/variants.js', 'sections/model-steps.js', 'sections/multi-head.js',
  'dist/index.js', 'dist/version.js', 'dist/attn.mjs', 'dist/attn.wasm', 'dist/errors.js', 'dist/finalize.js', 'dist/heap.js', 'dist/tokenizer.js', 'dist/trace.js', 'dist/instance.js', 'dist/options.js', 'dist/kv-cache.js', 'dist/mha.js', 'dist/model.js', 'dist/model-file.js', 'dist/trainer.js', 'dist/demo.js',
  'dist/worker-client.js', 'dist/worker-host.js',
  'dist/gpt2-bpe.bin', 'dist/mt/attn_mt.mjs', 'dist/mt/attn_mt.wasm', 'dist/mt/attn_mt.worker.js',
];

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(fetch(request).then((response) => {
    if (response.ok) {
      const copy = response.clone();
      event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
    }
    return response;
  }, () => caches.match(request, { ignoreSearch: true }).then((cached) => cached || Response.error())));
});
