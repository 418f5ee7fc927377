// Shared helpers for the browser tests: build the handbook with the real
// rolebook binary, serve the output from 127.0.0.1 with a tiny static
// server, drive Debian's Chromium through playwright-core, and record every
// console error, failed request and request to another host.
//
// Nothing here downloads a browser: Chromium is /usr/bin/chromium.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT_DIR = path.join(REPO, 'tests', 'browser', 'out');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** The rolebook binary: $ROLEBOOK_BIN, else target/release/rolebook. */
export function rolebookBin() {
  const bin = process.env.ROLEBOOK_BIN
    ? path.resolve(process.env.ROLEBOOK_BIN)
    : path.join(REPO, 'target', 'release', 'rolebook');
  if (!fs.existsSync(bin)) {
    throw new Error(`rolebook binary not found at ${bin}: run \`cargo build --release\` first or set ROLEBOOK_BIN`);
  }
  return bin;
}

/** A fresh temporary folder; removed by `removeDir`. */
export function tempDir(name) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `rolebook-browser-${name}-`));
}

export function removeDir(dir) {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Builds the repository's handbook (content/ + rolebook.toml) into `out`
 * with the real binary. `baseUrl` overrides base_url (sub-path builds).
 * Returns the combined output; throws with it when the build fails.
 */
export function buildHandbook(out, { baseUrl, root = REPO, extraArgs = [] } = {}) {
  const args = ['build', '--root', root, '-o', out, ...extraArgs];
  if (baseUrl) args.push('--base-url', baseUrl);
  const res = spawnSync(rolebookBin(), args, {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    killSignal: 'SIGKILL',
  });
  const output = `${res.stdout || ''}${res.stderr || ''}`;
  if (res.error) throw new Error(`rolebook ${args.join(' ')} failed to run: ${res.error.message}\n${output}`);
  if (res.status !== 0) throw new Error(`rolebook ${args.join(' ')} exited with ${res.status}:\n${output}`);
  if (!fs.existsSync(path.join(out, 'index.html'))) throw new Error(`the build wrote no index.html into ${out}:\n${output}`);
  return output;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.toml': 'text/plain; charset=utf-8',
  '.csv': 'text/csv; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
};

export function contentType(file) {
  return TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream';
}

/**
 * Serves folder `dir` at http://127.0.0.1:PORT`prefix` (prefix "/" or
 * "/sub/"). A folder path answers with its index.html (and a path without
 * its trailing slash is redirected), an unknown path answers 404 with the
 * site's 404.html. `dir` is read on each request, so the server can start
 * before the build that fills the folder (the sub-path build needs the port).
 * Every request is logged in `requests` as { method, path, status }.
 */
export async function serveDir(dir, { prefix = '/' } = {}) {
  if (!prefix.startsWith('/') || !prefix.endsWith('/')) throw new Error(`prefix must start and end with "/": ${prefix}`);
  const requests = [];
  const root = path.resolve(dir);

  function send(res, status, file, method) {
    const body = fs.readFileSync(file);
    res.writeHead(status, {
      'Content-Type': contentType(file),
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
    });
    res.end(method === 'HEAD' ? undefined : body);
  }

  function notFound(res, method) {
    const page = path.join(root, '404.html');
    if (fs.existsSync(page)) return send(res, 404, page, method);
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(method === 'HEAD' ? undefined : 'not found\n');
  }

  const server = http.createServer((req, res) => {
    const entry = { method: req.method, path: req.url, status: 0 };
    requests.push(entry);
    res.on('finish', () => { entry.status = res.statusCode; });
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' });
        return res.end();
      }
      const url = new URL(req.url, 'http://127.0.0.1');
      let pathname;
      try { pathname = decodeURIComponent(url.pathname); } catch { return notFound(res, req.method); }
      if (pathname === prefix.slice(0, -1) && prefix !== '/') {
        res.writeHead(301, { Location: prefix + url.search });
        return res.end();
      }
      if (!pathname.startsWith(prefix) || pathname.includes('\0')) return notFound(res, req.method);
      const rel = pathname.slice(prefix.length);
      let file = path.resolve(root, '.' + path.posix.sep + rel);
      if (file !== root && !file.startsWith(root + path.sep)) return notFound(res, req.method);
      let stat = fs.existsSync(file) ? fs.statSync(file) : null;
      if (stat && stat.isDirectory()) {
        if (!pathname.endsWith('/')) {
          res.writeHead(301, { Location: url.pathname + '/' + url.search });
          return res.end();
        }
        file = path.join(file, 'index.html');
        stat = fs.existsSync(file) ? fs.statSync(file) : null;
      }
      if (!stat || !stat.isFile()) return notFound(res, req.method);
      return send(res, 200, file, req.method);
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(String(err && err.stack || err));
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    port,
    url: origin + prefix,
    requests,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Launches Debian's Chromium, headless, with the project's fixed flags. */
export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\``);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    headless: true,
    timeout: 60_000,
  });
}

