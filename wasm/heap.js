// Moving typed arrays in and out of the wasm heap: one allocation per call, outputs copied out (or, opt-in, left in
// place as views until the caller frees them). Not validation (errors.js) and not the API (index.js).

/**
 * Runs `fn(addresses)` with each input copied into the heap and each output allocated (not cleared: every C++
 * entry point called through here writes all of its outputs); returns copies of the outputs. `spec` maps names to
 * {input: TypedArray} or {output: [Ctor, length], into?: TypedArray} (`into`: copied there and returned instead).
 * With `views`, outputs are views into the heap instead and the block stays allocated: the caller must call the
 * returned `release()` (then the views must not be used).
 */
export function withHeap(module, spec, fn, { views = false } = {}) {
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
  let keep = false;
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
      if (s.output) {
        const view = new Ctor(module.HEAPU8.buffer, base + offset, length);
        outputs[name] = views ? view : s.into ? (s.into.set(view), s.into) : view.slice();
      }
    keep = views;
    return { result, outputs, release: views ? () => module._free(base) : () => {} };
  } finally {
    if (!keep) module._free(base);
  }
}
