// `rolebook serve` previewing a site published under a sub-path: a copy of
// the repository's handbook with base_url = "https://x.org/handbook/" is
// served on a free port of 127.0.0.1. The browser is sent from / to
// /handbook/, then walks every page it can reach by following links, and
// every page, stylesheet, script, image and search file it loads must
// answer 200 from under /handbook/. Search finds and opens a page, a page
// edited on disk reloads by itself, and an unknown path shows the site's
// 404 page with working links.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  REPO, launchBrowser, newContext, removeDir, rolebookBin, tempDir, waitFor, watchContext,
} from './helpers.mjs';

const BASE = '/handbook/';
const START_TIMEOUT = 30_000;
/** A bound on the walk: the handbook has fewer pages than this. */
const MAX_PAGES = 400;

let siteDir;
let serve;
let serveLog = '';
let origin;
let browser;

function makeSite(dir) {
  fs.cpSync(path.join(REPO, 'content'), path.join(dir, 'content'), { recursive: true });
  const config = fs.readFileSync(path.join(REPO, 'rolebook.toml'), 'utf8');
  const moved = config.replace(/^base_url = .*$/m, 'base_url = "https://x.org/handbook/"');
  assert.notEqual(moved, config, 'the handbook config has a base_url line');
  fs.writeFileSync(path.join(dir, 'rolebook.toml'), moved);
}

/** Starts `rolebook serve`; resolves with the site URL it prints. */
function startServe(dir) {
  return new Promise((resolve, reject) => {
    const child = spawn(rolebookBin(), ['serve', '--root', dir, '--port', '0', '--bind', '127.0.0.1'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    serve = child;
    const timer = setTimeout(() => reject(new Error(`no "Serving" line within ${START_TIMEOUT} ms`)), START_TIMEOUT);
    const onData = (chunk) => {
      serveLog += chunk.toString();
      const m = serveLog.match(/\bat (http:\/\/127\.0\.0\.1:\d+\/\S*) /);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`rolebook serve exited (${signal || code}) before it served`));
    });
  });
}

async function stopServe() {
  if (!serve || serve.exitCode !== null || serve.signalCode !== null) return;
  const exited = new Promise((resolve) => serve.once('exit', resolve));
  serve.kill('SIGTERM');
  const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5_000))]);
  if (!done) {
    serve.kill('SIGKILL');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
  }
}

process.on('exit', () => { if (serve && serve.exitCode === null) serve.kill('SIGKILL'); });

before(async () => {
  siteDir = tempDir('subpath');
  makeSite(siteDir);
  try {
    const url = await startServe(siteDir);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/handbook\/$/, 'serve prints the sub-path');
    origin = new URL(url).origin;
  } catch (err) {
    await stopServe();
    throw new Error(`rolebook serve did not start: ${err.message}${serveLog ? `\n${serveLog.trim()}` : ''}`);
  }
  browser = await launchBrowser();
}, { timeout: 120_000 });

after(async () => {
  if (browser) await browser.close().catch(() => {});
  await stopServe();
  removeDir(siteDir);
}, { timeout: 30_000 });

/** A fresh page whose every response is recorded as { url, status }. */
async function openPage(t) {
  const context = await newContext(browser);
  const watch = await watchContext(context);
  const page = await context.newPage();
  const responses = [];
  page.on('response', (res) => responses.push({ url: res.url(), status: res.status() }));
  t.after(() => context.close().catch(() => {}));
  return { page, watch, responses };
}

/** The URL without its fragment; `null` for other origins and non-pages. */
function pageUrl(href) {
  const u = new URL(href);
  if (u.origin !== origin) return null;
  u.hash = '';
  if (/\.(xml|txt|css|js|svg|png|json)$/.test(u.pathname)) return null;
  return u.href;
}

