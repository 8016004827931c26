// One list of error codes: wasm/errors.js's ERROR_CODES against the .d.ts union, the C++ status codes and every
// code the JS sources throw. Not the errors' behaviour (each API's tests check its own refusals).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { ERROR_CODES, AttentionError } from '../../dist/errors.js';

const WASM = new URL('../../wasm/', import.meta.url);
const source = (name) => readFileSync(new URL(name, WASM), 'utf8');

test('index.d.ts: AttentionErrorCode is exactly ERROR_CODES', () => {
  const union = /export type AttentionErrorCode =([^;]+);/.exec(source('index.d.ts'));
  assert.ok(union, 'AttentionErrorCode not found in index.d.ts');
  const codes = [...union[1].matchAll(/'([A-Z_]+)'/g)].map((m) => m[1]);
  assert.deepEqual([...codes].sort(), [...ERROR_CODES].sort());
});

test('every C++ status code but OK is in ERROR_CODES', async () => {
  const { default: createModule } = await import('../../dist/attn.mjs');
  const module = await createModule();
  const cpp = module.statusCodes();
  assert.ok(cpp.includes('OK') && cpp.length >= 4, `statusCodes(): ${cpp}`);
  for (const code of cpp.filter((c) => c !== 'OK')) assert.ok(ERROR_CODES.includes(code), `${code} is missing from ERROR_CODES`);
});

test('every code the package throws or names is in ERROR_CODES', () => {
  for (const file of readdirSync(WASM).filter((f) => /\.(js|d\.ts)$/.test(f))) {
    const text = source(file);
    for (const m of text.matchAll(/AttentionError\(\s*'([A-Z_]+)'/g)) assert.ok(ERROR_CODES.includes(m[1]), `${file}: ${m[1]}`);
    for (const m of text.matchAll(/code: '([A-Z_]+)'/g)) assert.ok(ERROR_CODES.includes(m[1]), `${file}: ${m[1]}`);
  }
  assert.equal(new AttentionError('DISPOSED', 'x').code, 'DISPOSED');
});
