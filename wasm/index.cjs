// attention-wasm from CommonJS: require('attention-wasm') gives init() (async, as from ES modules) and load(), the
// whole ES module API. Not a second implementation: the package is ES modules and everything here is import()ed.
'use strict';

/** The package's ES module namespace (init, AttentionError, ERROR_CODES, version, …), loaded once. */
let namespace;
function load() {
  namespace ??= import('./index.js').catch((error) => {
    namespace = undefined;  // a failed load may be retried
    throw error;
  });
  return namespace;
}

/** The same as the ES module's init(): resolves to the one instance. */
function init(options) {
  return load().then((m) => m.init(options));
}

module.exports = { init, load };
