// The model picker: our trained model (default), the teaching and seeded blocks, or a GPT-2 .safetensors file the
// learner opens or drops (read here with a progress bar, handed to the worker, never uploaded). Shows the loaded
// model's config. Not the loading itself (lm-worker.js asks attn.loadModel) and not the views of the model.
import { $, setText } from '../dom.js';
import { isBlock, lm, showModelSections, updateModel } from '../lm.js';
import { errorText, page, showError } from '../page.js';
import { callWithProgress } from '../rpc.js';
import { S } from '../strings.js';
import { renderFilm } from './film.js';
import { renderMultiHead } from './multi-head.js';
import { renderLayers } from './layers.js';

/** Fills the picker's options (before the URL's state is written into the controls), or renames them. */
export function fillPicker() {
  const select = $('model');
  for (const [value, name] of Object.entries(S.pick.names)) {
    const option = [...select.options].find((o) => o.value === value);
    if (option) option.textContent = name;
    else select.add(new Option(name, value));
  }
  describeLoaded();
}

/** Wires the picker, the file input and drag-and-drop; loads the model the controls name. */
export function wirePicker() {
  const select = $('model');
  select.addEventListener('change', () => choose(select.value));
  $('model-file').addEventListener('change', (e) => e.target.files[0] && openFile(e.target.files[0]));
  // Anywhere on the page: dropping a file is the gesture, not aiming at a box.
  document.addEventListener('dragover', (e) => {
    if ([...(e.dataTransfer?.types || [])].includes('Files')) e.preventDefault(), $('s-pick').classList.add('dragging');
  });
  document.addEventListener('dragleave', () => $('s-pick').classList.remove('dragging'));
  document.addEventListener('drop', (e) => {
    const file = e.dataTransfer?.files?.[0];
    $('s-pick').classList.remove('dragging');
    if (!file) return;
    e.preventDefault();
    openFile(file);
  });
  if (select.value === 'file') select.value = 'trained';  // a file is not in a link: the link opens the default
  choose(select.value);
}

async function choose(model) {
  showModelSections(model);
  if (isBlock(model)) {
    // The teaching and seeded entries are section 2's block: the picker and section 2 name the same one.
    if ($('preset').value !== model) {
      $('preset').value = model;
      page.update();
    }
    setText($('model-config'), '');
    setText($('model-about'), '');
    setText($('model-status'), '');
    return;
  }
  if (model === 'file') return $('model-file').click();
  if (lm.info?.source === 'trained') return updateModel();
  await load({ source: 'trained', name: S.pick.names.trained }, S.pick.names.trained);
}

/**
 * Opens a learner's File (or a model trained live on this page): the worker's package streams it tensor by tensor
 * (a gpt2-small file is ~500 MB).
 */
export async function openFile(file) {
  $('model').value = 'file';
  showModelSections('file');
  await load({ source: 'file', file, name: file.name }, file.name);
}

/** The loaded model's lines: its name and load time, its configuration, where it comes from. */
function describeLoaded() {
  const info = lm.info;
  if (!info || info.pageMs === undefined || lm.block || $('model-status').classList.contains('error')) return;
  const c = info.config;
  setText($('model-status'), S.pick.loaded(info.source === 'trained' ? S.pick.names.trained : info.name, info.pageMs.toFixed(0)));
  setText($('model-config'), S.pick.configLine(c.layers, c.heads, c.dModel, c.vocabSize.toLocaleString('en'), c.restrictedVocab,
    c.context, info.dtype, (info.bytes / 2 ** 20).toFixed(1)));
  setText($('model-about'), info.source === 'trained'
    ? S.pick.trainedAbout(Number(info.metadata?.train_steps || 0).toLocaleString('en')) : S.pick.fileAbout);
}

function fail(name, why) {
  $('model-status').classList.add('error');
  setText($('model-status'), S.pick.badFile(name, why));
  window.__modelError = why;
}

async function load(request, name) {
  const t0 = performance.now(), bar = $('model-progress');
  $('model-status').classList.remove('error');
  setText($('model-status'), S.pick.loading(name));
  window.__modelReady = false;
  bar.value = 0;
  bar.hidden = request.source !== 'file';
  const onProgress = ({ loaded, total }) => {
    bar.value = loaded / Math.max(1, total);
    setText($('model-status'), S.pick.readingFile(name, (loaded / 2 ** 20).toFixed(1), (total / 2 ** 20).toFixed(1)));
  };
  try {
    const info = await callWithProgress('modelLoad', onProgress, request);  // a File is passed by reference
    lm.info = { ...info, source: request.source };
    lm.selected = lm.trace = null;
  } catch (e) {
    $('model-progress').hidden = true;
    if (!e.stale) fail(name, e.key ? errorText(e) : e.message);
    if (lm.info) $('model').value = lm.info.source === 'trained' ? 'trained' : 'file';
    return;
  }
  $('model-progress').hidden = true;
  const info = lm.info;
  info.pageMs = performance.now() - t0;  // reading the file too, for a learner's file
  describeLoaded();
  window.__modelError = null;
  renderFilm(info);
  renderMultiHead(info).catch((e) => e.stale || showError(e));
  await updateModel();
  if (!lm.analysis) renderLayers(null);
  window.__modelReady = true;
}
