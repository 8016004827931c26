// Assembles the npm package folder dist/ from the sources (wasm/*.js, *.d.ts) and the build folders
// (build-wasm: attn.mjs, attn.wasm, gpt2-bpe.bin; build-wasm-mt: the threaded variant), the trained default model
// (web/models/tiny-tutor.safetensors), and writes dist/version.js
// from package.json. The one step that writes dist/; builds themselves write only into their build folders.
// Usage: node tools/assemble-dist.mjs [--wasm <dir>] [--wasm-mt <dir>]   (defaults: build-wasm, build-wasm-mt)
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return join(root, i >= 0 ? args[i + 1] : fallback);
};
const wasmDir = opt('--wasm', 'build-wasm');
const wasmMtDir = opt('--wasm-mt', 'build-wasm-mt');
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

function fail(message) {
  console.error(`assemble-dist: ${message}`);
  process.exit(1);
}
function copy(from, to) {
  if (!existsSync(from)) fail(`${relative(root, from)} is missing (build it first: npm run build)`);
  mkdirSync(dirname(to), { recursive: true });
  cpSync(from, to);
}

rmSync(dist, { recursive: true, force: true });
// The JS layer, as written (the ESM shim is linked into attn.mjs, not shipped on its own).
const walk = (dir) => readdirSync(dir).flatMap((name) => {
  const p = join(dir, name);
  return statSync(p).isDirectory() ? walk(p) : [p];
});
for (const file of walk(join(root, 'wasm'))) {
  if (!/\.(c?js|d\.c?ts)$/.test(file) || file.endsWith('node-esm-shim.js')) continue;
  copy(file, join(dist, relative(join(root, 'wasm'), file)));
}
writeFileSync(join(dist, 'version.js'),
  `// Written by tools/assemble-dist.mjs from package.json.\nexport const VERSION = ${JSON.stringify(pkg.version)};\n`);
for (const name of ['attn.mjs', 'attn.wasm', 'gpt2-bpe.bin']) copy(join(wasmDir, name), join(dist, name));
// The trained tiny model the package opens by default (made by `npm run train`, committed under web/models/).
copy(join(root, 'web', 'models', 'tiny-tutor.safetensors'), join(dist, 'tiny-tutor.safetensors'));
if (existsSync(join(wasmMtDir, 'attn_mt.wasm'))) {
  for (const name of ['attn_mt.mjs', 'attn_mt.wasm', 'attn_mt.worker.js']) copy(join(wasmMtDir, name), join(dist, 'mt', name));
  // The pthread worker script is CommonJS; a package.json beside it keeps the package's "type": "module" away.
  writeFileSync(join(dist, 'mt', 'package.json'), '{ "type": "commonjs" }\n');
}

// Every file the package lists must now exist (a stale "files" list is a broken tarball).
const missing = pkg.files.filter((f) => f.startsWith('dist/') && !existsSync(join(root, f)));
if (missing.length) fail(`package.json lists files that were not assembled: ${missing.join(', ')}`);
console.log(`assemble-dist: dist/ for ${pkg.name} ${pkg.version}`);
