// node:test tests of the wasm GPT-2 tokenizer (wasm/tokenizer.js over the Embind class) against js-tiktoken r50k_base.
// Not the native tests (tests/native/test_tokenizer.cpp) and not a benchmark (bench/tokenizer.bench.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { getEncoding } from 'js-tiktoken';
import { tokenizerCorpus } from '../data/tokenizer-corpus.mjs';

// Where the built module and asset are (one place; ATTN_WASM_DIR overrides, e.g. for a private build folder).
const WASM_DIR = process.env.ATTN_WASM_DIR
  ? pathToFileURL(resolve(process.env.ATTN_WASM_DIR) + '/')
  : new URL('../../build-wasm/', import.meta.url);
const MODULE_URL = new URL('attn.mjs', WASM_DIR);
const ASSET_URL = new URL('gpt2-bpe.bin', WASM_DIR);
const TOKENIZER_URL = new URL('../../wasm/tokenizer.js', import.meta.url);

const { default: createModule } = await import(MODULE_URL);
const { createTokenizer } = await import(TOKENIZER_URL);
const module = await createModule();
const asset = new Uint8Array(readFileSync(ASSET_URL));
const tok = createTokenizer(module, asset);
const ref = getEncoding('r50k_base');
const corpus = tokenizerCorpus();
const te = new TextEncoder();
const td = new TextDecoder('utf-8', { ignoreBOM: true });  // keep a leading U+FEFF, like the tokenizer

// Node 20 has String.prototype.toWellFormed; the fallback keeps the test readable elsewhere.
const wellFormed = (s) => (s.toWellFormed ? s.toWellFormed() : td.decode(te.encode(s)));

test('vocabulary size and special token', () => {
  assert.equal(tok.vocabSize, 50257);
  assert.equal(tok.eotId, 50256);
  assert.equal(tok.tokenText(50256), '<|endoftext|>');
  assert.deepEqual([...tok.encode('Hello world')], [15496, 995]);
  assert.ok(tok.encode('x') instanceof Uint32Array);
});

test('ids equal js-tiktoken r50k_base on the whole corpus (special tokens as text and allowed)', () => {
  assert.ok(corpus.length >= 700);
  let withSpecial = 0;
  for (const s of corpus) {
    const expected = ref.encode(s, [], []);
    assert.deepEqual([...tok.encode(s)], expected, `text ${JSON.stringify(s.slice(0, 60))}`);
    assert.deepEqual([...tok.encode(s, { allowSpecial: false })], expected);
    if (s.includes('<|endoftext|>')) {
      withSpecial++;
      assert.deepEqual([...tok.encode(s, { allowSpecial: true })], ref.encode(s, 'all', []), `text ${JSON.stringify(s.slice(0, 60))}`);
    }
  }
  assert.ok(withSpecial >= 10);
});

test('round trip decode(encode(s)) == s (lone surrogates come back as U+FFFD)', () => {
  for (const s of corpus) {
    for (const allowSpecial of [false, true]) {
      const ids = tok.encode(s, { allowSpecial });
      assert.equal(tok.decode(ids), wellFormed(s));
      assert.deepEqual(tok.decodeBytes(ids), te.encode(s));
    }
  }
  assert.equal(tok.decode([]), '');
  assert.equal(tok.decode(new Uint32Array(0)), '');
});

test('offsets are monotone, gap-free, and slice out each token', () => {
  for (const s of corpus) {
    const bytes = te.encode(s);
    const r = tok.encodeWithOffsets(s, { allowSpecial: s.includes('<|endoftext|>') });
    const n = r.ids.length;
    assert.deepEqual([...r.ids], [...tok.encode(s, { allowSpecial: s.includes('<|endoftext|>') })]);
    assert.equal(r.tokens.length, n);
    if (s.length === 0) {
      assert.equal(n, 0);
      continue;
    }
    assert.equal(r.byteStart[0], 0);
    assert.equal(r.start[0], 0);
    assert.equal(r.byteEnd[n - 1], bytes.length);
    assert.equal(r.end[n - 1], s.length);
    let joined = '';
    for (let i = 0; i < n; i++) {
      const t = r.tokens[i];
      assert.ok(t.byteStart < t.byteEnd);
      assert.ok(t.start <= t.end);
      if (i + 1 < n) {
        assert.equal(t.byteEnd, r.tokens[i + 1].byteStart);
        assert.equal(t.end, r.tokens[i + 1].start);
      }
      assert.deepEqual(bytes.subarray(t.byteStart, t.byteEnd), tok.tokenBytes(t.id));
      assert.equal(t.text, s.slice(t.start, t.end));
      joined += t.text;
    }
    assert.equal(joined, s);
  }
});

test('a token boundary inside a character: the first token gets the whole character', () => {
  const s = 'a😀b';  // 😀: 4 bytes, 2 UTF-16 units, several GPT-2 tokens
  const r = tok.encodeWithOffsets(s);
  assert.ok(r.ids.length >= 4);
  const emoji = r.tokens.filter((t) => t.byteStart >= 1 && t.byteStart < 5);
  assert.ok(emoji.length >= 2);
  assert.deepEqual([emoji[0].start, emoji[0].end, emoji[0].text], [1, 3, '😀']);
  for (const t of emoji.slice(1)) assert.deepEqual([t.start, t.end, t.text], [3, 3, '']);
  assert.equal(tok.tokenText(emoji[0].id), '\ufffd');  // half a character shows as U+FFFD
});

