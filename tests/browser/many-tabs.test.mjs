// More open pages than `rolebook serve` keeps live-reload connections for:
// serve runs with 128 file descriptors (`ulimit -n`), which leaves it a
// pool of 8 streams; 12 pages are opened, each in a context of its own (a
// browser keeps at most six connections per host within one). A newer
// stream closes the oldest, whose EventSource reconnects with the id of
// the last event it saw; after an edit every page must show the new text.
// Everything runs on 127.0.0.1, bounded in count and time.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  REPO, launchBrowser, newContext, removeDir, rolebookBin, settle, tempDir, waitFor,
} from './helpers.mjs';

const FIXTURE = path.join(REPO, 'tests', 'fixtures', 'serve-basic');
const PAGES = 12;
const POOL = 8;

let siteDir;
let serve;
let serveUrl;
let serveLog = '';
let browser;

function startServe(dir) {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', 'ulimit -n 128 && exec "$0" serve --port 0 --bind 127.0.0.1', rolebookBin()], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    serve = child;
    const timer = setTimeout(() => reject(new Error('serve did not start in 30 s')), 30_000);
    const onData = (chunk) => {
      serveLog += chunk.toString();
      const m = serveLog.match(/\bat (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`rolebook serve exited (${signal || code}) before it served`));
    });
  });
}

process.on('exit', () => { if (serve && serve.exitCode === null) serve.kill('SIGKILL'); });

const status = async () => (await fetch(new URL('/__rolebook/status', serveUrl), { signal: AbortSignal.timeout(3_000) })).json();

before(async () => {
  siteDir = tempDir('tabs');
  fs.cpSync(FIXTURE, siteDir, { recursive: true });
  serveUrl = await startServe(siteDir);
  browser = await launchBrowser();
}, { timeout: 90_000 });

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (serve && serve.exitCode === null) serve.kill('SIGKILL');
  removeDir(siteDir);
}, { timeout: 30_000 });

describe('live reload with more pages than kept connections', { timeout: 120_000 }, () => {
  test(`${PAGES} open pages all reload after an edit`, async (t) => {
    const pages = [];
    for (let i = 0; i < PAGES; i += 1) {
      const context = await newContext(browser);
      t.after(() => context.close().catch(() => {}));
      const page = await context.newPage();
      await page.goto(new URL('/guide/', serveUrl).href);
      await settle(page, 1_000);
      pages.push(page);
    }
    // The pool is full: some pages were closed on and came back.
    await waitFor(async () => (await status()).streams === POOL,
      { timeout: 15_000, message: `${POOL} open streams` });

    fs.writeFileSync(path.join(siteDir, 'content', 'guide.md'),
      '+++\ntitle = "Guide"\nweight = 1\n+++\n\nSeen in every one of the open pages.\n');
    for (const [i, page] of pages.entries()) {
      await page.getByText('Seen in every one of the open pages.')
        .waitFor({ state: 'visible', timeout: 20_000 })
        .catch((err) => { throw new Error(`page ${i} did not reload: ${err.message}\n${serveLog}`); });
    }
    const after = await status();
    assert.equal(after.error, null);
    assert.ok(after.streams <= POOL, `${after.streams} streams open`);
  });
});
