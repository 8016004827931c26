// Section 1: the token chips, a bracket under the byte pieces of each character split over several tokens (他 is
// two), and the text view with the hovered token's span. Not tokenizing (the worker's tokenizer gives ids, offsets,
// texts and pieces) and not the labels' wording (page.js label, strings/).
import { $, setText } from '../dom.js';
import { label, page } from '../page.js';
import { selectToken, selection, watchSelection } from '../selection.js';
import { S } from '../strings.js';

/** The chips in runs: a run is one token, or the tokens of one character split into byte pieces (its piece). */
function runs(tokens) {
  const out = [];
  tokens.forEach((t, i) => {
    const last = out.at(-1);
    if (t.piece && last?.piece === t.piece.first && i <= t.piece.last) last.tokens.push(i);
    else out.push({ piece: t.piece && t.piece.first === i ? i : null, char: t.piece?.text, tokens: [i] });
  });
  return out;
}

// The chips are kept between keystrokes while the runs keep their shape, and only the ones whose token changed are
// rewritten: typing a character changes one or two tokens, not all of them. Hover, clicks and keys are handled once, on the box.
export function renderTokens(tokens) {
  const box = $('tokens'), groups = runs(tokens);
  const shape = groups.map((g) => (g.piece === null ? '.' : `${g.tokens.length}`)).join('');
  if (box.dataset.shape !== shape) {
    box.textContent = '';
    box.dataset.shape = shape;
    for (const g of groups) {
      if (g.piece === null) box.append(chip(g.tokens[0]));
      else {
        const group = document.createElement('span');
        group.className = 'char-group';
        const chips = document.createElement('span');
        chips.className = 'char-pieces';
        chips.append(...g.tokens.map(chip));
        const under = document.createElement('span');
        under.className = 'char-label';
        group.append(chips, under);
        box.append(group);
      }
    }
  }
  const chips = box.querySelectorAll('.chip');
  tokens.forEach((t, i) => {
    const c = chips[i];
    setText(c.firstChild, label(t));
    setText(c.lastChild, String(t.id));
    const title = t.piece ? S.text.pieceTitle(i, t.id, i - t.piece.first + 1, t.piece.last - t.piece.first + 1, t.piece.text)
      : S.text.chipTitle(i, t.id, t.start, t.end);
    if (c.title !== title) c.title = title;
  });
  showUnknown();
  box.querySelectorAll('.char-group').forEach((group, k) => {
    const g = groups.filter((x) => x.piece !== null)[k];
    setText(group.lastChild, g.char);
    group.title = S.text.charTitle(g.char, g.tokens.length);
  });
  showSelected();
}

// The whole model's unknown tokens (read as UNK), kept as ids by position: the chips are redrawn when the block's
// answer comes, which may be after the model's.
let unknownIds = [];

/** Greys the chips of the tokens the whole model read as UNK (tokens: its analysis's, each with `unknown`). */
export function markUnknown(tokens) {
  unknownIds = tokens.map((t) => (t.unknown ? t.id : -1));
  showUnknown();
}

function showUnknown() {
  const tokens = page.analysis?.tokens;
  $('tokens').querySelectorAll('.chip').forEach((chip, i) => {
    const off = unknownIds[i] >= 0 && (!tokens || tokens[i]?.id === unknownIds[i]);
    chip.classList.toggle('unknown', off);
    if (off) chip.title = S.predict.unknownToken;
  });
}

function chip(i) {
  const c = document.createElement('button');
  c.type = 'button';
  c.className = 'chip';
  c.dataset.i = i;
  c.append('', document.createElement('small'));
  return c;
}

export function chipEvents() {
  const box = $('tokens');
  const hover = (e) => {
    const chip = e.target.closest?.('.chip');
    if (chip && !chip.contains(e.relatedTarget)) highlightToken(Number(chip.dataset.i));
  };
  box.addEventListener('mouseover', hover);
  box.addEventListener('mouseleave', () => highlightToken(selection.token));
  // A click, a tap or Tab onto a chip selects its token in every view; the arrow keys move the selection.
  const choose = (e) => {
    const chip = e.target.closest?.('.chip');
    if (chip) selectToken(Number(chip.dataset.i));
  };
  box.addEventListener('click', choose);
  box.addEventListener('focusin', choose);
  box.addEventListener('keydown', (e) => {
    const chips = box.querySelectorAll('.chip'), step = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -1, ArrowDown: 1 }[e.key];
    const to = e.key === 'Home' ? 0 : e.key === 'End' ? chips.length - 1 : step ? Math.max(0, Math.min(chips.length - 1, selection.token + step)) : -1;
    if (to < 0 || !chips.length) return;
    e.preventDefault();
    chips[to].focus();
    selectToken(to);
  });
  watchSelection(showSelected);
}

/** The selected token: its chip marked, its span in the text, the bar's sentence. */
function showSelected() {
  const i = selection.token, chips = $('tokens').querySelectorAll('.chip');
  chips.forEach((c, k) => {
    c.classList.toggle('selected', k === i);
    c.setAttribute('aria-pressed', String(k === i));
  });
  const t = page.analysis?.tokens?.[i];
  setText($('selected-token'), t ? S.bar.selected(i, label(t)) : S.bar.none);
  highlightToken(i);
}

/** Marks token i's span in the text view; a byte piece marks the character it is part of. */
function highlightToken(i) {
  const text = page.state.text, view = $('text-view'), chips = $('tokens');
  chips.querySelector('.chip.active')?.classList.remove('active');
  chips.querySelectorAll('.chip')[i]?.classList.add('active');
  view.textContent = '';
  const tokens = page.analysis?.tokens, t = tokens?.[i];
  // A character's UTF-16 range ends where its first piece's range ends (the continuing pieces have empty ranges there).
  const [start, end] = t?.piece ? [tokens[t.piece.first].end - t.piece.text.length, tokens[t.piece.first].end] : [t?.start, t?.end];
  if (!t || start === end) {
    view.textContent = text;
    return;
  }
  const mark = document.createElement('mark');
  mark.textContent = text.slice(start, end);
  view.append(text.slice(0, start), mark, text.slice(end));
}
