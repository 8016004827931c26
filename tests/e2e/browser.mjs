// Launching Debian's Chromium headless through playwright-core, and serving the repo's page, for browser tests.
// Not a test: the *.test.mjs files use these helpers.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../tools/serve.mjs';

export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'build-e2e');
mkdirSync(ARTIFACTS, { recursive: true });

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Starts the server and the browser; returns { url, browser, newPage, close }. newPage records console errors. */
export async function openBrowser() {
  const { server, url } = await startServer({ port: 0 });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS });
  const pages = [];
  return {
    url,
    browser,
    async newPage(viewport = { width: 1280, height: 800 }, options = {}) {
      const page = await browser.newPage({ viewport, ...options });  // options: e.g. { locale: 'zh-CN' }
      page.errors = [];
      page.on('console', (m) => m.type() === 'error' && page.errors.push(m.text()));
      page.on('pageerror', (e) => page.errors.push(String(e)));
      // Nothing may be fetched from another origin.
      page.on('request', (r) => !r.url().startsWith(url) && !r.url().startsWith('data:') && page.errors.push(`off-origin request ${r.url()}`));
      pages.push(page);
      return page;
    },
    async close() {
      await browser.close();
      server.close();
    },
  };
}
