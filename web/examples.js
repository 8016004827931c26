// The texts the page offers to analyse: inputs, the same in every language (the tutorial's own examples), not
// sentences of the page (those are in web/strings/). Not logic.

/** The tutorial's running example (§3.1–3.5), as the trained model's stories write it, and the same in Chinese. */
export const TUTORIAL_TEXT = 'A fluffy blue creature purrs.';
export const TUTORIAL_TEXT_ZH = '一只毛茸茸的蓝色怪兽打呼噜。';
/** The words the tutorial's example is about: the noun and the adjectives it gathers meaning from. */
export const TUTORIAL_WORDS = { en: { noun: 'creature', adjectives: ['fluffy', 'blue'] },
  zh: { noun: '怪兽', adjectives: ['毛茸茸', '蓝色'] } };
/** §1.2's pair: the same characters in another order. */
export const POSITIONS_PAIR = ['我打他', '他打我'];
