// Screenshots for people to look at: PNGs in tests/browser/out/ (ignored
// by git). Each shot is also checked for the page being wider than the
// screen, and `-full` variants show the whole page.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  OUT_DIR, buildHandbook, forceTheme, launchBrowser, newContext, removeDir,
  serveDir, settle, tempDir, watchContext,
} from './helpers.mjs';

const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 360, height: 740 };

const SHOTS = [];
for (const [name, p] of [['home', '/'], ['comparison', '/roles/comparison/'], ['roadmap', '/team/roadmap/']]) {
  SHOTS.push({ name: `${name}-desktop-light`, path: p, mode: 'light', viewport: DESKTOP });
  SHOTS.push({ name: `${name}-desktop-dark`, path: p, mode: 'dark', viewport: DESKTOP });
  SHOTS.push({ name: `${name}-phone-light`, path: p, mode: 'light', viewport: PHONE, mobile: true });
}
for (const [name, p] of [['sprints', '/team/sprints/'], ['board', '/team/board/']]) {
  SHOTS.push({ name: `${name}-desktop-light`, path: p, mode: 'light', viewport: DESKTOP });
  SHOTS.push({ name: `${name}-desktop-dark`, path: p, mode: 'dark', viewport: DESKTOP });
}
// Open widgets.
SHOTS.push({
  name: 'menu-phone-dark', path: '/roles/comparison/', mode: 'dark', viewport: PHONE, mobile: true,
  async action(page) {
    await page.locator('.menu-button').click();
    await page.locator('#sidebar a[aria-current="page"]').waitFor({ state: 'visible' });
    await page.waitForTimeout(300); // the slide-in transition
  },
});
SHOTS.push({
  name: 'search-desktop-light', path: '/roles/comparison/', mode: 'light', viewport: DESKTOP,
  async action(page) {
    await page.locator('.search-button').click();
    await page.locator('#search-input').fill('backlog refinement');
    await page.locator('#search-results a.search-result').first().waitFor({ state: 'visible' });
  },
});

let browser;
let site;
let dir;

before(async () => {
  dir = tempDir('shots');
  buildHandbook(dir);
  site = await serveDir(dir);
  browser = await launchBrowser();
  fs.mkdirSync(OUT_DIR, { recursive: true });
}, { timeout: 180_000 });

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (site) await site.close();
  removeDir(dir);
}, { timeout: 30_000 });

describe('screenshots', { timeout: 180_000 }, () => {
  for (const shot of SHOTS) {
    test(`${shot.name}.png`, async () => {
      const context = await newContext(browser, {
        viewport: shot.viewport,
        colorScheme: shot.mode,
        deviceScaleFactor: 1,
        isMobile: !!shot.mobile,
        hasTouch: !!shot.mobile,
      });
      try {
        await forceTheme(context, shot.mode);
        const watch = await watchContext(context);
        const page = await context.newPage();
        await page.goto(site.origin + shot.path);
        await settle(page);
        await page.evaluate(() => document.fonts && document.fonts.ready);
        assert.equal(await page.locator('html').getAttribute('data-theme'), shot.mode);
        if (shot.action) await shot.action(page);

        const file = path.join(OUT_DIR, `${shot.name}.png`);
        await page.screenshot({ path: file, animations: 'disabled' });
        if (!shot.action) {
          await page.screenshot({ path: path.join(OUT_DIR, `${shot.name}-full.png`), fullPage: true, animations: 'disabled' });
        }
        const png = fs.readFileSync(file);
        assert.equal(png.subarray(1, 4).toString(), 'PNG');
        assert.equal(png.readUInt32BE(16), shot.viewport.width, 'screenshot width');

        // Nothing makes the page scroll sideways.
        const wide = await page.evaluate(() => {
          const limit = document.documentElement.clientWidth;
          const overflow = document.documentElement.scrollWidth - limit;
          if (overflow <= 0) return { overflow, culprits: [] };
          // Name the widest culprits that are not inside a scrolling box.
          const out = [];
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right <= limit + 1 || r.width === 0) continue;
            let clipped = false;
            for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
              const s = getComputedStyle(p);
              if (/(auto|scroll|hidden|clip)/.test(s.overflowX)) { clipped = true; break; }
            }
            if (!clipped) out.push(`${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : ''} right=${Math.round(r.right)}`);
          }
          return { overflow, culprits: out.slice(0, 8) };
        });
        assert.ok(wide.overflow <= 0,
          `page is ${wide.overflow}px wider than the ${shot.viewport.width}px screen: ${wide.culprits.join(', ')}`);
        assert.deepEqual(watch.problems(), [], 'console errors or failed requests');
      } finally {
        await context.close().catch(() => {});
      }
    });
  }
});
