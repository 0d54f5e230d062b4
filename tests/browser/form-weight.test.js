'use strict';
// Page weight of every checklist page of the built site (KENSA_SITE_DIR), served on 127.0.0.1:
// not one request outside the site, and the page with its CSS and JS under 60 KB uncompressed.
//
// What keeps a form page light: the site's stylesheet holds only what every page needs, a page
// kind adds its own (checklist.css; scoring.css on the ○／× lists), the 事前確認 loads its script
// and style only when asked for, so do the form's answer files, review and copy actions
// (form-files.js), the scripts are minified, and the sources' discrepancies and the
// guideline coverage are on the checklist's companion page (…-about.html), not on the form.
//
// The 92-item 2021 list for system administrators, whose own printed text is about 34 KB, is
// filled on five pages that share one set of answers (see form.test.js), and the ○／×
// lists load no date-field code (form-dates.js, dates.css: dated forms only).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./helpers');

const BUDGET = 60 * 1024;

let dir;
let browser;
let server;
let weights;

before(async () => {
  dir = h.siteDir();
  browser = await h.launchBrowser();
  server = await h.serveDir(dir);
  weights = await measure();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

async function measure() {
  const pages = h.listHtmlPages(dir, 1000).filter((rel) => fs.readFileSync(path.join(dir, rel), 'utf8').includes('id=checklist-form'));
  assert.ok(pages.length >= 4, 'checklist pages found');
  const out = [];
  for (const rel of pages) {
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    await page.route('**/favicon.ico', (r) => r.fulfill({ status: 204, body: '' }));
    const rec = h.recordRequests(page);
    const sizes = {};
    page.on('response', async (res) => {
      if (/favicon\.ico$/.test(res.url())) return;
      try {
        sizes[res.url().replace(server.url + '/', '')] = (await res.body()).length;
      } catch {
        /* a response without a body */
      }
    });
    await page.goto(`${server.url}/${rel}`, { waitUntil: 'networkidle' });
    // The checklist's own words as printed: what no markup, style or script could save.
    const text = await page.evaluate(() => [...document.querySelectorAll('.item-text, .form-note, .instruction, .item-note, .target, .gate legend, .switch legend')]
      .map((e) => e.textContent).join(''));
    const items = await page.evaluate(() => [...document.querySelectorAll('div.item')].map((e) => e.id));
    await context.close();
    out.push({
      rel,
      sizes,
      total: Object.values(sizes).reduce((a, b) => a + b, 0),
      text: Buffer.byteLength(text),
      items,
      outside: rec.outside(server.url),
      failed: rec.failed.map((f) => f.url),
    });
  }
  return out;
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

test('checklist pages request nothing outside the site and nothing fails', () => {
  const problems = [];
  for (const w of weights) {
    for (const u of w.outside) problems.push(`${w.rel}: request outside the site: ${u}`);
    for (const u of w.failed) problems.push(`${w.rel}: failed request: ${u}`);
    if (!Object.keys(w.sizes).some((u) => u.endsWith('assets/js/form.js'))) problems.push(`${w.rel}: form.js not loaded`);
    // Answer files, the review and the copy actions wait until they are used.
    if (Object.keys(w.sizes).some((u) => u.endsWith('assets/js/form-files.js'))) problems.push(`${w.rel}: form-files.js loaded at open`);
  }
  assert.equal(problems.length, 0, problems.join('\n'));
});

function checkBudget(t, list) {
  assert.ok(list.length >= 1, 'pages measured');
  for (const line of report(list).split('\n')) t.diagnostic(line);
  const over = list.filter((w) => w.total > BUDGET);
  const all = list.length > over.length ? `\n\nevery page of this test:\n${report(list)}` : '';
  assert.equal(over.length, 0, `over ${kb(BUDGET)}:\n${report(over)}${all}`);
}

/** One line per page: its total, its own text and every file it loaded, by size. */
function report(list) {
  return list.map((w) => {
    const files = Object.entries(w.sizes).sort((a, b) => b[1] - a[1]).map(([u, n]) => `${u} ${kb(n)}`).join(', ');
    return `${w.rel}: ${kb(w.total)} (its own text ${kb(w.text)}): ${files}`;
  }).join('\n');
}

test('each checklist page with its CSS and JS is under 60 KB uncompressed', (t) => {
  checkBudget(t, weights);
});

// The 92-item 2021 list is filled on five pages (split_at in its definition): every one of them
// is a checklist page of this test, and together they hold every item once.
test('the 92-item list is measured on each of its pages', () => {
  const split = weights.filter((w) => /^checklists\/y2021\/system-kanrisha(-\d)?\.html$/.test(w.rel));
  assert.deepEqual(split.map((w) => w.rel).sort(), [
    'checklists/y2021/system-kanrisha-2.html',
    'checklists/y2021/system-kanrisha-3.html',
    'checklists/y2021/system-kanrisha-4.html',
    'checklists/y2021/system-kanrisha-5.html',
    'checklists/y2021/system-kanrisha.html',
  ]);
  const ids = split.flatMap((w) => w.items);
  assert.equal(ids.length, 92);
  assert.equal(new Set(ids).size, 92);
});
