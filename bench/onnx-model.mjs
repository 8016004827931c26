// ONNX model bytes built in JS for the onnxruntime-web peers: a minimal protobuf writer plus the few ONNX messages
// the bench needs (model, graph, node, attribute, tensor, value info), single attention and a whole GPT-2.
// Not a general ONNX library.
// Field numbers follow onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ...).

// ---- protobuf wire format ------------------------------------------------------------------------------
class Writer {
  constructor() { this.parts = []; this.length = 0; }
  #push(bytes) { this.parts.push(bytes); this.length += bytes.length; return this; }
  #varint(value) {
    let v = BigInt(value);
    if (v < 0n) v += 1n << 64n;  // int64 negatives: ten-byte two's complement
    const out = [];
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v) b |= 0x80;
      out.push(b);
    } while (v);
    return this.#push(Uint8Array.from(out));
  }
  #key(field, wire) { return this.#varint((field << 3) | wire); }
  int(field, value) { return this.#key(field, 0).#varint(value); }
  float(field, value) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return this.#key(field, 5).#push(b);
  }
  bytes(field, data) { return this.#key(field, 2).#varint(data.length).#push(data); }
  string(field, s) { return this.bytes(field, new TextEncoder().encode(s)); }
  message(field, build) {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }
  finish() {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) { out.set(p, at); at += p.length; }
    return out;
  }
}

// ---- ONNX -----------------------------------------------------------------------------------------------
const FLOAT = 1, INT64 = 7;  // TensorProto.DataType
const ATTR = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 };  // AttributeProto.AttributeType

/** A tensor initializer: Float32Array (FLOAT) or BigInt64Array / number[] of ints (INT64), stored as raw_data. */
function writeTensor(w, name, dims, data) {
  for (const d of dims) w.int(1, d);
  const isFloat = data instanceof Float32Array;
  w.int(2, isFloat ? FLOAT : INT64);
  w.string(8, name);
  const typed = isFloat ? data : BigInt64Array.from(data, (x) => BigInt(x));
  w.bytes(9, new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength));
}

/** dims: numbers, or strings for symbolic dimensions (dim_param: a size that may change from run to run). */
function writeValueInfo(w, name, dims, elemType = FLOAT) {
  w.string(1, name);
  w.message(2, (type) => type.message(1, (tensor) => {
    tensor.int(1, elemType);
    tensor.message(2, (shape) => {
      for (const d of dims) shape.message(1, (dim) => (typeof d === 'string' ? dim.string(2, d) : dim.int(1, d)));
    });
  }));
}

function writeAttribute(w, name, value) {
  w.string(1, name);
  if (typeof value === 'string') w.string(4, value).int(20, ATTR.STRING);
  else if (Array.isArray(value)) { for (const v of value) w.int(8, v); w.int(20, ATTR.INTS); }
  else if (value.float !== undefined) w.float(2, value.float).int(20, ATTR.FLOAT);
  else w.int(3, value.int).int(20, ATTR.INT);
}

/**
 * A graph builder. node(op, inputs, outputs, attrs, domain) with attrs as {name: int | {float} | {int} | ints[] | string}
 * (a plain JS number is an int attribute); init(name, dims, data) adds an initializer; build() → ModelProto bytes.
 */
export class Graph {
  constructor(name) { this.name = name; this.nodes = []; this.inits = []; this.inputs = []; this.outputs = []; this.counter = 0; }
  /** type: 'float32' (default) or 'int64'; dims as writeValueInfo. */
  input(name, dims, type = 'float32') { this.inputs.push([name, dims, type]); return name; }
  output(name, dims, type = 'float32') { this.outputs.push([name, dims, type]); return name; }
  init(name, dims, data) { this.inits.push([name, dims, data]); return name; }
  /** Adds a node; returns its first output (a fresh name when `outputs` is omitted). */
  node(op, inputs, outputs, attrs = {}, domain = '') {
    const outs = outputs ?? [`${op.toLowerCase()}_${this.counter++}`];
    this.nodes.push({ op, inputs, outputs: outs, attrs, domain });
    return outs[0];
  }
  build() {
    const m = new Writer();
    m.int(1, 8);  // ir_version 8 (opset 17 era)
    m.string(2, 'attention-wasm-bench');
    m.message(8, (o) => o.string(1, '').int(2, 17));
    if (this.nodes.some((n) => n.domain === 'com.microsoft')) m.message(8, (o) => o.string(1, 'com.microsoft').int(2, 1));
    m.message(7, (g) => {
      for (const n of this.nodes) {
        g.message(1, (w) => {
          for (const i of n.inputs) w.string(1, i);
          for (const o of n.outputs) w.string(2, o);
          w.string(3, `${n.op}_${this.nodes.indexOf(n)}`);
          w.string(4, n.op);
          for (const [k, v] of Object.entries(n.attrs))
            w.message(5, (a) => writeAttribute(a, k, typeof v === 'number' ? { int: v } : v));
          if (n.domain) w.string(7, n.domain);
        });
      }
      g.string(2, this.name);
      for (const [name, dims, data] of this.inits) g.message(5, (t) => writeTensor(t, name, dims, data));
      const elem = (type) => (type === 'int64' ? INT64 : FLOAT);
      for (const [name, dims, type] of this.inputs) g.message(11, (v) => writeValueInfo(v, name, dims, elem(type)));
      for (const [name, dims, type] of this.outputs) g.message(12, (v) => writeValueInfo(v, name, dims, elem(type)));
    });
    return m.finish();
  }
}

