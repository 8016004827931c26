// Writes a GPT-2-small-sized safetensors file (12 layers × 12 heads, d_model 768, 50,257 tokens, F16 random weights)
// for the browser test and benchmark that open it in the page. Not a test, and not GPT-2's weights.
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { numberToF16 } from '../reference/safetensors.mjs';
import { ARTIFACTS } from './browser.mjs';

const C = 768, L = 12, V = 50257, P = 1024, F = 4 * C;

/** Writes the file tensor by tensor (it is ~250 MB: never held whole in memory); returns { path, bytes }. */
function writeGpt2Small(path) {
  const tensors = [['wte.weight', [V, C], 'matrix'], ['wpe.weight', [P, C], 'matrix']];
  for (let l = 0; l < L; l++) {
    const h = `h.${l}.`;
    tensors.push([h + 'ln_1.weight', [C], 'one'], [h + 'ln_1.bias', [C], 'zero'], [h + 'attn.c_attn.weight', [C, 3 * C], 'matrix'],
      [h + 'attn.c_attn.bias', [3 * C], 'zero'], [h + 'attn.c_proj.weight', [C, C], 'matrix'], [h + 'attn.c_proj.bias', [C], 'zero'],
      [h + 'ln_2.weight', [C], 'one'], [h + 'ln_2.bias', [C], 'zero'], [h + 'mlp.c_fc.weight', [C, F], 'matrix'],
      [h + 'mlp.c_fc.bias', [F], 'zero'], [h + 'mlp.c_proj.weight', [F, C], 'matrix'], [h + 'mlp.c_proj.bias', [C], 'zero']);
  }
  tensors.push(['ln_f.weight', [C], 'one'], ['ln_f.bias', [C], 'zero']);
  tensors.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  const header = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, shape] of tensors) {
    const bytes = 2 * shape.reduce((a, b) => a * b, 1);
    header[name] = { dtype: 'F16', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const fd = openSync(path, 'w');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  writeSync(fd, length);
  writeSync(fd, json);
  // Random weights k/4096, |k| ≤ 96 (exact in F16), from a seeded xorshift32.
  const table = Array.from({ length: 193 }, (_, k) => numberToF16((k - 96) / 4096));
  const one = numberToF16(1);
  let s = 12345;
  for (const [, shape, kind] of tensors) {
    const n = shape.reduce((a, b) => a * b, 1), out = new Uint16Array(n);
    if (kind === 'one') out.fill(one);
    else if (kind === 'matrix') {
      for (let i = 0; i < n; i++) {
        s ^= s << 13, s ^= s >>> 17, s ^= s << 5;
        out[i] = table[(s >>> 0) % 193];
      }
    }
    writeSync(fd, new Uint8Array(out.buffer));
  }
  closeSync(fd);
  return { path, bytes: 8 + json.length + offset };
}

/** The file under build-e2e/, written on first use (then kept): { path, bytes }. */
export function gpt2SmallFile() {
  const path = join(ARTIFACTS, 'gpt2-small-random-f16.safetensors');
  const size = existsSync(path) ? statSync(path).size : 0;
  return size < 200e6 ? writeGpt2Small(path) : { path, bytes: size };
}
