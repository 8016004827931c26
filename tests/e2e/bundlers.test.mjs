// The packed package in fresh apps built by Vite, webpack and esbuild (pinned versions, installed from the npm
// registry into a scratch folder), each served with and without COOP/COEP and run in Chromium: attention, the
// tokenizer, the default model and the worker client give Node's numbers, threaded when cross-origin isolated, with
// nothing in the console. Vite and webpack get no configuration at all; esbuild gets the documented recipe. Also
// TypeScript 7's strict consumers of the installed types (TypeScript 5's are in tests/node/package.test.mjs).
// Not the example page (package.test.mjs) nor the types (types.test.mjs). `npm run test:bundlers` runs this alone.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { ARTIFACTS } from './browser.mjs';
import { ROOT, checkTypeConsumers, cleanEnv, packAndInstall, run } from './fixtures/packed.mjs';

/** The bundlers, pinned: the versions the README's recipes and sizes were measured with. */
export const BUNDLERS = { vite: '8.4.1', webpack: '5.113.0', 'webpack-cli': '7.3.1', esbuild: '0.28.2' };
/** TypeScript 7 (the native compiler), for the type consumers; the repo's own TypeScript 5 runs them in package.test.mjs. */
const TYPESCRIPT = '7.0.2';

const tolerances = JSON.parse(readFileSync(join(ROOT, 'tests/tolerances.json'), 'utf8')).tolerances;
const tol = (name) => tolerances.find((t) => t.name === name);
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PAGE = '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,">';

/**
 * Each app: how it is laid out and built, and the folder that is served. The app's sources are
 * tests/e2e/fixtures/bundler-app/{app,compute}.js, unchanged.
 */
const APPS = {
  // Vite: index.html at the root names the entry; `vite build` with no config file writes dist/.
  vite: {
    setup: (dir) => writeFileSync(join(dir, 'index.html'), `${PAGE}<script type="module" src="./app.js"></script>\n`),
    build: (dir, bin) => run(bin('vite'), ['build', '--logLevel', 'warn'], { cwd: dir }),
    out: 'dist',
  },
  // webpack: its defaults (src/index.js → dist/main.js, production mode); the page is a plain HTML file.
  webpack: {
    sources: 'src',
    entry: 'index.js',
    build: (dir, bin) => {
      const output = run(bin('webpack'), ['--mode', 'production', '--no-color'], { cwd: dir });
      writeFileSync(join(dir, 'dist', 'index.html'), `${PAGE}<script src="./main.js"></script>\n`);
      return output;
    },
    out: 'dist',
  },
  // esbuild: the README's recipe — the package's worker as a second entry, ES module output, the data files copied.
  esbuild: {
    build: (dir, bin, project) => {
      const output = run(bin('esbuild'), ['app.js', 'worker=attention-wasm/worker', '--bundle', '--format=esm', '--minify',
        '--outdir=out', '--log-level=warning'], { cwd: dir });
      const dist = join(project, 'node_modules/attention-wasm/dist');
      for (const f of ['attn.wasm', 'gpt2-bpe.bin', 'tiny-tutor.safetensors', 'mt']) cpSync(join(dist, f), join(dir, 'out', f), { recursive: true });
      writeFileSync(join(dir, 'out', 'index.html'), `${PAGE}<script type="module" src="./app.js"></script>\n`);
      return output;
    },
    out: 'out',
  },
};

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.wasm': 'application/wasm', '.json': 'application/json' };

/**
 * A static server of `dir`; with `isolated`, every response carries COOP/COEP (so the page may use threads).
 * Paths in `missing` (relative to dir) answer 404, as a deployment that forgot them would.
 */