/** A browser context with bounded default waits. */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
    serviceWorkers: 'block',
    ...options,
  });
  context.setDefaultTimeout(10_000);
  context.setDefaultNavigationTimeout(20_000);
  return context;
}

function isLocal(url) {
  let u;
  try { u = new URL(url); } catch { return true; }
  if (u.protocol === 'data:' || u.protocol === 'blob:' || u.protocol === 'about:' || u.protocol === 'file:') return true;
  return u.hostname === '127.0.0.1';
}

/**
 * Watches a context: console errors, uncaught exceptions, failed requests,
 * HTTP errors and any request to a host other than 127.0.0.1 (which is
 * aborted, so a test never reaches the network). Returns a `problems()`
 * function that lists what happened, and `reset()`.
 */
export async function watchContext(context) {
  const found = [];
  await context.route((url) => !isLocal(url.href), (route) => {
    found.push(`request to another host: ${route.request().method()} ${route.request().url()}`);
    return route.abort('blockedbyclient');
  });
  const track = (page) => {
    page.on('console', (msg) => {
      if (msg.type() === 'error') {
        const loc = msg.location();
        found.push(`console error on ${page.url()}: ${msg.text()}${loc && loc.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
      }
    });
    page.on('pageerror', (err) => found.push(`uncaught exception on ${page.url()}: ${err.message}`));
    page.on('requestfailed', (req) => {
      if (!isLocal(req.url())) return; // already reported above
      const why = req.failure() ? req.failure().errorText : 'failed';
      // A navigation away from a page cancels its pending requests: not a bug.
      if (why === 'net::ERR_ABORTED' && req.resourceType() !== 'document') return;
      found.push(`failed request: ${req.method()} ${req.url()} (${why})`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400) found.push(`HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
    });
  };
  context.pages().forEach(track);
  context.on('page', track);
  return {
    problems: () => found.slice(),
    reset: () => { found.length = 0; },
  };
}

/** Waits (bounded) until the page's network is quiet. */
export async function settle(page, timeout = 5_000) {
  await page.waitForLoadState('load', { timeout: 20_000 });
  try {
    await page.waitForLoadState('networkidle', { timeout });
  } catch {
    /* A page that keeps a connection open (live reload) never idles. */
  }
}

/** Polls `fn` until it returns a truthy value or `timeout` ms pass. */
export async function waitFor(fn, { timeout = 10_000, interval = 100, message = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${message}${last instanceof Error ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

/** Sets the colour theme before any page script runs (via localStorage). */
export async function forceTheme(context, mode) {
  await context.addInitScript((m) => {
    try {
      if (m === 'light' || m === 'dark') localStorage.setItem('rolebook-theme', m);
      else localStorage.removeItem('rolebook-theme');
    } catch { /* storage disabled */ }
  }, mode);
}

/** Every *.html file under `dir`, as paths relative to it. */
export function htmlFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith('.html')) out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}
