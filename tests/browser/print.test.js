'use strict';
// Printing (KENSA_SITE_DIR), read back from PDFs with pdftotext: a list split over several pages
// prints as one document from any of them (its print view, filled from the answers stored by the
// pages), every printed form names its copy and its 事業者名, the inspection printout says whose
// return it is, and no printed page holds only a note folded away on screen.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const h = require('./helpers');

const site = h.useSite();
const SPLIT = ['system-kanrisha.html', 'system-kanrisha-2.html', 'system-kanrisha-3.html', 'system-kanrisha-4.html', 'system-kanrisha-5.html'];
const DIR = 'checklists/y2021/';

async function context() {
  return site.browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
}

async function openForm(ctx, url) {
  const page = await ctx.newPage();
  await page.goto(url, { waitUntil: 'load' });
  if (await page.locator('#checklist-form').count()) await page.waitForSelector('#form-tools:not([hidden])');
  return page;
}

/** The PDF of the page as printed, as text, one string per printed page. */
async function printed(page) {
  const file = path.join(os.tmpdir(), `kensa-print-${process.pid}-${Date.now()}.pdf`);
  try {
    await page.pdf({ path: file, format: 'A4', printBackground: true });
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).split('\f').filter((p) => p.trim());
  } finally {
    fs.rmSync(file, { force: true });
  }
}

for (const mode of ['http', 'file']) {
  test(`${mode}: the five pages of the 2021 システム管理者向け list print as one document from any of them`, { timeout: 180_000 }, async () => {
    const url = (rel) => (mode === 'http' ? `${site.server.url}/${DIR}${rel}` : h.fileUrl(site.dir, DIR + rel));
    const ctx = await context();
    try {
      // Answers typed on two of the pages, in one copy named after the facility.
      const two = await openForm(ctx, url(SPLIT[1]));
      await two.fill('#copy-name', 'テスト病院');
      await two.check('input[name="no-13:r1"][value="yes"]');
      const four = await openForm(ctx, url(SPLIT[4]));
      await four.check('input[name="no-92:r1"][value="no"]');
      await four.fill('[name="no-92:note"]', '対応予定');
      // From every page, 印刷する leads to the same print view.
      const targets = new Set();
      for (const rel of SPLIT) {
        const page = await openForm(ctx, url(rel));
        const print = page.locator('#form-tools .button', { hasText: '印刷する' });
        targets.add(new URL(await print.getAttribute('href'), page.url()).pathname);
        assert.match(await print.getAttribute('href'), /system-kanrisha-print\.html#print$/, rel);
        await page.close();
      }
      assert.equal(targets.size, 1, [...targets].join(' '));
      const view = await ctx.newPage();
      await view.goto(url('system-kanrisha-print.html'), { waitUntil: 'load' });
      assert.equal(await view.locator('[data-item-id]').count(), 92, 'every item of the five pages');
      const pages = await printed(view);
      const text = pages.join('\n');
      assert.match(text, /控え：テスト病院/);
      for (const n of ['1', '13', '54', '92']) assert.match(text, new RegExp(`\\n\\s*${n}\\s`), `item ${n}`);
      assert.match(text, /対応予定/);
      // The answers of both pages, as the paper marks them, and the score over all 92 items.
      assert.equal(await view.locator('[data-item-id="no-13"] [data-round="r1"]').innerText(), '○');
      assert.equal(await view.locator('[data-item-id="no-92"] [data-round="r1"]').innerText(), '×');
      assert.match(await view.locator('#score-summary [data-score-count="prevent"]').first().innerText(), /^1\//);
      for (const screenOnly of ['入力のページに戻る', '印刷用のページ']) assert.ok(!text.includes(screenOnly), screenOnly);
      // Printed on its own, one page of the five says that it is one of five.
      const part = await openForm(ctx, url(SPLIT[2]));
      assert.match((await printed(part)).join('\n'), /この印刷は5ページ中3ページ目だけです/);
    } finally {
      await ctx.close();
    }
  });
}

test('a printed form names its copy and its 事業者名', { timeout: 120_000 }, async () => {
  const ctx = await context();
  try {
    const page = await openForm(ctx, `${site.server.url}/checklists/r5/iryokikan-jigyosha.html`);
    await page.fill('#copy-name', 'A社の控え');
    await page.fill('[name="field:vendor_name"]', '株式会社テスト');
    const text = (await printed(page)).join('\n');
    assert.match(text, /控え：A社の控え\s+事業者名：株式会社テスト/);
    const facility = await openForm(ctx, `${site.server.url}/checklists/r5/iryokikan.html`);
    await facility.fill('#copy-name', 'テスト病院');
    assert.match((await printed(facility)).join('\n'), /控え：テスト病院/);
  } finally {
    await ctx.close();
  }
});

test('the inspection printout says whose return it is', { timeout: 180_000 }, async () => {
  const ctx = await context();
  try {
    const files = [];
    const save = async (page) => {
      const [d] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export"]')]);
      const file = path.join(os.tmpdir(), `kensa-print-${process.pid}-${files.length}-${d.suggestedFilename()}`);
      await d.saveAs(file);
      files.push(file);
    };
    const facility = await openForm(ctx, `${site.server.url}/checklists/r5/iryokikan.html`);
    await facility.fill('#copy-name', 'テスト病院');
    await facility.check('input[name="gate"][value="yes"]');
    await save(facility);
    const vendor = await openForm(ctx, `${site.server.url}/checklists/r5/iryokikan-jigyosha.html`);
    await vendor.fill('[name="field:vendor_name"]', '株式会社テスト');
    await save(vendor);
    const page = await ctx.newPage();
    await page.goto(`${site.server.url}/inspection/index.html`, { waitUntil: 'load' });
    await page.locator('#inspect-files').setInputFiles(files);
    await page.locator('#inspect-report').waitFor({ state: 'visible' });
    const first = (await printed(page))[0];
    assert.match(first, /点検した回答：医療機関確認用「テスト病院」（[^）]+\.json）\s*／\s*事業者確認用：株式会社テスト/);
    for (const f of files) fs.rmSync(f, { force: true });
  } finally {
    await ctx.close();
  }
});

test('no printed page holds only a note folded away on screen, or only the 出典', { timeout: 300_000 }, async () => {
  // Pages whose 出典 carries the sources' discrepancies (folded away on screen) or links to them.
  const pages = h.listHtmlPages(site.dir, 1000).filter((rel) => {
    const html = fs.readFileSync(path.join(site.dir, rel), 'utf8');
    return /class=discrepancies|class=source-more/.test(html);
  });
  assert.ok(pages.length >= 8, pages.join(' '));
  const ctx = await context();
  const problems = [];
  try {
    for (const rel of pages) {
      const page = await openForm(ctx, `${site.server.url}/${rel}`);
      const sheets = await printed(page);
      sheets.forEach((sheet, n) => {
        const lines = sheet.split('\n').map((l) => l.trim()).filter(Boolean);
        if (lines.every((l) => /^(出典|出典資料間の表記の違い|kensa )/.test(l) || /^\d+\/\d+$/.test(l))) {
          problems.push(`${rel}: printed page ${n + 1} holds only: ${lines.join(' / ')}`);
        }
      });
      if (sheets.join('\n').includes('出典資料間の表記の違い（')) problems.push(`${rel}: the folded note or its link is printed`);
      await page.close();
    }
  } finally {
    await ctx.close();
  }
  assert.deepEqual(problems, []);
});
