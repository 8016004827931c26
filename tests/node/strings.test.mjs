// The page's two languages (web/strings/en.js and zh.js): the same keys with the same kinds of value in both, every
// key the page uses present and every key present used, and no sentence of the page left outside those files — a
// static read of web/index.html and the page's modules. Not the page in a browser (tests/e2e/language.test.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import en from '../../web/strings/en.js';
import zh from '../../web/strings/zh.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const WEB = join(ROOT, 'web');
const FILES = { en, zh };
const kind = (v) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/** Every leaf of a strings table as [path, value] (arrays and functions are leaves). */
function leaves(table, prefix = '') {
  return Object.entries(table).flatMap(([k, v]) => (kind(v) === 'object' ? leaves(v, `${prefix}${k}.`) : [[prefix + k, v]]));
}

// The page's modules, read as text; the strings files themselves and the example inputs are the data, not code.
const modules = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory()
  ? (e.name === 'strings' || e.name === 'models' ? [] : modules(join(dir, e.name)))
  : e.name.endsWith('.js') ? [join(dir, e.name)] : []));
const CODE = modules(WEB).filter((f) => !f.endsWith('examples.js')).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
const HTML = readFileSync(join(WEB, 'index.html'), 'utf8');

test('both languages have the same keys, each with the same kind of value (a function takes the same arguments)', () => {
  const a = new Map(leaves(en)), b = new Map(leaves(zh));
  const missing = (x, y) => [...x.keys()].filter((k) => !y.has(k));
  assert.deepEqual(missing(a, b), [], 'keys of en.js missing in zh.js');
  assert.deepEqual(missing(b, a), [], 'keys of zh.js missing in en.js');
  for (const [path, v] of a) {
    const w = b.get(path);
    assert.equal(kind(w), kind(v), `${path}: ${kind(v)} in en.js, ${kind(w)} in zh.js`);
    if (typeof v === 'function') assert.equal(w.length, v.length, `${path}: takes ${v.length} arguments in en.js, ${w.length} in zh.js`);
  }
});

test('every sentence is a string: functions give one for any arguments, and nothing is empty by mistake', () => {
  for (const [lang, table] of Object.entries(FILES)) {
    for (const [path, v] of leaves(table)) {
      if (typeof v === 'function') {
        for (const arg of [1, 0, 'x']) assert.equal(typeof v(...Array(v.length).fill(arg)), 'string', `${lang} ${path}`);
      } else if (typeof v === 'string') {
        // Only a note that one language does not need may be empty (the Chinese reader needs no "it is in Chinese").
        if (v === '') assert.equal(path, 'tutorial.languageNote', `${lang} ${path} is empty`);
      }
    }
  }
  assert.match(zh.page.intro, /[\u4e00-\u9fff]/, 'zh.js is Chinese');
});

test('the Chinese uses the tutorial\'s own terms', () => {
  const text = JSON.stringify(leaves(zh).map(([, v]) => (typeof v === 'function' ? v.toString() : v)));
  for (const term of ['查询', '键', '值', '注意力权重', '注意力分数', '掩码', '因果掩码', '多头', '位置编码', '词嵌入', '拼接',
    '加权求和', '交叉注意力', '自回归', '参数规模', 'Softmax'])
    assert.ok(text.includes(term), `zh.js never says ${term}`);
});

/** The dotted paths the page reads: S.a.b in its modules, data-s="a.b" (and data-s-*) in index.html. */
function usedPaths() {
  const used = new Set(['languageName']);  // read through LANGUAGES[lang] by the language switch
  for (const { text } of CODE) for (const m of text.matchAll(/\bS\.([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)/g)) used.add(m[1]);
  for (const m of HTML.matchAll(/\bdata-s(?:-[a-z-]+)?="([^"]+)"/g)) used.add(m[1]);
  return used;
}

test('every key the page reads exists, and every key exists because the page reads it', () => {
  const used = usedPaths(), all = leaves(en).map(([p]) => p);
  const resolves = (path) => path.split('.').reduce((v, k) => (v && kind(v) === 'object' ? v[k] : undefined), en) !== undefined;
  for (const path of [...used]) {
    // S.cost.units.find(…): the path ends at its leaf; what follows is the leaf's own method.
    const parts = path.split('.');
    let v = en, k = 0;
    while (k < parts.length && kind(v) === 'object' && v[parts[k]] !== undefined) v = v[parts[k++]];
    if (k < parts.length && k > 0 && kind(v) !== 'object') used.delete(path), used.add(parts.slice(0, k).join('.'));
    else assert.ok(resolves(path), `the page reads S.${path}, which en.js does not have`);
  }
  // A key is used when the page reads it or a table around it (S.layers.metricNames[m] reads every metric's name).
  const unused = all.filter((p) => !p.split('.').some((_, k, parts) => used.has(parts.slice(0, k + 1).join('.'))));
  assert.deepEqual(unused, [], 'keys no page module or index.html reads');
  for (const m of HTML.matchAll(/\bdata-s(-[a-z-]+)?="([^"]+)"/g)) {
    const v = m[2].split('.').reduce((x, k) => x?.[k], en);
    assert.equal(typeof v, 'string', `index.html's ${m[2]} must be a sentence, not a ${kind(v)}`);
  }
  for (const m of HTML.matchAll(/\bdata-s-html="([^"]+)"/g)) {
    for (const table of Object.values(FILES)) {
      const v = m[1].split('.').reduce((x, k) => x?.[k], table);
      for (const tag of v.matchAll(/<\/?([a-z]+)[^>]*>/g)) assert.ok(['code', 'sub', 'strong', 'em'].includes(tag[1]), `${m[1]}: <${tag[1]}>`);
    }
  }
});

