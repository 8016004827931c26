// Memory given back without dispose(): objects dropped without it are freed once garbage-collected
// (wasm/finalize.js), and a tokenizer frees a huge text's scratch after the call. Not the disposal API itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { init } from '../../dist/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');

/** Collects until the registry's callbacks (which run in later tasks) have freed what they will. */
async function collect() {
  for (let i = 0; i < 6; i++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('undisposed MultiHeadAttention, Decoder, KvCache, tokenizer and trainer objects are freed when collected', async () => {
  const attn = await init();
  const trainer = { layers: 1, heads: 2, dModel: 16, seq: 8, batch: 2 };
  (await attn.createTrainer(trainer)).dispose();  // the first trainer builds tables that stay for the instance
  await collect();
  const before = attn.memory().inUse;
  await (async () => {
    for (let i = 0; i < 20; i++) {
      const m = new attn.MultiHeadAttention({ dModel: 64, heads: 4, seed: i });
      m.decoder().step(new Float32Array(64));
      attn.kvCache({ kvHeads: 2, headDim: 16 }).append({ k: new Float32Array(64), v: new Float32Array(64) });
    }
    await attn.tokenizer('gpt2');
    await attn.createTrainer(trainer);
  })();
  const held = attn.memory().inUse;
  assert.ok(held - before > 20 * 16_000, `the dropped objects hold memory before a collection (${held - before} B)`);
  await collect();
  assert.equal(attn.memory().inUse, before, 'all of it is freed once they are collected');
});

test('a disposed object is not freed a second time when collected', async () => {
  const attn = await init();
  await collect();
  const before = attn.memory().inUse;
  (() => {
    const m = new attn.MultiHeadAttention({ dModel: 16, heads: 2 });
    m.dispose();
  })();
  const kept = new attn.MultiHeadAttention({ dModel: 16, heads: 2 });  // allocated where the first one was
  await collect();
  assert.equal(kept.forward(new Float32Array(16)).out.length, 16, 'the live object still works');
  assert.ok(attn.memory().inUse > before);
  kept.dispose();
  assert.equal(attn.memory().inUse, before);
});

test('a tokenizer frees the scratch of a huge text after the call that needed it', async () => {
  const attn = await init();
  const tok = await attn.tokenizer('gpt2');
  tok.encode('warm up the small buffers');
  const before = attn.memory().inUse;
  const text = 'The quick brown fox jumps over the lazy dog. 注意力 🙂 '.repeat(20_000);  // ~1M UTF-16 units
  for (const call of [() => tok.encodeWithOffsets(text).ids, () => tok.encode(text), () => tok.decode(tok.encode(text))]) {
    assert.ok(call().length > 100_000);
    const kept = attn.memory().inUse - before;
    assert.ok(kept < 1 << 20, `${kept} bytes still held after the call`);
  }
  assert.equal(tok.decode(tok.encode('still works')), 'still works');
  tok.dispose();
});