test('allowSpecial switches <|endoftext|> between a special token and text', () => {
  const s = 'Hello<|endoftext|> World';
  const plain = tok.encode(s);
  const special = tok.encode(s, { allowSpecial: true });
  assert.ok(!plain.includes(50256));
  assert.deepEqual([...special], [15496, 50256, 2159]);
  assert.equal(tok.decode(plain), s);
  assert.equal(tok.decode(special), s);
  const r = tok.encodeWithOffsets(s, { allowSpecial: true });
  assert.deepEqual(r.tokens[1], { id: 50256, byteStart: 5, byteEnd: 18, start: 5, end: 18, text: '<|endoftext|>' });
});

test('lone surrogates: same ids as js-tiktoken, offsets index the original string', () => {
  for (const s of ['\ud800', 'a\ud800b', 'x\udc00', '\ud83d', '\ude00b', '\udbff\ud800', ' \ud800 \udfff!', "'\ud800s", 'é\ud800é']) {
    assert.deepEqual([...tok.encode(s)], ref.encode(s, [], []), JSON.stringify(s));
    const r = tok.encodeWithOffsets(s);
    assert.equal(r.end[r.ids.length - 1], s.length);
    assert.equal(r.tokens.map((t) => t.text).join(''), s);
    assert.equal(tok.decode(r.ids), wellFormed(s));
  }
});

test('decode of arbitrary id sequences matches TextDecoder (maximal-subpart U+FFFD)', () => {
  let seed = 99;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let round = 0; round < 2000; round++) {
    const ids = Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * (rnd() < 0.5 ? 256 : 50257)));
    assert.equal(tok.decode(ids), td.decode(tok.decodeBytes(ids)), `ids ${ids}`);
    // js-tiktoken's decode uses a default TextDecoder, which drops a leading U+FEFF; otherwise identical.
    assert.equal(tok.decode(ids).replace(/^\ufeff/, ''), ref.decode(ids));
  }
  for (let id = 0; id < tok.vocabSize; id += 7) assert.equal(tok.tokenText(id).replace(/^\ufeff/, ''), ref.decode([id]));
});

test('bad arguments throw Errors that name the argument and the value', () => {
  const throwsWith = (fn, ...needles) => {
    assert.throws(fn, (e) => {
      assert.ok(e instanceof Error);
      for (const n of needles) assert.ok(e.message.includes(n), `"${e.message}" should mention ${n}`);
      return true;
    });
  };
  throwsWith(() => tok.encode(42), 'text', '42');
  throwsWith(() => tok.encode(undefined), 'text', 'undefined');
  throwsWith(() => tok.encode('x', { allowSpecial: 'yes' }), 'allowSpecial', 'yes');
  throwsWith(() => tok.encode('x', true), 'options', 'true');
  throwsWith(() => tok.encodeWithOffsets(null), 'text', 'null');
  throwsWith(() => tok.decode([1, 50257]), 'ids[1]', '50257');
  throwsWith(() => tok.decode([1.5]), 'ids[0]', '1.5');
  throwsWith(() => tok.decode([-1]), 'ids[0]', '-1');
  throwsWith(() => tok.decode(['7']), 'ids[0]', '"7"');
  throwsWith(() => tok.decode(new Uint32Array([0, 4294967295])), 'ids[1]', '4294967295');
  throwsWith(() => tok.decode('abc'), 'ids', '"abc"');
  throwsWith(() => tok.tokenText(50257), 'id', '50257');
  throwsWith(() => tok.tokenBytes(NaN), 'id', 'NaN');
  throwsWith(() => createTokenizer(module, 'nope'), 'assetBytes', '"nope"');
  throwsWith(() => createTokenizer({}, asset), 'module');
  const corrupt = asset.slice();
  corrupt[1000] ^= 1;
  throwsWith(() => createTokenizer(module, corrupt), 'assetBytes', 'checksum');
  throwsWith(() => createTokenizer(module, asset.subarray(0, 10)), 'assetBytes', 'too short');
});

test('dispose frees the tokenizer; later calls throw', () => {
  const t = createTokenizer(module, asset.buffer.slice(asset.byteOffset, asset.byteOffset + asset.byteLength));
  assert.deepEqual([...t.encode('hi')], [5303]);
  t.dispose();
  t.dispose();
  assert.throws(() => t.encode('hi'), /disposed/);
  assert.throws(() => t.decode([1]), /disposed/);
});

test('large input (> 1M UTF-16 units) takes the exact-size path and still matches', () => {
  const unit = 'The quick brown fox jumps over the lazy dog. 東京 😀\n';
  const s = unit.repeat(Math.ceil((1 << 20) / unit.length) + 10);
  const ids = tok.encode(s);
  assert.deepEqual([...ids.subarray(0, 40)], ref.encode(s.slice(0, unit.length * 4), [], []).slice(0, 40));
  assert.equal(tok.decode(ids), s);
  const r = tok.encodeWithOffsets(s);
  assert.equal(r.end[r.ids.length - 1], s.length);
});

test('through the package: memory stays flat over 10,000 encode/decode calls and 1,000 tokenizer create/dispose cycles', async () => {
  const { init } = await import('../../dist/index.js');
  const attn = await init();
  const asset = readFileSync(new URL('../../dist/gpt2-bpe.bin', import.meta.url));
  const tok = await attn.tokenizer('gpt2', { asset });
  const text = (i) => `a fluffy blue creature #${i % 100} 我打他 🐱`;
  // Warm-up: the tokenizer's piece cache and input buffer reach their size for these texts.
  for (let i = 0; i < 100; i++) tok.decode(tok.encodeWithOffsets(text(i)).ids);
  const before = attn.memory().inUse;
  for (let i = 0; i < 10000; i++) assert.equal(tok.decode(tok.encodeWithOffsets(text(i)).ids), text(i));
  for (let i = 0; i < 1000; i++) (await attn.tokenizer('gpt2', { asset })).dispose();
  assert.equal(attn.memory().inUse, before);
  tok.dispose();
});
