'use strict';
// Smoke tests of the built site (KENSA_SITE_DIR) in Debian's chromium:
// - index.html over http and from file://: has an <h1> and 出典, requests nothing outside the
//   site, and has no axe (WCAG 2.x A/AA) violations;
// - every .html page over http (all of them, counted in the test's diagnostic): no console
//   errors, no failed requests, nothing requested from another origin.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

let dir;
let browser;
let server;

before(async () => {
  dir = h.siteDir();
  browser = await h.launchBrowser();
  server = await h.serveDir(dir);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

async function checkIndex(url, base) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const problems = [];
  try {
    const rec = h.recordRequests(page);
    const resp = await page.goto(url, { waitUntil: 'load' });
    if (resp && !resp.ok()) problems.push(`status ${resp.status()}`);

    if ((await page.locator('h1').count()) < 1) problems.push('no <h1>');
    const text = await page.locator('body').innerText();
    if (!text.includes('出典')) problems.push('the page does not show 出典');

    for (const u of rec.outside(base)) problems.push(`request outside ${base}: ${u}`);
    for (const f of rec.failed) problems.push(`request failed: ${f.url} (${f.error})`);
    for (const r of rec.httpErrors) problems.push(`HTTP ${r.status}: ${r.url}`);

    const violations = await h.axeCheck(page);
    if (violations.length) problems.push(`${violations.length} axe violation(s):\n${h.formatViolations(violations)}`);
  } finally {
    await context.close();
  }
  assert.equal(problems.length, 0, `${url}:\n  ${problems.join('\n  ')}`);
}

test('index.html over http', { timeout: 120_000 }, async () => {
  await checkIndex(`${server.url}/index.html`, server.url);
});

test('index.html from file://', { timeout: 120_000 }, async () => {
  await checkIndex(h.fileUrl(dir, 'index.html'), h.fileUrl(dir));
});

test('every page over http: no console errors, no failed requests', { timeout: 900_000 }, async (t) => {
  const pages = h.listHtmlPages(dir, Infinity);
  assert.ok(pages.length >= 1, 'no .html pages found');
  const context = await browser.newContext();
  const problems = [];
  try {
    for (const rel of pages) {
      const url = `${server.url}/${rel.split('/').map(encodeURIComponent).join('/')}`;
      const page = await context.newPage();
      const rec = h.recordRequests(page);
      const consoleErrors = h.recordConsoleErrors(page);
      try {
        const resp = await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
        if (resp && !resp.ok()) problems.push(`${rel}: status ${resp.status()}`);
      } catch (err) {
        problems.push(`${rel}: navigation failed: ${String(err.message || err).split('\n')[0]}`);
      }
      for (const e of consoleErrors) problems.push(`${rel}: ${e}`);
      for (const f of rec.failed) problems.push(`${rel}: request failed: ${f.url} (${f.error})`);
      for (const r of rec.httpErrors) problems.push(`${rel}: HTTP ${r.status}: ${r.url}`);
      for (const u of rec.outside(server.url)) problems.push(`${rel}: request to another origin: ${u}`);
      await page.close();
    }
  } finally {
    await context.close();
  }
  t.diagnostic(`checked all ${pages.length} page(s), skipped none`);
  assert.equal(problems.length, 0, `${problems.length} problem(s) on ${pages.length} page(s):\n  ${problems.join('\n  ')}`);
});
