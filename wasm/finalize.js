// A safety net for objects dropped without dispose(): once a wrapper (MultiHeadAttention, Decoder, KvCache,
// tokenizer, model, trainer) is garbage-collected, its wasm memory is freed. Not a schedule: when, and whether, the
// engine collects is its own choice, so dispose() (or `using`) stays the way to free memory now.
const registry = typeof FinalizationRegistry === 'function'
  ? new FinalizationRegistry((natives) => {
    for (const n of natives) {
      for (const handle of n instanceof Set ? n : [n]) {
        try {
          handle.delete();
        } catch {
          // Already freed, or its instance aborted: nothing left to free.
        }
      }
    }
  })
  : null;

/**
 * Frees `natives` (Embind handles, or Sets of them, read when freeing) when `wrapper` is collected. A module-level
 * function on purpose: the held array must not reach the wrapper, or it would never be collected.
 */
export function freeWhenCollected(wrapper, ...natives) {
  registry?.register(wrapper, natives, wrapper);
}

/** dispose() was called: nothing is left for the registry to free. */
export function disposed(wrapper) {
  registry?.unregister(wrapper);
}
