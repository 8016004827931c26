// GPT-2 runtime benchmark table, native: runs build-bench/native/gpt2_native (a gpt2-small-shaped random model with
// float32 and binary16 weights, prefill and decode, 1 and 2 threads) and prints ms, tokens/s, GFLOP/s and the share
// of this machine's FMA peak (from the roofline probe in build-bench/results.json) or of its read bandwidth for
// decode (the weights in their in-memory format read once per token). The wasm table with onnxruntime-web as the
// peer is bench/gpt2-wasm.mjs. Writes build-bench/gpt2.json.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const path = (p) => new URL(p, import.meta.url);
const quick = process.argv.includes('--quick');
const run = JSON.parse(execFileSync(path('../build-bench/native/gpt2_native').pathname, quick ? ['--quick'] : [], { encoding: 'utf8' }));
const results = existsSync(path('../build-bench/results.json')) ? JSON.parse(readFileSync(path('../build-bench/results.json'), 'utf8')) : {};
const native = results.peaks?.native;
const peak = native?.peaks?.[native.dispatched]?.gflops_median;  // one core's FMA peak
const bandwidth = native?.read_bandwidth?.gbs_median;
const rows = run.cases.map((c) => {
  const gflops = c.flops / c.ms / 1e6;
  const share = c.kind === 'prefill'
    ? (peak ? `${((100 * gflops) / (peak * c.threads)).toFixed(0)} % of ${c.threads}× FMA peak` : '')
    : (bandwidth ? `${((100 * run.weight_bytes[c.weights] / (c.ms / 1e3) / 1e9) / bandwidth).toFixed(0)} % of read bandwidth` : '');
  return { ...c, gflops, tokensPerS: (c.kind === 'prefill' ? c.tokens : 1) / (c.ms / 1e3), share };
});
console.log(`GPT-2 runtime, native (${run.model}; peak ${peak ?? '?'} GFLOP/s per core, read ${bandwidth ?? '?'} GB/s):`);
console.log('| case | weights | threads | ms | tokens/s | GFLOP/s | share |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.kind} ${r.kind === 'prefill' ? r.tokens : `at context ${r.context}`} | ${r.weights} | ${r.threads} | ${r.ms.toFixed(1)} | ` +
    `${r.tokensPerS.toFixed(r.kind === 'prefill' ? 0 : 1)} | ${r.gflops.toFixed(1)} | ${r.share} |`);
writeFileSync(path('../build-bench/gpt2.json'), JSON.stringify({ ...run, rows, peak, bandwidth }, null, 2));
