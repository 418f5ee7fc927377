// The sidebar of a big site: a generated site of 340 pages and sections
// (over the default `sidebar_full_limit` of 300) whose pages carry only
// the sections above them, the whole tree being one navigation script.
// With JavaScript the sidebar shows the whole tree, the current page
// marked and its branch open, toggles work from the keyboard, axe finds
// nothing and the console stays clean; without it the sections above the
// page and the site map let a reader move around. The same holds under a
// base path, from file:// with relative links, and under `rolebook serve`,
// where an edited title shows in every open page.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { HtmlValidate, StaticConfigLoader } from 'html-validate';
import {
  OUT_DIR, REPO, buildHandbook, launchBrowser, newContext, removeDir, rolebookBin, serveDir, settle, tempDir,
  waitFor, watchContext,
} from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core');

const SECTIONS = 6;
const PER_SECTION = 55;

let siteDir;
let outDir;
let baseDir;
let relDir;
let site;
let based;
let browser;

/** Writes the generated site: About, six sections of 55 pages, and a
 * subsection of three pages in section 2. Even pages are for the PO. */
function makeSite(dir) {
  const write = (rel, text) => {
    const file = path.join(dir, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  const front = (title, weight, extra = '') => `+++\ntitle = "${title}"\nweight = ${weight}\n${extra}+++\n\nText of ${title}.\n\n## Details\n\nMore text.\n`;
  write('rolebook.toml', 'title = "Big handbook"\n');
  write('content/_index.md', '+++\ntitle = "Home"\n+++\n\nWelcome.\n');
  write('content/about.md', front('About', 1));
  for (let s = 1; s <= SECTIONS; s++) {
    write(`content/s${s}/_index.md`, front(`Section ${s}`, s + 1));
    for (let p = 1; p <= PER_SECTION; p++) {
      const pad = String(p).padStart(2, '0');
      write(`content/s${s}/p${pad}.md`, front(`Page ${s}.${p}`, p, p % 2 === 0 ? 'roles = "po"\n' : ''));
    }
  }
  write('content/s2/deep/_index.md', front('Deep', 90));
  for (let d = 1; d <= 3; d++) write(`content/s2/deep/d${d}.md`, front(`Deep ${d}`, d));
}

/** Every page's URL path below home, in sidebar order. */
function allPaths() {
  const out = ['about/'];
  for (let s = 1; s <= SECTIONS; s++) {
    out.push(`s${s}/`);
    for (let p = 1; p <= PER_SECTION; p++) out.push(`s${s}/p${String(p).padStart(2, '0')}/`);
    if (s === 2) out.push('s2/deep/', 's2/deep/d1/', 's2/deep/d2/', 's2/deep/d3/');
  }
  return out;
}

before(async () => {
  siteDir = tempDir('nav-site');
  makeSite(siteDir);
  outDir = tempDir('nav-out');
  buildHandbook(outDir, { root: siteDir });
  baseDir = tempDir('nav-base');
  buildHandbook(baseDir, { root: siteDir, baseUrl: 'https://x.org/docs/' });
  relDir = tempDir('nav-rel');
  buildHandbook(relDir, { root: siteDir, extraArgs: ['--relative-links'] });
  site = await serveDir(outDir);
  based = await serveDir(baseDir, { prefix: '/docs/' });
  browser = await launchBrowser();
}, { timeout: 180_000 });

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (site) await site.close();
  if (based) await based.close();
  for (const dir of [siteDir, outDir, baseDir, relDir]) removeDir(dir);
}, { timeout: 30_000 });

/** What the sidebar shows: top-level entries, the current link, open sections. */
async function sidebarState(page) {
  return page.evaluate(() => {
    const side = document.getElementById('sidebar');
    const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
    return {
      top: [...side.querySelectorAll('.nav-depth-0 > .nav-item > .nav-row > .nav-link')].map((a) => a.textContent),
      current: [...side.querySelectorAll('[aria-current="page"]')].map((a) => a.getAttribute('href')),
      open: [...side.querySelectorAll('.nav-toggle[aria-expanded="true"]')].map((b) => b.closest('.nav-row').querySelector('.nav-link').textContent),
      shown: [...side.querySelectorAll('.nav-link')].filter(visible).map((a) => a.textContent),
      siteMap: [...side.querySelectorAll('.nav-site-map a')].map((a) => a.getAttribute('href')),
    };
  });
}

async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
  });
}

const TOP = ['About', ...Array.from({ length: SECTIONS }, (_, i) => `Section ${i + 1}`)];

