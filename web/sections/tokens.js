// Section 1: the token chips and the text view with the hovered token's span. Not tokenizing (the worker's
// tokenizer gives ids, offsets and texts).
import { $, setText } from '../dom.js';
import { label, page } from '../page.js';

// The chips are kept between keystrokes and only the ones whose token changed are rewritten: typing a character
// changes one or two tokens, not all of them. Hover and focus are handled once, on the box.
export function renderTokens(tokens) {
  const box = $('tokens');
  while (box.children.length > tokens.length) box.lastChild.remove();
  tokens.forEach((t, i) => {
    let chip = box.children[i];
    if (!chip) {
      chip = document.createElement('button');
      chip.type = 'button';
      chip.className = 'chip';
      chip.dataset.i = i;
      chip.append('', document.createElement('small'));
      box.append(chip);
    }
    setText(chip.firstChild, label(t));
    setText(chip.lastChild, String(t.id));
    const title = `token ${i}: id ${t.id}, UTF-16 [${t.start}, ${t.end})`;
    if (chip.title !== title) chip.title = title;
  });
  highlightToken(-1);
}

export function chipEvents() {
  const box = $('tokens');
  const focus = (e) => {
    const chip = e.target.closest?.('.chip');
    if (chip && !(e.type === 'mouseover' && chip.contains(e.relatedTarget))) highlightToken(Number(chip.dataset.i));
  };
  box.addEventListener('mouseover', focus);
  box.addEventListener('focusin', focus);
}

function highlightToken(i) {
  const text = page.state.text, view = $('text-view'), chips = $('tokens');
  chips.querySelector('.chip.active')?.classList.remove('active');
  chips.children[i]?.classList.add('active');
  view.textContent = '';
  const t = page.analysis?.tokens?.[i];
  if (!t || t.start === t.end) {
    view.textContent = text;
    return;
  }
  const mark = document.createElement('mark');
  mark.textContent = text.slice(t.start, t.end);
  view.append(text.slice(0, t.start), mark, text.slice(t.end));
}
