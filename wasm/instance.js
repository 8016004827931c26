// The WebAssembly instance behind the API, guarded: a call that aborts it (a C++ allocation past the 2 GiB heap,
// an internal error) becomes an AttentionError('ABORTED'), every later call on it refuses the same way instead of
// returning garbage, and init() then loads a fresh instance. Not the API: index.js calls through this guard.
import { AttentionError } from './errors.js';

function record(state, what) {
  if (state.aborted) return;
  state.aborted = true;
  state.what = String(what ?? '') || 'Aborted()';
}

function abortedError(state, cause) {
  return new AttentionError('ABORTED', `the WebAssembly instance stopped (${state.what}) and cannot be used any ` +
    'more: call init() again for a fresh one', cause === undefined ? undefined : { cause });
}

/** Runs call() unless the instance aborted; reports the abort it causes as an AttentionError. */
function checked(state, call) {
  if (state.aborted) throw abortedError(state);
  try {
    return call();
  } catch (error) {
    if (state.aborted || error instanceof WebAssembly.RuntimeError) {
      record(state, error?.message ?? error);
      throw abortedError(state, error);
    }
    throw error;
  }
}

/**
 * Proxies an object so that calling any of its functions goes through `checked`: functions become proxies too,
 * so their own properties (an Embind enum's values, a class's statics) stay reachable, and `new` on an Embind
 * class gives a guarded instance.
 */
function guardObject(target, state) {
  const cache = new Map();
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj);
      if (typeof value !== 'function') return value;
      // Freeing is always allowed: dispose() after an abort must not throw (the memory is gone with the instance).
      if (prop === 'delete' && state.aborted) return () => {};
      if (!cache.has(prop)) {
        cache.set(prop, new Proxy(value, {
          apply: (fn, _this, args) => checked(state, () => Reflect.apply(fn, obj, args)),
          construct: (Ctor, args) => guardObject(checked(state, () => Reflect.construct(Ctor, args)), state),
        }));
      }
      return cache.get(prop);
    },
  });
}

/**
 * module: a freshly instantiated Emscripten module; moduleState: the object its onAbort marks ({ aborted, what }).
 * Returns the guarded module (functions and the instances of its classes checked on every call).
 */
export function guardModule(module, moduleState) {
  return guardObject(module, moduleState);
}

/** Emscripten module options that record an abort in `state` ({ aborted, what }). */
export function abortRecorder(state) {
  return { onAbort: (what) => record(state, what) };
}

// Which wasm module each Attention instance runs on, for the package's other entries (attention-wasm/demo).
const MODULES = new WeakMap();
export function registerModule(attn, module) {
  MODULES.set(attn, module);
}
export function moduleOf(attn) {
  const module = MODULES.get(attn);
  if (!module) throw new AttentionError('INVALID_ARGUMENT', 'attn: expected the instance init() resolved to');
  return module;
}

/**
 * import() that bundlers leave alone (a computed specifier, plus the comments webpack and Vite honour): Node's
 * built-ins and the threaded build are resolved at run time, so a browser bundle neither fails on `node:` modules
 * nor inlines the threaded build, whose pthread workers must load it from its own URL.
 */
export const runtimeImport = (specifier) => import(/* webpackIgnore: true */ /* @vite-ignore */ specifier);
