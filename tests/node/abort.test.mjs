// An instance that aborts (here: a C++ allocation far past the 2 GiB heap, made through the bindings directly, since
// the public API sizes every call first) is reported as AttentionError('ABORTED'),
// refuses every later call the same way, and init() replaces it with a fresh instance that gives the same bits.
// In its own file: node --test runs each file in its own process, so the aborted instance harms no other test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../dist/index.js';
import { moduleOf } from '../../dist/instance.js';
import { randomArray } from './reference.mjs';

test('an aborted instance is reported, refused, and replaced by the next init()', async () => {
  const attn = await init();
  const call = { q: randomArray(2 * 8 * 16, 1), k: randomArray(2 * 8 * 16, 2), v: randomArray(2 * 8 * 16, 3),
    batch: 2, qLen: 8, heads: 2, headDim: 8, causal: true };
  const before = attn.attention(call).out;
  const huge = new (moduleOf(attn).KvCache)(1, 1, 2 ** 24, 2 ** 24);  // 16 rows of 2^25 floats: 2 GiB
  assert.throws(() => huge.append(0, 0, 1), (e) => e.code === 'ABORTED' && /init\(\)/.test(e.message));
  assert.throws(() => attn.attention(call), { code: 'ABORTED' });
  huge.delete();  // freeing after the abort does not throw
  const fresh = await init();
  assert.notEqual(fresh, attn);
  assert.deepEqual(fresh.attention(call).out, before);
  assert.equal(await init(), fresh);
});
