// The handbook theme in a real browser: clean page loads, sidebar, search,
// colour theme, copy buttons, phone menu, role filter, print page and a
// sub-path deploy. Builds the repository's own handbook with the real
// binary into temporary folders and serves them from 127.0.0.1.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildHandbook, forceTheme, launchBrowser, newContext, removeDir, serveDir,
  settle, tempDir, waitFor, watchContext,
} from './helpers.mjs';

const PAGES = ['/', '/roles/comparison/', '/team/roadmap/'];

let browser;
let site; // served at /
let sub; // served at /sub/, built with that base_url
let dirs = [];

before(async () => {
  const out = tempDir('site');
  const subOut = tempDir('sub');
  dirs = [out, subOut];
  buildHandbook(out);
  site = await serveDir(out);
  // The sub-path build needs the port, so its server starts first.
  sub = await serveDir(subOut, { prefix: '/sub/' });
  buildHandbook(subOut, { baseUrl: `${sub.origin}/sub/` });
  browser = await launchBrowser();
}, { timeout: 180_000 });

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (site) await site.close();
  if (sub) await sub.close();
  dirs.forEach(removeDir);
}, { timeout: 30_000 });

/** Runs `fn(page, watch, context)` in a fresh context; closes it after. */
async function withPage(options, fn) {
  const { theme, ...contextOptions } = options || {};
  const context = await newContext(browser, contextOptions);
  try {
    if (theme) await forceTheme(context, theme);
    const watch = await watchContext(context);
    const page = await context.newPage();
    return await fn(page, watch, context);
  } finally {
    await context.close().catch(() => {});
  }
}

function assertClean(watch, what) {
  const problems = watch.problems();
  assert.deepEqual(problems, [], `${what}:\n  ${problems.join('\n  ')}`);
}

const bg = (page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);