describe('big site sidebar with JavaScript', { timeout: 120_000 }, () => {
  test('the whole tree, the current page marked and its branch open', async () => {
    const context = await newContext(browser);
    const watch = await watchContext(context);
    try {
      const page = await context.newPage();
      await page.goto(`${site.origin}/s2/deep/d2/`);
      await settle(page);
      const state = await sidebarState(page);
      assert.deepEqual(state.top, TOP);
      assert.deepEqual(state.current, ['/s2/deep/d2/']);
      assert.deepEqual(state.open, ['Section 2', 'Deep']);
      // Section 2's pages and the subsection's are shown; no other section's.
      assert.ok(state.shown.includes('Page 2.55') && state.shown.includes('Deep 3'), state.shown.join(', '));
      assert.ok(!state.shown.includes('Page 1.1') && !state.shown.includes('Page 3.1'));
      assert.deepEqual(state.siteMap, ['/site-map/']);
      fs.mkdirSync(OUT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(OUT_DIR, 'nav-big-site.png') });
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(watch.problems(), []);
    } finally {
      await context.close().catch(() => {});
    }
  });

  test('a closed branch opens and closes from the keyboard', async () => {
    const context = await newContext(browser);
    const watch = await watchContext(context);
    try {
      const page = await context.newPage();
      await page.goto(`${site.origin}/s3/p07/`);
      await settle(page);
      const toggle = page.locator('#sidebar .nav-toggle[aria-controls="nav-5"]');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      assert.equal(await page.locator('#nav-5 .nav-link').count(), 0, 'built when first opened');
      // Tab from Section 4's link reaches its toggle; Enter opens it.
      await page.locator('#sidebar .nav-link', { hasText: /^Section 4$/ }).focus();
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-controls')), 'nav-5');
      await page.keyboard.press('Enter');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      assert.equal(await page.locator('#nav-5 .nav-link').count(), PER_SECTION);
      assert.ok(await page.locator('#nav-5').isVisible());
      // The next Tab goes into the branch just opened.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Page 4.1');
      await page.keyboard.press('Shift+Tab');
      await page.keyboard.press('Space');
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      assert.ok(!(await page.locator('#nav-5').isVisible()));
      // Opening again keeps one copy of the pages.
      await page.keyboard.press('Enter');
      assert.equal(await page.locator('#nav-5 .nav-link').count(), PER_SECTION);
      // Enter on a link goes there, with that page marked.
      await page.locator('#nav-5 .nav-link', { hasText: /^Page 4.9$/ }).focus();
      await page.keyboard.press('Enter');
      await page.waitForURL(`${site.origin}/s4/p09/`);
      await settle(page);
      assert.deepEqual((await sidebarState(page)).current, ['/s4/p09/']);
      assert.deepEqual(watch.problems(), []);
    } finally {
      await context.close().catch(() => {});
    }
  });

  test('the role filter hides the other role\'s pages in the built tree', async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await page.goto(`${site.origin}/s1/p03/`);
      await settle(page);
      await page.selectOption('#role-filter', 'pm');
      const shown = (await sidebarState(page)).shown;
      assert.ok(shown.includes('Page 1.3') && !shown.includes('Page 1.4'), shown.join(', '));
    } finally {
      await context.close().catch(() => {});
    }
  });

  test('under a base path, links keep the base and work', async () => {
    const context = await newContext(browser);
    const watch = await watchContext(context);
    try {
      const page = await context.newPage();
      await page.goto(`${based.origin}/docs/s1/p02/`);
      await settle(page);
      const state = await sidebarState(page);
      assert.deepEqual(state.top, TOP);
      assert.deepEqual(state.current, ['/docs/s1/p02/']);
      await page.locator('#sidebar .nav-link', { hasText: /^Page 1.3$/ }).click();
      await page.waitForURL(`${based.origin}/docs/s1/p03/`);
      await settle(page);
      assert.deepEqual((await sidebarState(page)).current, ['/docs/s1/p03/']);
      assert.deepEqual(watch.problems(), []);
    } finally {
      await context.close().catch(() => {});
    }
  });

  test('from file:// with relative links, the tree loads too', async () => {
    const context = await newContext(browser);
    const watch = await watchContext(context);
    try {
      const page = await context.newPage();
      await page.goto(pathToFileURL(path.join(relDir, 's2', 'p10', 'index.html')).href);
      await page.waitForLoadState('load');
      const state = await sidebarState(page);
      assert.deepEqual(state.top, TOP);
      assert.deepEqual(state.current, ['../../s2/p10/index.html']);
      assert.deepEqual(state.open, ['Section 2']);
      await page.locator('#sidebar .nav-link', { hasText: /^Section 5$/ }).click();
      await page.waitForURL(pathToFileURL(path.join(relDir, 's5', 'index.html')).href);
      assert.deepEqual(watch.problems(), []);
    } finally {
      await context.close().catch(() => {});
    }
  });
});

