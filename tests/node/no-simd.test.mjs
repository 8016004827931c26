// init() on a runtime without WebAssembly SIMD: a clear AttentionError('UNSUPPORTED') before anything loads, and a
// later init() may try again. (Own file, so its own process: WebAssembly.validate is replaced here.)
import { test } from 'node:test';
import assert from 'node:assert/strict';

test('without WebAssembly SIMD, init() rejects with UNSUPPORTED and says what is needed', async () => {
  const validate = WebAssembly.validate;
  WebAssembly.validate = () => false;  // what a runtime without simd128 answers for the probe module
  const { init, simdSupported, AttentionError } = await import('../../dist/index.js');
  try {
    assert.equal(simdSupported(), false);
    await assert.rejects(init(), (e) => e instanceof AttentionError && e.code === 'UNSUPPORTED' &&
      /needs WebAssembly SIMD \(simd128\)/.test(e.message) && /Chrome\/Edge >= 91/.test(e.message));
  } finally {
    WebAssembly.validate = validate;
  }
  const attn = await init();  // the failed load was not cached
  assert.equal(attn.backend, 'wasm-simd128');
});