describe('serve under a sub-path', { timeout: 300_000 }, () => {
  test('the server root redirects to the sub-path', async (t) => {
    const { page, watch } = await openPage(t);
    const res = await page.goto(`${origin}/`);
    assert.equal(res.status(), 200);
    assert.equal(new URL(page.url()).pathname, BASE);
    assert.equal(await page.locator('meta[name="rolebook-root"]').getAttribute('content'), BASE);
    assert.deepEqual(watch.problems(), []);
  });

  test('every page reached by following links, and all it loads, answers 200 under the sub-path', async (t) => {
    const { page, watch, responses } = await openPage(t);
    // The walk opens pages faster than the server notices closed
    // live-reload streams (it checks every 15 s): answer them here.
    await page.route(/\/__rolebook\/events/, (route) => route.fulfill({ status: 204, body: '' }));
    const queue = [`${origin}${BASE}`];
    const seen = new Set(queue);
    let visited = 0;
    while (queue.length) {
      const url = queue.shift();
      visited += 1;
      assert.ok(visited <= MAX_PAGES, `more than ${MAX_PAGES} pages: a link loop?`);
      const res = await page.goto(url, { waitUntil: 'load' });
      assert.equal(res.status(), 200, url);
      const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.href));
      for (const href of hrefs) {
        const next = pageUrl(href);
        if (next && !seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
    assert.ok(visited > 40, `only ${visited} pages reached`);
    const paths = [...seen].map((u) => new URL(u).pathname);
    for (const p of ['/handbook/practice/decision-authority/', '/handbook/team/roadmap/', '/handbook/print/', '/handbook/role/po/']) {
      assert.ok(paths.includes(p), `${p} not reached`);
    }
    const outside = paths.filter((p) => !p.startsWith(BASE));
    assert.deepEqual(outside, [], 'links that leave the sub-path');
    const bad = responses.filter((r) => r.status !== 200 && !r.url.includes('/__rolebook/'));
    assert.deepEqual(bad, [], 'responses other than 200');
    const assets = responses.filter((r) => /\.(css|js|svg)$/.test(new URL(r.url).pathname));
    assert.ok(assets.some((r) => r.url.includes('/handbook/css/handbook.css')), 'the theme stylesheet');
    assert.ok(assets.some((r) => r.url.includes('/handbook/js/mermaid/mermaid.min.js')), 'the diagram script');
    assert.ok(assets.every((r) => new URL(r.url).pathname.startsWith(BASE)), 'assets outside the sub-path');
    assert.deepEqual(watch.problems(), []);
  });

  test('search loads its index under the sub-path and opens a result', async (t) => {
    const { page, watch, responses } = await openPage(t);
    await page.goto(`${origin}${BASE}roles/comparison/`);
    await page.locator('.search-button').click();
    await page.locator('#search-input').fill('refinement');
    const result = page.locator('#search-results a.search-result').first();
    await result.waitFor({ state: 'visible' });
    const searchFiles = responses.filter((r) => new URL(r.url).pathname.startsWith(`${BASE}search/`));
    assert.ok(searchFiles.length > 0, 'no search file loaded');
    assert.ok(searchFiles.every((r) => r.status === 200), JSON.stringify(searchFiles));
    await result.click();
    await waitFor(async () => new URL(page.url()).pathname.startsWith(`${BASE}practice/`) || /refinement/i.test(page.url()),
      { message: 'the result page opened' });
    assert.ok(new URL(page.url()).pathname.startsWith(BASE));
    assert.deepEqual(watch.problems(), []);
  });

  test('a page edited on disk reloads by itself under the sub-path', async (t) => {
    const { page } = await openPage(t);
    await page.goto(`${origin}${BASE}reference/faq/`);
    const file = path.join(siteDir, 'content', 'reference', 'faq.md');
    const before = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, `${before.trimEnd()}\n\nA line added while the page was open.\n`);
    await waitFor(async () => (await page.locator('.content').textContent()).includes('A line added while the page was open.'),
      { timeout: 15_000, message: 'the page to reload with the edit' });
  });

  test('an unknown path shows the site\'s 404 page, whose links work', async (t) => {
    const { page } = await openPage(t);
    for (const p of ['/no/such/page/', `${BASE}no/such/page/`]) {
      const res = await page.goto(origin + p);
      assert.equal(res.status(), 404, p);
      const home = page.locator('.site-title');
      assert.equal(await home.getAttribute('href'), BASE);
      const css = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.notEqual(css, 'rgba(0, 0, 0, 0)', 'the 404 page is styled');
    }
  });
});
