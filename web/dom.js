// Small DOM helpers the page's modules share. Not drawing (draw.js, canvas.js) and not state (url-state.js).
export const $ = (id) => document.getElementById(id);

/** Sets a node's text only when it changed (no layout work for an unchanged label). */
export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/** Saves a Blob as a file through a temporary link. */
export function download(name, blob) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
