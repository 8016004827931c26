// A bounded fuzz of the JS API: seeded random malformed calls (a key dropped, a value replaced by a wrong type, size,
// NaN, null, a detached or wrong-length array, an unknown key) in a child process under a watchdog. Each call must
// return or throw a coded AttentionError (never ABORTED, never another error), leave the heap as it found it, and the
// instance must keep giving the same bits to a fixed call. Not a numeric test (attention.test.mjs and friends).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CALLS = Number(process.env.ATTN_FUZZ_CALLS ?? 3000);

if (process.argv[2] === 'child') {
  const { init, AttentionError, ERROR_CODES } = await import('../../dist/index.js');
  const attn = await init();
  let seed = Number(process.argv[3]);
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const floats = (n) => Float32Array.from({ length: n }, () => random() * 2 - 1);
  const detached = () => {
    const a = new Float32Array(8);
    structuredClone(a.buffer, { transfer: [a.buffer] });
    return a;
  };
  const weird = () => pick([null, undefined, -1, 0, 1.5, 2 ** 31, 2 ** 30, NaN, Infinity, -Infinity, 'x', '', true, [], {},
    [1, 2], new Float64Array(8), new Float32Array(0), new Float32Array(7), new Float32Array(8), new Uint8Array(8), detached(),
    () => 1, Symbol('s'), 10n, 3.4e38, -3.4e38]);

  const fq = floats(32), fk = floats(32), fv = floats(32);
  const fixed = () => attn.attention({ q: fq, k: fk, v: fv, qLen: 4, heads: 2, headDim: 4, causal: true }).out;
  const reference = fixed();
  const mha = new attn.MultiHeadAttention({ dModel: 8, heads: 2, seed: 3 });
  const tok = await attn.tokenizer();

  // Each base call: valid options (fresh arrays) and the call that runs them, disposing what it made.
  const bases = {
    attention: [() => ({ q: floats(32), k: floats(32), v: floats(32), qLen: 4, heads: 2, headDim: 4, causal: true,
      window: { left: 1 }, keyPadding: [0, 0, 0, 1], returnWeights: true, outputs: 'copy', impl: 'auto', scale: 0.5 }),
    (o) => attn.attention(o)],
    kvCache: [() => ({ kvHeads: 1, headDim: 4, valueDim: 4, batch: 1 }), (o) => {
      const c = attn.kvCache(o);
      try {
        c.append({ k: floats(8), v: floats(8) });
        c.attention({ q: floats(4), qLen: 1 });
      } finally {
        c.dispose();
      }
    }],
    append: [() => ({ k: floats(8), v: floats(8) }), (o) => {
      const c = attn.kvCache({ kvHeads: 1, headDim: 4 });
      try {
        c.append(o);
      } finally {
        c.dispose();
      }
    }],
    cacheAttention: [() => ({ q: floats(8), qLen: 1, heads: 2, causal: true, returnLse: true }), (o) => {
      const c = attn.kvCache({ kvHeads: 1, headDim: 4 });
      try {
        c.append({ k: floats(8), v: floats(8) });
        c.attention(o);
      } finally {
        c.dispose();
      }
    }],
    mha: [() => ({ dModel: 8, heads: 2, kvHeads: 1, positional: 'learned', maxLen: 8, seed: 1, bias: true }),
      (o) => new attn.MultiHeadAttention(o).dispose()],
    forward: [() => ({ batch: 1, length: 2, causal: 'bottom-right', trace: true, firstPosition: 0, threads: 1 }),
      (o) => mha.forward(floats(16), o)],
    step: [() => ({ length: 1, window: { left: 1 }, impl: 'auto' }), (o) => {
      const d = mha.decoder();
      try {
        d.step(floats(8), o);
      } finally {
        d.dispose();
      }
    }],
    cost: [() => ({ dModel: 64, heads: 8, kvHeads: 2, layers: 4, context: 128, bytesPerElement: 2, bias: true }), (o) => attn.cost(o)],
    encode: [() => ({ allowSpecial: true }), (o) => tok.encode('Hello <|endoftext|> world', o)],
  };

  const failures = [];
  const outcomes = { returned: 0, refused: 0 };
  // Each valid call once first: the tokenizer keeps its input buffer (sized by its first text) between calls.
  for (const [make, run] of Object.values(bases)) run(make());
  tok.encode('Hello <|endoftext|> world');  // and without special tokens: a path with its own lazily built table
  const baseline = attn.memory().inUse;
  for (let i = 0; i < Number(process.argv[4]); i++) {
    const [name, [make, run]] = pick(Object.entries(bases));
    const o = make();
    const keys = Object.keys(o);
    const mutation = pick(['drop', 'replace', 'replace', 'unknown', 'whole']);
    let options = o;
    if (mutation === 'drop') delete o[pick(keys)];
    else if (mutation === 'replace') o[pick(keys)] = weird();
    else if (mutation === 'unknown') o[pick(['casual', 'qlen', 'Heads', 'extra', 'weights', '__proto__x'])] = 1;
    else options = weird();
    const what = `#${i} ${name} ${mutation}`;
    try {
      run(options);
      outcomes.returned++;
    } catch (error) {
      outcomes.refused++;
      if (!(error instanceof AttentionError) || !ERROR_CODES.includes(error.code) || error.code === 'ABORTED')
        failures.push(`${what}: ${error?.stack ?? error}`);
    }
    const inUse = attn.memory().inUse;
    if (inUse !== baseline) failures.push(`${what}: heap in use ${inUse - baseline} bytes more than before`);
    if (i % 25 === 0 && JSON.stringify(Array.from(fixed())) !== JSON.stringify(Array.from(reference)))
      failures.push(`${what}: the fixed call's bits changed`);
    if (failures.length >= 5) break;
  }
  console.log(JSON.stringify({ failures, outcomes }));
  process.exit(0);
}

test(`${CALLS} seeded malformed calls: coded errors only, the heap flat, the bits unchanged (watchdog 240 s)`, () => {
  const output = execFileSync(process.execPath, [fileURLToPath(import.meta.url), 'child', '12345', String(CALLS)],
    { encoding: 'utf8', timeout: 240_000, maxBuffer: 16 << 20 });
  const { failures, outcomes } = JSON.parse(output.trim().split('\n').at(-1));
  assert.deepEqual(failures, []);
  // Both kinds ran: malformed calls were refused, and some mutations (a dropped optional key) still computed.
  assert.ok(outcomes.refused > CALLS / 4 && outcomes.returned > CALLS / 10, JSON.stringify(outcomes));
});
