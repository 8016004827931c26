// The selected token: one index into the text's tokens that every view marks at once (the token bar, the rows and
// columns of the maps, the rows of tables). Views read `selection.token` when they draw and watch for changes.
// Not the marking itself (canvas.js marks maps, sections/ mark their own chips and rows).

export const selection = { token: -1 };  // -1: none
const watchers = new Set();

/** Calls f(token) after every change of the selected token. */
export function watchSelection(f) {
  watchers.add(f);
}

/** Selects token i (-1: none) in every view. */
export function selectToken(i) {
  if (i === selection.token) return;
  selection.token = i;
  for (const f of watchers) f(i);
  window.__selection = i;
}
