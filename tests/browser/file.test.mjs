// The handbook opened from disk: built with --relative-links, every link is
// relative and ends in index.html, and search loads its index with script
// tags, so the site works from file:// with no server (a handbook handed
// over as a zip).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildHandbook, launchBrowser, newContext, removeDir, tempDir, waitFor, watchContext } from './helpers.mjs';

let browser;
let out;

before(async () => {
  out = tempDir('file');
  buildHandbook(out, { extraArgs: ['--relative-links'] });
  browser = await launchBrowser();
}, { timeout: 180_000 });

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (out) removeDir(out);
}, { timeout: 30_000 });

describe('from file://', { timeout: 60_000 }, () => {
  test('pages, navigation and search work with no server', async () => {
    const context = await newContext(browser);
    const watch = await watchContext(context);
    try {
      const page = await context.newPage();
      await page.goto(pathToFileURL(path.join(out, 'index.html')).href);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'the stylesheet did not load');
      const hrefs = await page.locator('#sidebar a.nav-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(hrefs.length > 3, 'sidebar links');
      for (const href of hrefs) {
        assert.ok(!href.startsWith('/') && href.endsWith('index.html'), `not a relative file link: ${href}`);
      }
      await page.locator('#sidebar a.nav-link').first().click();
      await page.waitForLoadState('load');
      assert.match(page.url(), /^file:.*\/index\.html$/);
      assert.ok(await page.locator('h1').first().isVisible(), 'no heading after navigating');

      await page.locator('.search-button').click();
      await page.locator('#search-input').fill('refinement');
      const result = page.locator('#search-results a.search-result').first();
      await result.waitFor({ state: 'visible' });
      const href = await result.getAttribute('href');
      assert.ok(href.includes('index.html'), `search result link is not a file link: ${href}`);
      await result.click();
      await waitFor(async () => /refinement/i.test(decodeURIComponent(page.url())), { message: 'result page opened' });
      assert.deepEqual(watch.problems(), []);
    } finally {
      await context.close();
    }
  });
});
