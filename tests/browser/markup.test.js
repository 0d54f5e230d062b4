'use strict';
// No markup from data (issues 18 and 21): the theme's scripts build the page with elements and
// text, never by parsing HTML strings, so a copy's name, a note or an imported answer file is
// shown as the text it is, and the cloned answer controls carry the item's id.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./helpers');

const FACILITY = 'checklists/r5/yakkyoku.html';
const HOSTILE = '<img src=x onerror="window.kensaPwned=1"><b>太字</b>';
const JS_DIR = path.join(__dirname, '../../themes/default/static/js');

const site = h.useSite();

test('no theme script parses an HTML string into the page', () => {
  const parsers = /\.innerHTML\s*[+]?=|\.outerHTML\s*[+]?=|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|srcdoc/;
  // A folder of scripts is served as one (src/assets.rs): the form is js/form/*.js.
  const files = fs.readdirSync(JS_DIR, { recursive: true }).filter((f) => f.endsWith('.js'));
  assert.ok(files.includes(path.join('form', '3-controls.js')) && files.includes('form-files.js'), files.join(', '));
  const found = [];
  for (const f of files) {
    fs.readFileSync(path.join(JS_DIR, f), 'utf8').split('\n').forEach((line, i) => {
      if (parsers.test(line)) found.push(`${f}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(found, []);
});

async function openForm(context) {
  const page = await context.newPage();
  const errors = h.recordConsoleErrors(page);
  page.kensaErrors = () => errors.filter((e) => !e.includes('/favicon.ico'));
  page.on('dialog', (d) => d.accept());
  await page.goto(`${site.server.url}/${FACILITY}`, { waitUntil: 'load' });
  await page.waitForSelector('#form-tools:not([hidden])');
  return page;
}

/** Elements that only markup parsed from data could have made, anywhere in the page. */
function injected(page) {
  return page.evaluate(() => ({
    img: document.querySelectorAll('#checklist-form img, #progress img, #form-tools img, #review img').length,
    b: document.querySelectorAll('#progress-body b, #review-body b, #copy-select b').length,
    pwned: window.kensaPwned === 1,
  }));
}

test('a copy name, a note and an imported file are shown as text, never as markup', { timeout: 120_000 }, async () => {
  const context = await site.browser.newContext({ acceptDownloads: true });
  try {
    const page = await openForm(context);
    const ids = await page.locator('div.item').evaluateAll((els) => els.map((e) => e.id));
    // The controls cloned for each item carry its id: ids, names and labels line up.
    const wired = await page.evaluate((id) => {
      const note = document.getElementById(`${id}-note`);
      return !!note && note.name === `${id}:note` && document.querySelector(`label[for="${id}-note"]`) !== null &&
        !document.querySelector('#checklist-form [id*="__ID__"], #checklist-form [name*="__ID__"]');
    }, ids[0]);
    assert.ok(wired, 'the cloned controls carry the item id');

    await page.fill('#copy-name', HOSTILE);
    await page.fill(`[name="${ids[0]}:note"]`, HOSTILE);
    // The progress lists item links (未回答の質問), built as elements.
    const progressLinks = await page.locator('#progress-body .issue-links a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(progressLinks.length > 0 && progressLinks.every((href) => href.startsWith('#')), progressLinks.join(' '));
    await page.click('#review summary');
    await page.waitForSelector('#review-body dl');
    assert.ok((await page.locator('#review-body').innerText()).includes(HOSTILE), 'the note is shown as written');
    assert.deepEqual(await page.locator('#copy-select option').allInnerTexts(), [HOSTILE]);
    assert.deepEqual(await injected(page), { img: 0, b: 0, pwned: false });

    // Exported, edited elsewhere and imported into a fresh browser: still text.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export"]')]);
    const doc = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
    doc.copy = { id: 'imported-1', name: `取込${HOSTILE}` };
    doc.items[ids[1]].note = `<script>window.kensaPwned=1</script>${HOSTILE}`;
    const other = await site.browser.newContext();
    try {
      const fresh = await openForm(other);
      await fresh.setInputFiles('#import-file', { name: `${HOSTILE}.json`, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
      await fresh.waitForSelector('#import-message:not([hidden])');
      assert.match(await fresh.locator('#import-message').innerText(), /を控え「取込<img src=x/);
      assert.deepEqual(await fresh.locator('#copy-select option').allInnerTexts(), [`取込${HOSTILE}`]);
      await fresh.click('#review summary');
      await fresh.waitForSelector('#review-body dl');
      assert.ok((await fresh.locator('#review-body').innerText()).includes(`<script>window.kensaPwned=1</script>${HOSTILE}`));
      assert.equal(await fresh.inputValue(`[name="${ids[1]}:note"]`), `<script>window.kensaPwned=1</script>${HOSTILE}`);
      assert.deepEqual(await injected(fresh), { img: 0, b: 0, pwned: false });
      assert.deepEqual(fresh.kensaErrors(), []);
    } finally {
      await other.close();
    }
    assert.deepEqual(page.kensaErrors(), []);
  } finally {
    await context.close();
  }
});

// kensa check refuses such an id (tests/markup.rs); should one reach a page all the same (a
// site's own template, an older build), the cloned controls still make no element of it.
test('an item id carrying markup makes no element when the controls are cloned', { timeout: 60_000 }, async () => {
  const context = await site.browser.newContext();
  try {
    let original;
    await context.route(`${site.server.url}/${FACILITY}`, async (route) => {
      const res = await route.fetch();
      let html = await res.text();
      original = /<div class="?item"? id="?([A-Za-z0-9_-]+)"?/.exec(html)[1];
      // The id as the item's element and the page's rules (kensa-rules) carry it.
      html = html.replace(new RegExp(`(\\sid=)"?${original}"?(?=[\\s>])`, 'g'),
        '$1"x&quot;&gt;&lt;img src=x onerror=&quot;window.kensaPwned=1&quot;&gt;"');
      html = html.replace(`["${original}",`, `[${JSON.stringify('x"><img src=x onerror="window.kensaPwned=1">')},`);
      await route.fulfill({ response: res, body: html });
    });
    const page = await openForm(context);
    assert.ok(original, 'an item id was replaced');
    const hostile = 'x"><img src=x onerror="window.kensaPwned=1">';
    assert.equal(await page.locator(`[name="${hostile.replace(/"/g, '\\"')}:note"]`).count(), 1, 'the note field is named after the id as it is');
    assert.deepEqual(await injected(page), { img: 0, b: 0, pwned: false });
  } finally {
    await context.close();
  }
});
