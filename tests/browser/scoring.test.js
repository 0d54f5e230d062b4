'use strict';
// 「チェックの結果」 of the 2021 ○／× checklists and the flowchart's role filter, in Debian's
// chromium against the built site (KENSA_SITE_DIR):
// - the scoring rule of themes/default/static/js/scoring.js against the vectors that
//   tests/scoring.rs checks src/features/scoring.rs with (no browser needed);
// - a y2021 checklist page: clicking ○／× updates the summary's 割合, 項目数 and bars; 記入不要
//   items leave it; a list without 視点 shows the overall 割合; without JavaScript the table
//   shows the unanswered form's values;
// - the flowchart page: the role filter (mouse and keyboard) shows a role's own steps only and
//   dims the other lanes of the chart; without JavaScript every step shows.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./helpers');

const ROOT = path.join(__dirname, '..', '..');
const { score } = require(path.join(ROOT, 'themes/default/static/js/scoring.js'));

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

// ------------------------------------------------------------------ the rule

test('scoring.js matches the shared vectors', () => {
  const { vectors } = JSON.parse(fs.readFileSync(path.join(ROOT, 'tests/fixtures/scoring-vectors.json'), 'utf8'));
  assert.ok(vectors.length >= 5);
  for (const v of vectors) {
    const items = [];
    for (const i of v.items) {
      for (let n = 0; n < (i.repeat || 1); n += 1) {
        items.push({ viewpoint: i.viewpoint, answer: i.answer, applicable: i.applicable !== false });
      }
    }
    const s = score(v.viewpoints, items);
    const pick = (t) => ({ yes: t.yes, total: t.total, ratio: t.ratio, count: t.count });
    const got = { overall: pick(s.overall), viewpoints: {} };
    for (const id of v.viewpoints) got.viewpoints[id] = pick(s.viewpoints[id]);
    assert.deepEqual(got, v.expected, v.name);
  }
});

// ------------------------------------------------------------------ checklist pages

async function openPage(rel, options = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  // The site has no favicon; the browser's own request for one is not the page's error.
  await context.route('**/favicon.ico', (route) => route.fulfill({ status: 204, body: '' }));
  const page = await context.newPage();
  const errors = h.recordConsoleErrors(page);
  await page.goto(`${server.url}/${rel}`, { waitUntil: 'load' });
  return { context, page, errors };
}

async function cells(page) {
  return page.evaluate(() => {
    const out = {};
    for (const el of document.querySelectorAll('#score-summary table [data-score-ratio]')) {
      out[el.getAttribute('data-score-ratio')] = { ratio: el.textContent.trim() };
    }
    for (const el of document.querySelectorAll('#score-summary table [data-score-count]')) {
      out[el.getAttribute('data-score-count')].count = el.textContent.trim();
    }
    for (const el of document.querySelectorAll('#score-summary [data-score-bar]')) {
      out[el.getAttribute('data-score-bar')].bar = el.style.width;
    }
    return out;
  });
}

async function answer(page, item, value) {
  await page.locator(`input[name="${item}:r1"][value="${value}"]`).check();
}

test('y2021 経営層向け: ○／× update 割合, 項目数 and the bars', { timeout: 120_000 }, async () => {
  const { context, page, errors } = await openPage('checklists/y2021/keieiso.html');
  try {
    const headers = await page.locator('#score-summary thead th').allTextContents();
    assert.deepEqual(headers, ['予防', '発見', '是正']);
    assert.deepEqual(await cells(page), {
      prevent: { ratio: '0.0%', count: '0/15', bar: '0%' },
      detect: { ratio: '-', count: '0/0', bar: '0px' },
      correct: { ratio: '0.0%', count: '0/3', bar: '0%' },
    });
    for (const n of [1, 2, 3, 4, 5, 6]) await answer(page, `no-${n}`, 'yes');
    await answer(page, 'no-7', 'no');
    await answer(page, 'no-16', 'yes');
    assert.deepEqual(await cells(page), {
      prevent: { ratio: '40.0%', count: '6/15', bar: '40%' },
      detect: { ratio: '-', count: '0/0', bar: '0px' },
      correct: { ratio: '33.3%', count: '1/3', bar: '33.3%' },
    });
    // Changing an answer from ○ to × takes it out again.
    await answer(page, 'no-1', 'no');
    const c = await cells(page);
    assert.equal(c.prevent.ratio, '33.3%');
    assert.equal(c.prevent.count, '5/15');
    // The chart repeats the 割合 for sighted readers and is hidden from screen readers.
    assert.equal(await page.locator('.score-chart [data-score-ratio="prevent"]').textContent(), '33.3%');
    assert.equal(await page.locator('.score-chart').getAttribute('aria-hidden'), 'true');
    // The answers survive a reload (form.js stores them) and the summary is recomputed from them.
    await page.reload({ waitUntil: 'load' });
    assert.equal((await cells(page)).prevent.count, '5/15');
    // The summary is printed.
    await page.emulateMedia({ media: 'print' });
    assert.ok(await page.locator('#score-summary').isVisible());
    assert.ok(await page.locator('#score-summary table').isVisible());
    assert.deepEqual(errors, []);
    const violations = await h.axeCheck(page, { context: '#score-summary' });
    assert.equal(violations.length, 0, h.formatViolations(violations));
  } finally {
    await context.close();
  }
});

