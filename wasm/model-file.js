// What a model file says besides its weights: the safetensors __metadata__ strings, and for our trained models
// the measured head scores, the loss curves and the training film (film.* tensors). Read after the C++ loader has
// checked the header; plain JSON and byte views, no wasm.
// Not a safetensors reader (attn/io/safetensors.cpp is; wasm/model.js streams the tensors) and not a weight reader.

function parseJson(text) {
  if (typeof text !== 'string') return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/**
 * The extras of a model file from its metadata and its film.* tensors' bytes (a Map by name):
 * { metadata, headScores, lossCurve, film } (null where the file has none).
 * film: { steps: number[], probes: [{ ids: Uint32Array (GPT-2 ids, BOS first), frames: Uint8Array
 * [steps, layers·heads, T·(T+1)/2] (causal rows one after another, weight = byte / 255) }] }.
 */
export function modelExtras(metadata, filmTensors) {
  const steps = parseJson(metadata.film_steps);
  let film = null;
  if (Array.isArray(steps)) {
    const probes = [];
    for (let p = 0; filmTensors.has(`film.${p}.ids`) && filmTensors.has(`film.${p}.attention`); p++) {
      const idBytes = filmTensors.get(`film.${p}.ids`);
      const ids = new Uint32Array(idBytes.length / 4);
      const dv = new DataView(idBytes.buffer, idBytes.byteOffset, idBytes.byteLength);
      for (let i = 0; i < ids.length; i++) ids[i] = dv.getInt32(4 * i, true);
      probes.push({ ids, frames: filmTensors.get(`film.${p}.attention`) });
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
