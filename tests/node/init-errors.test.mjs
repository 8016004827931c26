// init() when a file cannot load: the error names the URL it tried, and a threaded build that cannot load falls
// back to the single-thread one, saying why in threadsReason. Each case in a fresh Node process (init() loads once).
// Not the threaded build's numbers (threads.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const index = new URL('../../dist/index.js', import.meta.url).href;

/** Runs `body` (an async function's body, given `init`) in a fresh process; returns what it printed as JSON. */
function inFreshProcess(body) {
  const script = `import { init } from ${JSON.stringify(index)};
    const print = (x) => { console.log(JSON.stringify(x)); process.exit(0); };
    try { ${body} } catch (e) { print({ thrown: true, code: e.code, message: e.message }); }`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60000,
    stdio: ['ignore', 'pipe', 'ignore'] });
  return JSON.parse(output.trim().split('\n').at(-1));
}

test('a wasm file that cannot be found: AttentionError NOT_FOUND naming its URL', () => {
  const r = inFreshProcess(`await init({ locateFile: (path) => '/no/such/folder/' + path }); print({ thrown: false });`);
  assert.equal(r.code, 'NOT_FOUND', JSON.stringify(r));
  assert.match(r.message, /could not be loaded from \/no\/such\/folder\/attn\.wasm/);
});

test('bytes that are not wasm: INVALID_DATA saying they came from wasmBinary', () => {
  const r = inFreshProcess(`await init({ wasmBinary: new Uint8Array(8) }); print({ thrown: false });`);
  assert.equal(r.code, 'INVALID_DATA', JSON.stringify(r));
  assert.match(r.message, /the given wasmBinary/);
});

test('a threaded build that cannot load falls back to one thread and says why',
  { skip: !existsSync(new URL('../../dist/mt/attn_mt.mjs', import.meta.url)) && 'needs the threaded build (wasm-mt-release)' }, () => {
    const r = inFreshProcess(`const attn = await init({ threads: true,
      locateFile: (path) => (path === 'attn_mt.wasm' ? '/no/such/folder/' + path : new URL(path, ${JSON.stringify(index)}).href) });
      const q = new Float32Array(8).fill(0.5);
      print({ threads: attn.threads, reason: attn.threadsReason, out: Array.from(attn.attention({ q, k: q, v: q, qLen: 2, headDim: 4 }).out) });`);
    assert.equal(r.threads, 1, JSON.stringify(r));
    assert.match(r.reason, /threaded build could not load .*\/no\/such\/folder\/attn_mt\.wasm.*running on one thread/);
    assert.deepEqual(r.out, new Array(8).fill(0.5));
  });
