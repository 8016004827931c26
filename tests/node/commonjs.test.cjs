// The CommonJS entry: require('attention-wasm') gives init() and load() (the ES module API), the same instance as an
// ES module import, and its types compile for a NodeNext CommonJS consumer. Not the API's behaviour (other tests).
'use strict';
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { join } = require('node:path');

test('require() gives init() and load(): the same instance and classes as the ES module', async () => {
  const cjs = require('attention-wasm');  // the package's own name: resolved through package.json "exports"
  assert.deepEqual(Object.keys(cjs).sort(), ['init', 'load']);
  const attn = await cjs.init();
  const esm = await import('attention-wasm');
  assert.equal(await cjs.load(), esm);
  assert.equal(attn, await esm.init());
  const q = Float32Array.from({ length: 8 }, (_, i) => i / 8);
  const r = attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, causal: true });
  assert.deepEqual(r.out, (await esm.init()).attention({ q, k: q, v: q, qLen: 2, headDim: 4, causal: true }).out);
  assert.throws(() => attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4, casual: true }),
    (e) => e instanceof esm.AttentionError && e.code === 'INVALID_ARGUMENT');
});

test('TypeScript (module NodeNext, a .cts file) types require() through the "require" export', () => {
  const ts = require('typescript');
  const file = join(__dirname, '..', 'types', 'commonjs.cts');
  const program = ts.createProgram([file], { strict: true, noEmit: true, module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, types: [], skipLibCheck: false });
  const source = program.getSourceFile(file).text.split('\n');
  const marked = source.flatMap((text, i) => (/\/\/ error: /.test(text) ? [i + 1] : []));
  const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ({
    line: d.file ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    text: `${d.file?.fileName}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
  }));
  assert.deepEqual(diagnostics.filter((d) => !marked.includes(d.line)), [], 'unexpected errors');
  assert.deepEqual(marked.filter((line) => !diagnostics.some((d) => d.line === line)), [], 'marked lines that compile');
});
