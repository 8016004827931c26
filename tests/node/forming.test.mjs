// Live training's marks (web/forming.js) on made-up reports: when a head, or the induction task's copying, counts as
// formed. Not the training (tests/node/trainer.test.mjs) and not the page in a browser (tests/e2e/train-live.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CONFIRM, COPYING, watchForming } from '../../web/forming.js';

const config = { layers: 2, heads: 2 };
/** A report at `step`: head k's previous-token and induction scores, and the probe's second-copy loss. */
const report = (step, { prev = [0, 0, 0, 0], induction = [0, 0, 0, 0], copyLoss = 4.2 } = {}) => ({
  step, seconds: step / 100, scores: { previous_token: prev, induction, noun_adjective: [0, 0, 0, 0] },
  ablation: { all: copyLoss, off: [copyLoss, copyLoss, copyLoss, copyLoss] },
});

test('a mark is the first of CONFIRM named measurements in a row; a break starts it again; confirmed stays', () => {
  assert.equal(CONFIRM, 2);
  const formed = {};
  watchForming(formed, 'induction', report(50, { prev: [0.9, 0, 0, 0] }), config);
  assert.equal(formed.previous_token.confirmed, undefined);
  watchForming(formed, 'induction', report(100), config);  // not named: the run starts again
  assert.equal(formed.previous_token, undefined);
  watchForming(formed, 'induction', report(150, { prev: [0, 0.9, 0, 0] }), config);
  watchForming(formed, 'induction', report(200, { prev: [0, 0.9, 0, 0] }), config);
  assert.deepEqual([formed.previous_token.step, formed.previous_token.l, formed.previous_token.h, formed.previous_token.confirmed],
    [150, 0, 1, true]);
  watchForming(formed, 'induction', report(250), config);
  assert.equal(formed.previous_token.step, 150, 'a confirmed mark stays');
});

test('an induction head counts only in layer 1; the copying mark is the loss, whichever heads copy', () => {
  const formed = {};
  for (const step of [50, 100, 150]) watchForming(formed, 'induction', report(step, { induction: [0.9, 0.8, 0.01, 0] }), config);
  assert.equal(formed.induction, undefined, 'layer-0 heads look a fixed distance back');
  // A seed that copies through a variant: the loss falls below COPYING nats while no head scores.
  for (const step of [200, 250]) watchForming(formed, 'induction', report(step, { copyLoss: COPYING + 0.2 }), config);
  assert.equal(formed.copying, undefined);
  for (const step of [300, 350]) watchForming(formed, 'induction', report(step, { copyLoss: COPYING - 0.1 }), config);
  assert.deepEqual([formed.copying.step, formed.copying.confirmed, formed.copying.value], [300, true, (COPYING - 0.1).toFixed(2)]);
  assert.equal(formed.induction, undefined);
  for (const step of [400, 450]) watchForming(formed, 'induction', report(step, { induction: [0, 0, 0.05, 0.7], copyLoss: 0.5 }), config);
  assert.deepEqual([formed.induction.step, formed.induction.l, formed.induction.h], [400, 1, 1]);
  // The stories task watches no copying.
  const stories = {};
  for (const step of [50, 100]) watchForming(stories, 'stories', report(step, { copyLoss: 0.1 }), config);
  assert.equal(stories.copying, undefined);
});
