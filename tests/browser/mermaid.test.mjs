// Mermaid diagrams in the handbook theme: the ```mermaid block on
// /practice/decision-authority/ is drawn as an SVG by the copy of Mermaid the
// theme ships, in light and in dark (following the toggle), with every
// request recorded and none leaving 127.0.0.1; axe finds nothing; the
// source stays readable without JavaScript and on paper; it works from
// file:// too; pages without a diagram never load the script. Screenshots go
// to tests/browser/out/diagram-{light,dark}.png.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  OUT_DIR, REPO, buildHandbook, forceTheme, launchBrowser, newContext, removeDir, serveDir,
  settle, tempDir, waitFor, watchContext,
} from './helpers.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core');
const PAGE = '/practice/decision-authority/';

let browser;
let site;
let fixture; // tests/fixtures/assets, published under /handbook/
let dirs = [];

before(async () => {
  const out = tempDir('mermaid');
  const fileOut = tempDir('mermaid-file');
  const fixtureOut = tempDir('mermaid-fixture');
  const fixtureSite = tempDir('mermaid-fixture-site');
  dirs = [out, fileOut, fixtureOut, fixtureSite];
  buildHandbook(out);
  buildHandbook(fileOut, { extraArgs: ['--relative-links'] });
  site = await serveDir(out);
  fs.cpSync(path.join(REPO, 'tests', 'fixtures', 'assets'), fixtureSite, { recursive: true });
  fixture = await serveDir(fixtureOut, { prefix: '/handbook/' });
  buildHandbook(fixtureOut, { root: fixtureSite, baseUrl: `${fixture.origin}/handbook/` });
  browser = await launchBrowser();
}, { timeout: 180_000 });

after(async () => {
  if (browser) await browser.close().catch(() => {});
  if (site) await site.close();
  if (fixture) await fixture.close();
  dirs.forEach(removeDir);
}, { timeout: 30_000 });

/** Opens `url` in a fresh context; every request the page makes is kept. */
async function withPage(url, options, fn) {
  const { theme, ...contextOptions } = options;
  const context = await newContext(browser, contextOptions);
  try {
    if (theme) await forceTheme(context, theme);
    const watch = await watchContext(context);
    const page = await context.newPage();
    const requests = [];
    page.on('request', (req) => requests.push(req.url()));
    await page.goto(url);
    await settle(page);
    return await fn(page, { watch, requests });
  } finally {
    await context.close().catch(() => {});
  }
}

const drawn = (page) => page.waitForSelector('html[data-diagrams="drawn"]', { timeout: 20_000 });

/** The visible drawing's theme ("light" or "dark") and its SVG's labels. */
function visibleDrawing(page) {
  return page.evaluate(() => {
    const shown = [...document.querySelectorAll('.diagram-drawing > div')]
      .filter((d) => getComputedStyle(d).display !== 'none');
    return shown.map((d) => {
      const svg = d.querySelector('svg');
      const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
      return {
        theme: d.className.replace('diagram-', ''),
        width: Math.round(box.width),
        height: Math.round(box.height),
        text: svg ? svg.textContent.replace(/\s+/g, ' ') : '',
      };
    });
  });
}

function assertLocal(requests, origin) {
  assert.ok(requests.length > 0, 'no request recorded');
  const away = requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'));
  assert.deepEqual(away, [], 'requests that left the site');
}

