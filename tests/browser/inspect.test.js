'use strict';
// The browser inspection engine (themes/default/static/js/inspect.js) and the inspection page.
//
// 1. Without a browser: inspect.js, with the checklist definitions of the built site
//    (assets/inspection-data.js run in a vm context), gives every vector of
//    tests/inspection/vectors.json its expected findings, compared as tests/inspection.rs does.
// 2. When the kensa binary is built (target/debug/kensa, or KENSA_BIN): the findings, messages
//    and quotes are exactly those of `kensa inspect --format json`, for every vector and for a
//    list of broken files (the JSON reader must report serde_json's line and column).
// 3. In chromium: the inspection page over http and from file:// reads files picked in the file
//    input, shows the counts and the findings under the 手引き's headings, explains a broken file,
//    saves the report as JSON; a checklist page shows the 事前確認 from the form as it is filled.

const { test, before, after, describe } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./helpers');
const { REPO, VECTORS, loadData, vectorFiles, todayOf, kensaBin, rustFindings } = require('./inspection-vectors');

const engine = require(path.join(REPO, 'themes/default/static/js/inspect.js'));

function key(f) {
  return `${f[0]} ${f[1]} ${f[2]} ${f[3] == null ? '-' : f[3]}`;
}

let data;
before(() => {
  data = loadData(h.siteDir());
});

describe('engine without a browser', () => {
  test('every vector gives its expected findings', () => {
    assert.ok(VECTORS.length >= 30);
    for (const v of VECTORS) {
      const report = engine.inspect(data, vectorFiles(v, data), todayOf(v));
      const got = report.findings.map((f) => key([f.file, f.rule, f.status, f.item])).sort();
      const want = v.expected.map(key).sort();
      assert.deepEqual(got, want, `vector \`${v.name}\`: ${v.description}`);
      for (const f of report.findings) {
        assert.ok(f.message, 'every finding has a message');
        if (f.rule !== 'file') assert.ok(f.quote, 'every rule finding quotes the 手引き');
      }
    }
  });

  test('dates are real days in the years the data allows', () => {
    assert.ok(engine.validDate('2024-02-29'));
    assert.ok(!engine.validDate('2023-02-29'));
    assert.ok(!engine.validDate('2023-13-01'));
    assert.ok(!engine.validDate('2023-1-01'));
    assert.ok(!engine.validDate(''));
    assert.deepEqual(data.years, [2000, 2099]);
    assert.ok(!engine.validDate('1899-12-31'));
    assert.ok(engine.validDate('2000-01-01'));
    assert.ok(!engine.validDate('2100-01-01'));
  });
});

// ------------------------------------------------------------------ against the Rust engine

