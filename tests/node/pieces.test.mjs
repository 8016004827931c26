// The page's byte pieces (web/pieces.js) on GPT-2's real tokens: each character is completed by exactly one token,
// the pieces of a split character are listed with their first and last token, and concatenating what every token
// completes gives the text back. Not the tokenizer itself (tokenizer.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { init } from '../../dist/index.js';
import { bytePieces } from '../../web/pieces.js';

const attn = await init();
const tok = await attn.tokenizer('gpt2');
const pieces = (text) => {
  const e = tok.encodeWithOffsets(text);
  return { tokens: e.tokens, chars: bytePieces(new TextEncoder().encode(text), e.tokens).chars };
};

test('他 is two tokens: the first holds two bytes it leaves unfinished, the last completes the character', () => {
  const { tokens, chars } = pieces('我打他');
  assert.deepEqual(tokens.map((t) => t.id), Array.from(tok.encode('我打他')));
  const r = bytePieces(new TextEncoder().encode('我打他'), tokens);
  assert.deepEqual(r.tokens.map((t) => t.done), ['', '我', '', '打', '', '他']);
  assert.deepEqual(r.tokens.map((t) => t.tail), ['e6\u202f88', '', 'e6\u202f89', '', 'e4\u202fbb', '']);
  assert.deepEqual(chars, [{ text: '我', first: 0, last: 1 }, { text: '打', first: 2, last: 3 }, { text: '他', first: 4, last: 5 }]);
});

test('on mixed text, the completed pieces spell the text, and a split character\'s pieces are exactly its tokens', () => {
  for (const text of ['Unhappiness, 我打他 🐱!', '一只毛茸茸的蓝色怪兽打呼噜。', '小明和小红去了公园。他唱歌。', 'naïve café 👍🏽 end', ' 我']) {
    const bytes = new TextEncoder().encode(text);
    const { tokens, chars } = pieces(text);
    const r = bytePieces(bytes, tokens);
    assert.equal(r.tokens.map((t) => t.done).join(''), text, text);
    for (const c of chars) {
      assert.ok(c.last > c.first, `${c.text} spans tokens`);
      const own = new TextEncoder().encode(c.text).length;
      // The character's bytes are the tail of its first token, all of the middle ones and the head of its last.
      const inside = r.tokens.slice(c.first, c.last).reduce((n, t) => n + t.tail.split('\u202f').length, 0);
      assert.ok(inside < own && inside > 0, `${c.text}: ${inside} of ${own} bytes before its last piece`);
      assert.ok(r.tokens[c.last].done.includes(c.text), `${c.text} is completed by its last piece`);
    }
    // Every token that only holds part of a character shows its bytes; every whole-character token shows none.
    tokens.forEach((t, i) => assert.equal(r.tokens[i].tail !== '', chars.some((c) => c.first <= i && i < c.last), `${text} token ${i}`));
  }
});
