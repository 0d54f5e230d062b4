'use strict';
// Accessibility of every kind of page of the built site (KENSA_SITE_DIR): axe-core with the WCAG
// 2.0/2.1/2.2 A and AA rules, plus what axe does not check: radio groups inside a fieldset with a
// legend, no placeholder standing in for a label, targets of at least 24×24 px, a visible focus
// indicator, no horizontal scrolling at 320 px, and a checklist filled in by keyboard alone.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
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

/** One page of each kind, found in the built site by what its pages carry. */
function pageKinds() {
  const pages = h.listHtmlPages(dir, 1000);
  const read = (rel) => fs.readFileSync(path.join(dir, rel), 'utf8');
  const first = (pred) => pages.find((rel) => pred(rel, read(rel)));
  const kinds = {
    home: 'index.html',
    'checklist (yes_no_dated)': first((r, t) => t.includes('data-answer-kind=yes_no_dated') && t.includes('data-gate')),
    'checklist (yes_no_dated, vendor)': first((r, t) => t.includes('data-answer-kind=yes_no_dated') && !t.includes('data-gate')),
    'checklist (maru_batsu)': first((r, t) => t.includes('data-answer-kind=maru_batsu')),
    'manual page': first((r) => /^manuals\/[^/]+\/(?!index)[^/]+\.html$/.test(r)),
    guide: first((r) => r.startsWith('guides/')),
    'plain page': first((r, t) => /<body class=("page"|page)>/.test(t) && !r.endsWith('index.html') && r !== '404.html'),
    'folder index': first((r, t) => /<body class=("page"|page)>/.test(t) && r.endsWith('/index.html')),
    404: '404.html',
  };
  for (const [k, v] of Object.entries(kinds)) assert.ok(v && fs.existsSync(path.join(dir, v)), `no page of kind ${k}`);
  return kinds;
}

async function open(url, viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(url, { waitUntil: 'load' });
  if (await page.locator('#checklist-form').count()) await page.waitForSelector('#form-tools:not([hidden])');
  return { context, page };
}

/** Puts a checklist into a state that shows every kind of message and badge. */
async function exercise(page) {
  const ids = await page.locator('div.item').evaluateAll((els) => els.map((e) => e.id));
  if (await page.locator('input[name="gate"]').count()) await page.check('input[name="gate"][value="yes"]');
  for (const sw of await page.locator('[data-switch]').evaluateAll((els) => els.map((e) => e.dataset.switch))) {
    await page.check(`input[name="switch:${sw}"][value="no"]`);
  }
  await page.check(`input[name="${ids[0]}:r1"][value="no"]`);
  if (await page.locator(`[name="${ids[0]}:r1:y"]`).count()) {
    await page.fill(`[name="${ids[0]}:r1:y"]`, '2023');
    await page.fill(`[name="${ids[0]}:r1:m"]`, '2');
    await page.fill(`[name="${ids[0]}:r1:d"]`, '30');
  }
  await page.fill(`[name="${ids[0]}:note"]`, '備考の記入');
  await page.locator('#review summary').click();
  // The review is drawn by form-files.js, loaded when it is first opened.
  await page.waitForSelector('#review-body dl');
}

/** The checks axe does not make; returns a list of problems. */
function extraChecks(page) {
  return page.evaluate(() => {
    const problems = [];
    const visible = (el) => {
      const r = el.getBoundingClientRect();
      const s = getComputedStyle(el);
      return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && !el.closest('[hidden]');
    };
    const name = (el) => el.id || el.name || el.outerHTML.slice(0, 80);

    // Radio groups inside a fieldset with a legend.
    const groups = {};
    for (const r of document.querySelectorAll('input[type="radio"]')) (groups[r.name] = groups[r.name] || []).push(r);
    for (const [n, radios] of Object.entries(groups)) {
      const fs0 = radios[0].closest('fieldset');
      const legend = fs0 && fs0.querySelector(':scope > legend');
      if (!fs0 || !legend || !legend.textContent.trim()) problems.push(`radio group ${n} is not in a fieldset with a legend`);
      else if (radios.some((r) => !fs0.contains(r))) problems.push(`radio group ${n} is split across fieldsets`);
    }

    // Every control has a visible label of its own; a placeholder never stands in for one.
    for (const el of document.querySelectorAll('input:not([type="hidden"]), select, textarea')) {
      if (!visible(el) && el.type !== 'radio') continue;
      const labels = [...(el.labels || [])].filter((l) => l.textContent.trim());
      const labelledby = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter((id) => id && document.getElementById(id));
      if (!labels.length && !labelledby.length) problems.push(`control without a visible label: ${name(el)}`);
      if (el.hasAttribute('placeholder') && !labels.length) problems.push(`placeholder used as a label: ${name(el)}`);
    }

    // Targets of at least 24×24 px (a link inside a sentence is exempt, as in WCAG 2.5.8).
    const targets = document.querySelectorAll('a[href], button, input:not([type="hidden"]), select, textarea, summary');
    for (const el of targets) {
      if (!visible(el) && el.type !== 'radio') continue;
      let box = el;
      if (el.type === 'radio' || el.type === 'checkbox') box = el.closest('label') || el;
      if (el.tagName === 'A') {
        const block = el.parentElement.closest('p, li, dd, dt, td, th, figcaption, blockquote') || el.parentElement;
        const rest = block.textContent.replace(el.textContent, '').trim();
        if (rest.length > 0 && getComputedStyle(el).display === 'inline') continue;
      }
      const r = box.getBoundingClientRect();
      if (r.width < 24 || r.height < 24) problems.push(`target smaller than 24×24 (${Math.round(r.width)}×${Math.round(r.height)}): ${name(el)}`);
    }
    return problems;
  });
}

