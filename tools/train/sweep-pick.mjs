// Ranks the sweep's runs (tools/train/sweep-results.jsonl): a run passes when its best heads meet the shipped
// model's bars (tests/native/test_tiny_tutor.cpp), the tutorial's sentence among them (on "A fluffy blue creature"
// the strongest noun → adjective head puts a quarter or more of the noun's weight on each adjective, three quarters
// on both; runs recorded before train_gpt2 printed tutorial_noun_row show "?" and do not pass); among passing runs
// the one whose induction, noun→adjective and pronoun→antecedent heads are the most distinct wins, then the larger
// sum of the three scores. A run re-measured after a probe changed (sweep-remeasure.mjs) is ranked by its
// re-measured heads and marked "*"; the others by what was recorded when they trained.
//   node tools/train/sweep-pick.mjs [results.jsonl]
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? new URL('./sweep-results.jsonl', import.meta.url);
const runs = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
const argmax = (v) => v.reduce((best, x, i) => (x > v[best] ? i : best), 0);
const label = (h, heads) => `L${Math.floor(h / heads)}H${h % heads}`;

const rows = runs.map(({ name, summary, remeasured }) => {
  const measured = remeasured ?? summary, r = measured.heads;
  const ind = argmax(r.induction), noun = argmax(r.noun_adjective_en.lift), pron = argmax(r.pronoun_antecedent_en.lift);
  const bars = {
    induction: r.induction[ind] >= 0.6 && r.induction_loss <= 1.0,
    noun: r.noun_adjective_en.lift[noun] >= 0.5 && r.noun_adjective_en.p_next >= 0.95,
    pronoun: r.pronoun_antecedent_en.lift[pron] >= 0.5 && r.pronoun_antecedent_en.p_next >= 0.8,
  };
  const row = measured.tutorial_noun_row?.[noun];  // [fluffy, blue] from the strongest noun head's ' creature' row
  bars.tutorial = row ? row[0] >= 0.25 && row[1] >= 0.25 && row[0] + row[1] >= 0.75 : false;
  const distinct = new Set([ind, noun, pron]).size;
  const pass = bars.induction && bars.noun && bars.pronoun && bars.tutorial && distinct >= 2;
  const score = r.induction[ind] + r.noun_adjective_en.lift[noun] + r.pronoun_antecedent_en.lift[pron];
  return {
    name: remeasured ? `${name} *` : name, pass, distinct, score: +score.toFixed(3), seconds: summary.train_seconds, heldout: summary.heldout_loss,
    induction: `${label(ind, r.heads)} ${r.induction[ind].toFixed(2)} (loss ${r.induction_loss.toFixed(2)})`,
    noun: `${label(noun, r.heads)} ${r.noun_adjective_en.lift[noun].toFixed(2)} (P ${r.noun_adjective_en.p_next.toFixed(2)})`,
    pronoun: `${label(pron, r.heads)} ${r.pronoun_antecedent_en.lift[pron].toFixed(2)} (P ${r.pronoun_antecedent_en.p_next.toFixed(2)})`,
    'fluffy + blue': row ? `${row[0].toFixed(2)} + ${row[1].toFixed(2)}` : '?',
  };
});
rows.sort((a, b) => b.pass - a.pass || b.distinct - a.distinct || b.score - a.score);
console.table(rows);
if (rows.length) console.log(`pick: ${rows[0].name}${rows[0].pass ? '' : ' (no run passes every bar)'}`);
