// Search over the team's data in a real browser: backlog items and
// initiatives are results with their own type badge, a search for an item
// id goes straight to the item, an item's title finds it, `?q=` opens the
// search (or the item), and the 404 page offers a search for an item id
// taken from the missing path.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  OUT_DIR, buildHandbook, launchBrowser, newContext, removeDir, serveDir, settle, tempDir, waitFor, watchContext,
} from './helpers.mjs';

let browser;
let out;
let server;

before(async () => {
  out = tempDir('search-data');
  buildHandbook(out);
  server = await serveDir(out);
  browser = await launchBrowser();
}, { timeout: 180_000 });

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (server) await server.close().catch(() => {});
  if (out) removeDir(out);
}, { timeout: 30_000 });

const ID = 'PB-119';
const TITLE = 'Hold the chosen delivery slot for 20 minutes while the customer pays';

/** Waits until the page shows item PB-119's row. */
async function onTheItem(page) {
  await waitFor(async () => new URL(page.url()).hash === '#pb-119', { message: `landed on #pb-119 (at ${page.url()})` });
  await settle(page);
  const row = page.locator('[id="pb-119"]');
  assert.ok(await row.count() > 0, `no element #pb-119 on ${page.url()}`);
  assert.match(await row.first().innerText(), /Hold the chosen delivery slot/);
}

async function searchFor(page, text) {
  await page.locator('.search-button').click();
  await page.locator('#search-input').fill(text);
  const first = page.locator('#search-results a.search-result').first();
  await first.waitFor({ state: 'visible' });
  return first;
}

describe('search over the team data', { timeout: 90_000 }, () => {
  test('an item id is the first result, badged, and Enter lands on the item', async () => {
    const context = await newContext(browser);
    const watch = await watchContext(context);
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      const first = await searchFor(page, ID.toLowerCase());
      assert.equal(await first.getAttribute('data-exact'), '');
      assert.equal(await first.locator('.search-kind').innerText(), 'Backlog item');
      assert.match(await first.locator('.search-result-title').innerText(), new RegExp(`^${ID}: ${TITLE}`));
      fs.mkdirSync(OUT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(OUT_DIR, 'search-data-id.png') });
      await page.locator('#search-input').press('Enter');
      await onTheItem(page);
      assert.deepEqual(watch.problems(), []);
    } finally {
      await context.close();
    }
  });

  test('an item title finds the item, and a click lands on it', async () => {
    const context = await newContext(browser);
    const watch = await watchContext(context);
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      await searchFor(page, 'hold the chosen delivery slot');
      const result = page.locator('#search-results a.search-result', { hasText: `${ID}: ${TITLE}` });
      await result.first().waitFor({ state: 'visible' });
      const kinds = await page.locator('#search-results .search-kind').allInnerTexts();
      assert.ok(kinds.includes('Backlog item'), `badges: ${kinds}`);
      await page.screenshot({ path: path.join(OUT_DIR, 'search-data-title.png') });
      await result.first().click();
      await onTheItem(page);
      assert.deepEqual(watch.problems(), []);
    } finally {
      await context.close();
    }
  });

  test('initiatives are results of their own type', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(server.url);
      const first = await searchFor(page, 'EP-6');
      assert.equal(await first.locator('.search-kind').innerText(), 'Initiative');
      assert.match(await first.getAttribute('href'), /\/team\/roadmap\/ep-6\/$/);
    } finally {
      await context.close();
    }
  });

  test('?q= opens the search with the query, and ?q=ID goes to the item', async () => {
    const context = await newContext(browser);
    const watch = await watchContext(context);
    try {
      const page = await context.newPage();
      await page.goto(`${server.url}?q=${encodeURIComponent('delivery slot')}`);
      await page.locator('#search-dialog[open]').waitFor({ state: 'visible' });
      assert.equal(await page.locator('#search-input').inputValue(), 'delivery slot');
      await page.locator('#search-results a.search-result').first().waitFor({ state: 'visible' });

      await page.goto(`${server.url}roles/?q=${ID}`);
      await onTheItem(page);
      assert.deepEqual(watch.problems(), []);
    } finally {
      await context.close();
    }
  });

  test('the 404 page offers a search for the missing path: an item id whole, else its words', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const res = await page.goto(`${server.url}team/backlog/pb-119/`);
      assert.equal(res.status(), 404);
      await page.locator('[data-search-open]').click();
      assert.equal(await page.locator('#search-input').inputValue(), ID);
      const first = page.locator('#search-results a.search-result').first();
      await first.waitFor({ state: 'visible' });
      assert.equal(await first.getAttribute('data-exact'), '');

      await page.goto(`${server.url}practice/backlog-refinement-old/`);
      await page.locator('[data-search-open]').click();
      assert.equal(await page.locator('#search-input').inputValue(), 'backlog refinement old');
      await page.locator('#search-results a.search-result').first().waitFor({ state: 'visible' });
    } finally {
      await context.close();
    }
  });
});
