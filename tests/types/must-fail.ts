// Misuses of attention-wasm's API that the types must reject: every line marked `// error` must have a diagnostic
// and no other line may (tests/node/types.test.mjs checks both). Not run.
import { init, AttentionError, type MultiHeadAttention } from 'attention-wasm';
import { createAttentionWorker } from 'attention-wasm/worker-client';
import { serveAttentionWorker } from 'attention-wasm/worker-host';
import { demo } from 'attention-wasm/demo';

async function misuse(): Promise<void> {
  const attn = await init();
  const q = new Float32Array(8);
  attn.attention({ q: [1, 2, 3, 4], k: q, v: q, qLen: 2, headDim: 4 }); // error: q must be a Float32Array
  attn.attention({ q, k: q, v: q, headDim: 4 }); // error: qLen is required
  attn.attention({ q, k: q, v: q, qLen: '2', headDim: 4 }); // error: qLen is a number
  attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, causal: 'top-right' }); // error: not an alignment
  attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, impl: 'flash' }); // error: unknown impl
  attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, window: 3 }); // error: window is an object
  attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, bias: new Float64Array(4) }); // error: bias is Float32Array
  attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, returnWeights: 1 }); // error: a boolean
  const r = attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4 });
  const w: Float32Array = r.weights; // error: weights were not asked for, so maybe undefined
  attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, outputs: { out: [0, 0] } }); // error: out must be a Float32Array
  attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, outputs: 'borrow' }); // error: not an outputs mode
  const kv = attn.kvCache({ kvHeads: 1, headDim: 4 });
  attn.kvCache({ headDim: 4 }); // error: kvHeads is required
  kv.append({ k: q }); // error: v is required
  kv.attention({ q, qLen: 2, heads: 1, k: q }); // error: the cache supplies k
  kv.attention({ q, qLen: 2, heads: 1, headDim: 4 }); // error: the cache supplies headDim
  const kr = kv.attention({ q, qLen: 2 });
  const kw: Float32Array = kr.weights; // error: weights were not asked for
  kv.length = 2; // error: length is read-only
  attn.cost({ dModel: 8 }); // error: heads is required
  attn.cost({ dModel: 8, heads: 2, bias: 'yes' }); // error: bias is boolean

  new attn.MultiHeadAttention({ heads: 2 }); // error: dModel is required
  new attn.MultiHeadAttention({ dModel: 8, positional: 'rotary' }); // error: unknown positional
  new attn.MultiHeadAttention({ dModel: 8, positional: 'learned' }); // error: learned needs maxLen
  new attn.MultiHeadAttention({ dModel: 8, weights: { wQ: q } }); // error: wK, wV, wO missing
  const m: MultiHeadAttention = new attn.MultiHeadAttention({ dModel: 8 });
  m.config.dModel = 4; // error: config is read-only
  m.forward([0, 1]); // error: x must be a Float32Array
  m.forward(q, { trace: 'yes' }); // error: trace is boolean
  const plain = m.forward(q);
  plain.trace.q; // error: trace was not asked for
  m.decoder().step(q, { causal: false }); // error: decoding is always causal, no such option
  m.decoder().length = 3; // error: length is read-only
  attn.MultiHeadAttention({ dModel: 8 }); // error: a class, needs new

  const tok = await attn.tokenizer('gpt-4'); // error: only 'gpt2'
  tok.encode(42); // error: text is a string
  tok.encode('x', { allowSpecial: 'all' }); // error: allowSpecial is boolean
  const n: number[] = tok.encode('x'); // error: a Uint32Array
  await attn.tokenizer('gpt2', { asset: 'gpt2-bpe.bin' }); // error: asset is bytes, not a path
  demo(attn).teachingModel().embed([1, 2], 'ab'); // error: texts is an array of strings
  demo(attn).nextTokens({ model: 'gpt2', out: q }); // error: a demo model name

  // Unknown option names (typos) fail to compile, as they fail at run time.
  attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, casual: true }); // error: casual is a typo of causal
  kv.attention({ q, qLen: 2, casual: true }); // error: casual is a typo of causal
  kv.append({ k: q, v: q, n: 2 }); // error: no option n
  m.forward(q, { casual: true }); // error: casual is a typo of causal
  m.decoder({ batch: 1, heads: 2 }); // error: no option heads
  m.decoder().step(q, { firstPosition: 3 }); // error: the decoder's position is its cache length
  new attn.MultiHeadAttention({ dModel: 8, head: 2 }); // error: head is a typo of heads
  attn.kvCache({ kvHeads: 1, headDim: 4, valuedim: 4 }); // error: valuedim is a typo of valueDim
  attn.cost({ dModel: 8, heads: 2, layer: 2 }); // error: layer is a typo of layers
  await init({ thread: true }); // error: thread is a typo of threads
  await attn.tokenizer('gpt2', { assets: new Uint8Array(1) }); // error: assets is a typo of asset
  await attn.loadModel(undefined, { nHeads: 2 }); // error: nHeads is a typo of nHead
  await attn.loadModel(undefined, { weights: 'bf16' }); // error: weights are held as 'f32' or 'f16'
  await attn.createTrainer({ layer: 2 }); // error: layer is a typo of layers
  tok.encode('x', { allowSpecials: true }); // error: allowSpecials is a typo of allowSpecial

  const e = new AttentionError('INVALID_ARGUMENT', 'm');
  e.code = 'OTHER'; // error: code is read-only
  new AttentionError('INVALID_ARGUMENT'); // error: message is required

  const aw = createAttentionWorker(42); // error: a URL, string or Worker
  const out: Float32Array = aw.attention({ q, k: q, v: q, qLen: 2, headDim: 4 }).out; // error: a promise
  await createAttentionWorker(new URL("x:y")).attention({ q, k: q, v: q, qLen: 2, headDim: 4, casual: true }); // error: casual is a typo of causal
  const model = await createAttentionWorker().loadModel(new ArrayBuffer(8));
  const logits: Float32Array = model.forward([1]).logits; // error: a promise
  for (const step of model.generate([1])) console.log(step); // error: an async iterator, not a sync one
  await model.session().append([1]); // error: session() is a promise in the worker
  await createAttentionWorker().loadModel(new ArrayBuffer(8), { onProgres: () => {} }); // error: onProgres is a typo of onProgress
  serveAttentionWorker({ handlers: { f: 42 } }); // error: a handler is a function
  console.log(w, n, out, logits);
}
misuse();