// Broken and odd files: JSON.parse plus serdeAccepts must refuse exactly what serde_json refuses.
const ODD_FILES = [
  '',
  '   ',
  '{',
  '[',
  '{"a":1,}',
  '[1,]',
  '[1 2]',
  '{"a" 1}',
  '{1: 2}',
  '{"a":1 "b":2}',
  'nul',
  'nulx',
  'truE',
  '01',
  '-',
  '-a',
  '1.',
  '1.e5',
  '1e',
  '1e+',
  '1ex',
  '1e400',
  '-1e400',
  '1e-400',
  '123456789012345678901234567890',
  '1234567890123456789012345678901234567890e300',
  '0.0000000000000000000000000000000000000001e1000',
  '{"format":"kensa-answers"} x',
  '"\\x"',
  '"\\u12"',
  '"\\u12g4"',
  '"\\udc00"',
  '"\\ud800"',
  '"\\ud800x"',
  '"\\ud800\\x"',
  '"\\ud800\\u0041"',
  '"\\ud83d\\ude00"',
  '"tab\there"',
  '"unterminated',
  '"日本語\n改行"',
  '{\n  "format": "kensa-answers",\n  "items": {\n    "あ": 1,\n  }\n}',
  '{\n  "ファイル": "壊れて\u0001いる"\n}',
  '\ufeff{"format":"kensa-answers"}',
  '[' + '['.repeat(126) + ']'.repeat(126) + ']',
  '[' + '['.repeat(127) + ']'.repeat(127) + ']',
  '{"format":"kensa-answers","format_version":1.0,"checklist":{"id":"r5-iryokikan"}}',
  '{"format":"kensa-answers","format_version":1e0,"checklist":{"id":"r5-iryokikan"}}',
  '{"format":"kensa-answers","format_version":-1,"checklist":{"id":"r5-iryokikan"}}',
  '{"format":"kensa-answers","format_version":18446744073709551615,"checklist":{"id":"r5-iryokikan"}}',
  '{"format":"kensa-answers","format_version":18446744073709551616,"checklist":{"id":"r5-iryokikan"}}',
  '{"format":"kensa-answers","format_version":"1","checklist":{"id":"r5-iryokikan"}}',
  '{"format":"kensa-answers","format_version":1,"checklist":{"id":5}}',
  '{"format":"kensa-answers","format_version":1,"checklist":{"id":"y2021-keieiso"}}',
  '{"format":"kensa-answers","format_version":1,"checklist":{"id":"r5-iryokikan"},"items":{"zz":{},"b":{},"Z":{},"ä":{},"😀":{},"\uffff":{}}}',
  '{"format":"kensa-answers","format_version":1,"checklist":{"id":"r5-iryokikan"},"items":[1,2]}',
  '{"format":"kensa-answers","format_version":1,"checklist":{"id":"r5-iryokikan"},"gate":"yes","switches":{"vendor_contract":"yes"},"items":{"current-1-1":{"r1":{"answer":"yes","date":"2023-+1-01"}},"current-2-all-1":{"r1":{"answer":"no","date":"2023-10-01"},"target":{"date":"1899-12-31"}}}}',
  '{"format":"kensa-answers","format_version":1,"checklist":{"id":"r5-iryokikan"},"gate":"maybe","switches":{"vendor_contract":"no"}}',
  '{"format":"kensa-answers","format_version":1,"checklist":{"id":"r5-iryokikan-jigyosha"},"fields":{"vendor_name":"\u3000 "}}',
  '{"format":"kensa-answers","format_version":1,"checklist":{"id":"r5-iryokikan-jigyosha"},"fields":{"vendor_name":"\ufeff"}}',
  '{"format":"kensa-answers","format":"other","format_version":1}',
  '{"format":"other","format":"kensa-answers","format_version":1,"checklist":{"id":"r5-yakkyoku"},"gate":"no"}',
];

describe('same findings and messages as `kensa inspect`', { skip: kensaBin() ? false : 'kensa binary not built (cargo build)' }, () => {
  test('every vector', () => {
    const days = [...new Set(VECTORS.map(todayOf))];
    for (const today of days) {
      const vs = VECTORS.filter((v) => todayOf(v) === today);
      const rust = rustFindings(kensaBin(), vs.map((v) => vectorFiles(v, data)), today);
      vs.forEach((v, n) => {
        assert.deepEqual(engine.inspect(data, vectorFiles(v, data), today).findings, rust[n], `vector \`${v.name}\``);
      });
    }
  });

  test('broken and odd files', () => {
    // One file per facility: several facility forms together would add a "複数あります" finding.
    const facilities = ODD_FILES.map((text, n) => [{ name: `odd-${String(n).padStart(2, '0')}.json`, bytes: Buffer.from(text) }]);
    const rust = rustFindings(kensaBin(), facilities, '2023-12-01');
    facilities.forEach((files, n) => {
      const got = engine.inspect(data, files, '2023-12-01').findings;
      assert.deepEqual(got, rust[n], `${files[0].name}: ${JSON.stringify(ODD_FILES[n]).slice(0, 80)}`);
    });
  });
});

// ------------------------------------------------------------------ in chromium

const vector = (name) => {
  const v = VECTORS.find((x) => x.name === name);
  assert.ok(v, `vector ${name}`);
  return v;
};
const payloads = (v) => vectorFiles(v, data).map((f) => ({ name: f.name, mimeType: 'application/json', buffer: Buffer.from(f.bytes) }));

