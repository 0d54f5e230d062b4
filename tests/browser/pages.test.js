'use strict';
// The text of the built site (KENSA_SITE_DIR) as a reader sees it: no doubled labels, no note
// that says the same thing twice, no punctuation left hanging by a line break; the home page
// links each form where it names it, and its first screen (phone and desktop) shows where to start.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./helpers');

const site = h.useSite({ serve: false });

/** A page's text without its markup (scripts, styles and templates left out). */
function text(rel) {
  return fs
    .readFileSync(path.join(site.dir, rel), 'utf8')
    .replace(/<(script|style|template)\b[\s\S]*?<\/\1>/g, '')
    .replace(/<[^>]*>/g, '');
}

async function open(rel, viewport = { width: 1280, height: 900 }) {
  const context = await site.browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(h.fileUrl(site.dir, rel), { waitUntil: 'load' });
  return { context, page };
}

test('no page says 出典：出典：', () => {
  const doubled = h.listHtmlPages(site.dir, 1000).filter((rel) => /出典[：:]\s*出典/.test(text(rel)));
  assert.deepEqual(doubled, []);
});

test('the home page note does not repeat itself', async () => {
  const { context, page } = await open('index.html');
  try {
    const note = await page.locator('.main > .provenance').innerText();
    const sentences = note.split(/(?<=。)/).map((s) => s.trim()).filter(Boolean);
    // Two sentences saying the page was written for this site, in other words, count as one.
    const written = sentences.filter((s) => /(本サイト|このサイト)/.test(s) && /(作成|書いた)/.test(s));
    assert.equal(written.length, 1, note);
    assert.equal(new Set(sentences).size, sentences.length, note);
  } finally {
    await context.close();
  }
});

test('the 2021 edition note leaves no 、 hanging at a line break', async () => {
  for (const width of [1280, 390]) {
    const { context, page } = await open('checklists/y2021/keieiso.html', { width, height: 900 });
    try {
      const note = page.locator('.edition-note');
      const lines = (await note.innerText()).split('\n').map((l) => l.trim());
      assert.ok(!lines.some((l) => l === '、' || l.startsWith('、')), `${width}px: ${lines.join(' / ')}`);
      // Each current checklist is an item of its own, not a run of links joined by 、.
      const links = await note.locator('li a').count();
      assert.ok(links >= 2, `${links} links`);
      assert.doesNotMatch(await note.locator('ul').innerText(), /、/);
    } finally {
      await context.close();
    }
  }
});

test('the home page links each form where it names it', async () => {
  const { context, page } = await open('index.html');
  try {
    const intro = page.locator('.intro');
    const forms = {
      医療機関確認用: /checklists\/r5\/iryokikan\.html$/,
      薬局確認用: /checklists\/r5\/yakkyoku\.html$/,
    };
    for (const [name, href] of Object.entries(forms)) {
      const link = intro.locator('a', { hasText: name }).first();
      assert.match(await link.getAttribute('href'), href, name);
    }
    // 「事業者確認用」 is named with a link to each of the two vendor forms.
    const vendorLine = intro.locator('li', { hasText: '事業者確認用' }).first();
    const hrefs = await vendorLine.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.some((u) => /iryokikan-jigyosha\.html$/.test(u)), hrefs.join(' '));
    assert.ok(hrefs.some((u) => /yakkyoku-jigyosha\.html$/.test(u)), hrefs.join(' '));
    // So are the guides named in the inspectors' line.
    const guides = await intro.locator('li', { hasText: '立入検査担当者' }).locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(guides.some((u) => /guides\/iryokikan\.html$/.test(u)) && guides.some((u) => /guides\/yakkyoku\.html$/.test(u)), guides.join(' '));
  } finally {
    await context.close();
  }
});

test('the first screen of the home page shows where to start, on a phone and on a desktop', async () => {
  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 800 }]) {
    const { context, page } = await open('index.html', viewport);
    try {
      const seen = await page.evaluate(() => [...document.querySelectorAll('.intro a')]
        .filter((a) => /checklists\//.test(a.getAttribute('href')))
        .filter((a) => a.getBoundingClientRect().bottom <= innerHeight)
        .map((a) => a.textContent));
      assert.ok(seen.includes('医療機関確認用'), `${viewport.width}px: form links on the first screen: ${seen.join(', ')}`);
    } finally {
      await context.close();
    }
  }
});
