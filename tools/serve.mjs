#!/usr/bin/env node
// The demo's static file server: web/ at /, the built package (dist/) at /dist/, on 127.0.0.1 by default.
// Not a general server: GET/HEAD only, files under those two folders only — `..`, encoded or not, never escapes.
import { createServer } from 'node:http';
import { pipeline } from 'node:stream';
import { createReadStream, realpathSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_MOUNTS = { '/': join(ROOT, 'web'), '/dist/': join(ROOT, 'dist') };

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json; charset=utf-8', '.wasm': 'application/wasm',
  '.png': 'image/png', '.svg': 'image/svg+xml', '.bin': 'application/octet-stream', '.ts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8', '.ico': 'image/x-icon',
};

/** Maps a request path to a file inside one mount, or null. Rejects anything that would leave the mount. */
export function resolveRequest(urlPath, mounts = DEFAULT_MOUNTS) {
  let path;
  try {
    path = decodeURIComponent(urlPath.split('?')[0].split('#')[0]);
  } catch {
    return null;  // malformed %-encoding
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path.split('/').some((part) => part === '..' || part === '.')) return null;
  const prefix = Object.keys(mounts).sort((a, b) => b.length - a.length).find((p) => path.startsWith(p));
  if (!prefix) return null;
  const base = realpathSafe(mounts[prefix]);
  if (!base) return null;
  let file = resolve(base, '.' + '/' + path.slice(prefix.length));
  if (path.endsWith('/')) file = join(file, 'index.html');
  const real = realpathSafe(file);  // follows links, so a link cannot point outside either
  if (!real || (real !== base && !real.startsWith(base + sep))) return null;
  try {
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

function realpathSafe(p) {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

/** Starts the server; resolves to { server, url }. port 0 picks a free port. */
export function startServer({ port = 8080, host = '127.0.0.1', mounts = DEFAULT_MOUNTS } = {}) {
  const server = createServer((req, res) => {
    const headers = {
      // Cross-origin isolation: lets the page use SharedArrayBuffer (threads) and keeps other origins out.
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD', 'Content-Type': 'text/plain' });
      res.end('method not allowed\n');
      return;
    }
    const file = resolveRequest(req.url || '/', mounts);
    if (!file) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] || 'application/octet-stream' });
    if (req.method === 'HEAD') return res.end();
    // pipeline() closes the file when the client goes away mid-download (pipe() would keep its descriptor open).
    pipeline(createReadStream(file), res, () => {});
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      const shown = host.includes(':') ? `[${host}]` : host;
      resolvePromise({ server, url: `http://${shown}:${actual}/` });
    });
  });
}

function parseArgs(argv) {
  const options = { port: 8080, host: '127.0.0.1' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--port') options.port = Number(value());
    else if (flag === '--host') options.host = value();
    else if (flag === '--help' || flag === '-h') {
      console.log('usage: node tools/serve.mjs [--port 8080] [--host 127.0.0.1]');
      process.exit(0);
    } else throw new Error(`serve: unknown argument ${argv[i]} (try --help)`);
  }
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535)
    throw new Error(`serve: --port must be an integer 0-65535`);
  return options;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const options = parseArgs(process.argv.slice(2));
    const { url } = await startServer(options).catch((error) => {
      if (error.code === 'EADDRINUSE')
        throw new Error(`serve: port ${options.port} on ${options.host} is already in use; pick another with --port`);
      if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
        throw new Error(`serve: cannot listen on ${options.host} (not an address of this machine)`);
      throw error;
    });
    console.log(`attention-wasm demo: ${url}  (Ctrl+C to stop)`);
  } catch (error) {
    console.error(error.message);
    process.exit(2);
  }
}
