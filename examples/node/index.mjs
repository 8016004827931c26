// Node example: tokenize a sentence, run it through a MultiHeadAttention with a trace, print each head's strongest links.
// Not a trained model: the weights come from a seed and the embeddings from a hash of the token id, so the links
// show how to read a trace, not what a language model would attend to.
//
//   npm install attention-wasm && node index.mjs "Your own sentence here."
import { init } from 'attention-wasm';

const text = process.argv[2] ?? 'The cat sat on the mat because it was tired.';
const D_MODEL = 32, HEADS = 4, SEED = 7, TOP = 3;

const attn = await init();
console.log(`attention-wasm ${attn.version} on ${attn.backend}`);

// 1. Tokens. (The GPT-2 tokenizer ships with the package; the fallback only matters for builds without it.)
let ids, pieces, tokenizer;
if (typeof attn.tokenizer === 'function') {
  tokenizer = await attn.tokenizer('gpt2');
  const encoded = tokenizer.encodeWithOffsets(text);
  ids = encoded.ids;
  pieces = encoded.tokens.map((t) => t.text);
  console.log(`tokenizer: gpt2, ${tokenizer.vocabSize} ids`);
} else {
  pieces = text.match(/\s*\S+/g) ?? [];
  ids = Uint32Array.from(pieces, (_, i) => i);
  console.log('tokenizer: not in this build, splitting on spaces');
}
console.log(`tokens (${ids.length}): ${pieces.map((p) => JSON.stringify(p)).join(' ')}`);

// 2. Embeddings [length, dModel]: a stand-in for a learned table, xorshift32 seeded by the token id.
function embed(tokenIds, dModel) {
  const x = new Float32Array(tokenIds.length * dModel);
  tokenIds.forEach((id, t) => {
    let s = (Math.imul(id + 1, 0x9e3779b1) >>> 0) || 1;
    for (let e = 0; e < dModel; e++) {
      s ^= s << 13; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
      x[t * dModel + e] = (s / 2 ** 32) * 2 - 1;
    }
  });
  return x;
}

// 3. One causal self-attention pass with every intermediate kept.
const mha = new attn.MultiHeadAttention({ dModel: D_MODEL, heads: HEADS, positional: 'sinusoidal', seed: SEED });
try {
  const { out, shape, trace } = mha.forward(embed(ids, D_MODEL), { causal: true, trace: true });
  const { qLen, kvLen, heads } = trace.dims;
  console.log(`MultiHeadAttention dModel=${D_MODEL} heads=${HEADS} headDim=${mha.config.headDim} seed=${SEED}, causal; out [${shape}]`);

  // 4. trace.weights is [batch, heads, qLen, kvLen]: row i of head h says how much token i reads from each token j.
  //    Token 0 can only see itself, so links start at token 1.
  for (let h = 0; h < heads; h++) {
    const links = [];
    for (let i = 1; i < qLen; i++)
      for (let j = 0; j <= i; j++) links.push({ i, j, w: trace.weights[(h * qLen + i) * kvLen + j] });
    links.sort((a, b) => b.w - a.w || a.i - b.i || a.j - b.j);
    const shown = links.slice(0, TOP).map(({ i, j, w }) => `${JSON.stringify(pieces[i])} → ${JSON.stringify(pieces[j])} ${w.toFixed(4)}`);
    console.log(`head ${h}: ${shown.join(', ')}`);
  }
  const last = out.subarray((qLen - 1) * D_MODEL, (qLen - 1) * D_MODEL + 4);
  console.log(`out[last, 0:4]: ${Array.from(last, (v) => v.toFixed(4)).join(' ')}`);
} finally {
  mha.dispose();  // the module's weights live in wasm memory until disposed
  tokenizer?.dispose();
}
