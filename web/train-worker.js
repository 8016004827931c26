// Live training's worker: one attention-wasm trainer (one thread, so the page needs no cross-origin isolation) that
// runs steps in small chunks while the page watches, and every few steps measures the heads and their attention on a
// fixed probe. Not the drawing (sections/train.js) and not the math (attn.createTrainer: src/attn/train).

const CHUNK = 5;           // steps between progress messages (≈ 0.1 s): pause answers within one chunk
const REPORT_EVERY = 50;   // steps between head measurements and probe maps
const REPORT = { documents: 10, sequences: 3 };  // a small, cheap measurement (the full one averages hundreds)
const END_OF_TEXT = 50256;

/** The model every task trains (2 layers × 4 heads, d_model 64, batches of 16); `steps` is a run's length. */
const MODEL = { layers: 2, heads: 4, dModel: 64, seq: 32, batch: 16, warmup: 50, steps: 3000 };
const TASKS = {
  // Random spans of 8–15 tokens from a 64-token pool written twice back to back, and 30 % of documents alternating two
  // tokens (a b a b …: a previous-token head predicts them by itself, so one forms within a few hundred steps).
  // Attention only (the MLPs stay 0), weights drawn 4× wider than GPT-2's, a constant rate after the warm-up.
  // MEASURED natively (tools/train/live_sweep, tools/train/live-sweep-results.jsonl): the page's copying mark came at
  // steps 2,050 / 4,350 / 3,750 / 2,650 / 2,500 for seeds 1–5 (median 2,650; seeds 6–15: 2,550–5,200 and one at
  // 8,550), through layer-1 heads that find the
  // earlier copy by content (they move with the probe's period) and attend one token past the textbook induction
  // position: they match the token before the current one (a two-token prefix) and read the token that followed,
  // so the induction score (attention on the token right after the earlier copy) stays low. 10,000 steps leave room.
  induction: { repeatShare: 1, alternationShare: 0.3, spanMin: 8, spanMax: 15, spanGapMin: 0, spanGapMax: 0, spanPool: 64,
    initScale: 4, minLrRatio: 1, attentionOnly: true, steps: 10000 },
  // Half toy stories (adjectives before nouns, pronouns after names), half repeated spans, in a context of 32;
  // GPT-2's init and a cosine schedule over the run (a noun → adjective head forms in a few hundred steps).
  stories: { repeatShare: 0.5 },
};

let TUTORIAL_TEXT, attn, tok, trainer = null, probe = null, running = false, task = 'induction';
let headOn = [];  // [L·H] booleans: heads switched off while training are false ([] = every head on)
let seconds = 0, stepNow = 0;  // time spent training (pauses excluded) and steps taken
let runSteps = MODEL.steps;  // the current task's run length
let looping = false;  // a loop runs (a pause ends it at its next chunk; start while it still runs keeps it)

const ready = (async () => {
  ({ TUTORIAL_TEXT } = await import('./examples.js'));
  const lib = await import('/dist/index.js');
  attn = await lib.init({ threads: false });
  tok = await attn.tokenizer('gpt2');
})();

const post = (message, transfer = []) => self.postMessage(message, transfer);

/**
 * The probe the maps show: for the induction task a random span of the task's tokens written twice ([BOS, x, x], the
 * sequence induction scores are measured on), for the stories the tutorial's sentence twice, as two documents.
 */
function makeProbe(seed) {
  let copy;
  if (task === 'induction') {
    const pool = trainer.config.spanPool;
    let s = (seed * 2654435761 + 12345) >>> 0;  // a small LCG: the same probe for the same seed
    const next = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % pool.length;
    // [BOS, x, x] fills the context less one, as the induction score's own sequences (train/head_report.hpp)
    copy = Array.from({ length: Math.floor((trainer.config.seq - 1) / 2) }, () => pool[next()]);
  } else {
    copy = [...Array.from(tok.encode(TUTORIAL_TEXT)).slice(0, trainer.config.seq / 2 - 2), END_OF_TEXT];  // a document
  }
  const ids = [END_OF_TEXT, ...copy, ...copy];
  // From the second copy on, a head that copies can predict the next token: the positions the probe's loss reads.
  return { ids, texts: ids.map((id) => tok.tokenText(id)), repeatFrom: 1 + copy.length };
}

async function create({ seed, lr, task: chosen, on }) {
  trainer?.dispose();
  task = Object.hasOwn(TASKS, chosen) ? chosen : 'induction';
  const options = { ...MODEL, ...TASKS[task], seed, lr, threads: 1 };
  runSteps = options.steps;
  trainer = await attn.createTrainer(options);
  setMask(on);
  probe = makeProbe(seed);
  seconds = 0, stepNow = 0;
  post({ type: 'created', config: trainer.config, options, report: REPORT, chunk: CHUNK, task, probe, steps: runSteps,
    reportEvery: REPORT_EVERY });
  await report();
}

