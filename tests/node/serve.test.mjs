// The demo server: binds to 127.0.0.1, serves web/ and dist/ with the right types and isolation headers,
// and never serves a file outside them, whatever the encoding of `..`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { existsSync, readdirSync } from 'node:fs';
import { startServer } from '../../tools/serve.mjs';

const { server, url } = await startServer({ port: 0 });
test.after(() => server.close());

// Raw request so the path reaches the server exactly as written (fetch would normalise `..`).
function get(path, method = 'GET') {
  return new Promise((resolve, reject) => {
    const { port } = server.address();
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('listens on 127.0.0.1 only', () => {
  assert.equal(server.address().address, '127.0.0.1');
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
});

test('serves the page, the module and the wasm with their types and COOP/COEP', async () => {
  const page = await get('/');
  assert.equal(page.status, 200);
  assert.match(page.headers['content-type'], /^text\/html/);
  assert.equal(page.headers['cross-origin-opener-policy'], 'same-origin');
  assert.equal(page.headers['cross-origin-embedder-policy'], 'require-corp');
  assert.match((await get('/dist/index.js')).headers['content-type'], /^text\/javascript/);
  assert.equal((await get('/dist/attn.wasm', 'HEAD')).headers['content-type'], 'application/wasm');
});

test('never leaves its folders: plain, encoded and double-encoded ..', async () => {
  for (const path of ['/../package.json', '/dist/../package.json', '/%2e%2e/package.json', '/%2E%2E%2Fpackage.json',
    '/dist/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2f..%2fetc%2fpasswd', '/%252e%252e/package.json', '/dist/..\\package.json',
    '/%00', '/%zz', '//etc/passwd', '/dist/../../../../etc/passwd']) {
    const res = await get(path);
    assert.equal(res.status, 404, path);
    assert.doesNotMatch(res.body, /"name"|root:/, path);
  }
});

test('only GET and HEAD', async () => {
  assert.equal((await get('/', 'POST')).status, 405);
});

test('the command line says what is wrong: a port in use, a bad port, an unknown flag', async () => {
  const { spawnSync } = await import('node:child_process');
  const cli = new URL('../../tools/serve.mjs', import.meta.url).pathname;
  const run = (...args) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 10000 });
  const busy = run('--port', String(server.address().port));
  assert.equal(busy.status, 2);
  assert.match(busy.stderr, /port \d+ on 127\.0\.0\.1 is already in use; pick another with --port/);
  assert.match(run('--port', 'abc').stderr, /--port must be an integer 0-65535/);
  assert.match(run('--bogus').stderr, /unknown argument --bogus/);
});

// Opens a download and drops the connection after its first bytes (a reader who navigates away).
function abortedDownload(path) {
  return new Promise((resolve) => {
    const { port } = server.address();
    const req = request({ host: '127.0.0.1', port, path }, (res) => res.once('data', () => req.destroy()));
    req.on('close', resolve);
    req.on('error', () => {});
    req.end();
  });
}

const openFiles = () => readdirSync('/proc/self/fd').length;

test('aborted downloads close their files: 300 of them leave no descriptor open, then a normal request works',
  { skip: !existsSync('/proc/self/fd') && 'needs /proc/self/fd' }, async () => {
    const before = openFiles();
    for (let round = 0; round < 10; round++) await Promise.all(Array.from({ length: 30 }, () => abortedDownload('/dist/gpt2-bpe.bin')));
    // The server sees each close a moment after the client: wait until the descriptors are back (or time out).
    const deadline = Date.now() + 5000;
    while (openFiles() > before + 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    assert.ok(openFiles() <= before + 5, `${openFiles() - before} descriptors still open after 300 aborted downloads`);
    const ok = await get('/dist/version.js');
    assert.equal(ok.status, 200);
  });