/** Relative luminance of an "rgb(r, g, b)" colour. */
function luminance(rgb) {
  const [r, g, b] = rgb.match(/[\d.]+/g).slice(0, 3).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

describe('page loads', { timeout: 60_000 }, () => {
  for (const path of PAGES) {
    test(`${path} loads with no console error, failed request or other host`, async () => {
      await withPage({}, async (page, watch) => {
        const res = await page.goto(site.origin + path);
        assert.equal(res.status(), 200);
        await settle(page);
        await page.locator('h1').first().waitFor({ state: 'visible' });
        // The theme script ran (it adds copy buttons, sets data-mode...).
        assert.equal(await page.locator('.theme-toggle[data-mode]').count(), 1, 'theme script did not run');
        // Every stylesheet loaded and has rules.
        const sheets = await page.evaluate(() => [...document.styleSheets].map((s) => {
          try { return { href: s.href, rules: s.cssRules.length }; } catch (e) { return { href: s.href, rules: -1 }; }
        }));
        assert.ok(sheets.length >= 1, 'no stylesheet');
        for (const s of sheets) assert.ok(s.rules > 0, `stylesheet ${s.href} is empty or unreadable`);
        assertClean(watch, `problems on ${path}`);
      });
    });
  }

  test('every same-site link and asset on those pages resolves', async () => {
    const targets = new Set();
    await withPage({}, async (page) => {
      for (const path of PAGES) {
        await page.goto(site.origin + path);
        const urls = await page.evaluate(() => [
          ...[...document.querySelectorAll('a[href]')].map((a) => a.href),
          ...[...document.querySelectorAll('link[href]:not([rel="canonical"])')].map((l) => l.href),
          ...[...document.querySelectorAll('script[src], img[src]')].map((s) => s.src),
        ]);
        for (const u of urls) {
          const url = new URL(u);
          if (url.origin === site.origin) { url.hash = ''; targets.add(url.href); }
        }
      }
    });
    assert.ok(targets.size > 20, `only ${targets.size} links found`);
    const broken = [];
    for (const url of targets) {
      const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      if (res.status !== 200) broken.push(`${res.status} ${url}`);
    }
    assert.deepEqual(broken, [], `broken links:\n  ${broken.join('\n  ')}`);
  });

  test('an unknown path shows the theme 404 page', async () => {
    await withPage({}, async (page) => {
      const res = await page.goto(site.origin + '/no/such/page/');
      assert.equal(res.status(), 404);
      await page.getByRole('heading', { level: 1, name: 'Page not found' }).waitFor();
    });
  });
});

describe('navigation and search', { timeout: 60_000 }, () => {
  test('a sidebar link opens its page', async () => {
    await withPage({}, async (page, watch) => {
      await page.goto(site.origin + '/');
      const sidebar = page.locator('#sidebar');
      await sidebar.waitFor({ state: 'visible' });
      const target = sidebar.locator('a.nav-link[href="/roles/comparison/"]');
      if (!(await target.isVisible())) {
        // The branch is closed on the home page: open it with its toggle.
        const toggle = sidebar.locator('.nav-row:has(a.nav-link[href="/roles/"]) .nav-toggle');
        await toggle.click();
        assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      }
      const title = (await target.textContent()).trim();
      await Promise.all([page.waitForURL(`${site.origin}/roles/comparison/`), target.click()]);
      await page.getByRole('heading', { level: 1, name: title }).waitFor({ state: 'visible' });
      assert.equal(await page.locator('#sidebar a[aria-current="page"]').getAttribute('href'), '/roles/comparison/');
      assertClean(watch, 'problems while navigating');
    });
  });

  test('search finds a page by a word on it; Enter and click open results', async () => {
    await withPage({}, async (page, watch) => {
      await page.goto(site.origin + '/roles/comparison/');
      await page.locator('.search-button').click();
      const dialog = page.locator('#search-dialog');
      await dialog.waitFor({ state: 'visible' });
      assert.ok(await dialog.evaluate((d) => d.open), 'search dialog not open');
      await page.locator('#search-input').fill('refinement');
      const results = page.locator('#search-results a.search-result');
      await results.first().waitFor({ state: 'visible' });
      assert.match(await page.locator('#search-status').textContent(), /\d+ results?/);
      const hrefs = await results.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(hrefs.some((h) => h.startsWith('/practice/backlog-refinement/')),
        `no result for the backlog refinement page: ${hrefs.join(', ')}`);
      // The snippet marks the word.
      assert.ok(await page.locator('#search-results mark').count() > 0, 'no <mark> in results');

      // Enter opens the first result.
      const first = new URL(hrefs[0], site.origin);
      await Promise.all([
        page.waitForURL((u) => u.pathname === first.pathname),
        page.locator('#search-input').press('Enter'),
      ]);
      await page.locator('h1').first().waitFor({ state: 'visible' });

      // A click on a result opens its page.
      await page.keyboard.press('/');
      await dialog.waitFor({ state: 'visible' });
      await page.locator('#search-input').fill('stakeholder update');
      const link = page.locator('#search-results a.search-result[href^="/templates/stakeholder-update/"]').first();
      await link.waitFor({ state: 'visible' });
      await Promise.all([page.waitForURL(/\/templates\/stakeholder-update\//), link.click()]);
      await page.getByRole('heading', { level: 1, name: /stakeholder update/i }).waitFor({ state: 'visible' });
      assert.equal(await dialog.isVisible(), false, 'search dialog still open after opening a result');
      assertClean(watch, 'problems while searching');
    });
  });

  test('a search for a word on no page says so', async () => {
    await withPage({}, async (page) => {
      await page.goto(site.origin + '/');
      await page.locator('.search-button').click();
      await page.locator('#search-input').fill('xylophonequark');
      await waitFor(async () => /No results/.test(await page.locator('#search-status').textContent()),
        { message: '"No results" status' });
      assert.equal(await page.locator('#search-results a').count(), 0);
    });
  });
});

describe('theme controls', { timeout: 60_000 }, () => {
  test('dark-mode toggle changes the background and persists across reload', async () => {
    await withPage({ colorScheme: 'light' }, async (page, watch) => {
      await page.goto(site.origin + '/roles/comparison/');
      const light = await bg(page);
      assert.ok(luminance(light) > 0.5, `light background expected, got ${light}`);
      const toggle = page.locator('.theme-toggle');
      assert.equal(await toggle.getAttribute('data-mode'), 'auto');
      await toggle.click();
      assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
      await waitFor(async () => luminance(await bg(page)) < 0.1, { message: 'dark background' });
      const dark = await bg(page);
      assert.notEqual(dark, light);
      assert.equal(await page.evaluate(() => localStorage.getItem('rolebook-theme')), 'dark');
      // Text stays readable: light text on the dark background.
      const text = await page.evaluate(() => getComputedStyle(document.querySelector('.content p, .content li')).color);
      assert.ok(luminance(text) > 0.4, `text colour ${text} on dark background ${dark}`);

      await page.reload();
      assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
      assert.equal(await bg(page), dark, 'dark mode lost on reload');
      // And on another page of the site.
      await page.goto(site.origin + '/team/roadmap/');
      assert.equal(await bg(page), dark, 'dark mode lost on another page');

      // With a light system, the next click goes back to the system setting.
      await page.locator('.theme-toggle').click();
      assert.equal(await page.locator('.theme-toggle').getAttribute('data-mode'), 'auto');
      assert.equal(await page.evaluate(() => localStorage.getItem('rolebook-theme')), null);
      await waitFor(async () => (await bg(page)) === light, { message: 'light background again' });
      assertClean(watch, 'problems while switching theme');
    });
  });

  test('a system dark preference gives a dark page without a click', async () => {
    await withPage({ colorScheme: 'dark' }, async (page) => {
      await page.goto(site.origin + '/');
      assert.ok(luminance(await bg(page)) < 0.1, `dark background expected, got ${await bg(page)}`);
    });
  });

  test('the copy button copies the code block', async () => {
    await withPage({}, async (page, watch, context) => {
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: site.origin });
      await page.goto(site.origin + '/templates/roadmap-item/');
      const block = page.locator('.code-block:has(pre[data-lang="toml"])').first();
      await block.waitFor();
      const expected = await block.locator('pre').evaluate((pre) => pre.textContent.replace(/\n$/, ''));
      assert.match(expected, /\[\[initiative\]\]\nid = "EP-6"/);
      const button = block.locator('.copy-button');
      assert.equal(await button.textContent(), 'Copy');
      await button.click();
      await waitFor(async () => (await button.textContent()) === 'Copied', { message: 'button to say Copied' });
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      assert.equal(copied, expected);
      assert.ok(!/Copy/.test(copied), 'the button label was copied with the code');
      assertClean(watch, 'problems while copying');
    });
  });

  test('phone viewport: the menu button opens the sidebar', async () => {
    await withPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true }, async (page, watch) => {
      await page.goto(site.origin + '/roles/comparison/');
      const menu = page.locator('.menu-button');
      await menu.waitFor({ state: 'visible' });
      assert.equal(await menu.getAttribute('aria-expanded'), 'false');
      const link = page.locator('#sidebar a.nav-link[href="/roles/product-owner/"]');
      assert.equal(await link.isVisible(), false, 'sidebar visible before the menu is opened');
      // Nothing overflows sideways on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone screen`);

      await menu.click();
      assert.equal(await menu.getAttribute('aria-expanded'), 'true');
      await link.waitFor({ state: 'visible' });
      const box = await page.locator('#sidebar').boundingBox();
      assert.ok(box && box.x >= -1 && box.x + box.width <= 361, `sidebar not on screen: ${JSON.stringify(box)}`);
      await Promise.all([page.waitForURL(/\/roles\/product-owner\/$/), link.tap()]);
      await page.getByRole('heading', { level: 1, name: 'The product owner' }).waitFor({ state: 'visible' });
      assert.equal(await page.locator('.menu-button').getAttribute('aria-expanded'), 'false');

      // Escape closes an open menu.
      await page.locator('.menu-button').click();
      await page.keyboard.press('Escape');
      assert.equal(await page.locator('.menu-button').getAttribute('aria-expanded'), 'false');
      assertClean(watch, 'problems on the phone');
    });
  });

  test('the role filter narrows the sidebar and persists', async () => {
    await withPage({}, async (page, watch) => {
      await page.goto(site.origin + '/roles/comparison/');
      const visibleLinks = () => page.locator('#sidebar a.nav-link').evaluateAll(
        (as) => as.filter((a) => a.offsetParent !== null).map((a) => a.getAttribute('href')));
      const before = await visibleLinks();
      assert.ok(before.includes('/roles/product-owner/') && before.includes('/roles/product-manager/'));

      await page.locator('#role-filter').selectOption('pm');
      assert.equal(await page.locator('html').getAttribute('data-role'), 'pm');
      const pmOnly = await visibleLinks();
      assert.ok(pmOnly.length < before.length, 'the sidebar did not get shorter');
      assert.ok(!pmOnly.includes('/roles/product-owner/'), 'a PO-only page is still listed');
      assert.ok(pmOnly.includes('/roles/product-manager/'), 'a PM page was hidden');
      assert.ok(pmOnly.includes('/roles/comparison/'), 'the current page was hidden');
      assert.equal(await page.locator('#role-filter-menu').inputValue(), 'pm', 'the sidebar select does not follow');
      await page.locator('.role-filter-note').waitFor({ state: 'visible' });

      // Persists across a reload and on another page.
      await page.reload();
      assert.equal(await page.locator('html').getAttribute('data-role'), 'pm');
      assert.equal(await page.locator('#role-filter').inputValue(), 'pm');
      assert.deepEqual(await visibleLinks(), pmOnly);
      await page.goto(site.origin + '/practice/');
      const practice = await visibleLinks();
      assert.ok(!practice.includes('/practice/backlog-refinement/'), 'PO page listed on another page');
      assert.ok(practice.includes('/practice/stakeholder-management/'));

      // The search honours it too: a PO-only page is not offered.
      await page.locator('.search-button').click();
      await page.locator('#search-input').fill('refinement');
      await waitFor(async () => (await page.locator('#search-status').textContent()).length > 0, { message: 'search status' });
      const hrefs = await page.locator('#search-results a.search-result').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(!hrefs.some((h) => h.startsWith('/practice/backlog-refinement/')), `PO page in PM search: ${hrefs}`);
      await page.keyboard.press('Escape');

      // "Show all" clears it.
      await page.locator('[data-role-clear]').click();
      assert.equal(await page.locator('html').getAttribute('data-role'), null);
      assert.equal(await page.evaluate(() => localStorage.getItem('rolebook-role')), null);
      assert.ok((await visibleLinks()).includes('/practice/backlog-refinement/'));
      assertClean(watch, 'problems with the role filter');
    });
  });
});

