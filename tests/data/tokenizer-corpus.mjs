// The tokenizer test corpus: the hand-written strings of tokenizer-corpus.json plus deterministic generated ones.
// Not a benchmark text and not random at run time: the same seed gives the same strings on every machine.
import { readFileSync } from 'node:fs';

const HERE = new URL('.', import.meta.url);

/** A small deterministic PRNG (xorshift32); returns floats in [0, 1). */
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
}

// Fragments to mix: every class of the split pattern, multi-byte characters of each UTF-8 length, contractions,
// whitespace variants, special-token text, and lone surrogates (JS strings only).
const FRAGMENTS = [
  'a', 'b', 'Z', 'the', ' the', 'The', 'ing', 'tion', ' ', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\u2028',
  '0', '7', '42', '1999', '.', ',', '!', '?', '-', '_', '/', '\\', '"', "'", "'s", "'t", "'re", "'ve", "'m", "'ll", "'d",
  "'S", 'é', 'ß', 'ñ', 'Ω', 'я', 'ж', 'ש', 'ع', 'न', '्', 'ก', '中', '文', '日本', 'の', 'ア', '한', '\u0301', '\u0308',
  '😀', '👍', '\u{1f3fd}', '\u200d', '👩', '\ufe0f', '🇫', '🇷', '𝔘', '𠀀', '٣', '½', 'Ⅻ', '<|endoftext|>', '<|', '|>',
  '\ud800', '\udfff', '\ufffd', '\u0000', '\u007f', '\ufeff', '\u0085', '\u200b', 'http://', '.com', '()', '{}', ';',
];

function generated() {
  const r = rng(20240601);
  const pick = (arr) => arr[Math.floor(r() * arr.length)];
  const out = [];
  // Random mixtures of fragments, short and medium.
  for (let i = 0; i < 300; i++) {
    const n = 1 + Math.floor(r() * (i < 200 ? 12 : 80));
    let s = '';
    for (let k = 0; k < n; k++) s += pick(FRAGMENTS);
    out.push(s);
  }
  // Random printable ASCII.
  for (let i = 0; i < 60; i++) {
    const n = 1 + Math.floor(r() * 200);
    let s = '';
    for (let k = 0; k < n; k++) s += String.fromCharCode(32 + Math.floor(r() * 95));
    out.push(s);
  }
  // Random code points from the whole range (surrogate code units included, as lone surrogates).
  for (let i = 0; i < 40; i++) {
    const n = 1 + Math.floor(r() * 40);
    let s = '';
    for (let k = 0; k < n; k++) {
      const plane = r();
      const cp = plane < 0.5 ? Math.floor(r() * 0x800) : plane < 0.9 ? Math.floor(r() * 0x10000) : 0x10000 + Math.floor(r() * 0x100000);
      s += cp >= 0xd800 && cp <= 0xdfff ? String.fromCharCode(cp) : String.fromCodePoint(cp);
    }
    out.push(s);
  }
  // Very long words and runs (pieces far longer than any token: the heap merge path).
  const letters = (n, alphabet) => { let s = ''; for (let k = 0; k < n; k++) s += alphabet[Math.floor(r() * alphabet.length)]; return s; };
  out.push(
    'a'.repeat(2000),
    ' ' + 'a'.repeat(1501),
    'ab'.repeat(1000),
    'abc'.repeat(500) + ' end',
    letters(2000, 'abcdefghijklmnopqrstuvwxyz'),
    letters(1500, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'),
    letters(1200, 'etaoinshrdlu'),
    letters(1500, '0123456789'),
    '9'.repeat(1000),
    '!'.repeat(1500),
    letters(1000, '!@#$%^&*()-_=+[]{};:,.<>/?|~`'),
    ' '.repeat(2000) + 'x',
    ' '.repeat(1999),
    '\n'.repeat(1000) + 'y',
    ' \t'.repeat(700) + 'z',
    letters(600, '的一是不了人我在有他这为之大来以个中上们'),
    letters(500, 'あいうえおかきくけこさしすせそ'),
    letters(500, 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя'),
    '😀'.repeat(300),
    '👍🏽'.repeat(150),
    '👨‍👩‍👧‍👦'.repeat(50),
    'e\u0301'.repeat(500),
    letters(1500, 'aeiou') + ' ' + letters(1500, 'bcdfg'),
    'x'.repeat(128), 'x'.repeat(129), 'x'.repeat(127),
  );
  return out;
}

/** Hand-written + generated strings (JS strings; some contain lone surrogates). */
export function tokenizerCorpus() {
  const hand = JSON.parse(readFileSync(new URL('tokenizer-corpus.json', HERE), 'utf8'));
  return [...hand, ...generated()];
}
