// createTokenizer(): the JS face of the C++ GPT-2 tokenizer (Embind class GPT2Tokenizer, wasm/bind_tokenizer.cpp).
// Not the loader: the caller passes the instantiated wasm module and the gpt2-bpe.bin bytes (index.js does both).
//
// Text goes in as a JS string and is UTF-8 encoded with TextEncoder straight into the wasm heap; lone surrogates
// become U+FFFD there, exactly as js-tiktoken's TextEncoder does, so ids match js-tiktoken r50k_base and UTF-16
// offsets index the string as given (a lone surrogate is one unit, like the U+FFFD it becomes). Decoding uses
// TextDecoder semantics (each maximal invalid UTF-8 subpart becomes U+FFFD), done in C++.
//
// Offsets: token i covers bytes [byteStart, byteEnd) of the UTF-8 text and UTF-16 code units [start, end) of the
// string. Both are monotone and gap-free. When a token boundary falls inside a character (one emoji can be several
// tokens), the token holding the character's first byte gets the whole character and the following tokens that
// only continue it get an empty range (start == end) at the character's end; so text.slice(start, end) is always
// whole characters, and highlighting every token in turn highlights the whole string once.
import { AttentionError, checkAttached, describe, invalid } from './errors.js';
import { disposed, freeWhenCollected } from './finalize.js';
import { checkOptions } from './options.js';

const encoder = new TextEncoder();
// Non-fatal (U+FFFD for invalid input, which the C++ side has already replaced) and keeping a leading U+FEFF:
// the default TextDecoder would drop it, and decode(encode(s)) must give back s.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
const LARGE_TEXT = 1 << 20;  // above this many UTF-16 units, size the input exactly instead of 3 bytes per unit

// Messages read "<fn>: <arg>: expected ..., received <value>" (errors.js's invalid()).

function specialOption(fn, opts) {
  const v = checkOptions(fn, opts).allowSpecial;
  if (v === undefined) return false;
  if (typeof v !== 'boolean') throw invalid(`${fn}: options.allowSpecial`, 'a boolean', v);
  return v;
}

/** The bindings return a failed C++ status ({ code, message }) in place of a result: it becomes the AttentionError. */
function nativeResult(fn, r) {
  if (isStatus(r)) throw new AttentionError(r.code, `${fn}: ${r.message}`);
  return r;
}
const isStatus = (r) => r !== null && typeof r === 'object' && !ArrayBuffer.isView(r) && typeof r.code === 'string' &&
  typeof r.message === 'string';

/**
 * Wraps the wasm tokenizer.
 * @param {object} module the instantiated attn wasm module (it has the GPT2Tokenizer class)
 * @param {Uint8Array | ArrayBuffer} assetBytes the contents of gpt2-bpe.bin
 */
