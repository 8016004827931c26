// The npm package as a user gets it: `npm pack` (prepack skipped, dist/ built beforehand), installed into a scratch
// project outside the repo; its file list, exports, types, the Node example, and examples/cpp via add_subdirectory.
// Not the API's behaviour in depth (attention/mha/tokenizer tests do that) and not the browser (tests/e2e/package.test.mjs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PACKAGE_FILES, ROOT, checkTypeConsumers, cleanEnv, packAndInstall, run } from '../e2e/fixtures/packed.mjs';

/** Like run() but asynchronous, so the C++ build overlaps the npm steps; never rejects. */
function runAsync(command, args, options) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: cleanEnv(), ...options });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (error) => resolve({ code: -1, output: output + String(error) }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

// examples/cpp: configure + build in a temp folder, started now and awaited by its test.
const cppBuildDir = mkdtempSync(join(tmpdir(), 'attention-wasm-example-cpp-'));
const cppBuild = (async () => {
  const configure = await runAsync('cmake', ['-S', join(ROOT, 'examples/cpp'), '-B', cppBuildDir, '-G', 'Ninja'], { cwd: ROOT });
  if (configure.code !== 0) return configure;
  return runAsync('cmake', ['--build', cppBuildDir, '-j', '2'], { cwd: ROOT });
})();

let packed;
before(() => {
  packed = packAndInstall();
});
after(async () => {
  await cppBuild;  // never leave the build running
  packed?.cleanup();
  rmSync(cppBuildDir, { recursive: true, force: true });
});

const nodeExample = () => run(process.execPath, [join(ROOT, 'examples/node/index.mjs')], { cwd: ROOT });

test('the tarball holds exactly the runtime files', () => {
  const files = packed.pack.files.map((f) => f.path).sort();
  assert.deepEqual(files, [...PACKAGE_FILES].sort());
  assert.equal(packed.pack.name, 'attention-wasm');
  // ≈ 1 MB of code, modules and vocabulary plus the trained model (1.7 MB of F16 weights and film, ≈ 1.5 MB packed).
  assert.ok(packed.pack.size < 3_000_000, `tarball is ${packed.pack.size} bytes`);
});

test('package.json: ESM exports with types first, files, sideEffects, engines, prepack', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.equal(pkg.type, 'module');
  // require() first (its own types: a CommonJS consumer must not get the ES module's), then "types" before "default".
  assert.deepEqual(Object.keys(pkg.exports['.']), ['require', 'types', 'default']);
  assert.deepEqual(pkg.exports['.'].require, { types: './dist/index.d.cts', default: './dist/index.cjs' });
  assert.equal(pkg.exports['.'].types, './dist/index.d.ts');
  assert.equal(pkg.types, './dist/index.d.ts');
  assert.equal(pkg.sideEffects, false);
  assert.match(pkg.engines.node, />=\s*20/);
  assert.match(pkg.scripts.prepack, /tools\/build\.sh wasm-release/);
  const targets = (e) => (typeof e === 'string' ? [e] : Object.values(e).flatMap(targets));
  for (const target of Object.values(pkg.exports).flatMap(targets))
    assert.ok(target === './package.json' || PACKAGE_FILES.includes(target.slice(2)), `${target} is in the tarball`);
});

test('a CommonJS consumer of the installed package: require() gives init() and load(), as the README says', () => {
  const script = "const { init, load } = require('attention-wasm'); init().then(async (attn) => " +
    "console.log(attn.backend, attn === await (await load()).init()));";
  assert.equal(run(process.execPath, ['-e', script], { cwd: packed.project }).trim(), 'wasm-simd128 true');
});

test('the Node example runs against the installed package and prints what it prints in the repo', () => {
  copyFileSync(join(ROOT, 'examples/node/index.mjs'), join(packed.project, 'example.mjs'));
  const installed = run(process.execPath, ['example.mjs'], { cwd: packed.project });
  assert.match(installed, /^head 0: .+ → .+ \d\.\d{4}/m);
  assert.match(installed, /^tokenizer: gpt2, 50257 ids$/m);
  assert.equal(installed, nodeExample());
});

