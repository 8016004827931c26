// Moving typed arrays in and out of the wasm heap: one allocation per call, always freed, outputs copied out.
// Not validation (errors.js) and not the API (index.js).

/**
 * Runs `fn(addresses)` with each input copied into the heap and each output allocated (not cleared: every C++
 * entry point called through here writes all of its outputs); returns copies of the outputs. `spec` maps names to {input: TypedArray} or {output: [Ctor, length]}.
 */
export function withHeap(module, spec, fn) {
  const entries = Object.entries(spec).filter(([, s]) => s);
  let total = 0;
  const layout = entries.map(([name, s]) => {
    const Ctor = s.input ? s.input.constructor : s.output[0];
    const length = s.input ? s.input.length : s.output[1];
    const offset = total;
    total += Math.ceil((length * Ctor.BYTES_PER_ELEMENT) / 16) * 16;  // keep every array 16-byte aligned
    return { name, s, Ctor, length, offset };
  });
  const base = module._malloc(Math.max(total, 16));
  if (!base) throw new Error('attention-wasm: out of WebAssembly memory');
  try {
    const addresses = {};
    for (const { name, s, Ctor, length, offset } of layout) {
      const address = base + offset;
      addresses[name] = address;
      if (s.input) new Ctor(module.HEAPU8.buffer, address, length).set(s.input);
    }
    const result = fn(addresses);
    const outputs = {};
    // Views are made after the call: it may have grown (and so replaced) the heap's buffer.
    for (const { name, s, Ctor, length, offset } of layout)
      if (s.output) outputs[name] = new Ctor(module.HEAPU8.buffer, base + offset, length).slice();
    return { result, outputs };
  } finally {
    module._free(base);
  }
}