export function createTokenizer(module, assetBytes) {
  if (!module || typeof module.GPT2Tokenizer !== 'function')
    throw invalid('createTokenizer: module', 'the instantiated attn wasm module (with GPT2Tokenizer)', module);
  let bytes = assetBytes;
  if (bytes instanceof ArrayBuffer) bytes = new Uint8Array(bytes);
  else if (ArrayBuffer.isView(bytes) && !(bytes instanceof Uint8Array)) bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!(bytes instanceof Uint8Array)) throw invalid('createTokenizer: assetBytes', 'a Uint8Array or ArrayBuffer with gpt2-bpe.bin', assetBytes);
  checkAttached('tokenizer: asset', bytes);

  const sharedHeap = typeof SharedArrayBuffer !== 'undefined' && module.HEAPU8.buffer instanceof SharedArrayBuffer;
  let native = new module.GPT2Tokenizer();
  const loaded = native.load(bytes);
  if (loaded.code !== 'OK') {
    native.delete();
    throw new AttentionError(loaded.code, `createTokenizer: assetBytes (${bytes.length} bytes) is not a usable GPT-2 BPE asset: ${loaded.message}`);
  }
  const vocabSize = native.vocabSize();
  const eotId = native.specialTokenId('<|endoftext|>');

  function live(fn) {
    if (!native) throw new AttentionError('DISPOSED', `${fn}: this tokenizer has been disposed`);
    return native;
  }

  // Writes the UTF-8 of `text` into the wasm input buffer; returns its byte length.
  function putText(fn, text) {
    if (typeof text !== 'string') throw invalid(`${fn}: text`, 'a string', text);
    const t = live(fn);
    // TextEncoder cannot write into shared memory (the threaded build's heap): encode, then copy.
    if (text.length > LARGE_TEXT || sharedHeap) {
      const utf8 = encoder.encode(text);
      t.inputView(utf8.length).set(utf8);
      return utf8.length;
    }
    const view = t.inputView(text.length * 3);
    return encoder.encodeInto(text, view).written;
  }

  function checkId(fn, name, id) {
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= vocabSize)
      throw new AttentionError('OUT_OF_RANGE', `${fn}: ${name} must be an integer token id in [0, ${vocabSize}), received ${describe(id)}`);
    return id;
  }

  function toIds(fn, ids) {
    if (ids instanceof Uint32Array || ids instanceof Uint16Array || ids instanceof Uint8Array) {
      for (let i = 0; i < ids.length; i++) if (ids[i] >= vocabSize) checkId(fn, `ids[${i}]`, ids[i]);
      return ids;
    }
    if (!Array.isArray(ids) && !(ArrayBuffer.isView(ids) && !(ids instanceof DataView)))
      throw invalid(`${fn}: ids`, 'an array or typed array of token ids', ids);
    const out = new Uint32Array(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = checkId(fn, `ids[${i}]`, ids[i]);
    return out;
  }

  const tokenizer = {
    /** Number of ids (GPT-2: 50257, special token included). */
    vocabSize,
    /** Id of "<|endoftext|>" (50256). */
    eotId,

    /** Token ids of `text`; "<|endoftext|>" in the text is plain text unless options.allowSpecial is true. */
    encode(text, options) {
      const allow = specialOption('encode', options);
      const n = putText('encode', text);
      return nativeResult('encode', native.encodeInput(n, allow));
    },

    /**
     * Ids plus where each token came from: typed arrays ids / byteStart / byteEnd / start / end (UTF-16), and
     * `tokens` (built lazily on first access), one { id, byteStart, byteEnd, start, end, text } per token, where
     * text = the string's slice(start, end).
     */
    encodeWithOffsets(text, options) {
      const allow = specialOption('encodeWithOffsets', options);
      const n = putText('encodeWithOffsets', text);
      const r = nativeResult('encodeWithOffsets', native.encodeInputWithOffsets(n, allow));
      let tokens = null;  // built on first use: one object per token costs more than the encoding itself
      return {
        ids: r.ids, byteStart: r.byteStart, byteEnd: r.byteEnd, start: r.utf16Start, end: r.utf16End,
        get tokens() {
          if (!tokens) {
            tokens = new Array(r.ids.length);
            for (let i = 0; i < tokens.length; i++) {
              const start = r.utf16Start[i], end = r.utf16End[i];
              tokens[i] = { id: r.ids[i], byteStart: r.byteStart[i], byteEnd: r.byteEnd[i], start, end, text: text.slice(start, end) };
            }
          }
          return tokens;
        },
      };
    },

    /** The text of `ids` (array or typed array); invalid UTF-8 (e.g. a cut character) shows as U+FFFD. */
    decode(ids) {
      const v = toIds('decode', ids);
      const t = live('decode');
      return decoder.decode(nativeResult('decode', t.decode(v, true)));
    },

    /** The raw bytes of `ids` (no replacement): decodeBytes(encode(s)) is always the UTF-8 of s. */
    decodeBytes(ids) {
      const v = toIds('decodeBytes', ids);
      const t = live('decodeBytes');
      return nativeResult('decodeBytes', t.decode(v, false));
    },

    /** One token as display text (a partial character shows as U+FFFD). */
    tokenText(id) {
      checkId('tokenText', 'id', id);
      return decoder.decode(nativeResult('tokenText', live('tokenText').tokenBytes(id)));
    },

    /** One token's raw bytes (a copy). */
    tokenBytes(id) {
      checkId('tokenBytes', 'id', id);
      return nativeResult('tokenBytes', live('tokenBytes').tokenBytes(id));
    },

    /** Frees the wasm-side tokenizer; any later call throws. Calling it twice is harmless. */
    dispose() {
      disposed(tokenizer);
      if (native) {
        native.delete();
        native = null;
      }
    },
  };
  if (typeof Symbol.dispose === 'symbol') tokenizer[Symbol.dispose] = tokenizer.dispose;
  freeWhenCollected(tokenizer, native);
  return Object.freeze(tokenizer);
}
