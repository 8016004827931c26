// An instance that aborts (here: a C++ allocation far past the 2 GiB heap) is reported as AttentionError('ABORTED'),
// refuses every later call the same way, and init() replaces it with a fresh instance that gives the same bits.
// In its own file: node --test runs each file in its own process, so the aborted instance harms no other test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../dist/index.js';
import { randomArray } from './reference.mjs';

test('an aborted instance is reported, refused, and replaced by the next init()', async () => {
  const attn = await init();
  const call = { q: randomArray(2 * 8 * 16, 1), k: randomArray(2 * 8 * 16, 2), v: randomArray(2 * 8 * 16, 3),
    batch: 2, qLen: 8, heads: 2, headDim: 8, causal: true };
  const before = attn.attention(call).out;
  const huge = new attn.MultiHeadAttention({ dModel: 1, heads: 1, headDim: 2 ** 22, seed: 1 });
  assert.throws(() => huge.forward(new Float32Array(128)), (e) => e.code === 'ABORTED' && /init\(\)/.test(e.message));
  assert.throws(() => attn.attention(call), { code: 'ABORTED' });
  huge.dispose();  // freeing after the abort does not throw
  const fresh = await init();
  assert.notEqual(fresh, attn);
  assert.deepEqual(fresh.attention(call).out, before);
  assert.equal(await init(), fresh);
});
