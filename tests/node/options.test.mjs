// Strict options: every API that takes an options object refuses an unknown key (naming it and the closest known
// one) and a null or non-object options value with AttentionError('INVALID_ARGUMENT'), before computing anything.
// Not the options' values (each API's own tests check those).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttentionError, init } from '../../dist/index.js';

const attn = await init();
const q = new Float32Array(8).fill(0.5);
const mha = new attn.MultiHeadAttention({ dModel: 4, heads: 2 });
const kv = attn.kvCache({ kvHeads: 1, headDim: 4 });
kv.append({ k: q, v: q });
const tok = await attn.tokenizer();
const model = await attn.loadModel();
const ids = tok.encode('Once upon a time').slice(0, 4);
const decoder = mha.decoder();

/** Each API with a base call and how to add options to it (sync or async). */
const apis = {
  init: (o) => init(o),
  attention: (o) => attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, ...o }),
  'kvCache.attention': (o) => kv.attention({ q: q.subarray(0, 4), qLen: 1, ...o }),
  window: (o) => attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, window: { size: 1, ...o } }),
  outputs: (o) => attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, outputs: { ...o } }),
  kvCache: (o) => attn.kvCache({ kvHeads: 1, headDim: 4, ...o }),
  'kvCache.append': (o) => kv.append({ k: q, v: q, ...o }),
  cost: (o) => attn.cost({ dModel: 8, heads: 2, ...o }),
  MultiHeadAttention: (o) => new attn.MultiHeadAttention({ dModel: 4, ...o }),
  weights: (o) => new attn.MultiHeadAttention({ dModel: 4, weights: { ...mha.weights(), ...o } }),
  forward: (o) => mha.forward(q, o),
  decoder: (o) => mha.decoder(o),
  'decoder.step': (o) => decoder.step(q.subarray(0, 4), o),
  tokenizer: (o) => attn.tokenizer('gpt2', o),
  encode: (o) => tok.encode('x', o),
  loadModel: (o) => attn.loadModel(undefined, o),
  'model.forward': (o) => model.forward(ids, o),
  'model.generate': (o) => model.generate(ids, o).next(),
  createTrainer: (o) => attn.createTrainer(o),
};

/** Calls fn(options) and returns what it threw (sync or as a rejection), or null. */
async function thrown(fn, options) {
  try {
    await fn(options);
    return null;
  } catch (error) {
    return error;
  }
}

const typos = {
  init: ['thread', 'threads'], attention: ['casual', 'causal'], 'kvCache.attention': ['casual', 'causal'],
  window: ['lefts', 'left'], outputs: ['weight', 'weights'], kvCache: ['valuedim', 'valueDim'], 'kvCache.append': ['V', 'v'],
  cost: ['layer', 'layers'], MultiHeadAttention: ['head', 'heads'], weights: ['wq', 'wQ'], forward: ['casual', 'causal'],
  decoder: ['bach', 'batch'], 'decoder.step': ['lenght', 'length'], tokenizer: ['assets', 'asset'],
  encode: ['allowSpecials', 'allowSpecial'], loadModel: ['nHeads', 'nHead'], 'model.forward': ['logit', 'logits'],
  'model.generate': ['maxToken', 'maxTokens'], createTrainer: ['layer', 'layers'],
};

for (const [api, fn] of Object.entries(apis)) {
  test(`${api}: an unknown option is refused, naming it and the closest known one`, async () => {
    const [typo, meant] = typos[api];
    const error = await thrown(fn, { [typo]: 1 });
    assert.ok(error instanceof AttentionError, `${api} accepted { ${typo} }: ${error}`);
    assert.equal(error.code, 'INVALID_ARGUMENT');
    assert.match(error.message, new RegExp(`'${typo}'.*did you mean '${meant}'\\?`));
  });
}

test('a name far from every known one lists the known names', async () => {
  const error = await thrown(apis.attention, { zzzzzz: 1 });
  assert.equal(error.code, 'INVALID_ARGUMENT');
  assert.match(error.message, /'zzzzzz' \(known: q, k, v, /);
});

test('null or non-object options give a coded AttentionError, never a TypeError', async () => {
  const calls = {
    'init(null)': () => init(null),
    'attention(null)': () => attn.attention(null),
    'kvCache(null)': () => attn.kvCache(null),
    'append(null)': () => kv.append(null),
    'append()': () => kv.append(),
    'kvCache.attention(null)': () => kv.attention(null),
    'cost(null)': () => attn.cost(null),
    'new MultiHeadAttention(null)': () => new attn.MultiHeadAttention(null),
    'forward(x, null)': () => mha.forward(q, null),
    'decoder(null)': () => mha.decoder(null),
    'decoder(5)': () => mha.decoder(5),
    'step(x, null)': () => decoder.step(q.subarray(0, 4), null),
    'step(x, 5)': () => decoder.step(q.subarray(0, 4), 5),
    "tokenizer('gpt2', null)": () => attn.tokenizer('gpt2', null),
    'encode(text, null)': () => tok.encode('x', null),
    'loadModel(source, null)': () => attn.loadModel(undefined, null),
    'model.forward(ids, null)': () => model.forward(ids, null),
    'model.generate(ids, null)': () => model.generate(ids, null).next(),
    'createTrainer(null)': () => attn.createTrainer(null),
    'attention({ window: [] })': () => attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, window: [] }),
    'attention({ outputs: [] })': () => attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, outputs: [] }),
    'attention({ outputs: null })': () => attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, outputs: null }),
  };
  for (const [what, call] of Object.entries(calls)) {
    const error = await thrown(call);
    assert.ok(error instanceof AttentionError, `${what}: ${error}`);
    assert.equal(error.code, 'INVALID_ARGUMENT', what);
  }
});

test('decoder.step() refuses the options it cannot honour (batch, firstPosition, trace) instead of ignoring them', async () => {
  for (const key of ['batch', 'firstPosition', 'trace', 'causal', 'context'])
    assert.equal((await thrown(apis['decoder.step'], { [key]: 1 }))?.code, 'INVALID_ARGUMENT', key);
});
