// Live reload through `rolebook serve`: a copy of tests/fixtures/serve-basic
// (or a tiny site made here when that fixture is missing) served on a free
// port of 127.0.0.1; the test edits its files while a page is open and
// waits, bounded, for the page to change by itself, for the error overlay
// on a broken change, and for the overlay to go once the file is fixed.
//
// A binary without a `serve` command (an older build given in ROLEBOOK_BIN)
// skips these tests with the reason; a `serve` that exists but does not
// start fails them.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  REPO, launchBrowser, newContext, removeDir, rolebookBin, settle, tempDir, waitFor,
  watchContext,
} from './helpers.mjs';

const FIXTURE = path.join(REPO, 'tests', 'fixtures', 'serve-basic');
const START_TIMEOUT = 30_000;
const CHANGE_TIMEOUT = 15_000;

let siteDir;
let serve; // the child process
let serveUrl;
let serveLog = '';
let skipReason = null;
let browser;
let pagePath; // the page the tests edit, as a URL path
let pageFile; // its Markdown file

function makeSite(dir) {
  if (fs.existsSync(path.join(FIXTURE, 'rolebook.toml')) && fs.existsSync(path.join(FIXTURE, 'content', 'guide.md'))) {
    fs.cpSync(FIXTURE, dir, { recursive: true });
    pagePath = '/guide/';
    pageFile = path.join(dir, 'content', 'guide.md');
  } else {
    fs.mkdirSync(path.join(dir, 'content'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'rolebook.toml'), 'title = "Live"\nbase_url = "https://example.org/"\n');
    fs.writeFileSync(path.join(dir, 'content', '_index.md'), '+++\ntitle = "Home"\n+++\nHello\n');
    pagePath = '/';
    pageFile = path.join(dir, 'content', '_index.md');
  }
}

function writePage(text, { title = 'Guide', frontMatter } = {}) {
  const fm = frontMatter ?? `title = "${title}"\nweight = 1`;
  fs.writeFileSync(pageFile, `+++\n${fm}\n+++\n\n${text}\n`);
}