describe('big site markup', { timeout: 120_000 }, () => {
  test('pages with the short sidebar and the site map are valid HTML', async () => {
    const config = JSON.parse(fs.readFileSync(path.join(REPO, '.htmlvalidate.json'), 'utf8'));
    const validator = new HtmlValidate(new StaticConfigLoader(config));
    const errors = [];
    for (const rel of ['index.html', 's2/deep/d2/index.html', 's4/index.html', 'site-map/index.html', '404.html', 'tags/index.html']) {
      const file = path.join(outDir, rel);
      if (!fs.existsSync(file)) continue;
      const report = await validator.validateFile(file);
      for (const m of report.results.flatMap((r) => r.messages)) {
        if (m.severity === 2) errors.push(`${rel}:${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
      }
    }
    assert.deepEqual(errors, []);
  });
});

describe('big site without JavaScript', { timeout: 120_000 }, () => {
  test('the sections above the page and the site map let a reader move around', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const watch = await watchContext(context);
    try {
      const page = await context.newPage();
      await page.goto(`${site.origin}/s2/deep/d2/`);
      await settle(page);
      const state = await sidebarState(page);
      assert.deepEqual(state.shown, ['Section 2', 'Deep', 'Site map']);
      assert.ok(await page.locator('.breadcrumbs a', { hasText: 'Deep' }).isVisible());
      fs.mkdirSync(OUT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(OUT_DIR, 'nav-big-site-no-js.png') });
      await page.locator('#sidebar a', { hasText: 'Site map' }).click();
      await page.waitForURL(`${site.origin}/site-map/`);
      await settle(page);
      const listed = await page.$$eval('.site-map a', (links) => links.map((a) => a.getAttribute('href')));
      assert.deepEqual(listed, allPaths().map((p) => `/${p}`));
      await page.screenshot({ path: path.join(OUT_DIR, 'nav-site-map-no-js.png') });
      await page.locator('.site-map a', { hasText: /^Page 5.40$/ }).click();
      await page.waitForURL(`${site.origin}/s5/p40/`);
      await settle(page);
      assert.deepEqual((await sidebarState(page)).shown, ['Section 5', 'Site map']);
      // The section lists its pages.
      await page.locator('#sidebar a', { hasText: 'Section 5' }).click();
      await page.waitForURL(`${site.origin}/s5/`);
      assert.equal(await page.locator('.article a', { hasText: /^Page 5.1$/ }).count(), 1);
      assert.deepEqual(watch.problems(), []);
    } finally {
      await context.close().catch(() => {});
    }
  });

  test('the site map page is accessible', async () => {
    const context = await newContext(browser);
    const watch = await watchContext(context);
    try {
      const page = await context.newPage();
      await page.goto(`${site.origin}/site-map/`);
      await settle(page);
      assert.deepEqual(await axeViolations(page), []);
      assert.deepEqual(watch.problems(), []);
    } finally {
      await context.close().catch(() => {});
    }
  });
});

describe('big site under rolebook serve', { timeout: 120_000 }, () => {
  let serveDirPath;
  let child;
  let log = '';

  before(async () => {
    serveDirPath = tempDir('nav-serve');
    makeSite(serveDirPath);
    child = spawn(rolebookBin(), ['serve', '--root', serveDirPath, '--port', '0'], {
      cwd: serveDirPath,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    child.stdout.on('data', (c) => { log += c; });
    child.stderr.on('data', (c) => { log += c; });
    await waitFor(() => /http:\/\/127\.0\.0\.1:\d+\//.test(log), { timeout: 60_000, message: `serve to start:\n${log}` });
  }, { timeout: 90_000 });

  after(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    removeDir(serveDirPath);
  }, { timeout: 30_000 });

  test('a title edited in another section shows in the open page\'s sidebar', async () => {
    const origin = log.match(/(http:\/\/127\.0\.0\.1:\d+)\//)[1];
    const context = await newContext(browser);
    const watch = await watchContext(context);
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/s3/p07/`);
      await settle(page, 1_000);
      assert.deepEqual((await sidebarState(page)).current, ['/s3/p07/']);
      // Section 5 is closed here: this page's own HTML does not name its pages.
      fs.writeFileSync(path.join(serveDirPath, 'content', 's5', 'p02.md'),
        '+++\ntitle = "Renamed while open"\nweight = 2\n+++\n\nNew text.\n');
      await waitFor(async () => {
        await page.waitForLoadState('load');
        return page.evaluate(() => JSON.stringify(window.rolebookNav || []).includes('Renamed while open'));
      }, { timeout: 20_000, message: 'the page to reload with the new tree' });
      await page.locator('#sidebar .nav-link', { hasText: /^Section 5$/ }).focus();
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');
      const shown = (await sidebarState(page)).shown;
      assert.ok(shown.includes('Renamed while open') && !shown.includes('Page 5.2'), shown.join(', '));
      assert.deepEqual((await sidebarState(page)).current, ['/s3/p07/']);
      assert.deepEqual(watch.problems(), []);
    } finally {
      await context.close().catch(() => {});
    }
  });
});