function serve(dir, isolated, missing = []) {
  const server = createServer((req, res) => {
    const path = normalize(join(dir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
    let file = path.startsWith(dir) && !missing.includes(relative(dir, path)) ? path : null;
    if (file && statSync(file, { throwIfNoEntry: false })?.isDirectory()) file = join(file, 'index.html');
    const headers = isolated ? { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } : {};
    if (!file || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404, headers).end('not found');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${server.address().port}/` })));
}

const walk = (dir) => readdirSync(dir).flatMap((name) => {
  const p = join(dir, name);
  return statSync(p).isDirectory() ? walk(p) : [p];
});

/** The bytes an app ships: its JavaScript (raw and gzipped) and every other file. */
function sizes(dir) {
  const files = walk(dir).filter((f) => !f.endsWith('.html'));
  const js = files.filter((f) => /\.m?js$/.test(f));
  const sum = (list, fn) => list.reduce((s, f) => s + fn(f), 0);
  return {
    js: sum(js, (f) => statSync(f).size),
    jsGzip: sum(js, (f) => gzipSync(readFileSync(f)).length),
    total: sum(files, (f) => statSync(f).size),
    files: Object.fromEntries(files.map((f) => [relative(dir, f), statSync(f).size])),
  };
}

/** |got - ref| <= atol + rtol·|ref| for every element; returns the first failure as text, or ''. */
function close(got, ref, { atol, rtol }) {
  if (got.length !== ref.length) return `length ${got.length} vs ${ref.length}`;
  const i = got.findIndex((g, j) => !(Math.abs(g - ref[j]) <= atol + rtol * Math.abs(ref[j])));
  return i < 0 ? '' : `element ${i}: ${got[i]} vs ${ref[i]}`;
}

let packed, browser, node;
const report = { bundlers: BUNDLERS, apps: {} };
const started = Date.now();

before(async () => {
  packed = packAndInstall();
  const t0 = Date.now();
  run('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts',
    ...Object.entries(BUNDLERS).map(([name, version]) => `${name}@${version}`), `typescript@${TYPESCRIPT}`],
  { cwd: packed.project, timeout: 300_000 });
  report.installSeconds = (Date.now() - t0) / 1000;
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  // Node's answers, from the same installed package and the same compute.js.
  const fixture = join(ROOT, 'tests/e2e/fixtures/bundler-app');
  cpSync(join(fixture, 'compute.js'), join(packed.project, 'compute.js'));
  writeFileSync(join(packed.project, 'node-side.mjs'), `import { init } from 'attention-wasm';
import { compute } from './compute.js';
console.log(JSON.stringify(await compute(await init())));\n`);
  node = JSON.parse(run(process.execPath, ['node-side.mjs'], { cwd: packed.project }));
});

after(async () => {
  await browser?.close();
  report.totalSeconds = (Date.now() - started) / 1000;
  writeFileSync(join(ARTIFACTS, 'bundlers.json'), `${JSON.stringify(report, null, 2)}\n`);
  packed?.cleanup();
});

/** Opens the app at `url`; returns its result and everything the page said or fetched that it should not have. */
async function openApp(url) {
  const page = await browser.newPage();
  const problems = [], requests = [];
  page.on('console', (m) => ['error', 'warning'].includes(m.type()) && problems.push(`console.${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('request', (r) => requests.push(r.url()));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  try {
    await page.goto(url);
    await page.waitForFunction(() => document.documentElement.dataset.result, null, { timeout: 60_000 });
    return { result: JSON.parse(await page.evaluate(() => document.documentElement.dataset.result)), problems, requests };
  } finally {
    await page.close();
  }
}

for (const [name, app] of Object.entries(APPS)) {
  test(`${name} ${BUNDLERS[name]}: the app builds and gives Node's numbers in Chromium, threaded only when isolated`, async (t) => {
    const dir = join(packed.project, name);
    const sources = join(dir, app.sources ?? '');
    mkdirSync(sources, { recursive: true });
    const fixture = join(ROOT, 'tests/e2e/fixtures/bundler-app');
    cpSync(join(fixture, 'app.js'), join(sources, app.entry ?? 'app.js'));
    cpSync(join(fixture, 'compute.js'), join(sources, 'compute.js'));
    app.setup?.(dir);
    const t0 = Date.now();
    const bin = (tool) => join(packed.project, 'node_modules/.bin', tool);
    const output = app.build(dir, bin, packed.project);
    const buildSeconds = (Date.now() - t0) / 1000;
    // webpack's one expected note: its performance hint that files over 244 KiB (the wasm, the vocabulary, the
    // model) are big. Anything else printed is a problem the package causes.
    const printed = output.replace(/WARNING in asset size limit[\s\S]*?\n\n/, '').replace(/compiled with 1 warning/, 'compiled');
    assert.doesNotMatch(printed, /warn|error/i, `${name} printed warnings:\n${output}`);
    const out = join(dir, app.out);
    const entry = { buildSeconds, sizes: sizes(out), runs: {} };
    report.apps[name] = entry;
    t.diagnostic(`${name}: built in ${buildSeconds} s; JS ${entry.sizes.js} B (${entry.sizes.jsGzip} B gzipped), ` +
      `all files ${entry.sizes.total} B`);

    for (const isolated of [true, false]) {
      const { server, url } = await serve(out, isolated);
      try {
        const t1 = Date.now();
        const { result, problems, requests } = await openApp(url);
        const label = `${name}, ${isolated ? 'with' : 'without'} COOP/COEP`;
        entry.runs[isolated ? 'isolated' : 'plain'] = { seconds: (Date.now() - t1) / 1000, threads: result.threads,
          workerThreads: result.worker?.info.threads, threadsReason: result.threadsReason };
        assert.equal(result.error, undefined, `${label}: ${result.error}`);
        assert.deepEqual(problems, [], label);
        assert.deepEqual(requests.filter((r) => !r.startsWith(url) && !r.startsWith('data:') && !r.startsWith('blob:')), [], label);
        assert.equal(result.isolated, isolated, label);
        if (isolated) {
          assert.ok(result.threads > 1, `${label}: threads ${result.threads} (${result.threadsReason})`);
          assert.equal(result.threadsReason, '', label);
          assert.ok(result.worker.info.threads > 1, `${label}: worker threads ${result.worker.info.threads}`);
        } else {
          assert.equal(result.threads, 1, label);
          assert.match(result.threadsReason, /SharedArrayBuffer/, label);
          assert.equal(result.worker.info.threads, 1, label);
        }
        // Node's numbers: the same ids, attention and logits within the stated tolerances.
        assert.deepEqual(result.page.ids, node.ids, label);
        assert.deepEqual(result.worker.ids, node.ids, `${label}, worker client`);
        assert.equal(close(result.page.out, node.out, tol('sdpa')), '', `${label}: attention`);
        assert.equal(close(result.worker.out, node.out, tol('sdpa')), '', `${label}: attention in the worker client`);
        assert.equal(close(result.page.logits, node.logits, tol('gpt2')), '', `${label}: the default model's logits`);
      } finally {
        server.close();
      }
    }
  });
}

test(`vite ${BUNDLERS.vite} dev server: Node's numbers with no config; isolated (headers configured), one thread, saying why`, async () => {
  const dir = join(packed.project, 'vite');  // the app of the vite test above
  const config = join(dir, 'vite.config.mjs');
  for (const isolated of [false, true]) {
    // Cross-origin isolation is the server's part, configured as any threaded Vite app must.
    if (isolated) writeFileSync(config, `export default { server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', ` +
      `'Cross-Origin-Embedder-Policy': 'require-corp' } } };\n`);
    const port = await new Promise((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port: free } = probe.address();
        probe.close(() => resolve(free));
      });
    });
    const vite = spawn(join(packed.project, 'node_modules/.bin/vite'), ['--port', String(port), '--strictPort', '--host', '127.0.0.1'],
      { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let printed = '';
      await new Promise((resolve, reject) => {
        vite.stdout.on('data', (d) => (printed += d) && /ready in/.test(printed) && resolve());
        vite.stderr.on('data', (d) => (printed += d));
        vite.on('exit', (code) => reject(new Error(`vite exited (${code}):\n${printed}`)));
      });
      const url = `http://127.0.0.1:${port}/`;
      const { result, problems } = await openApp(url);
      const label = `vite dev, ${isolated ? 'with' : 'without'} COOP/COEP`;
      assert.equal(result.error, undefined, `${label}: ${result.error}`);
      assert.deepEqual(problems, [], label);
      assert.equal(result.isolated, isolated, label);
      assert.deepEqual(result.page.ids, node.ids, label);
      assert.deepEqual(result.worker.ids, node.ids, label);
      assert.equal(close(result.page.out, node.out, tol('sdpa')), '', label);
      assert.equal(close(result.worker.out, node.out, tol('sdpa')), '', label);
      assert.equal(close(result.page.logits, node.logits, tol('gpt2')), '', label);
      assert.equal(result.threads, 1, label);
      // Vite's dev server rewrites the classic pthread worker script into one that cannot run (it adds an import),
      // so the threaded build falls back, naming the script; `vite build` does not (the vite test above).
      assert.match(result.threadsReason, isolated ? /pthread worker could not start: .*attn_mt\.worker\.js/ : /SharedArrayBuffer/, label);
      assert.equal(result.worker.info.threadsReason.replace(/:\d+\//g, '/'), result.threadsReason.replace(/:\d+\//g, '/'), label);
    } finally {
      vite.kill();
      rmSync(config, { force: true });
    }
  }
});

test('a deployment missing the pthread worker script runs on one thread and says why; a missing wasm file is named', async () => {
  const out = join(packed.project, 'esbuild', APPS.esbuild.out);  // built by the esbuild test above (plain file names)
  const cases = [
    // Threads wanted (isolated) but the worker script is gone: one thread, the reason names the script's URL.
    { isolated: true, missing: ['mt/attn_mt.worker.js'], check: ({ result, url }) => {
      assert.equal(result.error, undefined, result.error);
      assert.equal(result.threads, 1);
      assert.ok(result.threadsReason.includes(`${url}mt/attn_mt.worker.js`), result.threadsReason);
      assert.deepEqual(result.page.ids, node.ids);
      assert.equal(close(result.page.out, node.out, tol('sdpa')), '');
    } },
    // The single-thread wasm is gone: init() rejects with NOT_FOUND naming its URL.
    { isolated: false, missing: ['attn.wasm'], check: ({ result, url }) => {
      assert.match(result.error ?? '', /^AttentionError: /, JSON.stringify(result));
      assert.ok(result.error.includes(`could not be loaded from ${url}attn.wasm`), result.error);
    } },
  ];
  for (const { isolated, missing, check } of cases) {
    const { server, url } = await serve(out, isolated, missing);
    try {
      check({ ...(await openApp(url)), url });
    } finally {
      server.close();
    }
  }
});

test(`TypeScript ${TYPESCRIPT} strict consumers (NodeNext and Bundler resolution) compile against the installed types; wrong calls fail`, () => {
  const wrongCalls = checkTypeConsumers(packed.project, join(packed.project, 'node_modules/typescript/bin/tsc'));
  assert.ok(wrongCalls >= 20, `${wrongCalls} wrong calls checked`);
});
