// A small safetensors reader and writer in plain JS, for test fixtures and the float64 GPT-2 reference.
// Not the product's reader (src/attn/io is, with every validation rule): this one trusts its input and exists so the
// tests can write and read files with code that shares nothing with the C++ under test.

const DTYPE_BYTES = { F64: 8, F32: 4, F16: 2, BF16: 2, I32: 4, I64: 8, U8: 1 };

/** Float64 value of an IEEE binary16 bit pattern, from the definition (sign, exponent, fraction). */
export function f16ToNumber(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** binary16 bits of x, which must be exactly representable (fixtures only hold such values). */
export function numberToF16(x) {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  let bits;
  if (a === 0) bits = sign;
  else {
    const e = Math.max(Math.floor(Math.log2(a)), -15);
    bits = e < -14 ? sign | Math.round(a / 2 ** -24) : sign | ((e + 15) << 10) | Math.round((a / 2 ** e - 1) * 1024);
  }
  if (f16ToNumber(bits) !== x) throw new Error(`numberToF16: ${x} is not exactly representable in binary16`);
  return bits;
}

/** bfloat16 bits of x, which must be exactly representable (the upper half of its float32 bits). */
export function numberToBf16(x) {
  const f = new Float32Array([x]);
  const u = new Uint32Array(f.buffer)[0];
  if (f[0] !== x || (u & 0xffff) !== 0) throw new Error(`numberToBf16: ${x} is not exactly representable in bfloat16`);
  return u >>> 16;
}

/**
 * Writes a safetensors file. tensors: [{ name, dtype: 'F32' | 'F16' | 'BF16', shape, values: number[] }].
 * Layout: sorted by name (every tensor here is 2-byte aligned or more), header padded with spaces to 8 bytes.
 */
export function writeSafetensors(tensors, metadata) {
  const sorted = [...tensors].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const header = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  const blobs = [];
  for (const t of sorted) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.values.length) throw new Error(`${t.name}: ${t.values.length} values for shape [${t.shape}]`);
    const bytes = new Uint8Array(count * DTYPE_BYTES[t.dtype]);
    const view = new DataView(bytes.buffer);
    t.values.forEach((x, i) => {
      if (t.dtype === 'F32') view.setFloat32(i * 4, x, true);
      else if (t.dtype === 'F16') view.setUint16(i * 2, numberToF16(x), true);
      else if (t.dtype === 'BF16') view.setUint16(i * 2, numberToBf16(x), true);
      else throw new Error(`writeSafetensors: dtype ${t.dtype} not supported here`);
    });
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    blobs.push(bytes);
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const jsonBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + jsonBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(jsonBytes.length), true);
  out.set(jsonBytes, 8);
  let at = 8 + jsonBytes.length;
  for (const b of blobs) out.set(b, at), (at += b.length);
  return out;
}

/** Reads a safetensors file into { metadata, tensors: Map<name, { dtype, shape, values: Float64Array }> }. */
export function readSafetensors(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const base = 8 + n;
  const tensors = new Map();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [begin, end] = info.data_offsets;
    const count = (end - begin) / DTYPE_BYTES[info.dtype];
    const values = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const at = base + begin + i * DTYPE_BYTES[info.dtype];
      if (info.dtype === 'F32') values[i] = view.getFloat32(at, true);
      else if (info.dtype === 'F16') values[i] = f16ToNumber(view.getUint16(at, true));
      else if (info.dtype === 'BF16') values[i] = new Float32Array(new Uint32Array([view.getUint16(at, true) << 16]).buffer)[0];
      else throw new Error(`readSafetensors: dtype ${info.dtype} not supported here`);
    }
    tensors.set(name, { dtype: info.dtype, shape: info.shape, values });
  }
  return { metadata: header.__metadata__ ?? {}, tensors };
}