/** Switches heads off (or on again) for the steps to come; a mask of another model's size switches none off. */
function setMask(on) {
  const { layers, heads } = trainer.config;
  headOn = Array.isArray(on) && on.length === layers * heads ? on.map(Boolean) : [];
  trainer.setHeadMask(headOn);
}

/**
 * The heads now: their scores (previous-token, induction, noun → adjective), their maps on the probe, and what each
 * is worth: the loss on the probe's second copy with every head on, and with each head switched off in turn.
 */
async function report() {
  const t0 = performance.now();
  const s = trainer.headScores(REPORT);
  const { attention } = trainer.attention(probe.ids);
  const ablation = await probeLosses();
  const ms = performance.now() - t0;
  post({ type: 'report', step: stepNow, seconds, ms, attention, ablation,
    scores: { previous_token: s.previous_token, induction: s.induction, induction_loss: s.induction_loss,
      noun_adjective: s.noun_adjective_en.lift } }, [attention.buffer]);
}

/**
 * { all, off: [L·H] }: the mean −log p(next token) over the probe's second copy, as the model trains (the heads
 * switched off while training stay off) and with each head switched off in addition (the runtime's
 * forward({ ablate }) on the model saved at this step; training is untouched).
 */
async function probeLosses() {
  const model = await attn.loadModel(trainer.save({ dtype: 'F32' }));
  try {
    const { layers: L, heads: H, vocabSize: V, gpt2Ids } = model.config, rowOf = new Map();
    gpt2Ids.forEach((id, row) => rowOf.set(id, row));
    const loss = (ablate) => {
      const logits = model.forward(probe.ids, { logits: 'all', ablate }).logits;
      let sum = 0, n = 0;
      for (let t = probe.repeatFrom; t + 1 < probe.ids.length; t++, n++) {
        let max = -Infinity, z = 0;
        for (let r = 0; r < V; r++) max = Math.max(max, logits[t * V + r]);
        for (let r = 0; r < V; r++) z += Math.exp(logits[t * V + r] - max);
        sum -= logits[t * V + rowOf.get(probe.ids[t + 1])] - max - Math.log(z);
      }
      return sum / n;
    };
    const silenced = [];
    for (let k = 0; k < headOn.length; k++) if (!headOn[k]) silenced.push([Math.floor(k / H), k % H]);
    const off = [];
    for (let l = 0; l < L; l++) for (let h = 0; h < H; h++) off.push(loss([...silenced, [l, h]]));
    return { all: loss(silenced), off };
  } finally {
    model.dispose();
  }
}

const yieldToMessages = () => new Promise((resolve) => {
  const channel = new MessageChannel();
  channel.port1.onmessage = resolve;
  channel.port2.postMessage(0);
});

async function run() {
  looping = true;
  while (running && trainer && stepNow < runSteps) {
    const t0 = performance.now();
    const r = trainer.step(Math.min(CHUNK, runSteps - stepNow));
    seconds += (performance.now() - t0) / 1000;
    stepNow = r.step;
    post({ type: 'progress', step: r.step, loss: r.loss, lr: r.lr, seconds });
    if (r.step % REPORT_EVERY === 0 || r.step === runSteps) {
      const t1 = performance.now();
      await report();
      seconds += (performance.now() - t1) / 1000;  // watching costs time too: the learner waits for it
    }
    await yieldToMessages();
  }
  looping = false;
  if (running) {
    running = false;
    post({ type: 'state', running, finished: stepNow >= runSteps });
  }
}

const handlers = {
  async start(options) {
    if (!trainer) await create(options);
    if (running) return;
    running = true;
    post({ type: 'state', running });
    if (!looping) run().catch(failed);
  },
  pause() {
    running = false;
    post({ type: 'state', running });
  },
  async reset(options) {
    running = false;
    while (looping) await yieldToMessages();  // the loop sees the pause at its next chunk
    await create(options);
    post({ type: 'state', running });
  },
  mask({ on }) {
    if (trainer) setMask(on);  // between two chunks of steps: the worker handles one message at a time
  },
  save() {
    const bytes = trainer.save();
    post({ type: 'saved', bytes, step: stepNow, task }, [bytes.buffer]);
  },
};

function failed(error) {
  running = false;
  post({ type: 'error', code: error.code, message: error.message });
}

self.onmessage = async ({ data }) => {
  try {
    await ready;
    await handlers[data.type](data.options ?? {});
  } catch (error) {
    failed(error);
  }
};