// Notation that reads the same in every language: parameter names, the product's name, a model's name.
const NOTATION = ['attention-wasm', 'GPT-3 175B', 'd_model', 'top-k', 'top-p', 'FAQ', 'd_k'];
const withoutNotation = (text) => NOTATION.reduce((t, n) => t.split(n).join(''), text);

test('index.html holds no sentence of its own: its texts and labels come from the strings files', () => {
  const body = HTML.slice(HTML.indexOf('<body>')).replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<textarea[^>]*>[\s\S]*?<\/textarea>/g, '');  // the text box's first content is an input, not a label
  const texts = body.replace(/<[^>]*>/g, '\n').split('\n').map((t) => withoutNotation(t.trim())).filter((t) => /\p{L}/u.test(t));
  assert.deepEqual(texts, [], 'text written into index.html instead of a strings file');
  const attributes = [...HTML.matchAll(/\s(aria-label|title|placeholder|alt)="([^"]*)"/g)]
    .filter((m) => /\p{L}/u.test(withoutNotation(m[2]))).map((m) => m[0].trim());
  assert.deepEqual(attributes, [], 'labels written into index.html instead of data-s-<attribute>');
  assert.doesNotMatch(HTML.match(/<title[^>]*>([^<]*)<\/title>/)[1], /\p{L}/u);
});

/**
 * The string literals of a module (quotes and template parts), each with its line and the code just before it.
 * A small scanner for this page's code: comments, strings, templates with ${…} and regular expression literals.
 */
function literals(text) {
  const out = [];
  let i = 0, line = 1, code = '';
  const regexAfter = /(?:^|[(,=:[!&|?{};]|\breturn|\btypeof)\s*$/;
  const scan = (end) => {  // scans code until `end` (a closing brace of ${…}) or the end of the text
    let depth = 0;
    while (i < text.length) {
      const c = text[i], next = text[i + 1];
      if (c === '\n') line++;
      if (c === '/' && next === '/') { while (i < text.length && text[i] !== '\n') i++; continue; }
      if (c === '/' && next === '*') { const e = text.indexOf('*/', i + 2); line += (text.slice(i, e).match(/\n/g) || []).length; i = e + 2; continue; }
      if (c === '/' && regexAfter.test(code.slice(-20))) {  // a regular expression literal
        i++;
        let cls = false;
        while (i < text.length && (text[i] !== '/' || cls)) { if (text[i] === '\\') i++; else if (text[i] === '[') cls = true; else if (text[i] === ']') cls = false; i++; }
        i++;
        code += '/re/';
        continue;
      }
      if (c === "'" || c === '"') {
        const start = line, before = code.slice(-60);
        let s = '';
        i++;
        while (i < text.length && text[i] !== c) { if (text[i] === '\\') { s += text[i + 1]; i += 2; } else s += text[i++]; }
        i++;
        out.push({ value: s, line: start, before });
        code += '""';
        continue;
      }
      if (c === '`') {
        const start = line, before = code.slice(-60);
        let s = '';
        i++;
        while (i < text.length && text[i] !== '`') {
          if (text[i] === '\\') { s += text[i + 1]; i += 2; } else if (text[i] === '$' && text[i + 1] === '{') { i += 2; s += ' '; scan('}'); i++; } else { if (text[i] === '\n') line++; s += text[i++]; }
        }
        i++;
        out.push({ value: s, line: start, before });
        code += '""';
        continue;
      }
      if (end && c === '{') depth++;
      if (end && c === '}' && depth-- === 0) return;
      code += c;
      i++;
    }
  };
  scan(null);
  return out;
}

test('no page module writes a sentence of its own: the sentences are in web/strings/', () => {
  const selector = /(?:querySelector(?:All)?|closest|matches|getElementById|\$|classList\.\w+)\(\s*$|className\s*=\s*$/;
  const shown = /(?:\.(?:textContent|title|innerHTML|placeholder)\s*=|setText\([^,]*,|fillText\(|new Option\(|setAttribute\(\s*""\s*,|textContent:)\s*$/;
  const found = [];
  for (const { file, text } of CODE) {
    for (const lit of literals(text)) {
      if (selector.test(lit.before)) continue;  // a CSS selector or an element id
      const words = withoutNotation(lit.value.replace(/<[^>]*>/g, ' ')).replace(/\bpx\b/g, '');  // '12px sans-serif'
      const sentence = /[\u3400-\u9fff]/.test(words) || /\b[A-Za-z]{2,} [A-Za-z]{2,}\b/.test(words);
      const label = shown.test(lit.before) && /\p{L}{2,}/u.test(words);
      if (sentence || label) found.push(`${relative(ROOT, file)}:${lit.line}: ${JSON.stringify(lit.value)}`);
    }
  }
  assert.deepEqual(found, [], 'user-visible text in code instead of web/strings/');
});

test('the scanner finds what it must (a check of the check)', () => {
  const lits = literals("const a = 'two words'; // 'not this'\nx.textContent = `Label ${n} here`; const r = /a 'b/;\n/* 'no' */ setText(el, 'Off');");
  assert.deepEqual(lits.map((l) => [l.value, l.line]), [['two words', 1], ['Label   here', 2], ['Off', 3]]);
});
