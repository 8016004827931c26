// Every sentence, label and tooltip the page shows, in English; web/strings/zh.js has the same keys in Chinese.
// Not logic: values are strings (HTML only under keys named in data-s-html) or small functions that put already
// formatted numbers into sentences. tests/node/strings.test.mjs keeps the two files' keys equal.

const plural = (n, one, many) => (n === 1 ? one : many);

export default {
  languageName: 'English',

  page: {
    title: 'attention-wasm — see attention work on your own text',
    language: 'Language',
    intro: 'Type anything. It is split into GPT-2 tokens and read by a small GPT-2 trained for this page — C++ compiled ' +
      'to WebAssembly SIMD, running in a Web Worker on your machine — which predicts the next token; every layer and ' +
      'head below is what it really computes. Further down, one attention block is taken apart step by step. ' +
      'The § buttons open the tutorial this page illustrates at the section each part shows.',
  },

  status: {
    loading: 'loading…',
    typeSomething: 'Type some text.',
    line: (n, truncated, heads, dModel, backend, threads, ms, version) => `${n} ${plural(n, 'token', 'tokens')}` +
      `${truncated ? ' (the first 256 shown)' : ''} · the block of sections 3–9: ${heads} heads, d_model ${dModel} · ${backend} × ${threads} ` +
      `${plural(threads, 'thread', 'threads')} · trace in ${ms} ms · attention-wasm ${version}`,
    threadsOn: 'threads on: the page is cross-origin isolated',
  },

  errors: {
    startFailed: (why) => `Could not start attention-wasm: ${why}`,
    workerFailed: (why) => `The compute worker failed: ${why}`,
    workerNoStart: 'it could not start (see the browser console)',
    noModel: 'no model is loaded',
    modelHttp: (file, status) => `${file} answered HTTP ${status}`,
    library: (message) => `${message}`,
  },

  tutorial: {
    open: 'the tutorial',
    openAt: (section) => `open the tutorial at §${section}`,
    title: 'The tutorial this page illustrates',
    languageNote: 'Translated from the Chinese original (switch the page to 中文 to read it).',
    close: 'close',
    loadFailed: (why) => `The tutorial could not be read: ${why}`,
  },

  pick: {
    heading: 'The model',
    model: 'Model',
    openFile: 'open a GPT-2 <code>.safetensors</code> file',
    names: {
      trained: 'our trained model (tiny-tutor)',
      teaching: 'constructed teaching block (hand-set heads)',
      seeded: 'seeded untrained block',
      file: 'a GPT-2 file from your disk…',
    },
    loading: (what) => `loading ${what}…`,
    readingFile: (name, done, total) => `reading ${name} into WebAssembly: ${done} of ${total} MiB of weights`,
    fileLocal: 'The file is read by this page on your machine and never uploaded: no request leaves this page.',
    dropHere: 'or drop a .safetensors file here',
    badFile: (name, why) => `${name} is not a GPT-2 checkpoint this page can run: ${why}`,
    loaded: (name, ms) => `${name} · loaded in ${ms} ms`,
    configLine: (layers, heads, dModel, vocab, restricted, context, dtype, mib) => `${layers} layers × ${heads} heads · ` +
      `d_model ${dModel} · vocabulary ${vocab}${restricted ? ' (a restricted set of GPT-2 tokens)' : ''} · context ` +
      `${context} · ${dtype} · ${mib} MiB`,
    trainedAbout: (steps) => `Trained by this project on English and Chinese toy stories (${steps} steps). ` +
      'Its heads were measured after training; the labels below are those measurements.',
    fileAbout: 'A GPT-2 checkpoint you opened: no head measurements come with it, so its heads are not labelled.',
  },

  text: {
    heading: '1 · Text → tokens',
    label: 'Your text',
    examples: 'Examples:',
    exampleCat: 'The cat sat…',
    exampleCode: 'code + emoji',
    note: 'GPT-2\'s byte-level BPE (50,257 tokens). A chip is one token: its text and its id. Hover or focus a chip ' +
      'to see its span in your text. A character outside ASCII can take several tokens (a Chinese character often ' +
      'two or three): the pieces before the last show their bytes in hex, <code>⟨e4 bb⟩</code>, the last piece ' +
      'carries the character, and a bracket under the pieces shows the character they make up. The model reads a ' +
      'Chinese word on its last piece. Note that GPT-2 really splits "unhappiness" as <code>un|h|appiness</code>, ' +
      'not the textbook <code>un|happiness</code>.',
    viewLabel: 'your text with the focused token highlighted',
    tokensLabel: 'tokens',
    chipTitle: (i, id, start, end) => `token ${i}: id ${id}, UTF-16 [${start}, ${end})`,
    pieceTitle: (i, id, k, n, char) => `token ${i}: id ${id}, byte piece ${k} of ${n} of “${char}”`,
    charTitle: (char, n) => `“${char}” is ${n} tokens: GPT-2 reads its UTF-8 bytes in ${n} pieces`,
  },

  blockOnly: {
    layers: 'Nothing to draw here for a single attention block: it is one layer, and its heads are dissected in sections ' +
      '3 and 4. Every layer × head of a whole model, with head labels and switching heads off, needs the trained model ' +
      'or a GPT-2 file (pick one above).',
    lens: 'Nothing to draw here for a single attention block: the logit lens reads a whole model’s residual stream ' +
      'after each layer through its output head, and a block has neither. Pick the trained model or open a GPT-2 file.',
    film: 'Nothing to draw here for a single attention block: its weights were built by hand (teaching) or drawn at ' +
      'random (seeded), never trained, so there are no heads forming to watch. Only our trained model records a film.',
  },
  predict: {
    heading: 'The next token, and generation',
    blockOnly: 'This is a single attention block with no language-model head of its own: sections 3–9 dissect it. ' +
      'Prediction, generation, every layer, ablation, the logit lens and the training film need a whole model: pick ' +
      'the trained model or open a GPT-2 file.',
    barsLabel: 'next-token probabilities',
    title: (text) => `After “${text}”, the model predicts:`,
    unknownToken: 'unknown to this model',
    truncated: (n) => `(the model reads the first ${n} tokens of your text: its context)`,
    outOfVocab: (V) => `This model's vocabulary has only the first ${V} GPT-2 tokens, and your text uses others: type text made of those tokens.`,
    unknownNote: (n) => `${n} ${plural(n, 'token', 'tokens')} greyed: unknown to this model (its vocabulary is a small set of GPT-2 tokens); it read them as UNK.`,
    lossLine: (loss, n) => `loss on your text: ${loss} nats per token (the mean of −log p(next token) over ${n} predictions)`,
    lossAblated: (loss, delta) => `with the switched-off heads: ${loss} nats (${delta})`,
    temperature: 'temperature',
    temperatureNote: 'temperature 0 = always the likeliest token',
    seed: 'seed',
    tokens: 'tokens',
    generate: 'generate',
    generated: (n, ms, rate) => `${n} tokens in ${ms} ms (${rate} tokens/s), one token per step with a KV cache`,
    cacheLine: (tokens, kib) => `KV cache: ${tokens} tokens · ${kib} KiB (each new token reads it and appends its own keys and values, as in section 5)`,
    barTitle: (text, id, p) => `${text} · GPT-2 id ${id} · p = ${p}`,
  },

  layers: {
    heading: 'Every layer and head, and switching heads off',
    gridNote: 'Every layer (rows) × every head (columns), each a map of its attention weights: row = query token, ' +
      'column = key token, darker = more weight. Click a map to enlarge it; tick “off” to switch a head off.',
    headName: (l, h) => `L${l} H${h}`,
    allHeadsOn: 'switch every head back on',
    off: 'off',
    headSwitchOff: (l, h) => `switch off layer ${l} head ${h}`,
    ablatedNote: (n) => (n ? `${n} ${plural(n, 'head', 'heads')} switched off: their output is zeroed before the layer's output projection (the library's forward({ ablate })).` : ''),
    detailLabel: 'the selected head\'s attention weights',
    selectedHead: (l, h) => `layer ${l}, head ${h}: its attention weights on your text (row = query token, column = key token)`,
    weightTip: (query, key, w) => `${query} → ${key}: weight ${w}`,
    maskedTip: (query, key) => `${query} → ${key}: masked (a token never sees the ones after it)`,
    tutorialExample: (text) => `the tutorial’s example: ${text}`,
    tutorialExampleZh: (text) => `the same in Chinese: ${text}`,
    tutorialNote: (l, h, lift, noun, adjectives) => `The noun → adjective head of this model is layer ${l}, head ${h} ` +
      `(lift ${lift}). In its map on this sentence, the row of “${noun}” puts ${adjectives}.`,
    tutorialNoteZh: (l, h, lift, noun, last, adjectives) => `The Chinese noun → adjective head of this model is layer ` +
      `${l}, head ${h} (lift ${lift}). A Chinese word is read on its last piece, as the head was measured: in its map ` +
      `on this sentence, the row of “${noun}” (its last piece, ${last}) puts ${adjectives}.`,
    share: (w, word, pieces) => `${w} of its weight on “${word}”${pieces > 1 ? ` (its ${pieces} pieces)` : ''}`,
    and: ' and ',
    metricNames: {
      previous_token: 'previous token',
      induction: 'induction',
      noun_adjective_en: 'noun → adjective (en)',
      noun_adjective_zh: 'noun → adjective (zh)',
      pronoun_antecedent_en: 'pronoun → antecedent (en)',
      pronoun_antecedent_zh: 'pronoun → antecedent (zh)',
      noun_quality_en: 'noun → quality adjective (en)',
      noun_quality_zh: 'noun → quality adjective (zh)',
    },
    metricSentences: {
      previous_token: (v) => `previous token ${v}: the share of its attention on the token just before — this head reads its left neighbour.`,
      induction: (v) => `induction ${v}: in repeated text, the share of attention on the token after the earlier copy of the current one — this head finds what came next last time.`,
      noun_adjective_en: (v) => `noun → adjective lift ${v}: from a noun, this head looks at the adjectives that tell what it does next (quality and colour, not size) more than its position alone explains.`,
      noun_adjective_zh: (v) => `noun → adjective (Chinese) lift ${v}: from a Chinese noun (its last piece), this head looks at its adjectives more than its position alone explains.`,
      pronoun_antecedent_en: (v) => `pronoun → antecedent lift ${v}: from “he”/“she”, this head looks at the name it stands for more than its position alone explains.`,
      pronoun_antecedent_zh: (v) => `pronoun → antecedent (Chinese) lift ${v}: from 他/她 (the last piece), this head looks at the name it stands for more than its position alone explains.`,
      noun_quality_en: (v) => `noun → quality adjective lift ${v}: from a noun, this head looks at its quality adjective (fluffy, spiky …), one of the words that tell what it does next, more than its position alone explains.`,
      noun_quality_zh: (v) => `noun → quality adjective (Chinese) lift ${v}: from a Chinese noun (its last piece), this head looks at its quality adjective (毛茸茸 …) more than its position alone explains.`,
    },
    otherScores: (list) => `its other measured scores (no pattern it stands out for): ${list}`,
  },

  multiHead: {
    heading: 'Several heads at once, in the trained model',
    note: (text) => `The trained model on “${text}”: its two strongest noun → adjective heads by their measured ` +
      'scores, side by side, and under each what its row for the noun holds. One head may gather both adjectives, ' +
      'another read one of them; the block adds up what every head gathers — the reason for several heads.',
    // words: the adjectives the head reads, each in quotes, joined by multiHead.and; '' when it reads none.
    reads: (noun, shares, words) => `The row of “${noun}” puts ${shares}: ` +
      (words ? `this head reads ${words} (a quarter of its weight or more).` : 'this head reads neither adjective.'),
    and: ' and ',
    none: 'The loaded model has no two noun → adjective heads to compare (only our trained model is measured for them).',
  },
  modelSteps: {
    heading: (l, h) => `Layer ${l}, head ${h}, step by step on your text`,
    note: 'The selected head of the whole model, as section 3 shows the single block: the numbers of this forward ' +
      'pass (the runtime’s trace of that one head). Click another map in the grid to bring its head here.',
    input: (l) => `X: the residual stream entering layer ${l}, after its LayerNorm`,
    inputFormula: 'X = ln_1(residual)',
    scaledFormula: (d, scale) => `S ÷ √d_k  (d_k = ${d}: × ${scale})`,
  },
  lens: {
    heading: 'The logit lens: the prediction forming through depth',
    note: 'What the model would predict for the next token if it stopped after each layer: the residual stream at the ' +
      'chosen position through the final LayerNorm and the unembedding. The last row is the model’s prediction.',
    position: 'after token',
    depth: (d, L) => (d === 0 ? 'embeddings only' : d === L ? `after layer ${d - 1} (the output)` : `after layer ${d - 1}`),
  },

  film: {
    heading: 'Heads forming during training',
    note: 'Recorded while the model trained: every head’s attention on a fixed probe sentence at each checkpoint. ' +
      'Drag the slider to watch the heads form; the red line on the loss curve is the checkpoint shown.',
    none: 'This file has no training film (only our trained model records one).',
    probe: 'probe sentence',
    sliderLabel: 'training checkpoint',
    step: (step, loss) => `training step ${step}${loss === null ? '' : ` · training loss ${loss}`}`,
    lossCurveLabel: 'training loss (blue) and held-out loss (orange) against training step (log scale)',
    induction: (step, head, value, level) => `Induction appears at step ${step}: ${head}, the model's induction head ` +
      `by its measured scores, scores ${value} there on the repeated probe and stays above ${level} (the level at ` +
      'which a head is named induction) from then on. The tick on the slider and the green line mark it.',
    showInduction: 'show that checkpoint',
    inductionMark: 'induction appears',
    noInduction: 'No induction head formed in this run (none scores high enough to be named), so there is no moment to mark.',
  },

  train: {
    heading: 'Train a model live and watch its heads form',
    note: 'A GPT-2 of 2 layers × 4 heads (d_model 64) trains here, in WebAssembly in a worker on your machine, on ' +
      'real GPT-2 tokens. The induction task: random spans of 8–15 tokens written twice, and documents that ' +
      'alternate two tokens (a b a b …), which a previous-token head predicts by itself. The blocks are attention ' +
      'only. First a sharp previous-token head forms in layer 0 (a few hundred steps); then, after a plateau, layer-1 ' +
      'heads learn to find the earlier copy of what they read and copy what came next, and the loss on the probe’s ' +
      'second copy falls: the phase change. Measured natively (tools/train/live_sweep, seeds 1–5) it came at steps ' +
      '2,050–4,350 (median 2,650); on this page in Chromium on a 2-core machine, seeds 1–10 got there after a ' +
      'median of 30 s of training (9 of 10 within a minute). These heads match two tokens, the current one’s predecessor too, so their stripe ' +
      'on the map lies one token right of the textbook induction head’s and the induction score (attention on the ' +
      'token right after the earlier copy) stays low: the heads’ worth under the maps shows which ones copy. The toy ' +
      'stories (a context of 32) mix in the tutorial’s grammar (adjectives before a noun), where a noun → adjective ' +
      'head forms in a few hundred steps.',
    task: 'task',
    tasks: {
      induction: 'induction: repeated random spans',
      stories: 'toy stories and repeated spans',
    },
    seed: 'seed',
    lr: 'learning rate',
    start: 'start',
    resume: 'resume',
    pause: 'pause',
    reset: 'reset',
    save: 'save as .safetensors',
    use: 'use this model on the page',
    idle: 'Press start: a fresh model is made from the seed and trains until you pause it or its run ends (10,000 steps for the induction task, 3,000 for the stories).',
    starting: 'starting the trainer…',
    failed: (why) => `Training stopped: ${why}`,
    status: (step, steps, loss, seconds, ms) => `step ${step} of ${steps} · loss ${loss} · ${seconds} s of training (${ms} ms a step, measuring included)`,
    notYet: {
      previous_token: 'No previous-token head yet.',
      induction: 'No layer-1 head scores on the textbook induction pattern yet (the copying heads of this task look one token further; a layer-0 curve that rises is a head looking a fixed distance back).',
      noun_adjective_en: 'No noun → adjective head yet.',
      copying: 'Not copying yet: the probe’s second copy still costs more than 2 nats a token (about 4.2 before).',
    },
    formed: {
      previous_token: (step, seconds, head, value, before, now) => `Previous-token head formed at step ${step} (${seconds} s): ${head}, score ${value}.`,
      induction: (step, seconds, head, value, before, now) => `Induction head formed at step ${step} (${seconds} s): ` +
        `${head}, induction score ${value}; loss ${before} just before, ${now} now.`,
      noun_adjective_en: (step, seconds, head, value, before, now) => `Noun → adjective head formed at step ${step} ` +
        `(${seconds} s): ${head}, lift ${value}; loss ${before} just before, ${now} now.`,
      copying: (step, seconds, head, value, before, now) => `The model copies from step ${step} (${seconds} s): the ` +
        `probe’s second copy costs ${value} nats a token (the phase change); training loss ${before} just before, ${now} now.`,
    },
    lossLabel: 'training loss against step (the red line: the step the head formed)',
    prevLabel: 'previous-token score of each head against step',
    inductionLabel: 'induction score of each head against step',
    nounLabel: 'noun → adjective lift of each head against step',
    probe: (text, step) => `Every head’s attention on the probe at step ${step} (click a map to enlarge it): ${text}`,
    mapLabel: (l, h) => `layer ${l} head ${h}: its attention on the probe`,
    detailTitle: (l, h, step) => `layer ${l}, head ${h} at step ${step} (row = query token, column = key token)`,
    detailLabel: 'the selected head’s attention on the probe',
    ablationNote: (loss) => `Loss on the probe’s second copy as the model trains: ${loss}. Under each map, how much ` +
      'it rises when that head is switched off too (the library’s forward({ ablate }) on a copy of the model at this ' +
      'step; training is untouched): the head the copying depends on stands out once it has formed. Untick a head ' +
      'to switch it off during training itself: it outputs zero and gets no gradient, and the others must do without it.',
    offLoss: (rise) => `switched off: loss ${rise}`,
    headTrains: 'on while training (untick: ablate it during training)',
    offWhileTraining: 'switched off while training: it outputs zero and learns nothing',
    saved: (name, kib) => `${name} saved (${kib} KiB): the model picker opens it like any GPT-2 file.`,
  },

  block: {
    heading: '2 · Model and masks',
    sectionsNote: 'Sections 3–9 below dissect one attention block (the teaching or seeded block of section 2).',
    model: 'Model',
    teaching: 'teaching (constructed heads)',
    seeded: 'seeded random (untrained)',
    heads: 'heads',
    kvHeads: 'kv heads',
    positions: 'positions',
    sinusoidal: 'sinusoidal',
    learned: 'learned',
    none: 'none',
    seed: 'seed',
    causal: 'causal mask',
    alignment: 'alignment',
    topLeft: 'top-left',
    bottomRight: 'bottom-right',
    alignNote: '(the same when queries and keys are one sequence; bottom-right puts the last query on the last key, as when decoding with a cache)',
    window: 'sliding window',
    windowNote: '(0 = off; w = each token sees itself and w−1 before it)',
    scale: 'scale',
    scaleNote: '(empty = the library\'s default, 1/√d_k)',
    padding: 'padding mask: batch a second, shorter sequence, padded',
    padTextLabel: 'the shorter second sequence',
    teachingNote: 'Teaching model: d_model 48, 4 heads of 16, weights constructed by hand (src/attn/model/demo_model.hpp): ' +
      'head 0 lets nouns look at adjectives, head 1 looks at the previous token, head 2 at copies of the same token, ' +
      'head 3 spreads evenly. Embeddings: a ±¼ signature per token id, a one-hot word class from a small lexicon ' +
      '(a Chinese character\'s class is read on its last piece), and a sinusoidal position table.',
    seededNote: 'Seeded model: weights drawn from a fixed-seed generator (Xavier uniform) — untrained, so its patterns mean nothing; the arithmetic is exact.',
    teachingHeads: {
      'noun → adjective': 'noun → adjective',
      'previous token': 'previous token',
      'same token': 'same token',
      'bag of words': 'bag of words',
    },
    headN: (h) => `head ${h}`,
  },

  steps: {
    heading: '3 · One head, step by step',
    head: 'head',
    batchRow: 'batch row',
    row0: '0: your text',
    row1: '1: padded sequence',
    explainHint: 'Click a score cell to see its dot product term by term; click a row of the output to see which ' +
      'value rows it mixed. With the keyboard: Tab to a matrix, arrow keys to move, Enter to explain.',
    batchRow0: (L) => `Batch row 0 of 2: your text (${L} tokens).`,
    batchRow1: (tokens, pads) => `Batch row 1 of 2: ${tokens} then ${pads} × [pad]; the [pad] keys are masked for every query.`,
    embeddings: 'Embeddings §1.2',
    positions: '+ positions §1.2',
    positionsFormula: (kind) => `P[pos] (${kind})`,
    x: 'X',
    q: (h) => `Q, query (head ${h}) §3.1`,
    k: (h) => `K, key (kv head ${h}) §3.1`,
    v: (h) => `V, value (kv head ${h}) §3.1`,
    scores: 'Scores §3.2',
    scaled: 'Scaled §3.2',
    scaledFormula: (scale) => `S · scale  (× ${scale}; 1/√d_k unless set)`,
    masked: 'Masked §3.4',
    maskedFormula: 'S · scale + mask (−∞ where hidden)',
    softmax: 'Softmax: attention weights §3.3',
    rowsSumToOne: 'each row sums to 1',
    output: 'Head output §3.5',
    clickRow: 'click a row',
    rowSums: (sums) => `row sums: ${sums}`,
    cellTip: (token, d, v) => `${token} · dim ${d}: ${v}`,
    scoreTip: (query, key, v) => `${query} → ${key}: ${v}`,
    maskedCell: 'masked',
    scoreTitle: (i, j, query, key, h) => `score[${i}][${j}]: query “${query}” · key “${key}” (head ${h})`,
    scoreMasked: '−∞ (this key is hidden from this query)',
    scoreLines: (terms, raw, scale, scaled, masked, w) => `q·k = ${terms}\n    = ${raw}\n× scale ${scale} = ${scaled}\n` +
      `masked: ${masked}\nsoftmax weight = ${w}`,
    outputTitle: (i, h) => `output[${i}] of head ${h} = Σ_j A[${i}][j] · V[j]`,
    noVisibleKey: '(no visible key: the output is zeros)',
  },

  heads: {
    heading: '4 · All heads, then concat and W<sub>o</sub>',
    note: 'Each head: its weight matrix and a line view (queries left, keys right; darker = more weight; each query\'s ' +
      '4 strongest links above 0.05 — hover a query to see all of its links above 0.01). Hover a row or a token to ' +
      'filter both. Untick a head to hide it, double-click a head to show only it.',
    average: 'show the average of the shown heads',
    showAll: 'show all heads',
    averageOf: (n) => `average of ${n} ${plural(n, 'head', 'heads')}`,
    show: (title) => `show ${title}`,
    weightsLabel: (title) => `${title}: weights`,
    linesLabel: (title) => `${title}: line view`,
    concat: 'Concat §4.1',
    output: 'Output §4.1',
    nextHeading: 'Next token',
    nextNote: 'The last output row, compared with every token\'s embedding (tied unembedding), softmax over all 50,257 ' +
      'tokens. The model is not trained, so this shows the mechanism, not a prediction.',
    nextColumns: ['rank', 'token', 'id', 'logit', 'probability'],
  },

  decode: {
    heading: '5 · One token at a time: the KV cache',
    note: 'Generating text, a model sees one new token per step. Here the same model reads your text that way: at ' +
      'each step the new token\'s keys and values are appended to a cache, and its query attends over everything in ' +
      'the cache. No mask is applied — the cache holds only the past — and every number equals the full causal ' +
      'pass. The map is the chosen head\'s weights, one row per step.',
    mapLabel: 'the weights of each new token over the cache, one row per step',
    verdict: (L, out, weights, bytes) => `${L} steps, one token each: largest difference from the full causal pass — ` +
      `outputs ${out}, weights ${weights} (any difference is float32 rounding: the sums run in another order). The ` +
      `cache grows by ${bytes} B per token.`,
    columns: ['step', 'new token', 'tokens in the cache', 'cache bytes', 'max |Δ| output', 'max |Δ| weights'],
    png: (h) => `kv-cache-head-${h}`,
  },

  variants: {
    heading: '6 · Variants on the same text',
    gqaKv: 'grouped-query kv heads',
    window: 'window w',
    crossText: 'second text (keys and values for cross-attention)',
    note: 'Seeded models with d_model and heads from section 2, sinusoidal positions; each map is the average over ' +
      'heads. Costs are for one layer at this length, float32 cache.',
    names: {
      mha: () => 'Multi-head',
      gqa: (kv) => `Grouped-query (${kv} kv heads)`,
      mqa: () => 'Multi-query (1 kv head)',
      window: (w) => `Sliding window (w = ${w})`,
      cross: () => 'Cross-attention (K, V from the second text)',
    },
    params: 'parameters (W_q, W_k, W_v, W_o)',
    kvPerToken: 'KV cache per token',
    kvKept: 'KV cache kept at this length',
    flops: 'FLOPs for the last token',
  },

  positions: {
    heading: '7 · Why positions matter: 我打他 vs 他打我',
    note: 'Same tokens, different order, no causal mask. Without positional encoding the weights of one sentence are ' +
      'exactly the other\'s with rows and columns permuted — attention alone cannot tell who hit whom.',
    title: (kind) => `positions: ${kind}`,
    permutation: (worst) => `max |A(他打我)[π i][π j] − A(我打他)[i][j]| = ${worst}: a pure permutation — order is invisible.`,
    differ: (worst) => `max difference under the permutation = ${worst}: the weights differ — order is visible.`,
  },

  cost: {
    heading: '8 · Cost: O(n²) in context length',
    measure: 'measure wasm attention, n = 64 … 4096',
    measureNote: 'one head, d = 64, causal, in this browser',
    chartLabel: 'measured time against sequence length',
    axisN: 'sequence length n (tokens)',
    ms: (v) => `${v} ms`,
    calcHeading: 'Parameter calculator',
    presetGqa: 'GQA: 64 query / 8 kv heads (Llama-2-70B)',
    presetLoaded: 'the model picked above (float32 KV cache, as this page runs it)',
    heads: 'heads',
    kvHeads: 'kv heads',
    headDim: 'head dim',
    layers: 'layers',
    context: 'context',
    bytes: 'bytes/value',
    rows: {
      paramsPerQueryHead: 'W_q + W_k + W_v + W_o per query head',
      paramsPerLayer: 'attention parameters per layer',
      paramsTotal: 'attention parameters, all layers',
      kvCacheBytesPerToken: 'KV cache per token (all layers)',
      kvCacheBytes: 'KV cache for the context',
      flopsProjectionsPerToken: 'FLOPs per token: projections',
      flopsAttentionPerToken: 'FLOPs per token: attention over the context',
    },
    gpt3Note: (perHead, perLayer, total) => `The tutorial's "≈630万 per head" (§4.3) is ${perHead}. Its "×96 heads ≈ ` +
      `59.5亿" is off: 96 heads give ${perLayer} per layer, and ${total} over 96 layers — about a third of 175B, as it says.`,
    timesHeader: ['n', 'ms'],
    units: [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'K']],
  },

  export: {
    heading: '9 · Export and share',
    json: 'download the trace (JSON)',
    png: 'download all heads (PNG)',
    link: 'copy a link to this view',
    copied: 'link copied',
    pngButton: 'PNG',
    pngTitle: (name) => `download “${name}” as PNG`,
  },

  view: {
    switchLabel: 'how much of the page to show',
    story: 'Story',
    lab: 'Lab',
    storyNote: 'The story: the sections in the tutorial\'s order, from §1.1 to §6, with the details folded away. ' +
      'Switch to the lab for every section and control.',
    navLabel: 'the story\'s sections',
    more: 'details',
    less: 'fewer details',
  },

  bar: {
    selected: (i, token) => `Token ${i}, “${token}”, is selected in every view. ← → move it; a click or tap on a ` +
      'map\'s row selects that row\'s token.',
    none: 'Click, tap or Tab to a token to follow it through every view (← → move it).',
  },

  legend: {
    weight: 'attention weight, 0 to 1 (the same colours on every map)',
    signed: 'value: negative (blue), 0 (white), positive (red)',
    scale: (name) => `colour scale: ${name}`,
  },
};
