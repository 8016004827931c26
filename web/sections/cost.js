// Section 8: measured time of one attention call against n (with the n² curve) and the cost calculator, whose
// numbers are all attn.cost()'s. Not the arithmetic: human() only formats a count for reading.
import { $ } from '../dom.js';
import { drawCostChart, fmt } from '../draw.js';
import { lm } from '../lm.js';
import { errorText, showError } from '../page.js';
import { call } from '../rpc.js';
import { S } from '../strings.js';

const CALC_PRESETS = {
  gpt3: { dModel: 12288, heads: 96, kvHeads: 96, headDim: 128, layers: 96, context: 2048, bytes: 2 },
  gqa: { dModel: 8192, heads: 64, kvHeads: 8, headDim: 128, layers: 80, context: 4096, bytes: 2 },
};

export async function renderCalc() {
  const v = (id) => Math.floor(Number($(id).value));
  const config = { dModel: v('c-dModel'), heads: v('c-heads'), kvHeads: v('c-kvHeads'), headDim: v('c-headDim'),
    layers: v('c-layers'), context: v('c-context'), bytesPerElement: v('c-bytes') };
  const table = $('calc-out');
  try {
    const c = await call('cost', config);
    table.textContent = '';
    for (const [key, name] of Object.entries(S.cost.rows)) {
      const tr = table.insertRow(), n = c[key];
      tr.append(Object.assign(document.createElement('th'), { textContent: name }));
      tr.insertCell().textContent = n.toLocaleString('en');
      tr.insertCell().textContent = key.startsWith('kvCache') ? bytes(n) : human(n);
    }
    $('calc-note').textContent = config.dModel === 12288 && config.heads === 96 && config.layers === 96
      ? S.cost.gpt3Note(c.paramsPerQueryHead.toLocaleString('en'), human(c.paramsPerLayer), human(c.paramsTotal)) : '';
  } catch (e) {
    if (!e.stale) {
      table.textContent = '';
      table.insertRow().insertCell().textContent = errorText(e);
    }
  }
}

/** A count in the page's language's large units (K, M, B or 万, 亿), for reading. */
function human(n) {
  const [size, unit] = S.cost.units.find(([size]) => n >= size) ?? [1, ''];
  const v = n / size;
  return `${v.toFixed(v >= 100 || size === 1 ? 0 : 2)} ${unit}`.trim();
}

/** A byte count in binary units. */
function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let k = 0;
  while (n >= 1024 && k < units.length - 1) (n /= 1024), k++;
  return `${n.toFixed(n >= 100 || k === 0 ? 0 : 2)} ${units[k]}`;
}

let points = null;  // the latest measurement, redrawn in another language

/** Draws the latest measurement (chart and table), if there is one. */
export function redrawCost() {
  if (!points) return;
  drawCostChart($('cost-chart'), points, { axis: S.cost.axisN, ms: S.cost.ms });
  $('cost-times').textContent = '';
  const n = $('cost-times').insertRow(), ms = $('cost-times').insertRow();
  n.append(Object.assign(document.createElement('th'), { textContent: S.cost.timesHeader[0] }));
  ms.append(Object.assign(document.createElement('th'), { textContent: S.cost.timesHeader[1] }));
  for (const p of points) n.insertCell().textContent = p.n, ms.insertCell().textContent = fmt(p.ms);
}

/** The whole model the picker loaded, as the calculator's inputs (its KV cache is float32 in this runtime). */
function loadedPreset() {
  if (lm.block || !lm.info) return null;
  const { dModel, heads, headDim, layers, context } = lm.info.config;
  return { dModel, heads, kvHeads: heads, headDim, layers, context, bytes: 4 };
}

/** Wires the measure button (timed in the worker) and the calculator's presets and inputs. */
export function wireCost() {
  $('measure').onclick = async () => {
    $('measure').disabled = true;
    try {
      points = await call('timing', [64, 128, 256, 512, 1024, 2048, 4096]);
      redrawCost();
      window.__timingPoints = points;
    } catch (e) {
      showError(e);
    } finally {
      $('measure').disabled = false;
    }
  };
  document.querySelectorAll('[data-preset]').forEach((b) => (b.onclick = () => {
    const p = b.dataset.preset === 'loaded' ? loadedPreset() : CALC_PRESETS[b.dataset.preset];
    if (!p) return;
    for (const [k, v] of Object.entries(p)) $(`c-${k}`).value = v;
    renderCalc();
  }));
  document.querySelectorAll('#calc input').forEach((el) => el.addEventListener('input', renderCalc));
}
