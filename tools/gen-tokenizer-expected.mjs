// Writes js-tiktoken's r50k_base ids for the tokenizer test corpus, as the independent reference for the native tests.
// Not part of the shipped package: it runs at build time (cmake/parts/tokenizer.cmake) for tests/native/test_tokenizer.cpp.
//
// Usage: node tools/gen-tokenizer-expected.mjs <out.tsv>
// One line per corpus string: hex of its UTF-8 bytes (TextEncoder: lone surrogates become U+FFFD, as in the wasm
// path), TAB, ids with special tokens as text, TAB, ids with special tokens allowed (ids comma-separated).
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { getEncoding } from 'js-tiktoken';
import { tokenizerCorpus } from '../tests/data/tokenizer-corpus.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node tools/gen-tokenizer-expected.mjs <out.tsv>');
  process.exit(2);
}
const enc = getEncoding('r50k_base');
const te = new TextEncoder();
const lines = tokenizerCorpus().map((s) => {
  const hex = Buffer.from(te.encode(s)).toString('hex');
  const asText = enc.encode(s, [], []);
  const allowed = s.includes('<|endoftext|>') ? enc.encode(s, 'all', []) : asText;
  return `${hex}\t${asText.join(',')}\t${allowed.join(',')}`;
});
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, lines.join('\n') + '\n');
