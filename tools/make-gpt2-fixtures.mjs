// Writes the tiny random GPT-2 test fixtures (tests/data/gpt2-tiny-*.safetensors) in the Hugging Face layout:
// C=32, L=2, H=4 (d_head 8), F=128, V=96, P=32. Every weight is k/64, k/256, k/1024 or 1 + k/128 for a small
// integer k from a seeded xorshift32, so it is exact in F32, F16 and BF16 and any implementation can rebuild it.
// Not a model of anything: the numbers are random; tests/node/gpt2-fixtures.test.mjs checks the files are current.
// Usage: node tools/make-gpt2-fixtures.mjs [outdir]   (default tests/data)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSafetensors } from '../tests/reference/safetensors.mjs';

export const TINY = { C: 32, L: 2, H: 4, F: 128, V: 96, P: 32 };

/** xorshift32 stream of small integers in [-range, range]. */
function integers(seed) {
  let s = seed >>> 0 || 1;
  return (range) => {
    s ^= s << 13, s >>>= 0, s ^= s >>> 17, s ^= s << 5, s >>>= 0;
    return (s % (2 * range + 1)) - range;
  };
}

/** The HF GPT-2 tensors (bare names) of the tiny model, with `seed` choosing the weights. */
export function tinyTensors(seed, { C, L, F, V, P } = TINY) {
  const next = integers(seed);
  const tensor = (name, shape, value) => ({ name, shape, values: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, value) });
  const embedding = () => next(64) / 64;  // |w| ≤ 1
  const matrix = () => next(64) / 256;    // |w| ≤ 1/4
  const bias = () => next(64) / 1024;
  const gain = () => 1 + next(8) / 128;
  const t = [tensor('wte.weight', [V, C], embedding), tensor('wpe.weight', [P, C], embedding)];
  for (let l = 0; l < L; l++) {
    const h = `h.${l}.`;
    t.push(tensor(h + 'ln_1.weight', [C], gain), tensor(h + 'ln_1.bias', [C], bias),
      tensor(h + 'attn.c_attn.weight', [C, 3 * C], matrix), tensor(h + 'attn.c_attn.bias', [3 * C], bias),
      tensor(h + 'attn.c_proj.weight', [C, C], matrix), tensor(h + 'attn.c_proj.bias', [C], bias),
      tensor(h + 'ln_2.weight', [C], gain), tensor(h + 'ln_2.bias', [C], bias),
      tensor(h + 'mlp.c_fc.weight', [C, F], matrix), tensor(h + 'mlp.c_fc.bias', [F], bias),
      tensor(h + 'mlp.c_proj.weight', [F, C], matrix), tensor(h + 'mlp.c_proj.bias', [C], bias));
  }
  t.push(tensor('ln_f.weight', [C], gain), tensor('ln_f.bias', [C], bias));
  return t;
}

/** The fixture files: name → bytes. */
export function tinyFixtures() {
  const { L, P } = TINY;
  const base = tinyTensors(1);
  const as = (dtype, list) => list.map((t) => ({ ...t, dtype }));
  const causalBuffer = (l) => ({ name: `h.${l}.attn.bias`, dtype: 'F32', shape: [1, 1, P, P],
    values: Array.from({ length: P * P }, (_, k) => (k % P <= Math.floor(k / P) ? 1 : 0)) });
  const buffers = Array.from({ length: L }, (_, l) => causalBuffer(l));
  const wte = base.find((t) => t.name === 'wte.weight');
  const prefixed = [...base, ...buffers, ...Array.from({ length: L }, (_, l) =>
    ({ name: `h.${l}.attn.masked_bias`, dtype: 'F32', shape: [], values: [-1e4] }))].map((t) => ({ ...t, name: 'transformer.' + t.name }));
  const untiedHead = tinyTensors(2).find((t) => t.name === 'wte.weight');
  return {
    // (a) hub-style bare names, F32, with the causal-mask buffers; n_head in the metadata.
    'gpt2-tiny-f32.safetensors': writeSafetensors([...as('F32', base), ...buffers], { format: 'pt', n_head: '4' }),
    // (b) saved from GPT2LMHeadModel: `transformer.` prefix, lm_head.weight equal to wte, masked_bias; no n_head.
    'gpt2-tiny-prefixed.safetensors': writeSafetensors(
      [...as('F32', prefixed), { ...wte, name: 'lm_head.weight', dtype: 'F32' }], { format: 'pt' }),
    // (c), (d) the same weights in F16 and BF16: exact, so every variant gives the same logits.
    'gpt2-tiny-f16.safetensors': writeSafetensors(as('F16', base), { format: 'pt', n_head: '4' }),
    'gpt2-tiny-bf16.safetensors': writeSafetensors(as('BF16', base), { format: 'pt', n_head: '4' }),
    // (e) an untied head: lm_head.weight differs from wte.
    'gpt2-tiny-untied.safetensors': writeSafetensors(
      [...as('F32', base), { ...untiedHead, name: 'lm_head.weight', dtype: 'F32' }], { format: 'pt', n_head: '4' }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = process.argv[2] ?? join(fileURLToPath(new URL('..', import.meta.url)), 'tests/data');
  mkdirSync(out, { recursive: true });
  for (const [name, bytes] of Object.entries(tinyFixtures())) {
    writeFileSync(join(out, name), bytes);
    console.log(`${name}: ${bytes.length} bytes`);
  }
}
