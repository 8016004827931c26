// Section 7: measured time of one attention call against n (with the n² curve) and the cost calculator, whose
// numbers are all attn.cost()'s. Not the arithmetic: human() only formats a count for reading.
import { $ } from '../dom.js';
import { drawCostChart, fmt } from '../draw.js';
import { showError } from '../page.js';
import { call } from '../rpc.js';

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
    const rows = [['W_q + W_k + W_v + W_o per query head', c.paramsPerQueryHead], ['attention parameters per layer', c.paramsPerLayer],
      ['attention parameters, all layers', c.paramsTotal], ['KV cache per token (all layers)', c.kvCacheBytesPerToken],
      ['KV cache for the context', c.kvCacheBytes], ['FLOPs per token: projections', c.flopsProjectionsPerToken],
      ['FLOPs per token: attention over the context', c.flopsAttentionPerToken]];
    table.innerHTML = '';
    for (const [k, n] of rows) {
      const tr = document.createElement('tr');
      tr.innerHTML = '<th></th><td></td><td></td>';
      tr.children[0].textContent = k;
      tr.children[1].textContent = n.toLocaleString('en');
      tr.children[2].textContent = human(n, k.includes('KV') ? 'B' : '');
      table.append(tr);
    }
    $('calc-note').textContent = config.dModel === 12288 && config.heads === 96 && config.layers === 96
      ? `The tutorial's "≈630万 per head" is ${c.paramsPerQueryHead.toLocaleString('en')}. Its "×96 heads ≈ 59.5亿" is off: ` +
        `96 heads give ${human(c.paramsPerLayer)} per layer, and ${human(c.paramsTotal)} over 96 layers — about a third of 175B, as it says.`
      : '';
  } catch (e) {
    if (!e.stale) table.innerHTML = `<tr><td>${e.message.replace(/[<>&]/g, '')}</td></tr>`;
  }
}

function human(n, unit = '') {
  const units = unit === 'B' ? ['B', 'KiB', 'MiB', 'GiB', 'TiB'] : ['', 'K', 'M', 'B', 'T'];
  const base = unit === 'B' ? 1024 : 1000;
  let k = 0;
  while (n >= base && k < units.length - 1) (n /= base), k++;
  return `${n.toFixed(n >= 100 || k === 0 ? 0 : 2)} ${units[k]}`.trim();
}

/** Wires the measure button (timed in the worker) and the calculator's presets and inputs. */
export function wireCost() {
  $('measure').onclick = async () => {
    $('measure').disabled = true;
    try {
      const points = await call('timing', [64, 128, 256, 512, 1024, 2048, 4096]);
      drawCostChart($('cost-chart'), points);
      $('cost-times').innerHTML = '<tr><th>n</th>' + points.map((p) => `<td>${p.n}</td>`).join('') + '</tr><tr><th>ms</th>' +
        points.map((p) => `<td>${fmt(p.ms)}</td>`).join('') + '</tr>';
      window.__timingPoints = points;
    } catch (e) {
      showError(e.message);
    } finally {
      $('measure').disabled = false;
    }
  };
  document.querySelectorAll('[data-preset]').forEach((b) => (b.onclick = () => {
    const p = CALC_PRESETS[b.dataset.preset];
    for (const [k, v] of Object.entries(p)) $(`c-${k}`).value = v;
    renderCalc();
  }));
  document.querySelectorAll('#calc input').forEach((el) => el.addEventListener('input', renderCalc));
}
