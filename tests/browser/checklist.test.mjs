// Checklists that remember: a page with `checklist = true` turns its task
// list into checkboxes; ticks survive a reload and a rebuild in which the
// list was reordered; progress text, reset, keyboard use, axe, file://
// and printing with ticks.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  OUT_DIR, launchBrowser, newContext, removeDir, rolebookBin, serveDir, settle, tempDir, waitFor, watchContext,
} from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core');

const CONFIG = 'title = "Checklist test"\nbase_url = "/"\n';
const HOME = '+++\ntitle = "Home"\n+++\nSee the [launch checklist](@/launch.md).\n';
const ITEMS = [
  'Book the launch review',
  'Write the release notes',
  'Tell customer service',
  'Switch the feature flag on',
  'Write the release notes',
];

// A plan written as a table: its rows with a "Task" get checkboxes.
const PLAN = '+++\ntitle = "Plan"\nchecklist = true\n+++\n\n| By day | Task | Owner |\n|---|---|---|\n| 5 | Meet the team | You |\n| 10 | Read the backlog | You |\n\n| Signal | Meaning |\n|---|---|\n| Quiet | Ask |\n';

function launchPage(items) {
  const list = items.map((t) => `- [ ] ${t}`).join('\n');
  return `+++\ntitle = "Launch checklist"\nchecklist = true\n+++\n\n## Before launch\n\n${list}\n\n## After launch\n\n- [x] Watch the dashboards for a day\n`;
}

function build(site, out, extra = []) {
  const res = spawnSync(rolebookBin(), ['build', '--root', site, '-o', out, ...extra], {
    encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL',
  });
  assert.equal(res.status, 0, `build failed:\n${res.stdout}${res.stderr}`);
}

let browser;
let server;
let site;
let out;

before(async () => {
  site = tempDir('checklist-site');
  out = tempDir('checklist-out');
  fs.mkdirSync(path.join(site, 'content'), { recursive: true });
  fs.writeFileSync(path.join(site, 'rolebook.toml'), CONFIG);
  fs.writeFileSync(path.join(site, 'content', '_index.md'), HOME);
  fs.writeFileSync(path.join(site, 'content', 'launch.md'), launchPage(ITEMS));
  fs.writeFileSync(path.join(site, 'content', 'plan.md'), PLAN);
  fs.writeFileSync(path.join(site, 'content', 'plain.md'), '+++\ntitle = "Plain"\n+++\n- [ ] not a checklist page\n');
  build(site, out);
  server = await serveDir(out);
  browser = await launchBrowser();
}, { timeout: 120_000 });

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (server) await server.close();
  removeDir(site);
  removeDir(out);
}, { timeout: 30_000 });

/** The label and ticked state of every checkbox, in page order. */
async function state(page) {
  return page.locator('.content input[type=checkbox]').evaluateAll((boxes) =>
    boxes.map((b) => [b.getAttribute('aria-label'), b.checked]));
}

function box(page, label, nth = 0) {
  return page.locator(`.content input[type=checkbox][aria-label="${label}"]`).nth(nth);
}

