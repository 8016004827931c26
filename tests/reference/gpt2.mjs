// Float64 reference of GPT-2's forward pass, written from the math (Hugging Face modeling_gpt2.py): embeddings,
// pre-LN blocks (LayerNorm with biased variance, causal softmax attention ÷√d_head, gelu_new MLP), ln_f, logits
// against wte (or an untied lm_head). Not fast and not shared with the C++ runtime: the tests compare the two.
import { readSafetensors } from './safetensors.mjs';

/**
 * Loads a GPT-2 safetensors file (bare names or a `transformer.` prefix; attn.bias / attn.masked_bias ignored).
 * nHead: from the argument, else __metadata__.n_head, else C/64.
 */
export function loadGpt2Reference(bytes, nHead) {
  const { metadata, tensors } = readSafetensors(bytes);
  const w = new Map();
  for (const [name, t] of tensors) w.set(name.startsWith('transformer.') ? name.slice('transformer.'.length) : name, t);
  const get = (name) => {
    const t = w.get(name);
    if (!t) throw new Error(`reference: tensor ${name} missing`);
    return t.values;
  };
  const [V, C] = w.get('wte.weight').shape;
  const P = w.get('wpe.weight').shape[0];
  let L = 0;
  while (w.has(`h.${L}.ln_1.weight`)) L++;
  const H = nHead ?? (metadata.n_head ? Number(metadata.n_head) : C / 64);
  const F = w.get('h.0.mlp.c_fc.weight').shape[1];
  const layers = [];
  for (let l = 0; l < L; l++) {
    const p = (s) => get(`h.${l}.${s}`);
    layers.push({
      ln1g: p('ln_1.weight'), ln1b: p('ln_1.bias'), qkvW: p('attn.c_attn.weight'), qkvB: p('attn.c_attn.bias'),
      projW: p('attn.c_proj.weight'), projB: p('attn.c_proj.bias'), ln2g: p('ln_2.weight'), ln2b: p('ln_2.bias'),
      fcW: p('mlp.c_fc.weight'), fcB: p('mlp.c_fc.bias'), fcProjW: p('mlp.c_proj.weight'), fcProjB: p('mlp.c_proj.bias'),
    });
  }
  return {
    config: { V, C, P, L, H, F, eps: 1e-5 },
    wte: get('wte.weight'), wpe: get('wpe.weight'), lnfg: get('ln_f.weight'), lnfb: get('ln_f.bias'),
    head: w.has('lm_head.weight') ? get('lm_head.weight') : get('wte.weight'), layers,
  };
}

function layerNorm(x, g, b, eps) {
  const n = x.length;
  let mean = 0;
  for (let i = n - 1; i >= 0; i--) mean += x[i];
  mean /= n;
  let variance = 0;
  for (let i = n - 1; i >= 0; i--) variance += (x[i] - mean) ** 2;
  variance /= n;  // biased, as torch.nn.LayerNorm
  const inv = 1 / Math.sqrt(variance + eps);
  return Float64Array.from(x, (v, i) => (v - mean) * inv * g[i] + b[i]);
}

/** y[out] = b[out] + Σ_in x[in] · W[in, out]  (Conv1D: W stored [in, out]). */
function conv1d(x, W, b, nIn, nOut) {
  const y = new Float64Array(nOut);
  for (let o = 0; o < nOut; o++) {
    let s = 0;
    for (let i = 0; i < nIn; i++) s += x[i] * W[i * nOut + o];
    y[o] = s + b[o];
  }
  return y;
}

export const geluNew = (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

/**
 * Forward over ids (length T ≤ P). Returns logits [T, V], attention [L][H] of [T, T] (row i: query i; zeros above
 * the diagonal) and hidden [L + 1] of [T, C] (the residual stream entering each block, then after the last one).
 * ablate: [[layer, head], …] whose output is left out of the mix before c_proj.
 */
export function gpt2Forward(model, ids, { ablate = [] } = {}) {
  const { V, C, P, L, H, F, eps } = model.config;
  const T = ids.length;
  if (T > P) throw new Error(`reference: ${T} tokens > n_positions ${P}`);
  const D = C / H;
  let x = ids.map((id, t) => Float64Array.from({ length: C }, (_, c) => model.wte[id * C + c] + model.wpe[t * C + c]));
  const hidden = [];
  const attention = [];
  for (const [l, p] of model.layers.entries()) {
    hidden.push(Float64Array.from(x.flatMap((r) => [...r])));
    const qkv = x.map((row) => conv1d(layerNorm(row, p.ln1g, p.ln1b, eps), p.qkvW, p.qkvB, C, 3 * C));
    const heads = [];
    const mixed = x.map(() => new Float64Array(C));
    for (let h = 0; h < H; h++) {
      const weights = new Float64Array(T * T);
      for (let i = 0; i < T; i++) {
        const scores = [];
        for (let j = 0; j <= i; j++) {
          let s = 0;
          for (let d = 0; d < D; d++) s += qkv[i][h * D + d] * qkv[j][C + h * D + d];
          scores.push(s / Math.sqrt(D));
        }
        const top = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - top));
        const z = e.reduce((a, b) => a + b, 0);
        for (let j = 0; j <= i; j++) {
          weights[i * T + j] = e[j] / z;
          if (ablate.some(([al, ah]) => al === l && ah === h)) continue;
          for (let d = 0; d < D; d++) mixed[i][h * D + d] += (e[j] / z) * qkv[j][2 * C + h * D + d];
        }
      }
      heads.push(weights);
    }
    attention.push(heads);
    x = x.map((row, t) => {
      const a = conv1d(mixed[t], p.projW, p.projB, C, C).map((v, c) => v + row[c]);
      const m = conv1d(layerNorm(a, p.ln2g, p.ln2b, eps), p.fcW, p.fcB, C, F).map(geluNew);
      return conv1d(m, p.fcProjW, p.fcProjB, F, C).map((v, c) => v + a[c]);
    });
  }
  hidden.push(Float64Array.from(x.flatMap((r) => [...r])));
  const logits = new Float64Array(T * V);
  x.forEach((row, t) => {
    const h = layerNorm(row, model.lnfg, model.lnfb, eps);
    for (let v = 0; v < V; v++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += h[c] * model.head[v * C + c];
      logits[t * V + v] = s;
    }
  });
  return { logits, attention, hidden };
}
