// Load a GPT-2 checkpoint (safetensors), generate after a prompt of token ids, and show which heads look where.
//   node generate.mjs <model.safetensors> [nHead]
// With the repo's tiny random test model (tests/data/gpt2-tiny-f32.safetensors) the tokens are noise: the point
// is the API. A real GPT-2 file (e.g. gpt2's model.safetensors) works the same way, with the tokenizer's ids.
import { init } from 'attention-wasm';

const [file, nHead] = process.argv.slice(2);
if (!file) {
  console.error('usage: node generate.mjs <model.safetensors> [nHead]');
  process.exit(2);
}
const attn = await init();
const model = await attn.loadModel(file, nHead ? { nHead: Number(nHead) } : {});
const { layers, heads, dModel, vocabSize, context } = model.config;
console.log(`model: ${layers} layers × ${heads} heads, d_model ${dModel}, vocabulary ${vocabSize}, context ${context}`);

const prompt = [5, 17, 3, 9].map((id) => id % vocabSize);
const generated = [];
for await (const step of model.generate(prompt, { maxTokens: 8, temperature: 0 })) generated.push(step.id);
console.log(`prompt ${prompt.join(' ')} → greedy ${generated.join(' ')}`);

// The strongest key of the last token, per head: attention is [layers, heads, T, T].
const ids = [...prompt, ...generated].slice(0, context);
const T = ids.length, { attention } = model.forward(ids, { attention: true, logits: 'none' });
for (let l = 0; l < layers; l++) {
  const row = [];
  for (let h = 0; h < heads; h++) {
    const w = attention.subarray(((l * heads + h) * T + T - 1) * T, ((l * heads + h) * T + T) * T);
    const j = w.indexOf(Math.max(...w));
    row.push(`h${h}→${j} (${w[j].toFixed(2)})`);
  }
  console.log(`layer ${l}, last token: ${row.join('  ')}`);
}
model.dispose();
