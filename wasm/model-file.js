// What a model file says besides its weights: the safetensors __metadata__ strings, and for our trained models
// the measured head scores, the loss curves and the training film (film.* tensors). Read after the C++ loader has
// accepted the file (so the header is known to be valid); plain JSON and byte views, no wasm.
// Not a safetensors validator (attn/io/safetensors.cpp is) and not a weight reader.

/** { metadata, tensors: { name: { dtype, shape, begin, end } }, dataStart } of a safetensors file's bytes. */
export function readHeader(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  const { __metadata__: metadata = {}, ...tensors } = header;
  const out = {};
  for (const [name, t] of Object.entries(tensors))
    out[name] = { dtype: t.dtype, shape: t.shape, begin: t.data_offsets[0], end: t.data_offsets[1] };
  return { metadata, tensors: out, dataStart: 8 + length };
}

function parseJson(text) {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * The extras of a model file: { metadata, headScores, lossCurve, film } (null where the file has none).
 * film: { steps: number[], probes: [{ ids: Uint32Array (GPT-2 ids, BOS first), frames: Uint8Array
 * [steps, layers·heads, T·(T+1)/2] (causal rows one after another, weight = byte / 255) }] }.
 */
export function modelExtras(bytes) {
  const { metadata, tensors, dataStart } = readHeader(bytes);
  const slice = (t) => bytes.slice(dataStart + t.begin, dataStart + t.end);
  const steps = parseJson(metadata.film_steps);
  let film = null;
  if (Array.isArray(steps)) {
    const probes = [];
    for (let p = 0; tensors[`film.${p}.ids`] && tensors[`film.${p}.attention`]; p++) {
      const idBytes = slice(tensors[`film.${p}.ids`]);
      const ids = new Uint32Array(idBytes.length / 4);
      const dv = new DataView(idBytes.buffer);
      for (let i = 0; i < ids.length; i++) ids[i] = dv.getInt32(4 * i, true);
      probes.push({ ids, frames: slice(tensors[`film.${p}.attention`]) });
    }
    film = { steps, probes };
  }
  const curve = (key, everyKey) => {
    const values = parseJson(metadata[key]);
    return Array.isArray(values) ? { every: Number(metadata[everyKey]) || 1, values } : null;
  };
  const train = curve('loss_train', 'loss_train_every'), heldout = curve('loss_heldout', 'loss_heldout_every');
  return {
    metadata,
    headScores: parseJson(metadata.head_scores),
    lossCurve: train || heldout ? { train, heldout } : null,
    film,
  };
}
