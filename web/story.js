// The page's two views: the story (the sections in the tutorial's order, §1.1 to §6, the lab's extra sections hidden
// and each section's details folded behind a button) and the lab (every section and control, in the page's own
// order). The choice is the `view` field of the URL state. Not the sections' content.
import { $, setText } from './dom.js';
import { S } from './strings.js';

/** The story's sections in the tutorial's order (the text first: it is every view's input). */
export const STORY = ['s-text', 's-predict', 's-positions', 's-step', 's-heads', 's-layers', 's-film', 's-variants', 's-cost', 's-decode'];

let labOrder = null;  // the sections (and the token bar after the text) in index.html's order

/** Shows the page as the story or the lab: the sections' order, which are shown, the switch's state. */
export function showView(view) {
  const main = document.querySelector('main'), story = view !== 'lab';
  labOrder ??= [...main.children];
  const order = story ? [...STORY.map($), ...labOrder.filter((el) => el.tagName === 'SECTION' && !STORY.includes(el.id))] : labOrder;
  for (const el of order) {
    if (el.id === 'token-bar') continue;
    main.append(el);
    if (el.id === 's-text') main.append($('token-bar'));  // the token bar follows the text box, then sticks
  }
  document.body.classList.toggle('story', story);
  $('view').value = story ? 'story' : 'lab';
  $('view-story').setAttribute('aria-pressed', String(story));
  $('view-lab').setAttribute('aria-pressed', String(!story));
  relabelStory();
}

/** The story's table of contents and the fold buttons, in the page's language. */
export function relabelStory() {
  const nav = $('story-nav');
  nav.textContent = '';
  STORY.forEach((id, k) => {
    const a = document.createElement('a'), heading = $(id).querySelector('h2');
    a.href = `#${id}`;
    a.textContent = `${k + 1}. ${heading.firstElementChild.textContent.replace(/^\d+ · /, '')}`;
    a.onclick = (e) => {
      e.preventDefault();  // the hash holds the page's state, not an anchor
      $(id).scrollIntoView({ behavior: 'smooth' });
    };
    nav.append(a);
  });
  for (const id of STORY) {
    const section = $(id);
    if (!section.querySelector('.detail')) continue;
    let fold = section.querySelector('h2 > button.fold');
    if (!fold) {
      fold = document.createElement('button');
      fold.type = 'button';
      fold.className = 'fold';
      fold.onclick = () => {
        section.classList.toggle('unfolded');
        relabelStory();
      };
      section.querySelector('h2').append(fold);
    }
    const open = section.classList.contains('unfolded');
    setText(fold, open ? S.view.less : S.view.more);
    fold.setAttribute('aria-expanded', String(open));
  }
}