async function focusIsVisible(page, maxTabs = 40) {
  const problems = [];
  await page.locator('body').click({ position: { x: 1, y: 1 } });
  for (let i = 0; i < maxTabs; i++) {
    await page.keyboard.press('Tab');
    const r = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const s = getComputedStyle(el);
      const label = el.closest('label');
      const ls = label ? getComputedStyle(label) : null;
      const shows = (st) => st && ((st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) >= 2) || (st.boxShadow && st.boxShadow !== 'none'));
      return { what: el.id || el.name || el.tagName + ':' + (el.textContent || '').trim().slice(0, 30), ok: !!(shows(s) || shows(ls)) };
    });
    if (r && !r.ok) problems.push(`no visible focus on ${r.what}`);
  }
  return problems;
}

for (const [kind, rel] of Object.entries(pageKinds())) {
  test(`${kind} (${rel}): axe WCAG 2.x A/AA, labels, targets, focus, 320 px`, { timeout: 180_000 }, async () => {
    const problems = [];
    const { context, page } = await open(`${server.url}/${rel}`);
    try {
      const checklist = (await page.locator('#checklist-form').count()) > 0;
      let violations = await h.axeCheck(page);
      if (violations.length) problems.push(`axe:\n${h.formatViolations(violations)}`);
      if (checklist) {
        await exercise(page);
        violations = await h.axeCheck(page);
        if (violations.length) problems.push(`axe (filled, messages shown, review open):\n${h.formatViolations(violations)}`);
      }
      problems.push(...(await extraChecks(page)));
      problems.push(...(await focusIsVisible(page)));
      await page.setViewportSize({ width: 320, height: 800 });
      await page.waitForTimeout(100);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 0) {
        const wide = await page.evaluate(() => [...document.querySelectorAll('body *')]
          .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
          .slice(0, 5).map((e) => e.tagName + '.' + e.className));
        problems.push(`horizontal scroll at 320 px (${overflow}px too wide): ${wide.join(', ')}`);
      }
      if (checklist) {
        violations = await h.axeCheck(page);
        if (violations.length) problems.push(`axe at 320 px:\n${h.formatViolations(violations)}`);
      }
    } finally {
      await context.close();
    }
    assert.equal(problems.length, 0, `${rel}:\n  ${problems.join('\n  ')}`);
  });
}

test('a checklist can be filled with the keyboard alone', { timeout: 120_000 }, async () => {
  const rel = pageKinds()['checklist (yes_no_dated)'];
  const { context, page } = await open(`${server.url}/${rel}`);
  try {
    const [id] = await page.locator('div.item').evaluateAll((els) => els.map((e) => e.id));
    await page.locator('h1').click();
    const tabTo = async (selector) => {
      for (let i = 0; i < 200; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((s) => document.activeElement.matches(s), selector)) return;
      }
      assert.fail(`Tab never reached ${selector}`);
    };
    await tabTo('input[name="gate"]');
    await page.keyboard.press('Space');
    assert.ok(await page.locator('input[name="gate"][value="yes"]').isChecked());
    await tabTo(`input[name="${id}:r1"]`);
    await page.keyboard.press('ArrowRight'); // radio groups move with the arrow keys
    assert.ok(await page.locator(`input[name="${id}:r1"][value="no"]`).isChecked());
    await tabTo(`[name="${id}:r1:y"]`);
    await page.keyboard.type('2023');
    await page.keyboard.press('Tab');
    await page.keyboard.type('10');
    await page.keyboard.press('Tab');
    await page.keyboard.type('1');
    await page.keyboard.press('Tab');
    assert.match(await page.locator(`#${id}-r1-info`).innerText(), /令和5年/);
    await page.keyboard.type('2024');
    assert.equal(await page.inputValue(`[name="${id}:target:y"]`), '2024', 'Tab goes on to the 目標日');
  } finally {
    await context.close();
  }
});
