// Thread scaling for `npm run bench`: fused causal attention (H=12, D=64, S = 512…2048) with 1 and 2 threads,
// natively (build-bench/native/attn_threads) and in wasm (the threaded build, dist/mt/), then the whole MHA block
// (d_model 768, 12 heads, causal) in wasm. Prints a table and writes
// build-bench/threads.json. Not part of run.mjs, whose rows are single-threaded like every peer.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { init } from '../dist/index.js';

const H = 12, D = 64;
const flops = (S) => 2 * D * H * S * (S + 1);
const E = 768;
const mhaFlops = (S) => flops(S) + 8 * S * E * E;
const rows = [];
const native = execFileSync('build-bench/native/attn_threads', { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l));
for (const r of native) rows.push({ where: 'native', ...r });

const attn = await init({ threads: true });
for (const S of [512, 1024, 2048]) {
  const q = new Float32Array(S * H * D).map((_, i) => Math.sin(i * 0.37));
  for (const threads of [1, 2]) {
    const ms = [];
    for (let rep = 0; rep < 8; rep++) {
      const t0 = performance.now();
      attn.attention({ q, k: q, v: q, qLen: S, heads: H, headDim: D, causal: true, threads });
      if (rep) ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    rows.push({ where: `wasm (${attn.threads} threads available)`, S, threads, ms: ms[ms.length >> 1] });
  }
}

const mha = new attn.MultiHeadAttention({ dModel: E, heads: H, seed: 42 });
for (const S of [512, 1024]) {
  const x = new Float32Array(S * E).map((_, i) => Math.sin(i * 0.37));
  for (const threads of [1, 2]) {
    const ms = [];
    for (let rep = 0; rep < 8; rep++) {
      const t0 = performance.now();
      mha.forward(x, { causal: true, threads });
      if (rep) ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    rows.push({ where: 'wasm MHA block, d_model 768', S, threads, ms: ms[ms.length >> 1], mha: true });
  }
}
mha.dispose();

console.log('\nthread scaling, fused causal attention H=12 D=64 (MHA rows: the whole block), medians of 7');
console.log('where                          S   1 thread ms  2 threads ms  speed-up  GFLOP/s (2 threads)');
for (let i = 0; i < rows.length; i += 2) {
  const one = rows[i], two = rows[i + 1];
  console.log(`${one.where.padEnd(28)} ${String(one.S).padStart(5)} ${one.ms.toFixed(2).padStart(12)} ${two.ms.toFixed(2).padStart(13)}` +
    ` ${(one.ms / two.ms).toFixed(2).padStart(8)}x ${((one.mha ? mhaFlops : flops)(one.S) / two.ms / 1e6).toFixed(1).padStart(10)}`);
}
writeFileSync('build-bench/threads.json', JSON.stringify(rows, null, 2));
process.exit(0);  // the threaded build's worker pool would keep Node alive
