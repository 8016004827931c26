// The page's colours: one scale per kind of quantity (attention weights and probabilities in [0, 1]; signed values
// such as scores, logits and activations), the masked cells, the selected token and the chart series. Every drawer
// (draw.js, pixels.js, sections/, style.css through CSS variables) takes its colours from here. Not drawing.

/** The kinds of quantity the page colours, each with its own scale. */
export const KINDS = ['weight', 'signed'];

const WEIGHT_HIGH = [30, 80, 180];  // weight 1 (and the colour of anything that is a weight or a probability)
const SIGNED_LOW = [55, 105, 255], SIGNED_HIGH = [255, 65, 55];  // −limit and +limit; 0 is white

/** Masked cells (never a small value: drawn grey and hatched where cells are big enough). */
export const MASKED = [228, 228, 228];
/** The selected token, wherever it is marked (token bar, rows and columns of maps, table rows). */
export const SELECTION = '#e0a000';
/** One colour per line of a chart (heads over training steps, train and held-out loss). */
export const SERIES = ['#1e50b4', '#e07000', '#2a9d3a', '#b0308a', '#6a3fc0', '#c0392b', '#0f8f8f', '#7a6a1a'];

const mix = (from, to, t) => from.map((a, k) => a + (to[k] - a) * t);
const WHITE = [255, 255, 255];

// A scale is 257 colours (an odd count, so 0 of a signed scale is exactly white); a value is drawn with the colour of
// its step. One rule per kind turns a value into a step, so the same value has the same colour on every map.
const STEPS = 257, MIDDLE = (STEPS - 1) / 2;
const table = (colourAt) => Array.from({ length: STEPS }, (_, k) => colourAt(k / (STEPS - 1)).map(Math.round));
const TABLES = {
  weight: table((t) => mix(WHITE, WEIGHT_HIGH, t)),
  signed: table((t) => (t >= 0.5 ? mix(WHITE, SIGNED_HIGH, 2 * t - 1) : mix(WHITE, SIGNED_LOW, 1 - 2 * t))),
};

/**
 * The step of value v on a kind's scale: a weight clamped to [0, 1], a signed value clamped to [−limit, limit] with
 * 0 in the middle. NaN takes a weight's step 0 and a signed value's middle (white).
 */
export function stepOf(kind, v, limit = 1) {
  const t = kind === 'weight' ? v : limit > 0 ? (v / limit + 1) / 2 : 0.5;
  if (!(t > 0)) return t <= 0 || kind === 'weight' ? 0 : MIDDLE;
  return t >= 1 ? STEPS - 1 : Math.round(t * (STEPS - 1));
}

/** The colour [r, g, b] of value v on a kind's scale (see stepOf). */
export const colourOf = (kind, v, limit) => TABLES[kind][stepOf(kind, v, limit)];

/** A colour as CSS. */
export const css = ([r, g, b]) => `rgb(${r},${g},${b})`;

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** An opaque colour as one 32-bit RGBA pixel in the platform's byte order (for a Uint32Array view of ImageData). */
export const pixel32 = ([r, g, b]) => (LITTLE_ENDIAN ? (0xff000000 | (b << 16) | (g << 8) | r) >>> 0 : ((r << 24) | (g << 16) | (b << 8) | 0xff) >>> 0);
const PIXELS = Object.fromEntries(KINDS.map((kind) => [kind, Uint32Array.from(TABLES[kind], pixel32)]));
/** The pixels of a kind's scale (pixel32 of each step), for drawing thousands of cells without allocating. */
export const pixelsOf = (kind) => PIXELS[kind];

/** The page's CSS colour variables, from the same values (style.css reads them). */
export function cssVariables(root = document.documentElement) {
  root.style.setProperty('--weight', css(WEIGHT_HIGH));
  root.style.setProperty('--selection', SELECTION);
  root.style.setProperty('--masked', css(MASKED));
}
