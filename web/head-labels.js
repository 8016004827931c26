// What each head of our trained model is, read from the head scores measured after training (model.headScores):
// for every metric the heads that stand out, and each head's numbers as sentences. Not the measuring
// (src/attn/model/head_metrics.cpp does it when the model is trained) and not a hand-written list of heads.
import { S } from './strings.js';

// A head is named for a metric when it clearly shows it — above these values the pattern is visible in its map
// (chance levels are far lower: a lift is 0 for a head that ignores the words) — and scores within NEAR_BEST of the
// model's best head for it (a model may have several induction heads, as this one does).
const NAMED_ABOVE = { previous_token: 0.3, induction: 0.2, noun_adjective_en: 0.1, noun_adjective_zh: 0.1,
  pronoun_antecedent_en: 0.1, pronoun_antecedent_zh: 0.1, noun_quality_en: 0.1, noun_quality_zh: 0.1 };
const METRICS = Object.keys(NAMED_ABOVE);
const NEAR_BEST = 0.8;

/** Per metric, the scores of every head [layers · heads] (lifts for the word-relation metrics). */
function values(scores, metric) {
  const v = scores[metric];
  return Array.isArray(v) ? v : v?.lift ?? [];
}

const shown = (metric, v) => (/_(en|zh)$/.test(metric)
  ? `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)}` : v.toFixed(2));

/** The best head of each metric: { metric: { l, h, value, named } }. */
export function bestHeads(scores) {
  if (!scores) return {};
  const out = {};
  for (const m of METRICS) {
    const v = values(scores, m);
    if (!v.length) continue;
    let k = 0;
    v.forEach((x, i) => x > v[k] && (k = i));
    out[m] = { l: Math.floor(k / scores.heads), h: k % scores.heads, value: v[k], shown: shown(m, v[k]), named: v[k] > NAMED_ABOVE[m] };
  }
  return out;
}

/** Head (l, h): { title (the metrics it is named for), sentences (those metrics', then its other scores) }. */
export function describeHead(scores, l, h) {
  if (!scores) return { title: '', sentences: [] };
  const best = bestHeads(scores), k = l * scores.heads + h;
  const own = (m) => values(scores, m)[k];
  const mine = METRICS.filter((m) => best[m]?.named && own(m) > NAMED_ABOVE[m] && own(m) >= NEAR_BEST * best[m].value);
  // The metrics this head is named for, in sentences; its other scores as plain numbers.
  const sentences = mine.map((m) => S.layers.metricSentences[m](shown(m, own(m))));
  const others = METRICS.filter((m) => !mine.includes(m) && values(scores, m).length)
    .map((m) => `${S.layers.metricNames[m]} ${shown(m, values(scores, m)[k])}`);
  if (others.length) sentences.push(S.layers.otherScores(others.join(' · ')));
  return { title: mine.map((m) => `${S.layers.metricNames[m]} ${shown(m, own(m))}`).join(' · '), sentences, metrics: mine };
}
