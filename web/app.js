// The demo page's wiring: text → tokens → library call → heat map and table. Every weight shown comes from
// attention-wasm's attention() with returnWeights. Not drawing code (heatmap.js) and not math (the library).
import { init } from '/dist/index.js';
import { drawHeatmap } from './heatmap.js';

const DIM = 16;
const $ = (id) => document.getElementById(id);

// Placeholder embedding: a seeded vector per word (FNV-1a hash → xorshift32), values in [-1, 1).
function embed(word, dim) {
  let h = 2166136261;
  for (const ch of word) h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0;
  const out = new Float32Array(dim);
  for (let i = 0; i < dim; i++) {
    h ^= h << 13; h >>>= 0; h ^= h >>> 17; h ^= h << 5; h >>>= 0;
    out[i] = (h / 2 ** 31) - 1;
  }
  return out;
}

function tokensOf(text) {
  return text.split(/\s+/).filter(Boolean).slice(0, 64);
}

function renderTable(table, weights, labels, causal) {
  const n = labels.length;
  const esc = (s) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  let html = '<tr><th></th>' + labels.map((l) => `<th>${esc(l)}</th>`).join('') + '</tr>';
  for (let i = 0; i < n; i++) {
    html += `<tr><th>${esc(labels[i])}</th>`;
    for (let j = 0; j < n; j++) {
      const masked = causal && j > i;
      html += masked ? '<td class="masked">—</td>' : `<td>${weights[i * n + j].toFixed(3)}</td>`;
    }
    html += '</tr>';
  }
  table.innerHTML = html;
}

async function main() {
  const status = $('status');
  let attn;
  try {
    attn = await init();
  } catch (error) {
    status.textContent = `Could not start: ${error.message}`;
    status.classList.add('error');
    throw error;
  }
  const update = () => {
    const tokens = tokensOf($('text').value);
    const causal = $('causal').checked;
    if (tokens.length === 0) {
      status.textContent = 'Type some words.';
      $('weights').innerHTML = '';
      window.__attn = { tokens, weights: new Float32Array(0), causal };
      return;
    }
    const n = tokens.length;
    const x = new Float32Array(n * DIM);
    tokens.forEach((t, i) => x.set(embed(t, DIM), i * DIM));
    const t0 = performance.now();
    const { weights } = attn.attention({ q: x, k: x, v: x, qLen: n, headDim: DIM, causal, returnWeights: true });
    const ms = performance.now() - t0;
    drawHeatmap($('heatmap'), weights, n, n, tokens, { masked: (i, j) => causal && j > i });
    renderTable($('weights'), weights, tokens, causal);
    status.textContent = `${n} tokens · head dim ${DIM} · ${attn.backend} · attention in ${ms.toFixed(2)} ms · ` +
      `attention-wasm ${attn.version}`;
    status.classList.remove('error');
    window.__attn = { tokens, weights, causal, x, dim: DIM };
  };
  $('text').addEventListener('input', update);
  $('causal').addEventListener('change', update);
  update();
  window.__ready = true;
}

main();