describe('print page', { timeout: 60_000 }, () => {
  test('/print/ holds the whole handbook', async () => {
    await withPage({}, async (page, watch) => {
      const res = await page.goto(site.origin + '/print/');
      assert.equal(res.status(), 200);
      const titles = await page.locator('.print-page-title').allTextContents();
      assert.ok(titles.length >= 10, `only ${titles.length} page titles on the print page`);
      for (const want of ['Product owner vs product manager', 'Roadmap', 'Backlog refinement', 'Glossary']) {
        assert.ok(titles.includes(want), `"${want}" missing from the print page: ${titles.join(' | ')}`);
      }
      // The contents list links to every section on the page.
      const toc = await page.locator('.print-toc a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.equal(toc.length, titles.length);
      for (const href of toc) assert.equal(await page.locator(href).count(), 1, `no target for ${href}`);
      // Print media drops the site chrome.
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('.site-header').isVisible(), false, 'header printed');
      assert.equal(await page.locator('.print-page-title').first().isVisible(), true);
      await page.emulateMedia({ media: 'screen' });
      assertClean(watch, 'problems on the print page');
    });
  });
});

describe('sub-path deploy (/sub/)', { timeout: 60_000 }, () => {
  test('pages load, CSS applies, search works and links stay under /sub/', async () => {
    await withPage({}, async (page, watch) => {
      const res = await page.goto(sub.url);
      assert.equal(res.status(), 200);
      await settle(page);
      // CSS applied: the theme's styles, not the browser's defaults.
      const styles = await page.evaluate(() => ({
        bodyMargin: getComputedStyle(document.body).margin,
        skip: getComputedStyle(document.querySelector('.skip-link')).position,
        hidden: getComputedStyle(document.querySelector('.visually-hidden')).width,
        sidebar: getComputedStyle(document.querySelector('#sidebar')).backgroundColor,
      }));
      assert.equal(styles.bodyMargin, '0px');
      assert.equal(styles.skip, 'absolute');
      assert.equal(styles.hidden, '1px');
      assert.notEqual(styles.sidebar, 'rgba(0, 0, 0, 0)', 'sidebar has no background: CSS not applied');

      const outside = await page.evaluate(() => [...document.querySelectorAll('a[href], link[href], script[src], img[src]')]
        .map((e) => e.href || e.src)
        .filter((u) => u.startsWith(location.origin) && !new URL(u).pathname.startsWith('/sub/')));
      assert.deepEqual(outside, [], 'links leave /sub/');

      // Sidebar navigation stays under /sub/.
      const navLink = page.locator('#sidebar a.nav-link').first();
      const navHref = await navLink.getAttribute('href');
      assert.ok(navHref.startsWith('/sub/'), `sidebar link ${navHref}`);
      await Promise.all([page.waitForURL((u) => u.pathname === navHref), navLink.click()]);
      await page.locator('h1').first().waitFor({ state: 'visible' });

      // Search loads its index from /sub/search/ and links under /sub/.
      await page.locator('.search-button').click();
      await page.locator('#search-input').fill('refinement');
      const results = page.locator('#search-results a.search-result');
      await results.first().waitFor({ state: 'visible' });
      const hrefs = await results.evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(hrefs.every((h) => h.startsWith('/sub/')), `search links leave /sub/: ${hrefs}`);
      assert.ok(hrefs.some((h) => h.startsWith('/sub/practice/backlog-refinement/')));
      await Promise.all([
        page.waitForURL((u) => u.pathname.startsWith('/sub/')),
        page.locator('#search-input').press('Enter'),
      ]);
      await page.locator('h1').first().waitFor({ state: 'visible' });
      assert.ok(sub.requests.some((r) => r.path.startsWith('/sub/search/') && r.status === 200), 'no search index request under /sub/');
      assert.deepEqual(sub.requests.filter((r) => !r.path.startsWith('/sub/')), [], 'requests outside /sub/');

      // A data page works there too.
      await page.goto(sub.url + 'team/roadmap/');
      await page.locator('h1').first().waitFor({ state: 'visible' });
      assertClean(watch, 'problems under /sub/');
    });
  });
});

