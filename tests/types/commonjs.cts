// A CommonJS TypeScript consumer (module NodeNext): require('attention-wasm') is typed through the package's
// "require" export (dist/index.d.cts). tests/node/commonjs.test.cjs compiles it; the marked line must fail. Not run.
import attentionWasm = require('attention-wasm');

async function main(): Promise<void> {
  const attn = await attentionWasm.init({ threads: false });
  const out: Float32Array = attn.attention({ q: new Float32Array(4), k: new Float32Array(4), v: new Float32Array(4), qLen: 1, headDim: 4 }).out;
  const { AttentionError, ERROR_CODES } = await attentionWasm.load();
  console.log(out, ERROR_CODES, new AttentionError('INVALID_ARGUMENT', 'x').code);
  await attentionWasm.init({ thread: false }); // error: thread is a typo of threads
}
main();
