// Declarations of index.cjs, the CommonJS entry: init() and load() over the ES module API that index.d.ts declares.
// Not the API itself: every type comes from index.d.ts.
import type * as Api from './index.js' with { 'resolution-mode': 'import' };

/** Loads the WebAssembly module once, exactly as the ES module's init() (see index.d.ts). */
export declare function init(options?: Api.InitOptions): Promise<Api.Attention>;
/** The package's ES module API (AttentionError, ERROR_CODES, version, …), loaded with import(). */
export declare function load(): Promise<typeof Api>;
