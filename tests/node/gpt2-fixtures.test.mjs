// The committed GPT-2 fixtures (tests/data/gpt2-tiny-*.safetensors) and the float64 reference that reads them.
// Not the runtime's tests: these say the files are what tools/make-gpt2-fixtures.mjs writes, that every variant
// holds the same model, and that the reference itself has the properties the runtime will be held to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tinyFixtures, TINY } from '../../tools/make-gpt2-fixtures.mjs';
import { geluNew, gpt2Forward, loadGpt2Reference } from '../reference/gpt2.mjs';
import { f16ToNumber, numberToF16 } from '../reference/safetensors.mjs';

const DATA = new URL('../data/', import.meta.url);
const fixture = (name) => new Uint8Array(readFileSync(new URL(name, DATA)));
const IDS = [5, 17, 3, 95, 0, 42, 42, 8];

test('the committed fixtures are what the generator writes', () => {
  for (const [name, bytes] of Object.entries(tinyFixtures()))
    assert.ok(Buffer.from(fixture(name)).equals(Buffer.from(bytes)), `${name} is stale: run node tools/make-gpt2-fixtures.mjs`);
});

test('F32, prefixed, F16 and BF16 files hold the same model; the untied head differs', () => {
  const ref = gpt2Forward(loadGpt2Reference(fixture('gpt2-tiny-f32.safetensors')), IDS).logits;
  for (const name of ['gpt2-tiny-prefixed.safetensors', 'gpt2-tiny-f16.safetensors', 'gpt2-tiny-bf16.safetensors'])
    assert.deepEqual(gpt2Forward(loadGpt2Reference(fixture(name), 4), IDS).logits, ref, name);
  const untied = gpt2Forward(loadGpt2Reference(fixture('gpt2-tiny-untied.safetensors')), IDS).logits;
  assert.ok(untied.some((v, i) => Math.abs(v - ref[i]) > 1e-3));
});

test('reference: shapes, rows sum to 1, causal zeros, causality by perturbation', () => {
  const model = loadGpt2Reference(fixture('gpt2-tiny-f32.safetensors'));
  const { C, L, H, V } = TINY;
  const T = IDS.length;
  const r = gpt2Forward(model, IDS);
  assert.equal(r.logits.length, T * V);
  assert.equal(r.hidden.length, L + 1);
  assert.equal(r.hidden[0].length, T * C);
  for (const layer of r.attention) {
    assert.equal(layer.length, H);
    for (const w of layer)
      for (let i = 0; i < T; i++) {
        let sum = 0;
        for (let j = 0; j < T; j++) (j > i ? assert.equal(w[i * T + j], 0) : (sum += w[i * T + j]));
        assert.ok(Math.abs(sum - 1) < 1e-12);
      }
  }
  // The weights are not trivially uniform (the fixture would then test nothing about scores).
  const w = r.attention[1][0];
  assert.ok(Math.abs(w[(T - 1) * T] - 1 / T) > 1e-3);
  const changed = gpt2Forward(model, [...IDS.slice(0, 5), 77, 78, 79]);
  assert.deepEqual(changed.logits.subarray(0, 5 * V), r.logits.subarray(0, 5 * V));
  assert.notDeepEqual(changed.logits.subarray(5 * V), r.logits.subarray(5 * V));
});

test('reference: gelu_new at the values of the definition', () => {
  // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), evaluated independently to 10 digits.
  for (const [x, y] of [[1, 0.8411919906], [-1, -0.1588080094], [2, 1.9545976941]]) assert.ok(Math.abs(geluNew(x) - y) < 1e-9);
});

test('reference f16 conversion: every finite pattern round-trips', () => {
  for (let bits = 0; bits < 0x10000; bits++) {
    const x = f16ToNumber(bits);
    if (Number.isFinite(x)) assert.equal(numberToF16(x), bits);
  }
});
