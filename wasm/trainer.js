// attn.createTrainer(): train a small GPT-2 live (in a page, a worker or Node) on the corpus generator's English and
// Chinese toy stories and repeated spans, and watch its heads form: steps, head scores, attention on any text, and
// the model as a safetensors file that loadModel() opens. Not the trainer (C++: attn/train/trainer.hpp); options
// are checked here, every rule of the math lives there.
import { AttentionError, checkInt, invalid } from './errors.js';
import { disposed, freeWhenCollected } from './finalize.js';
import { checkOptions, threadsOption } from './options.js';

/** Options and their defaults: a model small enough to train in a page (≈ 0.2 M parameters with its vocabulary). */
const DEFAULTS = {
  layers: 2, heads: 4, dModel: 64, seq: 32, batch: 16, lr: 3e-3, minLrRatio: 0.1, warmup: 50, steps: 3000, seed: 1, initScale: 1,
  corpusSeed: 1, repeatShare: 0.5, chineseShare: 0.35, spanMin: 3, spanMax: 12, spanGapMin: 0, spanGapMax: 0, spanCopies: 2, spanPool: 0,
  alternationShare: 0, attentionOnly: false,
};

function throwIfFailed(status, fn) {
  if (status.code !== 'OK') throw new AttentionError(status.code, `${fn}: ${status.message}`);
}

function share(name, value) {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw invalid(name, 'a number in [0, 1]', value);
  return value;
}

/** Makes a trainer in `module` (see Attention#createTrainer). */
export function createTrainer(module, maxThreads, asset, options) {
  options = checkOptions('createTrainer', options);
  const o = { ...DEFAULTS, ...options };
  for (const key of ['layers', 'heads', 'dModel', 'seq', 'batch', 'steps', 'spanMin', 'spanMax', 'spanCopies']) checkInt(key, o[key]);
  for (const key of ['warmup', 'seed', 'corpusSeed', 'spanPool', 'spanGapMin', 'spanGapMax']) checkInt(key, o[key], 0);
  if (typeof o.lr !== 'number' || !(o.lr > 0 && o.lr < 1)) throw invalid('lr', 'a number in (0, 1)', o.lr);
  share('minLrRatio', o.minLrRatio);
  if (typeof o.initScale !== 'number' || !(o.initScale > 0 && o.initScale <= 100))
    throw invalid('initScale', 'a number in (0, 100]', o.initScale);  // the rate cosine-decays to lr · minLrRatio at `steps` (1: constant after warm-up)
  share('repeatShare', o.repeatShare), share('chineseShare', o.chineseShare), share('alternationShare', o.alternationShare);
  if (typeof o.attentionOnly !== 'boolean') throw invalid('attentionOnly', 'true or false', o.attentionOnly);
  const native = new module.Gpt2Trainer();
  try {
    throwIfFailed(native.init(asset, { ...o, threads: threadsOption(options.threads, maxThreads) }), 'createTrainer');
  } catch (error) {
    native.delete();
    throw error;
  }
  return new Trainer(native);
}

class Trainer {
  #native;

  constructor(native) {
    this.#native = native;
    freeWhenCollected(this, native);
    /** { layers, heads, dModel, seq, batch, vocabSize, parameters } */
    this.config = native.config();
  }

  #live(fn) {
    if (!this.#native) throw new AttentionError('DISPOSED', `${fn}: this trainer has been disposed`);
    return this.#native;
  }

  /** Runs n training steps (default 1): { step, loss (mean over them), lr, gradNorm }. */
  step(n = 1) {
    const r = this.#live('step').step(checkInt('n', n));
    throwIfFailed(r.status, 'step');
    const { status, ...out } = r;
    return out;
  }

  /**
   * Switches heads off while training: `on` has one entry per head (layer-major, [layers · heads]), false/0 = off.
   * A head switched off outputs zero, so it adds nothing to the loss and gets no gradient; [] or all on = none off.
   */
  setHeadMask(on) {
    const { layers, heads } = this.config;
    if (!Array.isArray(on) || (on.length !== 0 && on.length !== layers * heads))
      throw invalid('on', `an array of ${layers * heads} booleans (layers × heads) or []`, on);
    throwIfFailed(this.#live('setHeadMask').setHeadMask(on.map((v) => (v ? 1 : 0))), 'setHeadMask');
  }

  /** Every head's scores now (previous-token, induction, noun → adjective, pronoun → antecedent), as Gpt2Model.headScores. */
  headScores(options) {
    const { documents = 40, sequences = 4 } = checkOptions('trainer.headScores', options, { label: 'headScores: options' });
    const r = this.#live('headScores').report(checkInt('documents', documents), checkInt('sequences', sequences));
    throwIfFailed(r.status, 'headScores');
    return JSON.parse(r.json);
  }

  /** Every head's attention on GPT-2 ids (at most config.seq): { attention [layers, heads, T, T], unknownPositions }. */
  attention(ids) {
    if (!(ids instanceof Uint32Array || Array.isArray(ids)) || ids.length === 0 || ids.length > this.config.seq)
      throw invalid('ids', `1 to ${this.config.seq} GPT-2 token ids`, ids);
    const r = this.#live('attention').attention(Array.from(ids));
    throwIfFailed(r.status, 'attention');
    return { attention: r.attention, unknownPositions: r.unknownPositions };
  }

  /** The model as a safetensors file (F16 by default) that attn.loadModel() opens. */
  save(options) {
    const { dtype = 'F16' } = checkOptions('trainer.save', options, { label: 'save: options' });
    if (dtype !== 'F16' && dtype !== 'F32') throw invalid('dtype', "'F16' or 'F32'", dtype);
    const r = this.#live('save').save(dtype === 'F16');
    throwIfFailed(r.status, 'save');
    return r.bytes;
  }

  /** Frees the trainer's wasm memory; later calls throw AttentionError('DISPOSED'). Safe to call twice. */
  dispose() {
    disposed(this);
    this.#native?.delete();
    this.#native = null;
  }
}
if (typeof Symbol.dispose === 'symbol') Trainer.prototype[Symbol.dispose] = Trainer.prototype.dispose;
