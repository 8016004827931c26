// Type tests of the hand-written declarations (wasm/index.d.ts, wasm/worker-client.d.ts) through the typescript
// package: tests/types/usage.ts must compile under --strict; every `// error:` line of must-fail.ts must not.
// Not a runtime test: nothing here loads the wasm module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const dir = fileURLToPath(new URL('../types/', import.meta.url));

let previous;  // reusing the last program keeps the parsed lib files (halves the time)

/** Compiles `file` with tests/types/tsconfig.json's options; returns its diagnostics as { line, text }. */
function check(file) {
  const config = ts.getParsedCommandLineOfConfigFile(`${dir}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); } });
  assert.deepEqual(config.errors, [], 'tsconfig.json parses');
  const program = ts.createProgram([`${dir}${file}`], config.options, undefined, previous);
  previous = program;
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file?.fileName,
    line: d.file ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0,
    text: ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  }));
}

const show = (ds) => ds.map((d) => `${d.file}:${d.line}: ${d.text}`).join('\n');

test(`usage.ts compiles with tsc --strict (typescript ${ts.version})`, () => {
  const diagnostics = check('usage.ts');
  assert.equal(diagnostics.length, 0, show(diagnostics));
});

test('must-fail.ts: every `// error:` line fails to compile, and no other line does', () => {
  const source = readFileSync(`${dir}must-fail.ts`, 'utf8').split('\n');
  const expected = source.flatMap((text, i) => (/\/\/ error: /.test(text) ? [i + 1] : []));
  assert.ok(expected.length >= 20, `must-fail.ts has ${expected.length} marked lines`);
  const diagnostics = check('must-fail.ts');
  const stray = diagnostics.filter((d) => !d.file?.endsWith('must-fail.ts') || !expected.includes(d.line));
  assert.deepEqual(stray, [], `unexpected errors:\n${show(stray)}`);
  const failing = new Set(diagnostics.map((d) => d.line));
  const passing = expected.filter((line) => !failing.has(line));
  assert.deepEqual(passing, [], `lines that should fail to compile but do not:\n${passing.map((l) => `${l}: ${source[l - 1].trim()}`).join('\n')}`);
});

test('index.d.ts declares everything the built package exposes at run time (exports, instance and class members)', async () => {
  const file = fileURLToPath(new URL('../../wasm/index.d.ts', import.meta.url));
  const program = ts.createProgram([file], { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, types: [] }, undefined, previous);
  const checker = program.getTypeChecker();
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(file)));
  const membersOf = (name) => checker.getDeclaredTypeOfSymbol(exported.find((s) => s.name === name)).getProperties().map((p) => p.name);
  const runtimeMembers = (object) => [...Object.keys(object), ...Object.getOwnPropertyNames(Object.getPrototypeOf(object))]
    .filter((k) => k !== 'constructor' && !k.startsWith('_'));  // _handle() is @internal

  const pkg = await import('../../dist/index.js');
  const missing = (runtime, declared, what) => runtime.filter((k) => !declared.includes(k)).map((k) => `${what}.${k}`);
  const attn = await pkg.init();
  const m = new attn.MultiHeadAttention({ dModel: 4, heads: 2 });
  const d = m.decoder();
  const kv = attn.kvCache({ kvHeads: 1, headDim: 4 });
  const undeclared = [
    ...missing(Object.keys(pkg), exported.map((s) => s.name), 'export'),
    ...missing(runtimeMembers(attn), membersOf('Attention'), 'Attention'),
    ...missing(runtimeMembers(m), membersOf('MultiHeadAttention'), 'MultiHeadAttention'),
    ...missing(runtimeMembers(d), membersOf('Decoder'), 'Decoder'),
    ...missing(runtimeMembers(kv), membersOf('KvCache'), 'KvCache'),
  ];
  kv.dispose();
  d.dispose();
  m.dispose();
  if (typeof attn.tokenizer === 'function') {
    const tok = await attn.tokenizer('gpt2');
    undeclared.push(...missing(Object.keys(tok), membersOf('Tokenizer'), 'Tokenizer'));
    tok.dispose();
  }
  assert.deepEqual(undeclared, [], 'add these to wasm/index.d.ts (and tests/types/usage.ts)');
});

test("each API's option names in wasm/options.js (what the runtime accepts) are exactly its .d.ts option type's", async () => {
  const { OPTION_NAMES } = await import('../../dist/options.js');
  const TYPES = {
    init: 'InitOptions', attention: 'AttentionOptions', 'kvCache.attention': 'KvCacheAttentionOptions',
    window: 'AttentionWindow', outputs: 'AttentionOutputArrays', kvCache: 'KvCacheOptions', cost: 'CostConfig',
    MultiHeadAttention: 'MultiHeadAttentionOptions', weights: 'MhaWeightsInput', forward: 'ForwardOptions',
    decoder: 'DecoderOptions', 'decoder.step': 'DecoderStepOptions', tokenizer: 'TokenizerOptions', encode: 'EncodeOptions',
    encodeWithOffsets: 'EncodeOptions', loadModel: 'LoadModelOptions', 'model.forward': 'ModelForwardOptions',
    'model.generate': 'GenerateOptions', createTrainer: 'TrainerOptions', 'demo.nextTokens': 'NextTokensOptions',
  };
  // Option objects declared inline in a method's signature: [interface, method, parameter index].
  const INLINE = { 'kvCache.append': ['KvCache', 'append', 0], 'trainer.headScores': ['Trainer', 'headScores', 0],
    'trainer.save': ['Trainer', 'save', 0] };
  const files = ['index.d.ts', 'demo.d.ts'].map((f) => fileURLToPath(new URL(`../../wasm/${f}`, import.meta.url)));
  const program = ts.createProgram(files, { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, types: [] });
  const checker = program.getTypeChecker();
  const declared = new Map();
  for (const file of files) {
    const source = program.getSourceFile(file);
    for (const symbol of checker.getExportsOfModule(checker.getSymbolAtLocation(source))) declared.set(symbol.name, symbol);
    // AttentionWindow and friends may be declared without export: read the file's own declarations too.
    ts.forEachChild(source, (node) => {
      if ((ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) && !declared.has(node.name.text))
        declared.set(node.name.text, checker.getSymbolAtLocation(node.name));
    });
  }
  const propsOf = (type) => checker.getPropertiesOfType(checker.getNonNullableType(type)).map((p) => p.name).sort();
  const drift = [];
  for (const [api, names] of Object.entries(OPTION_NAMES)) {
    let keys;
    if (TYPES[api]) {
      const symbol = declared.get(TYPES[api]);
      assert.ok(symbol, `${TYPES[api]} is not declared`);
      keys = propsOf(checker.getDeclaredTypeOfSymbol(symbol));
    } else {
      assert.ok(INLINE[api], `${api}: name its .d.ts option type in this test`);
      const [owner, method, index] = INLINE[api];
      const m = checker.getDeclaredTypeOfSymbol(declared.get(owner)).getProperty(method);
      const signature = checker.getSignaturesOfType(checker.getTypeOfSymbol(m), ts.SignatureKind.Call)[0];
      keys = propsOf(checker.getTypeOfSymbol(signature.parameters[index]));
    }
    if (JSON.stringify(keys) !== JSON.stringify([...names].sort()))
      drift.push(`${api}: runtime [${[...names].sort()}] vs types [${keys}]`);
  }
  assert.deepEqual(drift, []);
});
