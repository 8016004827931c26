// Every user-facing sentence of the model sections (picker, prediction, generation, layers × heads, ablation,
// logit lens, training film), in one place so the page can be translated. Not logic: values are strings or small
// functions that put numbers into sentences; formatting of numbers stays with the caller.

export const S = {
  pickerNames: {
    trained: 'our trained model (tiny-tutor)',
    teaching: 'constructed teaching block (hand-set heads)',
    seeded: 'seeded untrained block',
    file: 'a GPT-2 file from your disk…',
  },
  loading: (what) => `loading ${what}…`,
  readingFile: (name, done, total) => `reading ${name} into WebAssembly: ${(done / 2 ** 20).toFixed(1)} of ${(total / 2 ** 20).toFixed(1)} MiB of weights`,
  fileLocal: 'The file is read by this page on your machine and never uploaded: no request leaves this page.',
  dropHere: 'or drop a .safetensors file here',
  badFile: (name, why) => `${name} is not a GPT-2 checkpoint this page can run: ${why}`,
  loadedIn: (ms) => `loaded in ${ms.toFixed(0)} ms`,
  configLine: (c, dtype, mib) => `${c.layers} layers × ${c.heads} heads · d_model ${c.dModel} · vocabulary ${c.vocabSize.toLocaleString('en')}` +
    `${c.restrictedVocab ? ' (a restricted set of GPT-2 tokens)' : ''} · context ${c.context} · ${dtype} · ${mib.toFixed(1)} MiB`,
  blockOnly: 'This is a single attention block with no language-model head of its own: sections 3–9 dissect it. ' +
    'Prediction, generation, every layer, ablation, the logit lens and the training film need a whole model: pick ' +
    'the trained model or open a GPT-2 file.',
  trainedAbout: (m) => `Trained by this project on English and Chinese toy stories (${Number(m.train_steps || 0).toLocaleString('en')} steps). ` +
    'Its heads were measured after training; the labels below are those measurements.',
  fileAbout: 'A GPT-2 checkpoint you opened: no head measurements come with it, so its heads are not labelled.',
  sectionsNote: 'Sections 3–9 below dissect one attention block (the teaching or seeded block of section 2).',

  // Prediction and generation.
  predictionTitle: (text) => `After “${text}”, the model predicts:`,
  unknownToken: 'unknown to this model',
  truncated: (n) => `(the model reads the first ${n} tokens of your text: its context)`,
  outOfVocab: (V) => `This model's vocabulary has only the first ${V.toLocaleString('en')} GPT-2 tokens, and your text uses others: type text made of those tokens.`,
  unknownNote: (n) => `${n} token${n === 1 ? '' : 's'} greyed: unknown to this model (its vocabulary is a small set of GPT-2 tokens); it read them as UNK.`,
  lossLine: (loss, n) => `loss on your text: ${loss.toFixed(3)} nats per token (the mean of −log p(next token) over ${n} predictions)`,
  lossAblated: (loss, base) => `with the switched-off heads: ${loss.toFixed(3)} nats (${loss >= base ? '+' : ''}${(loss - base).toFixed(3)})`,
  generate: 'generate',
  stop: 'stop',
  generated: (n, ms) => `${n} tokens in ${ms.toFixed(0)} ms (${(n / (ms / 1000)).toFixed(0)} tokens/s), one token per step with a KV cache`,
  cacheLine: (tokens, bytes) => `KV cache: ${tokens} tokens · ${(bytes / 1024).toFixed(1)} KiB (each new token reads it and appends its own keys and values, as in section 5)`,
  temperatureNote: 'temperature 0 = always the likeliest token',
  barTitle: (text, id, p) => `${text} · GPT-2 id ${id} · p = ${p}`,

  // Layers × heads.
  headName: (l, h) => `L${l} H${h}`,
  allHeadsOn: 'switch every head back on',
  off: 'off',
  headSwitchOff: (l, h) => `switch off layer ${l} head ${h}`,
  ablatedNote: (n) => n ? `${n} head${n === 1 ? '' : 's'} switched off: their output is zeroed before the layer's output projection (the library's forward({ ablate })).` : '',
  metricNames: {
    previous_token: 'previous token',
    induction: 'induction',
    noun_adjective_en: 'noun → adjective (en)',
    noun_adjective_zh: 'noun → adjective (zh)',
    pronoun_antecedent_en: 'pronoun → antecedent (en)',
    pronoun_antecedent_zh: 'pronoun → antecedent (zh)',
    noun_quality_en: 'noun → deciding adjective (en)',
    noun_quality_zh: 'noun → deciding adjective (zh)',
  },
  metricSentences: {
    previous_token: (v) => `previous token ${v}: the share of its attention on the token just before — this head reads its left neighbour.`,
    induction: (v) => `induction ${v}: in repeated text, the share of attention on the token after the earlier copy of the current one — this head finds what came next last time.`,
    noun_adjective_en: (v) => `noun → adjective lift ${v}: from a noun, this head looks at the adjectives before it more than its position alone explains.`,
    noun_adjective_zh: (v) => `noun → adjective (Chinese) lift ${v}: from a Chinese noun, this head looks at its adjectives more than its position alone explains.`,
    pronoun_antecedent_en: (v) => `pronoun → antecedent lift ${v}: from “he”/“she”, this head looks at the name it stands for more than its position alone explains.`,
    pronoun_antecedent_zh: (v) => `pronoun → antecedent (Chinese) lift ${v}: from 他/她, this head looks at the name it stands for more than its position alone explains.`,
    noun_quality_en: (v) => `noun → deciding adjective lift ${v}: from a noun, this head looks at the one adjective that decides what the noun does next (not the colours) more than its position alone explains.`,
    noun_quality_zh: (v) => `noun → deciding adjective (Chinese) lift ${v}: from a Chinese noun, this head looks at the one adjective that decides what comes next more than its position alone explains.`,
  },
  otherScores: (list) => `its other measured scores (no pattern it stands out for): ${list}`,
  weightTip: (query, key, w) => `${query} → ${key}: ${w === null ? 'masked (a token never sees the ones after it)' : `weight ${w}`}`,
  selectedHead: (l, h) => `layer ${l}, head ${h}: its attention weights on your text (row = query token, column = key token)`,
  tutorialExample: 'the tutorial’s example',
  tutorialNote: (l, h, lift, fluffy, blue) => `The noun → adjective head of this model is layer ${l}, head ${h} (lift ${lift}). In its map on this sentence, the row of “creature” puts ${fluffy} of its weight on “fluffy” and ${blue} on “blue”.`,
  gridNote: 'Every layer (rows) × every head (columns), each a map of its attention weights: row = query token, column = key token, darker = more weight. Click a map to enlarge it; tick “off” to switch a head off.',

  // Logit lens.
  lensDepth: (d, L) => (d === 0 ? 'embeddings only' : d === L ? `after layer ${d - 1} (the output)` : `after layer ${d - 1}`),
  lensNote: 'What the model would predict for the next token if it stopped after each layer: the residual stream at the chosen position through the final LayerNorm and the unembedding. The last row is the model’s prediction.',
  lensPosition: 'after token',

  // Training film.
  filmStep: (step, loss) => `training step ${step.toLocaleString('en')}${loss === undefined ? '' : ` · training loss ${loss.toFixed(3)}`}`,
  filmNote: 'Recorded while the model trained: every head’s attention on a fixed probe sentence at each checkpoint. Drag the slider to watch the heads form; the red line on the loss curve is the checkpoint shown.',
  filmNone: 'This file has no training film (only our trained model records one).',
  probe: 'probe sentence',
  lossCurveLabel: 'training loss (blue) and held-out loss (orange) against training step (log scale)',
};
