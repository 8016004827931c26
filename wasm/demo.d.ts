// Types of 'attention-wasm/demo': the demo page's helpers (a hand-built teaching model, seeded embeddings, demo
// next-token scores, a word-class lexicon). They exist to teach; their numbers mean nothing outside the demo.
import type { Attention, MultiHeadAttention } from './index.js';

/** The demo's teaching model: hand-built weights whose heads do what their names say. */
export interface TeachingModel {
  /** Its attention block (dispose it when done). */
  mha: MultiHeadAttention;
  /** One name per head, in head order. */
  headNames: string[];
  /** The model's input embeddings [n, mha.config.dModel] for n tokens: their ids and their texts. */
  embed(ids: Uint32Array | number[], texts: string[]): Float32Array;
}

export interface NextTokensOptions {
  /** Which demo model's embeddings are the (tied) unembedding. */
  model: 'teaching' | 'seeded';
  /** One output row [dModel] (48 for the teaching model). */
  out: Float32Array;
  /** The seeded model's embedding seed; default 0. */
  seed?: number;
  /** How many tokens to return; default 10. */
  k?: number;
  /** Ids scored, 0 … vocabSize − 1; default 50257. */
  vocabSize?: number;
}

/** One next-token candidate: its id, logit (out · embedding) and softmax probability over the vocabulary. */
export interface NextToken {
  id: number;
  logit: number;
  prob: number;
}

/** The demo helpers of one instance. */
export interface Demo {
  /** The demo's teaching model (a new MultiHeadAttention each call). */
  teachingModel(): TeachingModel;
  /** Untrained embeddings [n, dModel]: per token id, values uniform in [−1, 1) from a seeded generator (default seed 0). */
  seededEmbeddings(ids: Uint32Array | number[], dModel: number, seed?: number): Float32Array;
  /** Next-token scores of a demo model with a tied unembedding: the k best, most probable first. */
  nextTokens(options: NextTokensOptions): NextToken[];
  /** The teaching model's word class of a token text: 'noun', 'adjective', 'verb', … or 'other'. */
  wordClass(text: string): string;
}

/** The demo helpers bound to `attn` (what init() resolved to). */
export declare function demo(attn: Attention): Demo;
