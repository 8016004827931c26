// The demo page's helpers, as the 'attention-wasm/demo' entry: the hand-built teaching model, seeded embeddings,
// next-token scores of those demo models and a tiny word-class lexicon. Not the library's attention API (index.js):
// these exist to teach, and their numbers mean nothing outside the demo.
import { checkAttached, checkInt, invalid } from './errors.js';
import { moduleOf } from './instance.js';
import { checkOptions, throwIfFailed } from './options.js';

/** The demo helpers bound to an instance from init(). */
export function demo(attn) {
  const module = moduleOf(attn);
  return {
    /**
     * The demo's teaching model: hand-constructed weights whose heads do what their names say
     * (src/attn/model/demo_model.hpp explains the construction). Returns { mha, headNames, embed(ids, texts) }, where
     * embed gives the model's input embeddings [n, 48] for tokens (ids plus their texts); dispose mha when done.
     */
    teachingModel() {
      const { config, weights, headNames } = module.teachingModel();
      const mha = new attn.MultiHeadAttention({ ...config, weights: { wQ: weights.w_q, wK: weights.w_k, wV: weights.w_v,
        wO: weights.w_o, positions: weights.positions } });
      const embed = (ids, texts) => {
        if (!(ids instanceof Uint32Array || Array.isArray(ids))) throw invalid('ids', 'a Uint32Array or array of token ids', ids);
        if (!Array.isArray(texts) || texts.length !== ids.length || texts.some((t) => typeof t !== 'string'))
          throw invalid('texts', `an array of ${ids.length} strings (one per id)`, texts);
        const { status, x } = module.teachingEmbeddings(Array.from(ids), texts);
        throwIfFailed(status);
        return x;
      };
      return { mha, headNames, embed };
    },

    /** Untrained embeddings [n, dModel]: per token id, values uniform in [-1, 1) from a seeded generator. */
    seededEmbeddings(ids, dModel, seed = 0) {
      if (!(ids instanceof Uint32Array || Array.isArray(ids))) throw invalid('ids', 'a Uint32Array or array of token ids', ids);
      checkInt('dModel', dModel);
      if (!Number.isSafeInteger(seed) || seed < 0) throw invalid('seed', 'a non-negative safe integer', seed);
      return module.seededEmbeddings(seed, Array.from(ids), dModel);
    },

    /**
     * Next-token scores of a demo model with a tied unembedding: out ([dModel], an output row) against every token's
     * embedding, softmax over the whole vocabulary; the k best as [{ id, logit, prob }].
     * @param {{model: 'teaching' | 'seeded', out: Float32Array, seed?: number, k?: number, vocabSize?: number}} options
     */
    nextTokens(options) {
      const { model, out, seed = 0, k = 10, vocabSize = 50257 } = checkOptions('demo.nextTokens', options,
        { label: 'nextTokens: options', required: true });
      if (model !== 'teaching' && model !== 'seeded') throw invalid('model', "'teaching' or 'seeded'", model);
      if (!(out instanceof Float32Array)) throw invalid('out', 'a Float32Array output row [dModel]', out);
      checkAttached('out', out);
      if (model === 'teaching' && out.length !== 48) throw invalid('out', 'length 48 (the teaching model\'s d_model)', out);
      if (!Number.isSafeInteger(seed) || seed < 0) throw invalid('seed', 'a non-negative safe integer', seed);
      checkInt('k', k);
      checkInt('vocabSize', vocabSize);
      return module.nextTokens(model, seed, out, vocabSize, k);
    },

    /** The teaching model's word class of a token text: 'noun', 'adjective', 'verb', … or 'other'. */
    wordClass(text) {
      if (typeof text !== 'string') throw invalid('text', 'a string', text);
      return module.wordClass(text);
    }
  };
}
