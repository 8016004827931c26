// The tutorial this page was born from (tutorial.zh.md, the original, and tutorial.en.md, its English translation;
// shipped beside the page and cached for offline use), shown in the page's language in a panel, opened at the section
// a § button names. A small Markdown reader for those files — headings, paragraphs, lists, tables, bold, code and
// $formulas$ — not a general Markdown renderer.
import { $ } from './dom.js';
import { S, language } from './strings.js';

let rendered = null, renderedLanguage = '';  // a promise of the rendered body, and its language

const escape = (s) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** A LaTeX formula of the tutorial in plain symbols: \frac{a}{b} → a / b, \sqrt{x} → √x, K^T → Kᵀ, \infty → ∞. */
function formula(tex) {
  return tex.replace(/\\times/g, '×').replace(/\\infty/g, '∞').replace(/\\sqrt\{([^{}]*)\}/g, '√$1')
    .replace(/\^T\b/g, 'ᵀ').replace(/\\frac\{([^{}]*)\}\{([^{}]*)\}/g, '$1 / $2').replace(/\\ /g, ' ');
}

/** One line's inline Markdown as HTML: escaped text, **bold**, `code`, $formula$. */
function inline(text) {
  return escape(text).replace(/\$([^$]+)\$/g, (_, tex) => `<code class="math">${formula(tex)}</code>`)
    .replace(/`([^`]+)`/g, '<code>$1</code>').replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
}

/** The anchor of a heading: "### 3.2 …" → t-3.2; the k-th chapter "## 四、…" → t-k (they are numbered in order). */
function anchor(title, chapters) {
  const number = title.match(/^(\d+(?:\.\d+)*)\s/);
  if (number) return `t-${number[1]}`;
  return title[1] === '、' ? `t-${chapters}` : '';
}

/** The tutorial's Markdown as HTML. */
export function renderMarkdown(md) {
  const out = [];
  let list = null;  // 'ul' | 'ol' while a list is open
  let chapters = 0;
  const close = () => list && (out.push(`</li></${list}>`), (list = null));
  const lines = md.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n], trimmed = line.trim();
    if (!trimmed) continue;  // a blank line closes nothing: a list item's continuation may follow it
    const heading = line.match(/^(#{1,3})\s+(.*)$/);
    const bullet = line.match(/^[-*]\s+(.*)$/), numbered = line.match(/^(\d+)\.\s+(.*)$/);
    if (heading) {
      close();
      if (heading[1] === '##') chapters++;
      const id = anchor(heading[2], chapters), level = heading[1].length + 1;
      out.push(`<h${level}${id ? ` id="${id}"` : ''}>${inline(heading[2])}</h${level}>`);
    } else if (trimmed.startsWith('|')) {
      close();
      const rows = [];
      for (; n < lines.length && lines[n].trim().startsWith('|'); n++) rows.push(lines[n].trim());
      n--;
      const cells = (row) => row.replace(/^\||\|$/g, '').split('|').map((c) => inline(c.trim()));
      const body = rows.filter((r, k) => !(k === 1 && /^\|[\s:|-]+\|$/.test(r)));
      out.push('<table class="numbers"><tr>' + cells(body[0]).map((c) => `<th>${c}</th>`).join('') + '</tr>' +
        body.slice(1).map((r) => '<tr>' + cells(r).map((c) => `<td>${c}</td>`).join('') + '</tr>').join('') + '</table>');
    } else if (bullet || numbered) {
      const kind = bullet ? 'ul' : 'ol';
      if (list !== kind) {
        close();
        out.push(kind === 'ol' && numbered[1] !== '1' ? `<ol start="${numbered[1]}"><li>` : `<${kind}><li>`);
        list = kind;
      } else {
        out.push('</li><li>');
      }
      out.push(inline(bullet ? bullet[1] : numbered[2]));
    } else if (list && /^\s/.test(line)) {
      out.push(`<br>${inline(trimmed)}`);  // an indented line continues the list item
    } else {
      close();
      out.push(`<p>${inline(trimmed)}</p>`);
    }
  }
  close();
  return out.join('\n');
}

/** Opens the panel at a tutorial section ('1.2', '3', '' for the top). */
export async function openTutorial(section = '') {
  const panel = $('tutorial-panel'), body = $('tutorial-body'), lang = language();
  if (!panel.open) panel.showModal();
  if (renderedLanguage !== lang) rendered = null;
  renderedLanguage = lang;
  body.lang = lang === 'zh' ? 'zh-CN' : 'en';
  rendered ??= fetch(`tutorial.${lang}.md`).then((r) => {
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return r.text();
  }).then((md) => (body.innerHTML = renderMarkdown(md)));
  try {
    await rendered;
  } catch (e) {
    rendered = null;
    body.textContent = S.tutorial.loadFailed(e.message);
    return;
  }
  const target = section ? document.getElementById(`t-${section}`) : body.firstElementChild;
  target?.scrollIntoView({ block: 'start' });
  panel.dataset.section = section;
}

/** Wires every § button and the panel's close button. */
export function wireTutorial() {
  document.addEventListener('click', (e) => {
    const ref = e.target.closest?.('[data-tutorial]');
    if (ref) openTutorial(ref.dataset.tutorial);
  });
  $('tutorial-close').onclick = () => $('tutorial-panel').close();
}
