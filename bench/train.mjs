// Live training in wasm (attn.createTrainer, the page's defaults: 2 layers, 4 heads, d_model 64, 32 tokens, batch
// 16) in Node, one thread: median ms per step over 5 blocks of 20 steps, tokens/s. Prints one JSON line.
import { init } from '../dist/index.js';

const attn = await init();  // Node: one thread unless asked
const trainer = await attn.createTrainer();
const { seq, batch, parameters } = trainer.config;
trainer.step(5);  // warm-up: first allocations
const ms = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  trainer.step(20);
  ms.push((performance.now() - t0) / 20);
}
ms.sort((a, b) => a - b);
const median = ms[2];
console.log(JSON.stringify({ wasm_trainer: { parameters, seq, batch, ms_per_step: +median.toFixed(2),
  tokens_per_s: Math.round((seq * batch) / median * 1e3) } }));
trainer.dispose();
