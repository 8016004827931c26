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

/**
 * A layers × heads grid of small maps: one .lh cell per head (data-layer, data-head) holding a title line, a canvas
 * and a label line, in layer-major order. Built when `key` changes, kept otherwise (a redraw reuses the canvases).
 * title(l, h) gives the title line's content; extra(cell, l, h), when given, adds a section's own parts to a new cell.
 * Returns the cells.
 */
export function headGrid(grid, { key, layers, heads, title, extra }) {
  grid.style.setProperty('--heads', heads);
  if (grid.dataset.key !== key) {
    grid.textContent = '';
    grid.dataset.key = key;
    for (let l = 0; l < layers; l++) {
      for (let h = 0; h < heads; h++) {
        const cell = document.createElement('div');
        cell.className = 'lh';
        cell.dataset.layer = l;
        cell.dataset.head = h;
        const top = document.createElement('div'), label = document.createElement('div');
        top.className = 'lh-title';
        top.append(title(l, h));
        label.className = 'lh-label';
        cell.append(top, document.createElement('canvas'), label);
        extra?.(cell, l, h);
        grid.append(cell);
      }
    }
  }
  return [...grid.children];
}