// Problems this suite once found, kept as tests so they stay fixed.
describe('fixed issues stay fixed', { timeout: 60_000 }, () => {
  test('search snippets do not start with their heading glued to the text', {
  }, async () => {
    await withPage({}, async (page) => {
      await page.goto(site.origin + '/');
      await page.locator('.search-button').click();
      await page.locator('#search-input').fill('backlog refinement');
      await page.locator('#search-results .search-result-heading').first().waitFor({ state: 'visible' });
      const glued = await page.locator('#search-results a.search-result').evaluateAll((as) => as.map((a) => {
        const h = a.querySelector('.search-result-heading');
        const s = a.querySelector('.search-result-snippet');
        return h && s && s.textContent.startsWith(h.textContent) ? `${h.textContent} | ${s.textContent.slice(0, 60)}` : null;
      }).filter(Boolean));
      assert.deepEqual(glued, []);
    });
  });

  test('board and roadmap cards are not indented inside their columns', {
  }, async () => {
    await withPage({}, async (page) => {
      for (const p of ['/team/board/', '/team/roadmap/']) {
        await page.goto(site.origin + p);
        const pad = await page.locator('.rb-cards').first().evaluate((ol) => getComputedStyle(ol).paddingLeft);
        assert.equal(pad, '0px', `.rb-cards padding-left on ${p}`);
      }
    });
  });

  test('the roadmap timeline stays readable on a phone', {
  }, async () => {
    await withPage({ viewport: { width: 360, height: 740 }, isMobile: true }, async (page) => {
      await page.goto(site.origin + '/team/roadmap/');
      const px = await page.locator('.rb-timeline svg').first().evaluate((svg) => {
        const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
        return scale * parseFloat(svg.getAttribute('font-size') || '12');
      });
      assert.ok(px >= 9, `timeline text renders at ${px.toFixed(1)}px`);
    });
  });
});
