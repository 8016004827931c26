// The page's strings in the chosen language: S is the live table every module reads when it renders (the sentences
// themselves are in web/strings/en.js and zh.js, one file per language, with the same keys); setLanguage switches
// it and applyStrings writes the static ones into the HTML (data-s, data-s-html, data-s-<attribute>). Not the
// sentences and not the re-rendering after a switch (app.js relabel()).
import en from './strings/en.js';
import zh from './strings/zh.js';

export const LANGUAGES = { zh, en };
export const S = {};
let current = '';

/** Switches S to a supported language (English for anything else); returns the language now in use. */
export function setLanguage(lang) {
  current = Object.hasOwn(LANGUAGES, lang) ? lang : 'en';
  for (const key of Object.keys(S)) delete S[key];
  Object.assign(S, LANGUAGES[current]);
  return current;
}
setLanguage('en');

export const language = () => current;

/** The first supported language in the browser's order of preference (navigator.languages), else English. */
export function preferredLanguage(languages) {
  for (const tag of languages || []) {
    const base = String(tag).toLowerCase().split('-')[0];
    if (Object.hasOwn(LANGUAGES, base)) return base;
  }
  return 'en';
}

/** The value at a dotted path of S ('pick.heading'); undefined when there is none. */
export function lookup(path) {
  return path.split('.').reduce((v, k) => (v == null ? undefined : v[k]), S);
}

const ATTRIBUTES = ['aria-label', 'title', 'placeholder'];

/** Writes the current language's static strings into the page: texts, trusted HTML, attributes, title and lang. */
export function applyStrings(root = document) {
  for (const el of root.querySelectorAll('[data-s]')) el.textContent = lookup(el.dataset.s);
  for (const el of root.querySelectorAll('[data-s-html]')) el.innerHTML = lookup(el.dataset.sHtml);
  for (const name of ATTRIBUTES) {
    for (const el of root.querySelectorAll(`[data-s-${name}]`)) el.setAttribute(name, lookup(el.getAttribute(`data-s-${name}`)));
  }
  for (const option of root.querySelectorAll('#lang option')) option.textContent = LANGUAGES[option.value].languageName;
  // An example with no label of its own shows itself: it is the text it puts in the box, in any language.
  for (const b of root.querySelectorAll('[data-example]:not([data-s])')) b.textContent = b.dataset.example;
  for (const b of root.querySelectorAll('[data-tutorial]:not([data-s])')) b.title = S.tutorial.openAt(b.dataset.tutorial);
  document.title = S.page.title;
  document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
}
