// Tokenizer throughput in one Node process: the wasm GPT-2 tokenizer vs js-tiktoken (r50k_base) vs gpt-3-encoder.
// Not a test: it prints MB/s (UTF-8 megabytes of input per second) and checks only that the three agree on ids.
//
// Usage: node bench/tokenizer.bench.mjs [MB=4] [wasm dir=build-wasm] [--dump file] [--text file]
//   --text benchmarks the contents of `file` (UTF-8) instead of the generated text.
//   --dump writes the generated text to `file`, for the native benchmark (ATTN_BENCH_TEXT=file bench/tokenizer_bench).
// gpt-3-encoder is only timed on 2 KB chunks: its encode() concatenates the id array once per piece, which is
// quadratic on a single multi-megabyte text (minutes for 4 MB).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getEncoding } from 'js-tiktoken';

const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const dumpAt = args.indexOf('--dump');
const dumpFile = dumpAt >= 0 ? args.splice(dumpAt, 2)[1] : null;
const textAt = args.indexOf('--text');
const textFile = textAt >= 0 ? args.splice(textAt, 2)[1] : null;
const MB = Number(args[0] ?? 4);
const WASM_DIR = pathToFileURL(resolve(args[1] ?? fileURLToPath(new URL('../build-wasm/', import.meta.url))) + '/');
const { default: createModule } = await import(new URL('attn.mjs', WASM_DIR));
const { createTokenizer } = await import(new URL('../wasm/tokenizer.js', import.meta.url));
const module = await createModule();
const t0 = performance.now();
const tok = createTokenizer(module, new Uint8Array(readFileSync(new URL('gpt2-bpe.bin', WASM_DIR))));
const loadMs = performance.now() - t0;
const tiktoken = getEncoding('r50k_base');
const gpt3 = require('gpt-3-encoder');

// Mixed text: English-like prose from a Zipf-ish word list, code, numbers, some CJK and emoji. Deterministic.
function makeText(bytes) {
  let s = 2463534242;
  const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296; };
  const syll = ['th', 'e', 'an', 'in', 'er', 'on', 're', 'at', 'en', 'nd', 'ti', 'es', 'or', 'te', 'of', 'ed', 'is', 'it', 'al', 'ar', 'st', 'to', 'nt', 'ng', 'se', 'ha', 'as', 'ou', 'io', 'le', 'qu', 'x', 'z'];
  const words = Array.from({ length: 6000 }, () => Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => syll[Math.floor(rnd() * syll.length)]).join(''));
  const word = () => words[Math.floor(words.length * rnd() ** 3)];
  const code = ['for (let i = 0; i < n; i++) {\n    sum += a[i] * b[i];\n}\n', 'def f(x):\n    return x ** 2 + 1\n', '#include <vector>\nint main() { return 0; }\n', '{"id": 12345, "name": "value", "ok": true}\n'];
  const intl = ['東京は日本の首都です。', '我爱自然语言处理。', 'Привет, мир! ', 'Füße über Straßen. ', '😀 👍🏽 👨‍👩‍👧‍👦 ', 'café naïve résumé '];
  const parts = [];
  let size = 0;
  while (size < bytes) {
    const r = rnd();
    let p;
    if (r < 0.8) {
      const n = 5 + Math.floor(rnd() * 25);
      const ws = Array.from({ length: n }, word);
      ws[0] = ws[0][0].toUpperCase() + ws[0].slice(1);
      p = ws.join(' ') + (rnd() < 0.2 ? `, ${Math.floor(rnd() * 10000)} ` : '') + (rnd() < 0.1 ? "'s" : '') + '. ';
      if (rnd() < 0.15) p += '\n\n';
    } else if (r < 0.9) p = code[Math.floor(rnd() * code.length)];
    else p = intl[Math.floor(rnd() * intl.length)];
    parts.push(p);
    size += Buffer.byteLength(p);
  }
  return parts.join('');
}

const text = textFile ? readFileSync(textFile, 'utf8') : makeText(MB * 1e6);
const bytes = Buffer.byteLength(text);
if (dumpFile) writeFileSync(dumpFile, text);
const chunks = text.match(/[^]{1,2000}/g);  // ~2 KB calls, where per-call overhead shows

function bench(name, fn, minMs = 1500) {
  fn();  // warm-up (JIT, caches)
  let runs = 0;
  const start = performance.now();
  let out;
  do { out = fn(); runs++; } while (performance.now() - start < minMs);
  const ms = (performance.now() - start) / runs;
  console.log(`${name.padEnd(44)} ${(bytes / 1e6 / (ms / 1000)).toFixed(2).padStart(8)} MB/s  (${ms.toFixed(0)} ms per ${(bytes / 1e6).toFixed(1)} MB)`);
  return out;
}

console.log(`text: ${(bytes / 1e6).toFixed(2)} MB UTF-8, ${text.length} UTF-16 units; asset load ${loadMs.toFixed(1)} ms; node ${process.version}`);
const a = bench('wasm (attn) encode, whole text', () => tok.encode(text));
bench('wasm (attn) encode, 2 KB chunks', () => { let n = 0; for (const c of chunks) n += tok.encode(c).length; return n; });
bench('wasm (attn) encodeWithOffsets, whole text', () => tok.encodeWithOffsets(text).ids);
const b = bench('js-tiktoken r50k_base encode, whole text', () => tiktoken.encode(text, [], []));
bench('js-tiktoken r50k_base encode, 2 KB chunks', () => { let n = 0; for (const c of chunks) n += tiktoken.encode(c, [], []).length; return n; });
const c = bench('gpt-3-encoder encode, 2 KB chunks (cache warm)', () => chunks.flatMap((ch) => gpt3.encode(ch)));
const w = chunks.flatMap((ch) => [...tok.encode(ch)]);
const same = (x, y) => x.length === y.length && x.every((v, i) => v === y[i]);
console.log(`ids: wasm == js-tiktoken (whole text): ${same([...a], b)}; wasm == gpt-3-encoder (chunks): ${same(w, c)}; tokens: ${a.length}`);