describe('checklists that remember', { timeout: 120_000 }, () => {
  test('ticks persist across a reload and a rebuild that reorders the list', async () => {
    const context = await newContext(browser);
    const watch = await watchContext(context);
    try {
      const page = await context.newPage();
      await page.goto(`${server.origin}/launch/`);
      await settle(page);
      assert.equal(await page.locator('.checklist-progress').textContent(), '1 of 6 done');
      await box(page, 'Write the release notes', 1).check();
      await box(page, 'Tell customer service').check();
      assert.equal(await page.locator('.checklist-progress').textContent(), '3 of 6 done');

      await page.reload();
      await settle(page);
      assert.deepEqual(await state(page), [
        ['Book the launch review', false],
        ['Write the release notes', false],
        ['Tell customer service', true],
        ['Switch the feature flag on', false],
        ['Write the release notes', true],
        ['Watch the dashboards for a day', true],
      ]);

      // The writer moves items around and edits one that is not ticked.
      const reordered = [
        'Switch the feature flag on',
        'Tell customer service',
        'Book the launch review with the squad',
        'Write the release notes',
        'Write the release notes',
      ];
      fs.writeFileSync(path.join(site, 'content', 'launch.md'), launchPage(reordered));
      build(site, out);
      await page.reload();
      await settle(page);
      assert.deepEqual(await state(page), [
        ['Switch the feature flag on', false],
        ['Tell customer service', true],
        ['Book the launch review with the squad', false],
        ['Write the release notes', false],
        ['Write the release notes', true],
        ['Watch the dashboards for a day', true],
      ]);
      assert.equal(await page.locator('.checklist-progress').textContent(), '3 of 6 done');

      // Reset clears this page's ticks, back to what the source says.
      await page.locator('.checklist-reset').click();
      assert.equal(await page.locator('.checklist-progress').textContent(), '1 of 6 done');
      await page.reload();
      await settle(page);
      assert.equal(await page.locator('.checklist-progress').textContent(), '1 of 6 done');
      assert.equal(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('rolebook-checklist:')).length), 0);
      assert.deepEqual(watch.problems(), []);
      fs.writeFileSync(path.join(site, 'content', 'launch.md'), launchPage(ITEMS));
      build(site, out);
    } finally {
      await context.close().catch(() => {});
    }
  });

  test('keyboard: Tab reaches the boxes and Space ticks them', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${server.origin}/launch/`);
      await settle(page);
      await box(page, 'Book the launch review').focus();
      await page.keyboard.press('Space');
      assert.equal(await box(page, 'Book the launch review').isChecked(), true);
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement.getAttribute('aria-label'));
      assert.equal(focused, 'Write the release notes');
      await page.keyboard.press('Space');
      assert.equal(await page.locator('.checklist-progress').textContent(), '3 of 6 done');
      // The reset button is a button: Enter works.
      await page.locator('.checklist-reset').focus();
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('.checklist-progress').textContent(), '1 of 6 done');
    } finally {
      await context.close().catch(() => {});
    }
  });

  test('axe finds no violations on a checklist page, ticked or not', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${server.origin}/launch/`);
      await settle(page);
      await box(page, 'Tell customer service').check();
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`);
      });
      assert.deepEqual(violations, []);
    } finally {
      await context.close().catch(() => {});
    }
  });

  test('printing shows the ticks', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${server.origin}/launch/`);
      await settle(page);
      await box(page, 'Tell customer service').check();
      await page.emulateMedia({ media: 'print' });
      assert.equal(await box(page, 'Tell customer service').isVisible(), true);
      assert.equal(await box(page, 'Tell customer service').getAttribute('checked'), '');
      assert.equal(await page.locator('.checklist-reset').isVisible(), false);
      fs.mkdirSync(OUT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(OUT_DIR, 'checklist-print.png'), fullPage: true });
    } finally {
      await context.close().catch(() => {});
    }
  });

  test('tables with a Task column get a checkbox per row, labelled by the task', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${server.origin}/plan/`);
      await settle(page);
      assert.deepEqual(await state(page), [['Meet the team', false], ['Read the backlog', false]]);
      assert.equal(await page.locator('.checklist-progress').textContent(), '0 of 2 done');
      await box(page, 'Read the backlog').check();
      await page.reload();
      await settle(page);
      assert.deepEqual(await state(page), [['Meet the team', false], ['Read the backlog', true]]);
      assert.equal(await page.locator('.checklist-progress').textContent(), '1 of 2 done');
      // The table without a Task column is left as it is.
      assert.equal(await page.locator('table').nth(1).locator('input').count(), 0);
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        // eslint-disable-next-line no-undef
        const r = await axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(' | ')}`);
      });
      assert.deepEqual(violations, []);
    } finally {
      await context.close().catch(() => {});
    }
  });

  test('pages without `checklist = true` keep plain task lists and load no script', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${server.origin}/plain/`);
      await settle(page);
      assert.equal(await page.locator('.content input[type=checkbox]').isDisabled(), true);
      assert.equal(await page.locator('.checklist-progress').count(), 0);
      assert.equal(await page.locator('script[src*="checklist"]').count(), 0);
    } finally {
      await context.close().catch(() => {});
    }
  });

  test('works from file:// with relative links', async () => {
    const disk = tempDir('checklist-file');
    const context = await newContext(browser);
    try {
      build(site, disk, ['--relative-links']);
      const page = await context.newPage();
      const url = pathToFileURL(path.join(disk, 'launch', 'index.html')).href;
      await page.goto(url);
      await page.waitForLoadState('load');
      await box(page, 'Switch the feature flag on').check();
      // The browser commits storage in the background, and a file:// tab
      // may not hear of another's writes: open the file afresh in another
      // tab until it sees the tick, then reload.
      const other = await context.newPage();
      await waitFor(async () => {
        await other.goto(url);
        return (await other.evaluate(() => Object.values(localStorage).join())).includes('switch-the-feature-flag-on');
      }, { message: 'the tick to reach storage', timeout: 30_000, interval: 250 });
      await other.close();
      await page.reload();
      await page.waitForLoadState('load');
      // On a busy machine the reloaded page may read storage a moment late.
      await waitFor(async () => box(page, 'Switch the feature flag on').isChecked(),
        { message: 'the tick after a reload from file://' });
      assert.equal(await page.locator('.checklist-progress').textContent(), '2 of 6 done');
    } finally {
      await context.close().catch(() => {});
      removeDir(disk);
    }
  });
});
