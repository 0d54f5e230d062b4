'use strict';
// `kensa report` as a prefecture opens it: a page written from generated returns
// (benches/gen_returns.py) against the built site (KENSA_SITE_DIR), opened from file:// in
// chromium. It must request nothing but itself, obey its own CSP (no violation reports), pass
// axe at desktop and phone width, and show each chart beside a table holding its numbers.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawnSync } = require('node:child_process');
const h = require('./helpers');
const { REPO, kensaBin } = require('./inspection-vectors');

const TODAY = '2024-06-01';
let browser;
let work;
let reportPath;
let manifest;

before(async () => {
  const bin = kensaBin();
  assert.ok(bin, 'the kensa binary is built (cargo build)');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'kensa-report-'));
  const returns = path.join(work, 'returns');
  execFileSync('python3', [path.join(REPO, 'benches/gen_returns.py'), h.siteDir(), returns, '--files', '300', '--seed', '3', '--bad']);
  manifest = JSON.parse(fs.readFileSync(returns + '.manifest.json', 'utf8'));
  reportPath = path.join(work, 'report.html');
  const run = spawnSync(bin, ['report', returns, '--site', h.siteDir(), '--out', reportPath, '--today', TODAY]);
  assert.equal(run.status, 0, String(run.stderr));
  browser = await h.launchBrowser();
});

after(async () => {
  if (browser) await browser.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

async function open(width) {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const requests = h.recordRequests(page);
  const errors = h.recordConsoleErrors(page);
  const url = 'file://' + reportPath;
  await page.goto(url);
  return { page, requests, errors, url };
}

test('the report requests nothing but itself and breaks none of its own rules', async () => {
  const { page, requests, errors, url } = await open(1200);
  assert.deepEqual(requests.requests, [url]);
  assert.deepEqual(errors, [], 'no console errors (a CSP violation is one)');
  // The inline stylesheet applied: its hash in the CSP matched.
  const border = await page.$eval('.report-table td', (td) => getComputedStyle(td).borderTopStyle);
  assert.equal(border, 'solid');
  await page.close();
});

for (const width of [1200, 390]) {
  test(`axe finds nothing at ${width} px`, async () => {
    const { page } = await open(width);
    const violations = await h.axeCheck(page);
    assert.equal(violations.length, 0, h.formatViolations(violations));
    await page.close();
  });
}

test('each item row has its bar, drawn from the counts in its cells', async () => {
  const { page } = await open(1200);
  const rows = await page.$$eval('#c-r5-yakkyoku ~ table tbody tr, section[aria-labelledby="c-r5-yakkyoku"] tbody tr', (trs) =>
    trs.map((tr) => ({
      label: tr.querySelector('th').textContent,
      counts: [...tr.querySelectorAll('td.num')].slice(0, 3).map((td) => parseInt(td.textContent, 10)),
      widths: [...tr.querySelectorAll('svg rect')].map((r) => parseFloat(r.getAttribute('width'))),
      hidden: tr.querySelector('svg').getAttribute('aria-hidden'),
    })),
  );
  assert.ok(rows.length >= 10, `rows of 薬局確認用: ${rows.length}`);
  for (const row of rows) {
    assert.equal(row.hidden, 'true', 'the chart is decoration beside its numbers');
    const total = row.counts.reduce((a, b) => a + b, 0);
    const shown = row.counts.filter((n) => n > 0);
    assert.equal(row.widths.length, shown.length, row.label);
    shown.forEach((n, i) => assert.ok(Math.abs(row.widths[i] - (100 * n) / total) < 0.11, `${row.label}: ${row.widths[i]} vs ${n}/${total}`));
  }
  const first = rows.find((r) => r.label.startsWith('１（１）'));
  const want = manifest.applicable_answers['r5-yakkyoku|current-1-1|r1'];
  assert.deepEqual(first.counts, [want.yes, want.no, want.blank]);
  await page.close();
});

test('the report prints on A4 without its tables cut mid-row', async () => {
  const { page } = await open(1200);
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true });
  assert.ok(pdf.length > 10000);
  const avoid = await page.$eval('.report-table tr', (tr) => {
    // The print rules are in the stylesheet; read them as the printer will.
    const rules = [...document.styleSheets[0].cssRules].filter((r) => r.media && r.media.mediaText === 'print');
    return rules.some((r) => [...r.cssRules].some((x) => x.selectorText === '.report-table tr' && x.style.breakInside === 'avoid'));
  });
  assert.ok(avoid, 'rows are kept whole on paper');
  await page.close();
});
