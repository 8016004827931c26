// What each head of our trained model is, read from the head scores measured after training (model.headScores):
// for every metric the heads that stand out, and each head's numbers as sentences. Not the measuring
// (src/attn/model/head_metrics.cpp does it when the model is trained) and not a hand-written list of heads.
import { S } from './strings.js';

// A head is named for a metric when it clearly shows it — above these values the pattern is visible in its map
// (chance levels are far lower: a lift is 0 for a head that ignores the words) — and scores within NEAR_BEST of the
// model's best head for it (a model may have several induction heads, as this one does).
export const NAMED_ABOVE = { previous_token: 0.3, induction: 0.2, noun_adjective_en: 0.1, noun_adjective_zh: 0.1,
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

/**
 * When induction appeared while the model trained, read from its training film: the model's induction head (the best
 * by the measured head scores) on the film's repeated probe, scored at each checkpoint as head_metrics.hpp scores
 * induction (the mean, over the second copy's tokens, of the weight on the token right after the current token's
 * earlier occurrence); `index`/`step` is the first checkpoint from which on it stays above the level at which the
 * page names a head "induction". null when the model has no induction head or the film no repeated probe.
 * film: { steps, probes: [{ ids, frames [K, L·H, T·(T+1)/2] bytes }] } (wasm/model-file.js).
 */
export function inductionForming(film, scores) {
  const best = bestHeads(scores).induction;
  if (!film || !best?.named) return null;
  const probe = film.probes.findIndex(({ ids }) => repeatedRows(ids).length > 1);
  if (probe < 0) return null;
  const { ids, frames } = film.probes[probe], T = ids.length, P = (T - 1) / 2, tri = (T * (T + 1)) / 2;
  const rows = repeatedRows(ids), k = best.l * scores.heads + best.h, heads = scores.layers * scores.heads;
  const values = film.steps.map((_, f) => rows.reduce((sum, i) => sum + frames[(f * heads + k) * tri + (i * (i + 1)) / 2 + i - P + 1], 0) / 255 / rows.length);
  let index = values.length;
  while (index > 0 && values[index - 1] > NAMED_ABOVE.induction) index--;
  if (index === values.length) return null;  // not above the level even at the end
  return { probe, l: best.l, h: best.h, values, index, step: film.steps[index], value: values[index] };
}

/**
 * The rows of a probe [BOS, s, s′] (T = 2P + 1) whose token repeats the one P before: s′ is s again, except that its
 * first token may differ (the tokenizer joins the second copy's first word with the space before it).
 */
function repeatedRows(ids) {
  const T = ids.length, P = (T - 1) / 2;
  if (!Number.isInteger(P) || P < 3) return [];
  const rows = [];
  for (let i = P + 1; i < T; i++) if (ids[i] === ids[i - P]) rows.push(i);
  return rows.length >= P - 1 ? rows : [];
}

/**
 * The multi-head example (§4): the model's two strongest noun → adjective heads, picked from the measured head scores:
 * [{ l, h, metric, shown }] (empty when the model has no two named ones). What each of them reads in a sentence is
 * for the page to measure on it, not assumed here.
 */
export function adjectiveHeadPair(scores) {
  const metric = 'noun_adjective_en', lifts = values(scores, metric);
  const named = lifts.map((v, k) => [v, k]).filter(([v]) => v > NAMED_ABOVE[metric]).sort((a, b) => b[0] - a[0]);
  if (named.length < 2) return [];
  return named.slice(0, 2).map(([v, k]) => ({ l: Math.floor(k / scores.heads), h: k % scores.heads, metric, shown: shown(metric, v) }));
}

/** A row reads a word when it puts at least this share of its weight on it (§4 names every word it reads). */
export const READS_AT_LEAST = 0.25;
