// The worker's whole-model side: loads a GPT-2 checkpoint (our trained model or a learner's file) with
// attn.loadModel and answers the model sections: next-token probabilities, every layer × head, ablation, the logit
// lens and generation. Not the single attention block of sections 3–9 (worker.js) and not drawing (sections/).
// The numbers are the package's (forward, generate); this file only turns logits into probabilities and ranks them.

const TOP = 10;      // tokens shown in the prediction bars
const LENS_TOP = 5;  // tokens shown per depth in the logit lens

/**
 * Handlers for worker.js, given `ready` (resolves to the initialised package and the GPT-2 tokenizer) and the default
 * model's bytes. worker.js runs a handler only once `ready` has resolved, and this file's reaction to it was
 * registered first (at the worker's start), so attn and tok are set by then.
 */
export function modelHandlers({ ready, tokenize, defaultModel, pageError, bytePieces }) {
  let attn, tok;
  ready.then((lib) => ({ attn, tok } = lib), () => {});  // a failed start is reported by every handler's await
  let model = null, rowOf = null, info = null;
  // The last text read, kept in a session (the KV caches of its tokens) with what the page was given for it, so the
  // next keystroke's text is read from its first changed token: typing at the end of 128 tokens runs the model on
  // one or two tokens, not on 128. Rows of earlier tokens never change (the model is causal), so the answer carries the
  // attention rows of the re-read tokens only: the page keeps the earlier ones (lm.js), this worker keeps none.
  let session = null, kept = null;  // kept: { ids, key, logits [T, V], terms [T − 1], unknown }

  /** Softmax of logits[offset, offset + V) (a probability distribution over the model's rows). */
  function probabilities(logits, offset, V) {
    let max = -Infinity;
    for (let r = 0; r < V; r++) max = Math.max(max, logits[offset + r]);
    const p = new Float64Array(V);
    let sum = 0;
    for (let r = 0; r < V; r++) sum += p[r] = Math.exp(logits[offset + r] - max);
    for (let r = 0; r < V; r++) p[r] /= sum;
    return p;
  }
  /** −log p(row) under the softmax of logits[offset, offset + V): log Σ exp − the row's logit, no distribution built. */
  function surprise(logits, offset, V, row) {
    let max = -Infinity, sum = 0;
    for (let r = 0; r < V; r++) max = Math.max(max, logits[offset + r]);
    for (let r = 0; r < V; r++) sum += Math.exp(logits[offset + r] - max);
    return Math.log(sum) - (logits[offset + row] - max);
  }
  // A row of the output layer is a GPT-2 id (restricted vocabularies map rows through config.gpt2Ids).
  const idOfRow = (r) => (model.config.restrictedVocab ? model.config.gpt2Ids[r] : r);
  const textOfRow = (r) => (model.config.restrictedVocab && r === model.config.unkRow ? '⟨UNK⟩' : readable(idOfRow(r)));
  // A token holding part of a UTF-8 character (a Chinese character is often two tokens) shows its bytes.
  const readable = (id) => {
    const text = tok.tokenText(id);
    return text.includes('\uFFFD') ? `⟨${Array.from(tok.tokenBytes(id), (b) => b.toString(16).padStart(2, '0')).join('\u202f')}⟩` : text;
  };
  /** The k most probable rows, most probable first (ties: the lower row first), in one pass: no sort of all V rows. */
  function top(p, k) {
    const rows = [];
    for (let r = 0; r < p.length; r++) {
      if (rows.length === k && !(p[r] > p[rows[k - 1]])) continue;
      let at = Math.min(rows.length, k - 1);
      for (; at > 0 && p[rows[at - 1]] < p[r]; at--) rows[at] = rows[at - 1];
      rows[at] = r;
    }
    return rows.map((r) => ({ row: r, id: idOfRow(r), text: textOfRow(r), prob: p[r] }));
  }

  /** Per token of `ids`, the text it completes and the bytes it leaves unfinished (worker.js tokenize does the same). */
  function pieceTexts(ids) {
    const parts = Array.from(ids, (id) => tok.tokenBytes(id)), ranges = [];
    const bytes = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of parts) bytes.set(b, at), ranges.push({ byteStart: at, byteEnd: (at += b.length) });
    return bytePieces(bytes, ranges).tokens;
  }

  /** The dtype of the weights (the token embedding's), read from the file's JSON header: shown, not used. */
  async function weightsDtype(source) {
    const read = async (begin, end) => new Uint8Array(source instanceof Blob
      ? await source.slice(begin, end).arrayBuffer() : source.subarray(begin, end));
    const n = Number(new DataView((await read(0, 8)).buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(await read(8, 8 + n)));
    const embedding = Object.keys(header).find((name) => name.endsWith('wte.weight'));
    return header[embedding]?.dtype ?? '?';
  }

  /** Loads a model from bytes or a File (streamed by the package, tensor by tensor, with progress). */
  async function load(source, name, progress) {
    const next = await attn.loadModel(source, { onProgress: progress });  // AttentionError('INVALID_DATA', …) for a bad file
    const dtype = await weightsDtype(source);
    model?.dispose();  // its session too
    model = next;
    session = model.session();
    kept = null;
    const c = model.config;
    rowOf = new Map();
    if (c.restrictedVocab) c.gpt2Ids.forEach((id, r) => rowOf.set(id, r));
    const { gpt2Ids, ...config } = c;
    info = { name, config, dtype, bytes: source.size ?? source.length, metadata: model.metadata,
      headScores: model.headScores, lossCurve: model.lossCurve,
      film: model.film && { steps: model.film.steps, probes: model.film.probes.map((p) => ({ ids: p.ids.slice(), frames: p.frames.slice(),
        texts: pieceTexts(p.ids), title: tok.decode(p.ids.filter((id) => id !== 50256)) })) } };
    return info;
  }

  /**
   * The model's view of a text: top next tokens, every head's weights, the loss on the text, the logit lens.
   * incremental: read through the session from the first token that differs from the last call's (the same rows a
   * full pass gives: tests/node/gpt2.test.mjs holds the session to the full pass); else one full pass.
   * have: the ids whose attention rows the page holds for these heads switched off (none: it holds none). The answer's
   * attention is [L, H, T − attentionFrom, T], the rows from attentionFrom on: earlier rows equal the page's.
   */
  function analyze({ text, ablate = [], attention = true, have = null }, incremental = false) {
    if (!model) return { empty: true, noModel: true };
    const start = performance.now();
    const c = model.config;
    const all = tokenize(text), tokens = all.slice(0, c.context);
    if (tokens.length === 0) return { empty: true, tokens };
    const ids = tokens.map((t) => t.id), T = ids.length, V = c.vocabSize, LH = c.layers * c.heads;
    // A file with fewer than GPT-2's rows and no id map cannot read ids past its table: say so instead of running.
    if (!c.restrictedVocab && ids.some((id) => id >= V)) return { empty: true, tokens, outOfVocab: V };
    const t0 = performance.now();
    const wantAttention = attention && LH * T * T <= 24e6;  // at most ~100 MB of weights for the grid
    const options = { logits: 'all', attention: wantAttention, maxAttentionTokens: c.context, ablate, logitLens: true };
    const key = JSON.stringify([ablate, wantAttention]);
    // Tokens 0 … p − 1 are kept; at least the last token is read again (the lens and the prediction are its), and
    // every token whose attention rows the page lacks.
    let p = 0;
    if (incremental && kept?.key === key) while (p < T - 1 && p < kept.ids.length && kept.ids[p] === ids[p]) p++;
    if (wantAttention) {
      let held = 0;
      while (held < p && held < (have?.length ?? 0) && have[held] === ids[held]) held++;
      p = held;
    }
    let r;
    if (incremental) {
      session.truncate(p);
      // A few tokens are too little work to share: waking the thread pool would cost more than it saves.
      r = session.append(ids.slice(p), T - p <= 8 ? { ...options, threads: 1 } : options);
    } else r = model.forward(ids, options);
    const ms = performance.now() - t0;
    const n = T - p, logits = new Float32Array(T * V);
    if (p) logits.set(kept.logits.subarray(0, p * V));
    logits.set(r.logits, p * V);
    // Loss on the text: the mean of −log p(next token) over the positions whose next token the model knows. Term t
    // reads logits row t and token t + 1: the kept terms before p − 1 hold.
    const terms = new Float64Array(Math.max(0, T - 1));
    for (let t = 0; t + 1 < T; t++) {
      if (t + 1 < p) {
        terms[t] = kept.terms[t];
        continue;
      }
      const next = c.restrictedVocab ? rowOf.get(ids[t + 1]) : ids[t + 1];
      terms[t] = next === undefined ? NaN : surprise(logits, t * V, V, next);
    }
    let loss = 0, counted = 0;
    for (const x of terms) if (!Number.isNaN(x)) loss += x, counted++;
    const unknown = new Set(Array.from(r.unknownPositions, (i) => i + p));
    if (p) for (const t of kept.unknown) if (t < p) unknown.add(t);
    if (incremental) kept = { ids, key, logits, terms, unknown };
    const lens = [];
    for (let d = 0; d <= c.layers; d++) lens.push(top(probabilities(r.logitLens, d * V, V), LENS_TOP));
    return {
      tokens: tokens.map((t, i) => ({ ...t, unknown: unknown.has(i) })), layers: c.layers, heads: c.heads,
      attention: wantAttention ? r.attention : null, attentionFrom: p,  // [L, H, n, T], the session's own copy: it moves to the page
      top: top(probabilities(logits, (T - 1) * V, V), TOP),
      loss: counted ? loss / counted : null, lossCount: counted, lens, ablate, ms, truncated: all.length > T,
      text, reread: n, answerMs: performance.now() - start, tokenizeMs: t0 - start,
      sentAt: performance.timeOrigin + performance.now(),  // with the page's clock: the message's time in transit
    };
  }

  return {
    /** Loads our trained model (fetched when the worker started) or a learner's File; returns its description. */
    async modelLoad({ source, file, name }, progress) {
      const t0 = performance.now();
      const data = source === 'trained' ? new Uint8Array(await defaultModel()) : file;
      const out = await load(data, name, progress);
      return { ...out, ms: performance.now() - t0 };
    },

    modelAnalyze: (request) => analyze(request, true),
    /** Some heads' attention weights on a text: { tokens, attention [heads.length, T, T] } (section 4's example). */
    modelHeadsOn({ text, heads }) {
      const tokens = tokenize(text).slice(0, model.config.context);
      return { tokens, attention: model.forward(tokens.map((t) => t.id), { logits: 'none', heads }).attention };
    },
    /** One head of one layer step by step on the text (the runtime's trace of a full pass), for the step view. */
    modelTrace({ text, ablate = [], head }) {
      const c = model?.config, ids = model ? tokenize(text).slice(0, c.context).map((t) => t.id) : [];
      if (!ids.length || (!c.restrictedVocab && ids.some((id) => id >= c.vocabSize)) || head[0] >= c.layers || head[1] >= c.heads)
        return { text, headTrace: null };
      return { text, ablate, headTrace: model.forward(ids, { logits: 'none', ablate, traceHead: head }).headTrace };
    },
    /**
     * The logit lens at one position: a causal model's view of position p depends on tokens 0 … p only, so the
     * lens of the prefix's last token is the lens at p.
     */
    modelLens({ text, position, ablate = [] }) {
      const c = model.config, ids = tokenize(text).slice(0, c.context).map((t) => t.id).slice(0, position + 1);
      if (!c.restrictedVocab && ids.some((id) => id >= c.vocabSize)) return { lens: [] };
      const r = model.forward(ids, { logits: 'none', ablate, logitLens: true });
      const lens = [];
      for (let d = 0; d <= c.layers; d++) lens.push(top(probabilities(r.logitLens, d * c.vocabSize, c.vocabSize), LENS_TOP));
      return { lens, position };
    },
    /** The loss on the text with every head on, to compare an ablation with (a name of its own: see rpc.js). */
    modelAnalyzeBase({ text }) {
      const { loss } = analyze({ text, attention: false });
      return { loss };
    },

    /** Generates after the text, posting each token as it comes; the same seed gives the same tokens. */
    async modelGenerate({ text, temperature, topK, topP, seed, maxTokens }, progress) {
      if (!model) throw pageError('noModel');
      const ids = tokenize(text).slice(-(model.config.context - 1)).map((t) => t.id);
      if (ids.length === 0) ids.push(50256);  // an empty prompt starts from GPT-2's <|endoftext|>
      const room = Math.max(0, model.config.context - ids.length);
      const { dModel, heads, headDim, layers, context } = model.config;
      // The cache the generator keeps grows by this per token (keys and values of every layer, float32).
      const { kvCacheBytesPerToken } = attn.cost({ dModel, heads, kvHeads: heads, headDim, layers, context, bytesPerElement: 4 });
      const out = [];
      // Each token's piece of the text: bytes of a character split over tokens come out with the token that ends it.
      const pieces = new TextDecoder('utf-8', { ignoreBOM: true });
      const t0 = performance.now();
      for await (const step of model.generate(ids, { temperature, topK, topP, seed, maxTokens: Math.min(maxTokens, room) })) {
        const token = { id: step.id, text: pieces.decode(tok.tokenBytes(step.id), { stream: true }), probability: step.probability, position: step.position,
          cacheBytes: step.position * kvCacheBytesPerToken };
        out.push(token);
        progress(token);
      }
      const ms = performance.now() - t0;
      // A character left unfinished when generation stopped shows as �, as decode() shows it.
      return { tokens: out, ms, promptTokens: ids.length, kvCacheBytesPerToken, tail: pieces.decode() };
    },
  };
}
