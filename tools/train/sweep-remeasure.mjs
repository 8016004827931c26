// Re-measures sweep runs with today's head report (train_gpt2 --report) and stores it beside what was recorded at
// training time, as `remeasured` ({ probes, heads, tutorial_noun_row }); sweep-pick.mjs ranks by it when present.
// For when a probe's definition changes after runs were recorded. Measures each run's own output under
// build-train/sweep/ when it is still there (other paths, like the shipped file, may hold another model by now), or
// the file given as NAME=FILE.
//   node tools/train/sweep-remeasure.mjs "what changed in the probes" [NAME=FILE …]
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const [probes, ...given] = process.argv.slice(2);
if (!probes) throw new Error('usage: node tools/train/sweep-remeasure.mjs "what changed in the probes" [NAME=FILE …]');
const root = new URL('../../', import.meta.url).pathname;
const file = `${root}tools/train/sweep-results.jsonl`, trainer = `${root}build-native/tools/train/train_gpt2`;
const files = new Map(given.map((arg) => [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]));
const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
lines.forEach((line, i) => {
  const run = JSON.parse(line);
  const own = run.summary.out?.replace(/ \(.*\)$/, '');
  const path = files.get(run.name) ?? (own?.startsWith('build-train/sweep/') && existsSync(root + own) ? root + own : null);
  if (!path) return;
  const report = JSON.parse(execFileSync(trainer, ['--report', path], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  run.remeasured = { probes, heads: report.heads, tutorial_noun_row: report.tutorial_noun_row };
  lines[i] = JSON.stringify(run);  // the other lines stay byte for byte
  console.log(`${run.name}: remeasured from ${path}`);
});
writeFileSync(file, lines.join('\n') + '\n');