test('a Node test against the installed package: bare import, exports map, errors, tokenizer, dispose', () => {
  writeFileSync(join(packed.project, 'smoke.test.mjs'), `
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { init, version, simdSupported, AttentionError } from 'attention-wasm';
import { createAttentionWorker } from 'attention-wasm/worker-client';

test('installed attention-wasm works', async () => {
  const pkg = createRequire(import.meta.url)('attention-wasm/package.json');
  assert.equal(version, pkg.version);
  assert.equal(simdSupported(), true);
  assert.equal(typeof createAttentionWorker, 'function');
  assert.match(import.meta.resolve('attention-wasm'), /node_modules\\/attention-wasm\\/dist\\/index\\.js$/);
  assert.match(import.meta.resolve('attention-wasm/attn.wasm'), /node_modules\\/attention-wasm\\/dist\\/attn\\.wasm$/);
  await assert.rejects(import('attention-wasm/dist/heap.js'), { code: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });

  const attn = await init();
  assert.equal(attn, await init());
  const q = Float32Array.from({ length: 8 }, (_, i) => i / 8);
  const r = attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, causal: true, returnWeights: true });
  assert.deepEqual(Array.from(r.weights), [1, 0, r.weights[2], r.weights[3]]);
  assert.deepEqual(r.shapes, { out: [1, 2, 4], weights: [1, 1, 2, 2] });
  assert.throws(() => attn.attention({ q, k: q, v: q, qLen: 3, headDim: 4 }),
    (e) => e instanceof AttentionError && e.code === 'INVALID_ARGUMENT' && /^q: /.test(e.message));

  const tok = await attn.tokenizer('gpt2');
  assert.equal(tok.decode(tok.encode('Hello, world')), 'Hello, world');
  tok.dispose();
  const before = attn.memory().inUse;
  for (let i = 0; i < 20; i++) {
    const m = new attn.MultiHeadAttention({ dModel: 8, heads: 2, seed: i });
    assert.equal(m.forward(new Float32Array(16), { trace: true }).trace.weights.length, 8);
    m.dispose();
    assert.throws(() => m.forward(new Float32Array(16)), { code: 'DISPOSED' });
  }
  assert.equal(attn.memory().inUse, before);
});
`);
  const output = run(process.execPath, ['--test', 'smoke.test.mjs'], { cwd: packed.project });
  assert.match(output, /^# pass 1$/m);
});

test('TypeScript strict consumers (NodeNext and Bundler resolution) compile against the installed types; wrong calls fail', () => {
  // usage.ts compiles; every misuse of must-fail.ts is an error (// @ts-expect-error on each, unused ones fail).
  const wrongCalls = checkTypeConsumers(packed.project, join(ROOT, 'node_modules/typescript/bin/tsc'));
  assert.ok(wrongCalls >= 20, `${wrongCalls} wrong calls checked`);
});

test('examples/cpp builds with add_subdirectory of the repo and prints what the Node example prints', async () => {
  const build = await cppBuild;
  assert.equal(build.code, 0, build.output);
  const cpp = run(join(cppBuildDir, 'attention_example'), [], { cwd: cppBuildDir });
  const node = nodeExample();
  // Native kernels sum in another order than wasm SIMD: the same tokens and links, weights within 5e-4.
  const parse = (text) => text.split('\n').filter((l) => /^(tokens|head \d|out\[)/.test(l));
  const [cppLines, nodeLines] = [parse(cpp), parse(node)];
  assert.equal(cppLines.length, nodeLines.length, `${cpp}\n---\n${node}`);
  cppLines.forEach((line, n) => {
    const numbers = (s) => (s.match(/-?\d+\.\d{4}/g) ?? []).map(Number);
    assert.equal(line.replace(/-?\d+\.\d{4}/g, '#'), nodeLines[n].replace(/-?\d+\.\d{4}/g, '#'));
    numbers(line).forEach((x, i) => assert.ok(Math.abs(x - numbers(nodeLines[n])[i]) <= 5e-4, `${line}\n${nodeLines[n]}`));
  });
});

test('GPT-2 examples: Node (wasm) and C++ (native) generate the same greedy tokens from the same file', async () => {
  const build = await cppBuild;
  assert.equal(build.code, 0, build.output);
  const fixture = join(ROOT, 'tests/data/gpt2-tiny-f32.safetensors');
  const node = run(process.execPath, [join(ROOT, 'examples/node/generate.mjs'), fixture], { cwd: ROOT });
  const cpp = run(join(cppBuildDir, 'attention_generate'), [fixture], { cwd: cppBuildDir });
  const greedy = (text) => /^prompt .* → greedy .*$/m.exec(text)?.[0];
  assert.ok(greedy(node), node);
  assert.equal(greedy(cpp), greedy(node));
  assert.match(node, /layer 1, last token: h0→\d+/);
});
