'use strict';
// What is official and what this site wrote or adapted, shown where it is read (KENSA_SITE_DIR):
// derived manual pages say so before their content, name what they were made from in their 出典
// line, are marked in the manual's contents and in search results, and a page of mixed
// provenance marks where each part begins.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./helpers');

const site = h.useSite();

async function open(rel) {
  const context = await site.browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${site.server.url}/${rel}`, { waitUntil: 'load' });
  return { context, page };
}

/** The derived pages of the built site: their 出典 line is the derived one. */
function derivedPages() {
  return h.listHtmlPages(site.dir, 1000).filter((rel) => fs.readFileSync(path.join(site.dir, rel), 'utf8').includes('derived-notice'));
}

test('a derived manual page says so before its content, and its 出典 line names what it was made from', { timeout: 120_000 }, async () => {
  const pages = derivedPages();
  assert.ok(pages.includes('manuals/iryokikan/10-gate.html') && pages.length >= 6, pages.join(' '));
  for (const rel of pages) {
    const { context, page } = await open(rel);
    try {
      const order = await page.evaluate(() => {
        const notice = document.querySelector('.derived-notice');
        const content = document.querySelector('.content');
        return notice.compareDocumentPosition(content) & Node.DOCUMENT_POSITION_FOLLOWING;
      });
      assert.ok(order, `${rel}: the notice comes before the content`);
      assert.match(await page.locator('.derived-notice').innerText(), /出典資料の原文ではない文章が含まれています/);
      const source = page.locator('.main > .provenance .source');
      assert.match(await source.innerText(), /」を元に本サイトが作成$/, rel);
      // It links the page it was made from, which exists.
      const href = await source.locator('a').getAttribute('href');
      assert.ok(fs.existsSync(path.join(site.dir, path.dirname(rel), href)), `${rel}: ${href}`);
    } finally {
      await context.close();
    }
  }
});

test('a page of mixed provenance marks where its transcribed and its adapted parts begin', { timeout: 60_000 }, async () => {
  const { context, page } = await open('manuals/iryokikan/20-kanri.html');
  try {
    const marks = await page.locator('.part-mark').allInnerTexts();
    assert.equal(marks.length, 2);
    assert.match(marks[0], /^ここから出典資料の原文：/);
    assert.match(marks[1], /^ここから本サイトが他の資料を元に作成した文章：/);
    // The second mark stands right before （２）: （１） is transcribed, （２）～（９） are not.
    const next = await page.locator('.part-mark').nth(1).evaluate((m) => m.nextElementSibling.id);
    assert.equal(next, 'item-2-2');
    assert.match(await page.locator('.main > .provenance .source').innerText(), /（原文の部分）。それ以外の部分は、/);
  } finally {
    await context.close();
  }
});

test("the manual's contents mark the pages this site made", { timeout: 60_000 }, async () => {
  for (const rel of ['manuals/iryokikan/index.html', 'manuals/iryokikan/00-hajimeni.html']) {
    const { context, page } = await open(rel);
    try {
      const list = rel.endsWith('index.html') ? page.locator('.index-list li') : page.locator('.sidebar li');
      const rows = await list.allInnerTexts();
      const row = (title) => rows.find((r) => r.includes(title)) || '';
      assert.doesNotMatch(row('はじめに'), /本サイト/, `${rel}: a transcribed page is not marked`);
      assert.match(row('医療情報システムの有無'), /本サイトが他の資料を元に作成/, rel);
      assert.match(row('２ 医療情報システムの管理・運用'), /一部を本サイトが作成/, rel);
    } finally {
      await context.close();
    }
  }
  // The 薬局 manual, all transcribed, has no mark.
  const { context, page } = await open('manuals/yakkyoku/index.html');
  try {
    assert.equal(await page.locator('.site-mark').count(), 0);
  } finally {
    await context.close();
  }
});

test('search results from adapted text say so; those from transcribed text do not', { timeout: 60_000 }, async () => {
  const { context, page } = await open('search.html?q=' + encodeURIComponent('台帳'));
  try {
    await page.waitForSelector('#search-results li');
    const rows = await page.locator('#search-results li').evaluateAll((lis) => lis.map((li) => ({
      href: li.querySelector('a').getAttribute('href'),
      where: li.querySelector('.search-result-where').textContent,
    })));
    const row = (href) => rows.find((r) => r.href.endsWith(href));
    assert.ok(row('manuals/iryokikan/20-kanri.html#item-2-1'), JSON.stringify(rows));
    assert.doesNotMatch(row('manuals/iryokikan/20-kanri.html#item-2-1').where, /本サイト/, 'the transcribed （１）');
    assert.doesNotMatch(row('manuals/yakkyoku/20-kanri.html#item-2-1').where, /本サイト/, 'the 薬局 manual');
    const adapted = rows.filter((r) => /manuals\/iryokikan\/20-kanri\.html#item-2-[2-9]/.test(r.href));
    assert.ok(adapted.length >= 1, JSON.stringify(rows));
    for (const r of adapted) assert.match(r.where, /〔本サイトが他の資料を元に作成〕/, r.href);
  } finally {
    await context.close();
  }
});

test('on the 医療機関 forms, what was taken from the 薬局 documents is marked next to it', { timeout: 60_000 }, async () => {
  const { context, page } = await open('checklists/r5/iryokikan.html');
  try {
    // The gate row.
    assert.match(await page.locator('#gate .site-mark').innerText(), /この様式の出典資料にない行.*薬局確認用（別添１）と薬局向けマニュアル（別添２）/);
    // The ▶ references of every item but ２（１）, whose 医療機関 manual page is in the sources.
    const marks = await page.locator('div.item').evaluateAll((els) => els.map((el) => [el.id, (el.querySelector('.item-links small') || {}).textContent || '']));
    for (const [id, mark] of marks) {
      if (id === 'current-2-all-1') assert.equal(mark, '', id);
      else assert.equal(mark, '薬局向けマニュアルより', id);
    }
    // What the site adds to the paper form: ３（１）'s 目標日 and 2回目, and the 備考 column.
    assert.match(await page.locator('#current-3-1 > .site-mark').innerText(), /紙の様式にない欄：目標日・2回目/);
    assert.match(await page.locator('#current-1-1 .remarks label').innerText(), /紙の様式にない欄/);
    // The description above the form is the site's.
    assert.match(await page.locator('.checklist-header .lead .site-mark').innerText(), /本サイトによる説明/);
  } finally {
    await context.close();
  }
  const vendor = await open('checklists/r5/iryokikan-jigyosha.html');
  try {
    assert.match(await vendor.page.locator('label[for="field-vendor_name"]').innerText(), /紙の様式にない欄：薬局向けの事業者確認用（別添１）による/);
  } finally {
    await vendor.context.close();
  }
  // The 薬局 forms follow their paper: nothing is marked but the description.
  const yakkyoku = await open('checklists/r5/yakkyoku.html');
  try {
    const marked = await yakkyoku.page.locator('#checklist-form .site-mark, #checklist-form .item-links small').count();
    assert.equal(marked, 0);
  } finally {
    await yakkyoku.context.close();
  }
});

test('the headings this site composed for the 2021 lists are marked as its own', { timeout: 60_000 }, async () => {
  const { context, page } = await open('checklists/y2021/keieiso.html');
  try {
    assert.match(await page.locator('.phase-title .site-mark').innerText(), /本サイトによる見出し/);
    assert.match(await page.locator('.section-title .site-mark').innerText(), /本サイトによる見出し/);
    assert.match(await page.locator('div.item .remarks label').first().innerText(), /紙の様式にない欄/);
  } finally {
    await context.close();
  }
});

test('the flowchart says its arrows are the site reading, before the chart, and draws parallel steps as such', { timeout: 60_000 }, async () => {
  const { context, page } = await open('flowcharts/incident-response.html');
  try {
    const reading = page.locator('.fc-reading');
    assert.match(await reading.innerText(), /図の矢印は出典資料にはありません。本サイトが/);
    const before = await reading.evaluate((p) => !!(p.compareDocumentPosition(document.querySelector('.fc-figure')) & Node.DOCUMENT_POSITION_FOLLOWING));
    assert.ok(before, 'said before the chart');
    assert.match(await page.locator('#fc-figure-caption').innerText(), /本サイトの読み/);
    // 2-2, 2-3, 2-4: one frame; one arrow in and one out; none between them.
    const shodo = page.locator('svg[data-phase="shodo"]');
    assert.equal(await shodo.locator('.fc-parallel').count(), 1);
    const arrows = await shodo.locator('.fc-arrow').evaluateAll((as) => as.map((a) => `${a.dataset.from}>${a.dataset.to}`));
    assert.ok(arrows.includes('2-1>2-2 2-3 2-4') && arrows.includes('2-2 2-3 2-4>2-5'), arrows.join(' '));
    assert.ok(!arrows.some((a) => /^2-[234]>2-[234]$/.test(a)), arrows.join(' '));
    assert.match(await shodo.locator('desc').textContent(), /2-2、2-3、2-4は並行して進めると読んだステップ/);
    // The step list says it in words.
    assert.match(await page.locator('#step-2-3 .fc-flow').innerText(), /並行して進めるステップ：2-2 .*、2-4 /);
    assert.match(await page.locator('.fc-reading-note').innerText(), /本サイトの読み/);
  } finally {
    await context.close();
  }
});