/**
 * Scaled dot-product attention from standard ops on [B, Lq, H·D] / [B, Lk, H·D] tensors named q, k, v:
 * Reshape → Transpose → MatMul(Q, Kᵀ) → Mul(scale) → Add(mask) → Softmax → MatMul(·, V) → Transpose → Reshape.
 * Returns the output name (and the weights name). `mask` is a Float32Array [Lq, Lk] (0 or -1e30) or null.
 */
export function sdpaStandard(g, { q, k, v, batch, qLen, kvLen, heads, headDim, mask, weightsOut }) {
  const shape4 = (len) => g.init(`shape4_${len}_${g.counter++}`, [4], [batch, len, heads, headDim]);
  const qh = g.node('Transpose', [g.node('Reshape', [q, shape4(qLen)])], null, { perm: [0, 2, 1, 3] });
  const kt = g.node('Transpose', [g.node('Reshape', [k, shape4(kvLen)])], null, { perm: [0, 2, 3, 1] });
  const vh = g.node('Transpose', [g.node('Reshape', [v, shape4(kvLen)])], null, { perm: [0, 2, 1, 3] });
  let s = g.node('MatMul', [qh, kt]);
  s = g.node('Mul', [s, g.init(`scale_${g.counter++}`, [], Float32Array.of(1 / Math.sqrt(headDim)))]);
  if (mask) s = g.node('Add', [s, g.init(`mask_${g.counter++}`, [qLen, kvLen], mask)]);
  const p = g.node('Softmax', [s], weightsOut ? [weightsOut] : null, { axis: -1 });
  const o = g.node('MatMul', [p, vh]);
  const ot = g.node('Transpose', [o], null, { perm: [0, 2, 1, 3] });
  return g.node('Reshape', [ot, g.init(`shape3_${g.counter++}`, [3], [batch, qLen, heads * headDim])]);
}

/** com.microsoft MultiHeadAttention on [B, L, H·D] q, k, v; causal through `unidirectional` (or an additive bias). */
export function sdpaContrib(g, { q, k, v, heads, headDim, causal, causalBias }) {
  const attrs = { num_heads: heads, scale: { float: 1 / Math.sqrt(headDim) } };
  if (causal && !causalBias) attrs.unidirectional = 1;
  const inputs = [q, k, v];
  if (causal && causalBias) inputs.push('', '', causalBias);  // bias, key_padding_mask, attention_bias [1,1,Lq,Lk]
  return g.node('MultiHeadAttention', inputs, null, attrs, 'com.microsoft');
}

/**
 * GPT-2 (Hugging Face layout, [in, out] matrices) as the graph ORT's GPT-2 exports run: com.microsoft.Attention with a
 * `past_N` [2, 1, H, P, D] input and a `present_N` [2, 1, H, P + S, D] output per layer (K then V; the caller feeds
 * each step's presents back as the next step's pasts), LayerNormalization, FastGelu (GPT-2's tanh GELU) and the
 * head tied to wte (Gemm with transB) for the last position only. Inputs input_ids and position_ids: int64 [1, S].
 * tensor(name) → Float32Array of the checkpoint tensor `name` (bare HF names).
 */
export function gpt2Onnx({ layers, heads, dModel: C, vocab: V }, tensor) {
  const g = new Graph('gpt2');
  const D = C / heads;
  g.input('input_ids', [1, 'S'], 'int64');
  g.input('position_ids', [1, 'S'], 'int64');
  const w = (name, dims) => g.init(name, dims, tensor(name));
  const layerNorm = (x, prefix) =>
    g.node('LayerNormalization', [x, w(`${prefix}.weight`, [C]), w(`${prefix}.bias`, [C])], null, { axis: -1, epsilon: { float: 1e-5 } });
  const wte = w('wte.weight', [V, C]);
  let x = g.node('Add', [g.node('Gather', [wte, 'input_ids']), g.node('Gather', [w('wpe.weight', [tensor('wpe.weight').length / C, C]), 'position_ids'])]);
  for (let l = 0; l < layers; l++) {
    const h = `h.${l}.`;
    g.input(`past_${l}`, [2, 1, heads, 'P', D]);
    g.output(`present_${l}`, [2, 1, heads, 'T', D]);
    const attn = g.node('Attention', [layerNorm(x, h + 'ln_1'), w(h + 'attn.c_attn.weight', [C, 3 * C]),
      w(h + 'attn.c_attn.bias', [3 * C]), '', `past_${l}`], [`attn_${l}`, `present_${l}`], { num_heads: heads, unidirectional: 1 },
    'com.microsoft');
    const proj = g.node('Add', [g.node('MatMul', [attn, w(h + 'attn.c_proj.weight', [C, C])]), w(h + 'attn.c_proj.bias', [C])]);
    x = g.node('Add', [x, proj]);
    const F = tensor(h + 'mlp.c_fc.bias').length;
    const fc = g.node('FastGelu', [g.node('MatMul', [layerNorm(x, h + 'ln_2'), w(h + 'mlp.c_fc.weight', [C, F])]),
      w(h + 'mlp.c_fc.bias', [F])], null, {}, 'com.microsoft');
    x = g.node('Add', [x, g.node('Add', [g.node('MatMul', [fc, w(h + 'mlp.c_proj.weight', [F, C])]), w(h + 'mlp.c_proj.bias', [C])])]);
  }
  const last = g.node('Slice', [x, g.init('last_start', [1], [-1]), g.init('last_end', [1], [2 ** 53 - 1]), g.init('last_axis', [1], [1])]);
  const flat = g.node('Reshape', [last, g.init('row_shape', [2], [1, C])]);
  g.node('Gemm', [layerNorm(flat, 'ln_f'), wte], ['logits'], { transB: 1 });
  g.output('logits', [1, V]);
  return g;
}