async function axe(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('mermaid diagrams', { timeout: 120_000 }, () => {
  for (const mode of ['light', 'dark']) {
    test(`drawn in ${mode} mode, no request leaves 127.0.0.1, axe clean`, async () => {
      await withPage(site.origin + PAGE, { theme: mode, colorScheme: mode }, async (page, { watch, requests }) => {
        await drawn(page);
        const shown = await visibleDrawing(page);
        assert.equal(shown.length, 1, JSON.stringify(shown));
        assert.equal(shown[0].theme, mode);
        assert.ok(shown[0].width > 200 && shown[0].height > 50, JSON.stringify(shown));
        for (const label of ['What is the decision about?', 'Product manager', 'Product owner', 'Developers', 'Definition of Done', 'Leadership']) {
          assert.ok(shown[0].text.includes(label), `${label} missing from ${shown[0].text}`);
        }
        // Both drawings exist (print uses the light one), the source is tucked away.
        assert.equal(await page.locator('.diagram-drawing svg').count(), 2);
        assert.equal(await page.locator('details.diagram-source-toggle').getAttribute('open'), null);
        assert.equal(await page.locator('.diagram pre').isVisible(), false);
        assert.ok(requests.some((u) => /\/js\/mermaid\/mermaid\.min\.[0-9a-f]{8}\.js$/.test(u)), 'the bundle was loaded');
        assertLocal(requests, site.origin);
        assert.deepEqual(watch.problems(), []);
        assert.deepEqual(await axe(page), []);
        fs.mkdirSync(OUT_DIR, { recursive: true });
        await page.locator('.diagram').scrollIntoViewIfNeeded();
        await page.locator('.diagram').screenshot({ path: path.join(OUT_DIR, `diagram-${mode}.png`) });
      });
    });
  }

  test('fits a phone without scrolling the page sideways', async () => {
    await withPage(site.origin + PAGE, { viewport: { width: 360, height: 740 } }, async (page, { watch }) => {
      await drawn(page);
      const { scroll, width } = await page.evaluate(() => ({
        scroll: document.scrollingElement.scrollWidth, width: window.innerWidth,
      }));
      assert.ok(scroll <= width, `the page scrolls sideways: ${scroll} > ${width}`);
      const shown = await visibleDrawing(page);
      assert.ok(shown[0].width > 100 && shown[0].width <= width, JSON.stringify(shown));
      await page.locator('.diagram').scrollIntoViewIfNeeded();
      await page.locator('.diagram').screenshot({ path: path.join(OUT_DIR, 'diagram-phone.png') });
      assert.deepEqual(watch.problems(), []);
    });
  });

  test('the toggle switches the drawing with the page', async () => {
    await withPage(site.origin + PAGE, { theme: 'light', colorScheme: 'light' }, async (page, { watch }) => {
      await drawn(page);
      assert.equal((await visibleDrawing(page))[0].theme, 'light');
      await page.locator('.theme-toggle').click();
      assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
      assert.equal((await visibleDrawing(page))[0].theme, 'dark');
      assert.deepEqual(watch.problems(), []);
    });
  });

  test('the source stays readable without JavaScript', async () => {
    await withPage(site.origin + PAGE, { javaScriptEnabled: false }, async (page) => {
      const pre = page.locator('.diagram pre');
      assert.ok(await pre.isVisible());
      assert.match(await pre.textContent(), /^flowchart LR\n {2}q\{"What is the decision about\?"\}/);
      assert.equal(await page.locator('.diagram svg').count(), 0);
    });
  });

  test('paper gets the light drawing, even in dark mode', async () => {
    await withPage(site.origin + PAGE, { theme: 'dark', colorScheme: 'dark' }, async (page) => {
      await drawn(page);
      await page.emulateMedia({ media: 'print' });
      const shown = await visibleDrawing(page);
      assert.deepEqual(shown.map((s) => s.theme), ['light']);
      assert.equal(await page.locator('.diagram-source-toggle').isVisible(), false);
    });
  });

  test('drawn on the print page, which holds the whole handbook', async () => {
    await withPage(`${site.origin}/print/`, {}, async (page, { watch }) => {
      await drawn(page);
      assert.equal(await page.locator('.diagram-drawing svg').count(), 2);
      assert.deepEqual(watch.problems(), []);
    });
  });

  test('pages without a diagram do not load Mermaid', async () => {
    for (const p of ['/', '/practice/backlog-refinement/']) {
      await withPage(site.origin + p, {}, async (page, { requests }) => {
        assert.deepEqual(requests.filter((u) => u.includes('mermaid')), [], p);
      });
    }
  });

  test('drawn from file:// with relative links', async () => {
    const file = path.join(dirs[1], 'practice', 'decision-authority', 'index.html');
    await withPage(pathToFileURL(file).href, {}, async (page, { watch, requests }) => {
      await drawn(page);
      assert.equal((await visibleDrawing(page)).length, 1);
      assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), []);
      assert.deepEqual(watch.problems(), []);
    });
  });

  test('a diagram Mermaid cannot read keeps its source, with the reason', async () => {
    await withPage(site.origin + PAGE, {}, async (page) => {
      await drawn(page);
      // Draw a broken diagram with the page's own script on a fresh block.
      await page.evaluate(() => {
        document.documentElement.removeAttribute('data-diagrams');
        const block = document.createElement('div');
        block.className = 'diagram';
        block.setAttribute('data-diagram', 'mermaid');
        block.id = 'broken';
        block.innerHTML = '<pre class="code diagram-source"><code>flowchart LR\n  a --> --> </code></pre>';
        document.querySelector('.content').appendChild(block);
        const init = [...document.scripts].find((s) => /mermaid-init/.test(s.src));
        const again = document.createElement('script');
        again.src = init.src;
        document.body.appendChild(again);
      });
      await drawn(page);
      assert.ok(await page.locator('#broken pre').isVisible());
      assert.match(await page.locator('#broken .diagram-error').textContent(), /could not be drawn/);
      assert.equal(await page.locator('#broken svg').count(), 0);
    });
  });
});

describe('a site with extra files and two diagrams', { timeout: 60_000 }, () => {
  test('under a sub-path: both diagrams drawn (one in a closed <details>), extra_css and extra_js applied', async () => {
    await withPage(`${fixture.url}guide/flow/`, { theme: 'dark', colorScheme: 'dark' }, async (page, { watch, requests }) => {
      await drawn(page);
      assert.equal(await page.locator('.diagram-drawing svg').count(), 4);
      const inDetails = page.locator('details.details .diagram-drawing .diagram-dark svg');
      assert.equal(await inDetails.count(), 1);
      await page.locator('details.details > summary').click();
      const box = await inDetails.boundingBox();
      assert.ok(box && box.width > 100 && box.height > 50, `drawn while hidden: ${JSON.stringify(box)}`);
      assert.match(await inDetails.textContent(), /Sprint review demo/);
      // extra_js ran and extra_css applies over the theme.
      assert.equal(await page.locator('html').getAttribute('data-brand'), 'checkout');
      const spacing = await page.evaluate(() => getComputedStyle(document.querySelector('.site-title')).letterSpacing);
      assert.notEqual(spacing, 'normal', 'css/brand.css is not applied');
      assert.ok(requests.some((u) => /\/handbook\/css\/brand\.[0-9a-f]{8}\.css$/.test(u)), 'the site stylesheet');
      assertLocal(requests, fixture.origin);
      assert.deepEqual(watch.problems(), []);
      assert.deepEqual(await axe(page), []);
    });
  });
});