/** Starts `rolebook serve` and resolves with the URL it prints. */
function startServe(dir) {
  return new Promise((resolve, reject) => {
    let bin;
    try { bin = rolebookBin(); } catch (err) { reject(err); return; }
    const child = spawn(bin, ['serve', '--root', dir, '--port', '0', '--bind', '127.0.0.1'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    serve = child;
    const timer = setTimeout(() => {
      reject(new Error(`no "Serving ... at http://..." line within ${START_TIMEOUT} ms`));
    }, START_TIMEOUT);
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

// Never leave the server behind, even if the runner is interrupted.
process.on('exit', () => { if (serve && serve.exitCode === null) serve.kill('SIGKILL'); });

before(async () => {
  const help = spawnSync(rolebookBin(), ['--help'], { encoding: 'utf8', timeout: 10_000 });
  if (!/^\s+serve\b/m.test(help.stdout || '')) {
    skipReason = `${rolebookBin()} has no \`serve\` command`;
    return;
  }
  siteDir = tempDir('live');
  makeSite(siteDir);
  try {
    serveUrl = await startServe(siteDir);
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

/** The live-reload script's error overlay (src/serve/livereload.rs). */
const overlay = (page) => page.locator('div[role="alert"]').filter({ hasText: 'did not build' });

async function openPage(t) {
  const context = await newContext(browser);
  const watch = await watchContext(context);
  const page = await context.newPage();
  t.after(() => context.close().catch(() => {}));
  await page.goto(new URL(pagePath, serveUrl).href);
  await settle(page, 2_000);
  assert.equal(await page.locator('script[data-rolebook-live-reload]').count(), 1, 'no live-reload script on the page');
  return { page, watch };
}

describe('live reload (rolebook serve)', { timeout: 120_000 }, () => {
  test('an edited Markdown page shows its new text without a manual reload', async (t) => {
    if (skipReason) return t.skip(skipReason);
    writePage('The first live version of the page.');
    await waitFor(async () => (await (await fetch(new URL(pagePath, serveUrl), { signal: AbortSignal.timeout(3_000) })).text())
      .includes('The first live version'), { timeout: CHANGE_TIMEOUT, message: 'the server to rebuild' });
    const { page, watch } = await openPage(t);
    await page.getByText('The first live version of the page.').waitFor({ state: 'visible' });

    writePage('The second version, edited while the page was open.');
    await page.getByText('The second version, edited while the page was open.')
      .waitFor({ state: 'visible', timeout: CHANGE_TIMEOUT });
    assert.deepEqual(watch.problems(), [], 'console errors or failed requests');
  });

  test('broken front matter shows the error overlay; the fix removes it', async (t) => {
    if (skipReason) return t.skip(skipReason);
    writePage('Good text before the break.');
    const { page } = await openPage(t);
    await page.getByText('Good text before the break.').waitFor({ state: 'visible', timeout: CHANGE_TIMEOUT });

    writePage('Text that never builds.', { frontMatter: 'title = "Guide\nweight = = 1' });
    await overlay(page).waitFor({ state: 'visible', timeout: CHANGE_TIMEOUT });
    const message = await overlay(page).locator('pre').textContent();
    assert.match(message, new RegExp(path.basename(pageFile).replace('.', '\\.')), `the overlay does not name the file: ${message}`);
    // The last good version stays underneath.
    assert.equal(await page.getByText('Good text before the break.').count(), 1);

    writePage('Fixed text after the break.');
    await page.getByText('Fixed text after the break.').waitFor({ state: 'visible', timeout: CHANGE_TIMEOUT });
    assert.equal(await overlay(page).count(), 0, 'the overlay is still shown after the fix');
  });

  test('a broken template shows the error overlay; the fix removes it', async (t) => {
    if (skipReason) return t.skip(skipReason);
    writePage('Text before the template break.');
    const { page } = await openPage(t);
    await page.getByText('Text before the template break.').waitFor({ state: 'visible', timeout: CHANGE_TIMEOUT });

    const templates = path.join(siteDir, 'templates');
    fs.mkdirSync(templates, { recursive: true });
    const template = path.join(templates, 'page.html');
    t.after(() => fs.rmSync(template, { force: true }));
    fs.writeFileSync(template, '{% extends "base.html" %}\n{% block content %}{{ page.content | safe }{% endblock content %}\n');
    await overlay(page).waitFor({ state: 'visible', timeout: CHANGE_TIMEOUT });
    assert.match(await overlay(page).locator('pre').textContent(), /page\.html/, 'the overlay does not name the template');

    // The fix: a working override that marks its output.
    fs.writeFileSync(template, '{% extends "base.html" %}\n{% block content %}<p class="live-template">Template fixed.</p>{{ page.content | safe }}{% endblock content %}\n');
    await page.locator('.live-template').waitFor({ state: 'visible', timeout: CHANGE_TIMEOUT });
    assert.equal(await overlay(page).count(), 0, 'the overlay is still shown after the fix');

    // And without the override the theme's page is back.
    fs.rmSync(template);
    await page.locator('.live-template').waitFor({ state: 'detached', timeout: CHANGE_TIMEOUT });
    await page.getByText('Text before the template break.').waitFor({ state: 'visible' });
  });

  test('an edited stylesheet is swapped in without reloading the page', async (t) => {
    if (skipReason) return t.skip(skipReason);
    writePage('Text under a changing stylesheet.');
    const { page, watch } = await openPage(t);
    await page.getByText('Text under a changing stylesheet.').waitFor({ state: 'visible', timeout: CHANGE_TIMEOUT });
    // A reload would lose this.
    await page.evaluate(() => { window.rolebookKept = true; });
    const outline = () => page.evaluate(() => getComputedStyle(document.documentElement).outlineColor);

    // The site's own copy of a theme stylesheet: new, then edited.
    const css = path.join(siteDir, 'static', 'css', 'views.css');
    fs.mkdirSync(path.dirname(css), { recursive: true });
    t.after(() => fs.rmSync(css, { force: true }));
    for (const colour of ['rgb(1, 2, 3)', 'rgb(4, 5, 6)']) {
      fs.writeFileSync(css, `html { outline: 3px solid ${colour}; }\n`);
      await waitFor(async () => (await outline()) === colour,
        { timeout: CHANGE_TIMEOUT, message: `the outline to become ${colour}` });
      assert.equal(await page.evaluate(() => window.rolebookKept), true, 'the page was reloaded');
    }
    assert.deepEqual(watch.problems(), [], 'console errors or failed requests');
  });
});
