// Every public API of attention-wasm used the way its types say: must compile with `tsc --noEmit --strict`.
// Not run (no emit): tests/node/types.test.mjs only type-checks it; behaviour is tested in tests/node/.
import {
  AttentionError, init, simdSupported, version,
  type Attention, type AttentionErrorCode, type AttentionOptions, type Cost, type Decoder, type EncodedWithOffsets, type KvCache,
  type ForwardResult, type MhaConfig, type MhaTrace, type MhaWeights, type MultiHeadAttention, type Tokenizer,
} from 'attention-wasm';
import { createAttentionWorker, type AttentionWorker, type RemoteKvCache, type RemoteModel, type RemoteModelSession, type RemoteMultiHeadAttention } from 'attention-wasm/worker-client';
import { serveAttentionWorker, type WorkerHandler } from 'attention-wasm/worker-host';
import { demo, type NextToken } from 'attention-wasm/demo';

const v: string = version;
const simd: boolean = simdSupported();

async function main(): Promise<void> {
  const attn: Attention = await init();
  await init({ locateFile: (path, prefix) => prefix + path, wasmBinary: new Uint8Array(0) });
  const backend: string = attn.backend;
  await init({ threads: 'auto' });
  const threads: number = attn.threads;
  const threadsReason: string = attn.threadsReason;
  const pkgVersion: string = attn.version;

  // attention(): weights / lse are definitely there when asked for literally.
  const q = new Float32Array(2 * 4 * 2 * 8), k = new Float32Array(2 * 4 * 8), vv = new Float32Array(2 * 4 * 8);
  const r = attn.attention({
    q, k, v: vv, batch: 2, qLen: 4, kvLen: 4, heads: 2, kvHeads: 1, headDim: 8, valueDim: 8,
    causal: 'bottom-right', window: { left: 2, right: null, align: 'top-left' }, keyPadding: new Uint8Array(8),
    bias: new Float32Array(16), scale: 0.5, impl: 'fused', threads: 2, outputs: 'copy', returnWeights: true, returnLse: true,
  });
  const out: Float32Array = r.out;
  const weights: Float32Array = r.weights;
  const lse: Float32Array = r.lse;
  const outShape: [number, number, number] = r.shapes.out;
  const impl: 'materialized' | 'fused' | 'decode' = r.impl;
  const plain = attn.attention({ q, k, v: vv, qLen: 4, headDim: 8, causal: true, keyPadding: [0, 1, true, false] });
  const maybe: Float32Array | undefined = plain.weights;
  const opts: AttentionOptions = { q, k, v: vv, qLen: 4, headDim: 8, returnWeights: Math.random() > 0.5 };
  const dynamic = attn.attention(opts);
  const filled = attn.attention({ q, k, v: vv, qLen: 4, headDim: 8, returnWeights: true,
    outputs: { out: new Float32Array(32), weights: new Float32Array(16) } });
  const filledWeights: Float32Array = filled.weights;
  if (dynamic.weights) dynamic.weights.fill(0);

  // kvCache(): append, then attention over the cached tokens; weights literal → present.
  const cache: KvCache = attn.kvCache({ kvHeads: 1, headDim: 8, valueDim: 8, batch: 2 });
  const cached: number = cache.append({ k: new Float32Array(2 * 8), v: new Float32Array(2 * 8) });
  const viaCache = cache.attention({ q: new Float32Array(2 * 2 * 8), qLen: 1, heads: 2, causal: true, returnWeights: true,
    window: { left: 16 }, outputs: 'view' });
  const cacheWeights: Float32Array = viaCache.weights;
  const cacheOut: Float32Array = viaCache.out;
  const { batch: cb, kvHeads: ckv, headDim: chd, valueDim: cvd } = cache.shape;
  const cacheCounts: number[] = [cache.length, cache.bytesInUse];
  cache.clear();
  cache.dispose();
  cache[Symbol.dispose]();

  // cost() and memory()
  const c: Cost = attn.cost({ dModel: 768, heads: 12, kvHeads: 4, layers: 12, context: 1024, bytesPerElement: 2, bias: true });
  const flops: number = c.flopsPerToken + c.paramsTotal + c.kvCacheBytes;
  const { inUse, heap } = attn.memory();

  // MultiHeadAttention: seeded, own weights, learned positions, forward with trace, decoder.
  const m: MultiHeadAttention = new attn.MultiHeadAttention({ dModel: 16, heads: 4, kvHeads: 2, positional: 'sinusoidal', seed: 7 });
  const cfg: MhaConfig = m.config;
  const w: MhaWeights = m.weights();
  const own = new attn.MultiHeadAttention({ dModel: 16, heads: 2, bias: true, weights: { wQ: w.wQ, wK: w.wK, wV: w.wV, wO: w.wO, bQ: w.bQ } });
  const learned = new attn.MultiHeadAttention({ dModel: 16, positional: 'learned', maxLen: 32, contextDim: 8 });
  const x = new Float32Array(3 * cfg.dModel);
  const f = m.forward(x, { trace: true, causal: true, firstPosition: 2 });
  const t: MhaTrace = f.trace;
  const traced: Float32Array[] = [t.xIn, t.positions, t.x, t.q, t.k, t.v, t.rawScores, t.scaledScores, t.maskedScores,
    t.weights, t.lse, t.headsOut, t.out];
  const { batch, qLen, kvLen, heads, kvHeads, headDim, valueDim, dModel } = t.dims;
  const noTrace: ForwardResult = m.forward(x);
  const untraced: MhaTrace | undefined = noTrace.trace;
  const shape: [number, number, number] = noTrace.shape;
  const cross = learned.forward(new Float32Array(16), { batch: 1, length: 1, context: new Float32Array(8 * 3), contextLength: 3,
    keyPadding: new Uint8Array(3), impl: 'materialized' });
  const crossOut: Float32Array = cross.out;

  const d: Decoder = m.decoder({ batch: 1 });
  const step: Float32Array = d.step(new Float32Array(cfg.dModel), { window: { left: 4 }, length: 1 });
  const counts: number[] = [d.batch, d.length, d.bytesPerToken, d.bytesInUse];
  d.reset();
  d.dispose();
  d[Symbol.dispose]();
  {
    using scoped = new attn.MultiHeadAttention({ dModel: 8, heads: 2 });
    using scopedDecoder = scoped.decoder();
    scopedDecoder.step(new Float32Array(8));
  }
  m.dispose();
  own[Symbol.dispose]();
  learned.dispose();

  // Errors
  try {
    attn.attention({ q, k, v: vv, qLen: 5, headDim: 8 });
  } catch (e) {
    if (e instanceof AttentionError) {
      const code: AttentionErrorCode = e.code;
      const msg: string = e.message;
      if (e.code === 'INVALID_ARGUMENT' || e.code === 'DISPOSED') console.log(code, msg);
    }
  }
  const made = new AttentionError('UNSUPPORTED', 'no SIMD');
  const asError: Error = made;

  // Tokenizer
  const tok: Tokenizer = await attn.tokenizer('gpt2');
  const ids: Uint32Array = tok.encode('Hello <|endoftext|>', { allowSpecial: true });
  const withOffsets: EncodedWithOffsets = tok.encodeWithOffsets('Hello world', {});
  for (const { id, byteStart, byteEnd, start, end, text } of withOffsets.tokens) console.log(id, byteStart, byteEnd, start, end, text);
  const back: string = tok.decode(ids) + tok.decode([1, 2, 3]) + tok.tokenText(ids[0]);
  const size: number = tok.vocabSize + tok.eotId;
  const oneToken: Uint8Array = tok.tokenBytes(ids[0]);
  const bytes: Uint8Array = tok.decodeBytes(ids);
  tok.dispose();
  const own2: Tokenizer = await attn.tokenizer(undefined, { asset: new ArrayBuffer(8) });
  own2.dispose();

  // The demo's models and embeddings
  const model = await attn.loadModel(new Uint8Array(0), { nHead: 4, weights: 'f16' });
  const layers: number = model.config.layers;
  const held: 'f32' | 'f16' | 'mixed' = model.config.weights;
  const fwd = model.forward([1, 2, 3], { logits: 'all', attention: true, heads: [[0, 1]], residual: true });
  const att: Float32Array | undefined = fwd.attention;
  for await (const step of model.generate([1, 2], { maxTokens: 4, temperature: 0, stop: [50256] })) console.log(step.id, step.probability);
  model.dispose();
  console.log(layers, held, att, fwd.logits);
  const teaching = demo(attn).teachingModel();
  const names: string[] = teaching.headNames;
  const emb: Float32Array = teaching.embed(ids, ['Hello', ' <|endoftext|>']);
  const tf = teaching.mha.forward(emb, { trace: true, causal: true });
  teaching.mha.dispose();
  const seeded: Float32Array = demo(attn).seededEmbeddings([1, 2, 3], 16, 5);
  const wordClass: string = demo(attn).wordClass(' cat');
  const next: NextToken[] = demo(attn).nextTokens({ model: 'teaching', out: tf.trace.out.subarray(0, 48), k: 5 });
  const best: number = next[0].id + next[0].logit + next[0].prob;
  demo(attn).nextTokens({ model: 'seeded', out: seeded, seed: 5, vocabSize: 1000 });
  console.log(names, tf.trace.weights, seeded, wordClass, best, oneToken);

  // The worker helper mirrors the API with promises.
  const aw: AttentionWorker = createAttentionWorker();
  createAttentionWorker(new URL('https://example.invalid/worker.js'));
  const info = await aw.ready();
  const workerThreads: number = info.threads, why: string = info.threadsReason;
  await aw.tokenizer();  // 'gpt2' by default, as in JS
  const wr = await aw.attention({ q, k, v: vv, qLen: 4, headDim: 8, returnWeights: true });
  const ww: Float32Array = wr.weights;
  const wc: Cost = await aw.cost({ dModel: 8, heads: 2 });
  const rm: RemoteMultiHeadAttention = await aw.createMultiHeadAttention({ dModel: 16, heads: 4, seed: 1 });
  const rf = await rm.forward(x, { trace: true });
  const rt: MhaTrace = rf.trace;
  const rd = await rm.decoder();
  const rs: Float32Array = await rd.step(new Float32Array(16));
  const rl: number = await rd.length();
  await rd.dispose();
  await rm.dispose();
  const rtok = await aw.tokenizer('gpt2');
  const rids: Uint32Array = await rtok.encode('hi');
  const rtext: string = await rtok.decode(rids);
  await rtok.dispose();
  const rc: RemoteKvCache = await aw.kvCache({ kvHeads: 1, headDim: 8 });
  const rcLen: number = await rc.append({ k: new Float32Array(8), v: new Float32Array(8) });
  const rcw: Float32Array = (await rc.attention({ q: new Float32Array(8), qLen: 1, returnWeights: true })).weights;
  const rcShape: number = rc.shape.kvHeads + (await rc.length()) + (await rc.bytesInUse());
  await rc.clear();
  await rc.dispose();
  // Models in the worker: the same names and results as in-thread, promised; generation as an async iterator.
  const rmodel: RemoteModel = await aw.loadModel('models/tiny-tutor.safetensors', { onProgress: ({ loaded, total }) => console.log(loaded / total) });
  await aw.loadModel(new Blob([]), { weights: 'f32' });
  const rlayers: number = rmodel.config.layers + (rmodel.headScores?.layers ?? 0);
  const rlogits: Float32Array = (await rmodel.forward([1, 2, 3], { logits: 'all', attention: true })).logits;
  const rsession: RemoteModelSession = await rmodel.session();
  const rpos: number = await rsession.position();
  const rattn: Float32Array | undefined = (await rsession.append(new Uint32Array([4]), { attention: true })).attention;
  await rsession.truncate(0);
  await rsession.dispose();
  for await (const s of rmodel.generate([1, 2], { maxTokens: 4, seed: 1 })) console.log(s.id, s.probability, s.position);
  await rmodel.dispose();
  // An application's own method in the same worker and protocol.
  const mine: { n: number } = await aw.call<{ n: number }, number>('count', { text: 'hi' }, { onProgress: (p: number) => console.log(p) });
  const handler: WorkerHandler = (input: { text: string }, { progress }) => (progress(1), { n: input.text.length });
  serveAttentionWorker({ handlers: { count: handler, twice: async (x: number) => 2 * x } });
  console.log(rlayers, rlogits, rpos, rattn, mine);
  aw.terminate();
  console.log(v, simd, backend, pkgVersion, out, weights, lse, outShape, impl, maybe, flops, inUse, heap, traced, batch, qLen,
    kvLen, heads, kvHeads, headDim, valueDim, dModel, untraced, shape, crossOut, step, counts, asError, back, size, bytes,
    info.backend, ww, wc, rt, rs, rl, rtext, rcLen, rcw, rcShape, filledWeights, cached, cacheWeights, cacheOut, cb, ckv, chd, cvd,
    cacheCounts);
}

main().catch((e: unknown) => console.error(e));