test('y2021 オンライン資格確認等: 記入不要 items leave the summary', { timeout: 120_000 }, async () => {
  const { context, page, errors } = await openPage('checklists/y2021/system-kanrisha-online.html');
  try {
    await answer(page, 'no-1', 'yes');
    await answer(page, 'no-2', 'no');
    assert.deepEqual(await cells(page), {
      prevent: { ratio: '100.0%', count: '1/1', bar: '100%' },
      detect: { ratio: '0.0%', count: '0/1', bar: '0%' },
      correct: { ratio: '-', count: '0/0', bar: '0px' },
    });
    await page.locator('input[name="switch:online_shikaku"][value="no"]').check();
    const c = await cells(page);
    assert.equal(c.prevent.ratio, '-');
    assert.equal(c.prevent.count, '0/0');
    assert.equal(c.detect.count, '0/0');
    await page.locator('input[name="switch:online_shikaku"][value="yes"]').check();
    assert.equal((await cells(page)).prevent.count, '1/1');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('y2021 医療従事者向け (no 視点): the overall 割合', { timeout: 120_000 }, async () => {
  const { context, page, errors } = await openPage('checklists/y2021/iryo-juujisha.html');
  try {
    assert.deepEqual(await page.locator('#score-summary thead th').allTextContents(), ['全項目']);
    for (const n of [1, 2, 3]) await answer(page, `no-${n}`, 'yes');
    await answer(page, 'no-4', 'no');
    assert.deepEqual(await cells(page), { overall: { ratio: '30.0%', count: '3/10', bar: '30%' } });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('y2021 page: edition note links the current checklists', { timeout: 120_000 }, async () => {
  const { context, page } = await openPage('checklists/y2021/keieiso.html');
  try {
    const note = page.locator('.edition-note');
    assert.match(await note.innerText(), /第5\.1版/);
    const hrefs = await note.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(hrefs.some((u) => /checklists\/r5\/.+\.html$/.test(u)), hrefs.join(' '));
  } finally {
    await context.close();
  }
});

test('y2021 page without JavaScript: the unanswered form values', { timeout: 120_000 }, async () => {
  const { context, page } = await openPage('checklists/y2021/system-kanrisha.html', { javaScriptEnabled: false });
  try {
    const ratios = await page.locator('#score-summary table [data-score-ratio]').allTextContents();
    const counts = await page.locator('#score-summary table [data-score-count]').allTextContents();
    assert.deepEqual(ratios, ['0.0%', '0.0%', '0.0%']);
    assert.deepEqual(counts, ['0/84', '0/7', '0/1']);
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------------ the flowchart

const FLOWCHART = 'flowcharts/incident-response.html';

async function visibleSteps(page) {
  return page.locator('.fc-step:visible').evaluateAll((els) => els.map((e) => e.id));
}

test('flowchart: the role filter shows a role its own steps', { timeout: 120_000 }, async () => {
  const { context, page, errors } = await openPage(FLOWCHART);
  try {
    assert.ok(await page.locator('#fc-filter').isVisible(), 'the filter shows with JavaScript');
    assert.equal((await visibleSteps(page)).length, 37);

    await page.getByLabel('経営層（11）').check();
    const mine = await visibleSteps(page);
    assert.equal(mine.length, 11);
    assert.ok(mine.includes('step-2-8') && !mine.includes('step-2-9'));
    // Every visible step names the role; 検知 has none of its steps and says so.
    const roles = await page.locator('.fc-step:visible').evaluateAll((els) => els.map((e) => e.dataset.roles));
    assert.ok(roles.every((r) => r.split(' ').includes('keieiso')));
    assert.ok(await page.locator('#phase-kenchi .fc-phase-empty').isVisible());
    assert.match(await page.locator('#fc-filter-status').textContent(), /経営層が担当するステップ 11件/);
    // The chart dims the other lanes' boxes and keeps the role's own.
    const dim = await page.locator('.fc-svg g.fc-box').evaluateAll((as) =>
      as.map((a) => [a.getAttribute('data-lane'), a.classList.contains('fc-dim')]),
    );
    assert.ok(dim.every(([lane, dimmed]) => dimmed === (lane !== 'keieiso')));

    // A link to a step the filter hides shows everything again.
    await page.locator('#step-2-8 .fc-flow a[href="#step-2-9"]').click();
    assert.equal((await visibleSteps(page)).length, 37);
    assert.ok(await page.locator('#fc-filter input[value="all"]').isChecked());

    // Keyboard: arrow keys move through the radio group.
    await page.locator('#fc-filter input[value="all"]').focus();
    await page.keyboard.press('ArrowRight');
    assert.ok(await page.locator('#fc-filter input[value="keieiso"]').isChecked());
    await page.keyboard.press('ArrowRight');
    assert.ok(await page.locator('#fc-filter input[value="anzen_kanri"]').isChecked());
    assert.equal((await visibleSteps(page)).length, 23);

    // A box of the chart leads to its step's text.
    await page.locator('#fc-filter input[value="all"]').check();
    await page.locator('.fc-svg a.fc-hit[data-step="2-5"]').first().click();
    assert.ok(page.url().endsWith('#step-2-5'));
    assert.match(await page.locator('#step-2-5').innerText(), /03-5978-7509/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('flowchart: no axe violations, and everything shows without JavaScript', { timeout: 120_000 }, async () => {
  let { context, page } = await openPage(FLOWCHART);
  try {
    const violations = await h.axeCheck(page, { context: 'main' });
    assert.equal(violations.length, 0, h.formatViolations(violations));
  } finally {
    await context.close();
  }
  ({ context, page } = await openPage(FLOWCHART, { javaScriptEnabled: false }));
  try {
    assert.equal(await page.locator('#fc-filter').isVisible(), false);
    assert.equal((await visibleSteps(page)).length, 37);
  } finally {
    await context.close();
  }
});
