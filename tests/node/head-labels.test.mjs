// The page's head labels (web/head-labels.js) on made-up head scores: which heads are named for which metric and
// with which number. Not the page in a browser (tests/e2e/model.test.mjs) and not the measuring (head_report).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bestHeads, describeHead } from '../../web/head-labels.js';

const lift = (values) => ({ lift: values, mass: values.map(() => 0), p_next: 0, probes: 1 });
// 2 layers × 2 heads: head k is (k >> 1, k & 1).
const scores = {
  layers: 2, heads: 2,
  previous_token: [0.1, 0.85, 0.05, 0.2],
  induction: [0.0, 0.01, 0.9, 0.8],         // two induction heads: 0.8 is within 80 % of 0.9
  noun_adjective_en: lift([0.05, -0.2, 0.4, 0.02]),
  noun_adjective_zh: lift([0.06, 0.0, 0.01, 0.08]),  // the best is below 0.1: no head is named for it
  pronoun_antecedent_en: lift([0.6, 0.0, 0.45, 0.0]),  // 0.45 < 0.8 × 0.6: only the best
  pronoun_antecedent_zh: lift([0, 0, 0, 0]),
};

test('each metric names its best head, when the pattern is clear', () => {
  const best = bestHeads(scores);
  assert.deepEqual([best.previous_token.l, best.previous_token.h, best.previous_token.named], [0, 1, true]);
  assert.deepEqual([best.noun_adjective_en.l, best.noun_adjective_en.h, best.noun_adjective_en.shown], [1, 0, '+0.40']);
  assert.equal(best.noun_adjective_zh.named, false);
  assert.deepEqual(bestHeads(null), {});
});

test('a head is labelled for every metric it stands out in, with its own number', () => {
  assert.equal(describeHead(scores, 1, 0).title, 'induction 0.90 · noun → adjective (en) +0.40');
  assert.equal(describeHead(scores, 1, 1).title, 'induction 0.80');
  assert.equal(describeHead(scores, 0, 0).title, 'pronoun → antecedent (en) +0.60');
  assert.equal(describeHead(scores, 0, 1).title, 'previous token 0.85');
  const d = describeHead(scores, 1, 1);
  assert.match(d.sentences[0], /^induction 0\.80: /);
  assert.match(d.sentences.at(-1), /previous token 0\.20 · noun → adjective \(en\) \+0\.02/);
  assert.match(describeHead(scores, 0, 1).sentences.at(-1), /noun → adjective \(en\) −0\.20/);
  assert.deepEqual(describeHead(null, 0, 0), { title: '', sentences: [] });
});