describe('in chromium', () => {
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

  async function openPage(url) {
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const errors = h.recordConsoleErrors(page);
    const rec = h.recordRequests(page);
    await page.goto(url, { waitUntil: 'load' });
    await page.locator('#inspect-load').waitFor({ state: 'visible' });
    return { context, page, errors, rec };
  }

  async function load(page, files) {
    await page.locator('#inspect-files').setInputFiles(files);
    await page.locator('#inspect-report').waitFor({ state: 'visible' });
    await page.waitForFunction(() => /読み込みました/.test(document.getElementById('inspect-status').textContent));
  }

  async function counts(page) {
    return page.evaluate(() => {
      const out = {};
      for (const li of document.querySelectorAll('#inspect-report .inspect-counts .count')) {
        const s = [...li.classList].find((c) => c.startsWith('count-')).slice(6);
        out[s] = Number(li.querySelector('.count-number').textContent);
      }
      return out;
    });
  }

  /** heading title → { status → [messages] }, from the rendered report. */
  async function byHeading(page) {
    return page.evaluate(() => {
      const out = {};
      for (const g of document.querySelectorAll('#inspect-report .inspect-group')) {
        const title = g.querySelector('.inspect-group-title').textContent;
        const entry = (out[title] = { href: (g.querySelector('.inspect-group-title a') || {}).href || null });
        for (const b of g.querySelectorAll('.inspect-status')) {
          const s = [...b.classList].find((c) => c.startsWith('status-')).slice(7);
          entry[s] = [...b.querySelectorAll('.finding-message')].map((m) => m.textContent);
        }
      }
      return out;
    });
  }

  function expectedCounts(v) {
    const c = { fail: 0, onsite: 0, advice: 0, pass: 0, info: 0, error: 0 };
    for (const e of v.expected) c[e[2]]++;
    return c;
  }

  async function checkVectors(url, base) {
    const { context, page, errors, rec } = await openPage(url);
    try {
      // 医療機関, two vendors: ① and ② with the vendor findings under ②
      const two = vector('two-vendors-cover-each-other');
      await load(page, payloads(two));
      assert.deepEqual(await counts(page), expectedCounts(two));
      const groups = await byHeading(page);
      const first = groups['①「医療機関確認用」チェックリストについて'];
      const second = groups['②「事業者確認用」チェックリストについて'];
      assert.ok(first && second, Object.keys(groups).join(' / '));
      assert.match(first.href, /guides\/iryokikan\.html#facility-form$/);
      assert.match(second.href, /guides\/iryokikan\.html#vendor-form$/);
      assert.equal(first.fail.length, 1);
      assert.match(first.fail[0], /「医療機関確認用」 ２（４）（サーバ）：１回目の確認日が/);
      assert.ok(first.onsite.some((m) => m.includes('３（１）') && m.includes('現物を見て確認')));
      // A vendor's blank answered on another sheet is for the inspector to judge, never 適合.
      assert.equal(second.pass, undefined);
      assert.ok(second.onsite.some((m) => m.includes('「事業者確認用」（A社） ２（７）（ネットワーク機器）：未記入です。「医療機関確認用」の２（７）（ネットワーク機器）に記入があります。')));
      assert.ok(second.onsite.some((m) => m.includes('「事業者確認用」（B社） ２（４）（サーバ）：未記入です。「事業者確認用」（A社）の２（４）（サーバ）に記入があります。')));
      assert.ok(second.onsite.some((m) => m.includes('「事業者確認用」2件を確認しました')));
      assert.equal(await page.locator('.inspect-return').count(), 0, 'one facility: no per-facility sections');
      assert.ok(groups['参考項目'].info.length === 3);
      const quotes = await page.locator('#inspect-report .inspect-quote').allTextContents();
      assert.ok(quotes.some((q) => q.includes('１回目の確認結果（日付と「はい」または「いいえ」）が記入されていることを確認してください')));
      assert.equal(await page.locator('#inspect-file-items li').count(), 3);

      // Save as JSON: the download holds the findings shown
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#inspect-save').click()]);
      assert.match(download.suggestedFilename(), /^kensa-inspection-.*\.json$/);
      const saved = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
      assert.equal(saved.format, 'kensa-inspection');
      assert.equal(saved.failed, true);
      assert.deepEqual(saved.findings, engine.inspect(data, vectorFiles(two, data), todayOf(two)).findings);

      // Next facility: 薬局, without failures
      await page.locator('#inspect-clear').click();
      assert.equal(await page.locator('#inspect-report').isHidden(), true);
      const pharmacy = vector('pharmacy-contact-chart-yes');
      await load(page, payloads(pharmacy));
      assert.deepEqual(await counts(page), expectedCounts(pharmacy));
      const pg = await byHeading(page);
      assert.ok(pg['①「薬局確認用」チェックリストについて'].onsite.some((m) => m.includes('３（１）')));
      assert.match(pg['①「薬局確認用」チェックリストについて'].href, /guides\/yakkyoku\.html#facility-form$/);
      assert.match(await page.locator('.inspect-verdict').textContent(), /記入の不足はありません/);

      // Adding a file later: a 目標日 missing on the same facility's file replaces the old one
      const noTarget = vector('pharmacy-contact-chart-no');
      await load(page, payloads(noTarget));
      assert.equal(await page.locator('#inspect-file-items li').count(), 1);
      assert.deepEqual(await counts(page), expectedCounts(noTarget));
      assert.match((await byHeading(page))['①「薬局確認用」チェックリストについて'].fail[0], /目標日が記入されていません/);

      // Broken files: a clear error each, and nothing else
      await page.locator('#inspect-clear').click();
      const broken = vector('malformed');
      await load(page, payloads(broken));
      assert.equal((await counts(page)).error, 4);
      const alert = page.locator('.inspect-errors[role=alert]');
      const text = await alert.textContent();
      assert.match(text, /broken\.json：JSON として読めません。ファイルが途中で切れているか/);
      assert.match(text, /other\.json：チェックリストの回答ファイルではありません/);
      assert.match(text, /newer\.json：回答ファイルの形式バージョン 2 には対応していません/);
      assert.match(text, /unknown-items\.json：回答ファイルの中身が正しくありません（items\.current-9-9：このチェックリストにない項目です/);
      assert.match(await page.locator('.inspect-verdict').textContent(), /読めないファイルが4件あります/);

      // A file that is not text at all
      await page.locator('#inspect-clear').click();
      await load(page, [{ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) }]);
      assert.match(await alert.textContent(), /photo\.png：文字コードが UTF-8 ではありません/);

      // Chromium asks for /favicon.ico on its own; the site has none.
      assert.deepEqual(errors.filter((e) => !e.includes('/favicon.ico')), []);
      assert.deepEqual(rec.outside(base), [], 'the page sends nothing anywhere');
      assert.deepEqual(rec.failed, []);
    } finally {
      await context.close();
    }
  }

  test('inspection page over http', { timeout: 120_000 }, async () => {
    await checkVectors(`${server.url}/inspection/index.html`, server.url);
  });

  test('inspection page from file://', { timeout: 120_000 }, async () => {
    await checkVectors(h.fileUrl(dir, 'inspection/index.html'), h.fileUrl(dir));
  });

  test('inspection page: no axe violations with a report shown', { timeout: 120_000 }, async () => {
    const { context, page } = await openPage(`${server.url}/inspection/index.html`);
    try {
      await load(page, payloads(vector('two-vendors-cover-each-other')));
      const violations = await h.axeCheck(page);
      assert.equal(violations.length, 0, h.formatViolations(violations));
      if (process.env.KENSA_SCREENSHOT_DIR) {
        await page.setViewportSize({ width: 1100, height: 900 });
        await page.screenshot({ path: path.join(process.env.KENSA_SCREENSHOT_DIR, 'inspection.png'), fullPage: true });
        await page.emulateMedia({ media: 'print' });
        await page.screenshot({ path: path.join(process.env.KENSA_SCREENSHOT_DIR, 'inspection-print.png'), fullPage: true });
      }
    } finally {
      await context.close();
    }
  });

  /** Per-facility sections: title → { verdict, headings: { title → { status → [messages] } } }. */
  async function returns(page) {
    return page.evaluate(() => {
      const out = {};
      for (const r of document.querySelectorAll('#inspect-report .inspect-return')) {
        const headings = {};
        for (const g of r.querySelectorAll('.inspect-group')) {
          const entry = (headings[g.querySelector('.inspect-group-title').textContent] = {});
          for (const b of g.querySelectorAll('.inspect-status')) {
            const s = [...b.classList].find((c) => c.startsWith('status-')).slice(7);
            entry[s] = [...b.querySelectorAll('.finding-message')].map((m) => m.textContent);
          }
        }
        out[r.querySelector('.inspect-return-title').textContent] = { verdict: r.querySelector('.inspect-return-verdict').textContent, headings };
      }
      return out;
    });
  }

  test('a mixed set of files: each facility is judged and shown on its own', { timeout: 120_000 }, async () => {
    const { context, page, errors } = await openPage(`${server.url}/inspection/index.html`);
    try {
      // A clinic's form, a pharmacy's form and the pharmacy's vendor form, picked together.
      const mixed = vector('clinic-and-pharmacy-are-two-returns');
      await load(page, payloads(mixed));
      assert.deepEqual(await counts(page), expectedCounts(mixed));
      const got = await returns(page);
      assert.deepEqual(Object.keys(got), ['施設1：医療機関（clinic.json）', '施設2：薬局（pharmacy.json）']);
      const clinic = got['施設1：医療機関（clinic.json）'];
      const pharmacy = got['施設2：薬局（pharmacy.json）'];
      assert.match(clinic.verdict, /^記入の不足はありません。ファイル：clinic\.json$/);
      assert.match(pharmacy.verdict, /^記入の不足が2件あります。ファイル：pharmacy\.json、vendor-a\.json$/);
      // The pharmacy vendor's blank is judged with the pharmacy's sheet, not excused by the clinic's.
      const vendorPart = pharmacy.headings['②「事業者確認用」チェックリストについて'];
      assert.ok(vendorPart.fail.some((m) => m.startsWith('「事業者確認用」（A社） ２（６）（サーバ）：１回目の確認結果')), JSON.stringify(vendorPart));
      assert.equal(JSON.stringify(clinic).includes('事業者確認用」（A社）'), false);
      assert.ok(clinic.headings['①「医療機関確認用」チェックリストについて'].pass.some((m) => m.includes('すべてに１回目の確認結果が記入されています')));
      // No file is both unreadable and inspected.
      assert.equal(await page.locator('.inspect-errors').count(), 0);
      assert.equal(await page.locator('.inspect-sheets tbody tr').count(), 3);

      // Two pharmacies and a vendor sheet: two facilities, and a vendor sheet nobody is sure of.
      await page.locator('#inspect-clear').click();
      const two = vector('two-pharmacies-are-two-facilities');
      await load(page, payloads(two));
      const pg = await returns(page);
      assert.deepEqual(Object.keys(pg), ['施設1：薬局（pharmacy.json）', '施設2：薬局（pharmacy-2.json）', 'どの施設のものか分からない「事業者確認用」（薬局）']);
      const notes = await page.locator('.inspect-group-title:text-is("ファイルについて") + ul').textContent();
      assert.match(notes, /「薬局確認用」が複数（pharmacy\.json、pharmacy-2\.json）あります。それぞれ別の施設の回答として確認しました。/);
      assert.match(notes, /vendor-a\.json：「薬局確認用」が複数（pharmacy\.json、pharmacy-2\.json）あるため、この「事業者確認用」がどの施設のものか分かりません。/);
      assert.deepEqual(errors.filter((e) => !e.includes('/favicon.ico')), []);
    } finally {
      await context.close();
    }
  });

  test('files re-saved by Notepad: a BOM is read, Shift_JIS is refused with what to do', { timeout: 120_000 }, async () => {
    for (const url of [`${server.url}/inspection/index.html`, h.fileUrl(dir, 'inspection/index.html')]) {
      const { context, page } = await openPage(url);
      try {
        const v = vector('bom-and-shift-jis');
        await load(page, payloads(v));
        assert.deepEqual(await counts(page), expectedCounts(v));
        const alert = await page.locator('.inspect-errors[role=alert]').textContent();
        assert.match(alert, /sjis\.json：文字コードが UTF-8 ではありません。メモ帳などで Shift_JIS（ANSI）として保存し直された可能性があります。/);
        assert.doesNotMatch(alert, /bom\.json/);
        assert.deepEqual(await page.locator('.inspect-sheets tbody td:first-child').allTextContents(), ['bom.json']);
      } finally {
        await context.close();
      }
    }
  });

  test('dropping files on the page loads them', { timeout: 60_000 }, async () => {
    const { context, page } = await openPage(`${server.url}/inspection/index.html`);
    try {
      const v = vector('contract-without-vendor-sheets');
      const files = vectorFiles(v, data).map((f) => ({ name: f.name, bytes: [...f.bytes] }));
      const handle = await page.evaluateHandle((list) => {
        const dt = new DataTransfer();
        for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: 'application/json' }));
        return dt;
      }, files);
      await page.dispatchEvent('#drop-zone', 'dragenter', { dataTransfer: handle });
      assert.equal(await page.locator('#drop-zone.is-dragover').count(), 1);
      await page.dispatchEvent('#drop-zone', 'drop', { dataTransfer: handle });
      await page.locator('#inspect-report').waitFor({ state: 'visible' });
      await page.waitForFunction(() => /読み込みました/.test(document.getElementById('inspect-status').textContent));
      assert.deepEqual(await counts(page), expectedCounts(v));
      assert.equal(await page.locator('#drop-zone.is-dragover').count(), 0);
    } finally {
      await context.close();
    }
  });

  test('a checklist page shows the 事前確認 from the form', { timeout: 60_000 }, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = h.recordConsoleErrors(page);
    try {
      await page.goto(`${server.url}/checklists/r5/iryokikan.html`, { waitUntil: 'load' });
      const section = page.locator('#inspect-preview');
      await section.waitFor({ state: 'visible' });
      // The engine loads only when asked for, keeping the form page light.
      assert.equal(await page.evaluate(() => typeof window.KENSA_INSPECTION), 'undefined');
      await section.getByRole('button', { name: '手引きに沿って確認する' }).click();
      assert.equal(await section.locator('h2').textContent(), '立入検査で確認される点（事前確認）');
      // Blank form: the gate is missing
      await page.waitForFunction(() => /「医療情報システムの有無」が記入されていません/.test(document.getElementById('inspect-preview').textContent));
      // いいえ: nothing else is checked
      await page.locator('input[name="gate"][value="no"]').check();
      await page.waitForFunction(() => /以下すべての項目は確認不要です/.test(document.getElementById('inspect-preview').textContent));
      assert.equal(await section.locator('.status-fail').count(), 0);
      // はい, no contract, 3(1) answered いいえ without 目標日
      await page.locator('input[name="gate"][value="yes"]').check();
      await page.locator('input[name="switch:vendor_contract"][value="no"]').check();
      await page.locator('input[name="current-3-1:r1"][value="no"]').check();
      await page.fill('input[name="current-3-1:r1:y"]', '2023');
      await page.fill('input[name="current-3-1:r1:m"]', '10');
      await page.fill('input[name="current-3-1:r1:d"]', '１');
      await page.waitForFunction(() => /３（１）：「いいえ」ですが、目標日が記入されていません。/.test(document.getElementById('inspect-preview').textContent));
      const text = await section.textContent();
      assert.match(text, /３（１）：連絡体制図が無い場合は、早急に作成するよう促してください。/);
      assert.match(text, /１（１）：１回目の確認結果（「はい」または「いいえ」と日付）が記入されていません。/);
      assert.doesNotMatch(text, /３（１）：１回目/, '3(1) is answered with a date');
      const link = await section.locator('.inspect-group-title a').first().getAttribute('href');
      assert.equal(link, '../../guides/iryokikan.html#facility-form');
      assert.deepEqual(errors.filter((e) => !e.includes('/favicon.ico')), []);
    } finally {
      await context.close();
    }
  });
});
