// The demo page's sources, read as files: every module the page can load is in the service worker's offline list,
// every module says what it is, and none re-derives a decision the library makes (the trace and helpers carry it).
// Not the page's behaviour: page.test.mjs drives it in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = join(ROOT, 'web');
const modules = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
  e.isDirectory() ? modules(join(dir, e.name)) : e.name.endsWith('.js') ? [join(dir, e.name)] : []);
const webModules = modules(WEB);
const source = (file) => readFileSync(file, 'utf8');

/** The page-relative paths (as sw.js names them) of the modules `file` imports, statically or dynamically. */
function importsOf(file) {
  const out = [];
  for (const m of source(file).matchAll(/(?:import\s*(?:[^'"]*?from\s*)?|import\()\s*'([^']+)'/g)) {
    const spec = m[1];
    if (spec.startsWith('/dist/')) out.push(spec.slice(1));
    else if (spec.startsWith('.')) {
      const from = file.startsWith(WEB) ? posix.dirname(relative(WEB, file).split('\\').join('/')) : posix.dirname(`dist/${relative(join(ROOT, 'dist'), file)}`);
      out.push(posix.normalize(posix.join(from, spec)));
    }
  }
  return out;
}

test('every module the page or its worker can load is cached for offline use by sw.js', () => {
  const listed = new Set(JSON.parse(source(join(WEB, 'sw.js')).match(/const FILES = (\[[^\]]*\])/)[1].replace(/'/g, '"').replace(/,\s*\]/, ']')));
  const seen = new Set(), queue = ['app.js', 'worker.js'];
  while (queue.length) {
    const path = queue.pop();
    if (seen.has(path)) continue;
    seen.add(path);
    const file = path.startsWith('dist/') ? join(ROOT, path) : join(WEB, path);
    if (path.startsWith('dist/') && !existsSync(file)) continue;  // dist/ not built here: its list is checked by the page's offline test
    queue.push(...importsOf(file));
  }
  for (const path of seen) assert.ok(listed.has(path), `${path} is loaded by the page but missing from sw.js FILES`);
  for (const file of webModules) {
    const path = relative(WEB, file).split('\\').join('/');
    if (path !== 'sw.js') assert.ok(listed.has(path), `${path} is missing from sw.js FILES`);
  }
});

test('every page module starts with a comment saying what it is and is not', () => {
  for (const file of webModules) {
    const head = source(file).split('\n').slice(0, 4).join('\n');
    assert.match(head, /^\/\/ .+/, `${relative(ROOT, file)}: no opening comment`);
    assert.match(head, /\bNot\b|\bnot\b/, `${relative(ROOT, file)}: the opening comment does not say what the module is not`);
  }
});

test('no page module re-derives what the trace or the package decides', () => {
  // Each pattern is a library decision the page once computed itself; the trace (scale, kvHead, visible, rowSums)
  // and the helpers (headSlice, headAverage, permutationDiff) give them now.
  const rederived = [
    [/Math\.sqrt/, 'the default scale 1/√d_k (trace.scale)'],
    [/\/\s*\(?\s*[\w.]*\bheads\s*\/\s*[\w.]*kvHeads/i, 'the grouped-query head map (trace.kvHead)'],
    [/dModel\s*\/\s*[\w.]*\bheads\b/, 'the head dimension (trace.dims.headDim)'],
    [/\bleft\s*[:=]\s*[\w.]+\s*-\s*1\b|window\s*[:=]\s*\{\s*left/, 'a window as a left bound (the library takes { size })'],
  ];
  for (const file of webModules) {
    const text = source(file).split('\n').filter((line) => !line.trimStart().startsWith('//')).join('\n');
    for (const [pattern, what] of rederived) assert.doesNotMatch(text, pattern, `${relative(ROOT, file)} computes ${what}`);
  }
});
