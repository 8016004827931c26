// The wasm f32x4 peak (GFLOP/s) and streaming-read bandwidth (GB/s) of this engine, measured in this process with
// build-wasm/bench/roofline_wasm (bench/roofline_wasm.cpp), per wall second and per CPU second of this process.
// Which mul+add loop runs fastest depends on the engine (V8 on x86 has 16 xmm registers, and too many chains spill),
// so every loop (form) is tried and the best rate of any is the peak: an upper bound no kernel of ours should pass.
// Not the native probe (bench/roofline.cpp) and not a test.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';

const path = (p) => new URL(p, import.meta.url);
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

/** reps: timed runs of the fastest form; readBytes: size of the streamed buffer (far past any cache). */
export async function wasmPeak({ reps = 7, readBytes = 256 << 20, readReps = 6 } = {}) {
  const require = createRequire(import.meta.url);
  const create = require(path('../build-wasm/bench/roofline_wasm.cjs').pathname);
  const m = await create({ wasmBinary: readFileSync(path('../build-wasm/bench/roofline_wasm.wasm')) });
  // One run in wall and CPU GFLOP/s (CPU: this process's user + system time; on a loaded machine it leaves out the
  // time the OS gave to others).
  const run = (form, iters, seed) => {
    const t = performance.now(), c = process.cpuUsage();
    m._peak_f32x4(form, iters, seed);
    const cpu = process.cpuUsage(c), flops = iters * m._peak_f32x4_flops(form);
    return { wall: flops / (performance.now() - t) / 1e6, cpu: flops / ((cpu.user + cpu.system) / 1e3) / 1e6 };
  };
  const forms = [];
  for (let form = 0; form < m._peak_f32x4_forms(); form++) {
    let iters = 1 << 14;
    for (;;) {  // calibrate to ~60 ms (also warms the JIT up)
      const t = performance.now();
      m._peak_f32x4(form, iters, 1);
      const ms = performance.now() - t;
      if (ms > 20) { iters = Math.max(1, Math.round(iters * 60 / ms)); break; }
      iters *= 4;
    }
    const runs = [run(form, iters, 2), run(form, iters, 3), run(form, iters, 4)];
    forms.push({ form, name: m.UTF8ToString(m._peak_f32x4_name(form)), iters, runs });
  }
  // The fastest form by its best CPU rate (less disturbed by other processes than wall time), then `reps` more runs.
  const bestCpu = (f) => Math.max(...f.runs.map((r) => r.cpu));
  const best = forms.reduce((a, b) => (bestCpu(b) > bestCpu(a) ? b : a));
  const runs = [];
  for (let r = 0; r < reps; r++) runs.push(run(best.form, best.iters, 5 + r));
  const all = [...forms.flatMap((f) => f.runs), ...runs];
  const n = readBytes / 4, p = m._alloc_floats(n);
  if (!p) throw new Error('roofline_wasm: allocation failed');
  const bw = { wall: [], cpu: [] };
  for (let r = 0; r < readReps; r++) {
    const t = performance.now(), c = process.cpuUsage();
    m._read_f32x4(p, n);
    const cpu = process.cpuUsage(c);
    if (r) bw.wall.push(readBytes / (performance.now() - t) / 1e6), bw.cpu.push(readBytes / ((cpu.user + cpu.system) / 1e3) / 1e6);
  }
  m._free_floats(p);
  return {
    form: best.name,
    forms: forms.map((f) => ({ name: f.name, gflops: Math.max(...f.runs.map((r) => r.wall)), gflopsCpu: bestCpu(f) })),
    gflops: Math.max(...all.map((r) => r.wall)), gflopsCpu: Math.max(...all.map((r) => r.cpu)),  // the peak: best of all
    gflopsMedian: median(runs.map((r) => r.wall)), gflopsCpuMedian: median(runs.map((r) => r.cpu)),
    readGBs: median(bw.wall), readGBsMax: Math.max(...bw.wall), readGBsCpu: median(bw.cpu), readBytes,
  };
}
