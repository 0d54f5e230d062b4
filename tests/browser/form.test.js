'use strict';
// The checklist form (themes/default/static/js/form/, served as assets/js/form.js) on the built site (KENSA_SITE_DIR), served
// on 127.0.0.1 and opened from file://: answers survive a reload, the gate and the contract switch
// grey items out, いいえ asks for a 目標日, dates are checked, answer files are exported (valid
// against the published schema), imported (and refused with a message when broken), copies stay
// apart, a printed PDF holds the answers, the site works offline after one visit, and the site
// ZIP works unpacked. Answer files, the review and the copy actions come from form-files.js, which
// the page loads only when one of them is first used: that first use does its job, and a failed
// load says so. A form split over several pages keeps one set of answers (last section).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const Ajv2020 = require('ajv/dist/2020');
const h = require('./helpers');
const { kensaBin, rustFindings } = require('./inspection-vectors');

const FACILITY = 'checklists/r5/yakkyoku.html'; // gate, vendor_contract switch, 参考項目
const VENDOR = 'checklists/r5/yakkyoku-jigyosha.html';
const MARU = 'checklists/y2021/system-kanrisha.html';

let dir;
let browser;
let server;
let tmp;

before(async () => {
  dir = h.siteDir();
  browser = await h.launchBrowser();
  server = await h.serveDir(dir);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kensa-form-'));
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

const MODES = {
  http: (rel) => `${server.url}/${rel}`,
  file: (rel) => h.fileUrl(dir, rel),
};

async function newContext(options = {}) {
  return browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true, ...options });
}

/** Opens a checklist page and waits for form.js to take over. */
async function openForm(context, url) {
  const page = await context.newPage();
  const errors = h.recordConsoleErrors(page);
  // The site has no favicon; the browser's own request for one is not the page's error.
  Object.defineProperty(page, 'kensaErrors', { get: () => errors.filter((e) => !e.includes('/favicon.ico')) });
  page.on('dialog', (d) => (page.kensaDialog ? page.kensaDialog(d) : d.accept()));
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('#form-tools:not([hidden])');
  return page;
}

function itemIds(page) {
  return page.locator('div.item').evaluateAll((els) => els.map((e) => e.id));
}

async function fillDate(page, base, y, m, d) {
  await page.fill(`[name="${base}:y"]`, y);
  await page.fill(`[name="${base}:m"]`, m);
  await page.fill(`[name="${base}:d"]`, d);
}

/** Everything the form shows, read straight from the controls. */
function formValues(page) {
  return page.evaluate(() => {
    const out = {};
    for (const el of document.querySelectorAll('#checklist-form input, #checklist-form textarea')) {
      if (el.type === 'radio') {
        if (el.checked) out[el.name] = el.value;
      } else if (el.value) out[el.name] = el.value;
    }
    return out;
  });
}

async function exportFile(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export"]')]);
  const file = path.join(tmp, `${Date.now()}-${download.suggestedFilename()}`);
  await download.saveAs(file);
  return { file, name: download.suggestedFilename(), json: JSON.parse(fs.readFileSync(file, 'utf8')) };
}

async function importText(page, text, name = 'answers.json') {
  await page.setInputFiles('#import-file', { name, mimeType: 'application/json', buffer: Buffer.from(text) });
  await page.waitForSelector('#import-message:not([hidden])');
  return page.locator('#import-message').innerText();
}

/** A facility form filled the same way in every test that needs one. */
async function fillFacility(page) {
  const ids = await itemIds(page);
  await page.check('input[name="gate"][value="yes"]');
  await page.check('input[name="switch:vendor_contract"][value="yes"]');
  await page.check(`input[name="${ids[0]}:r1"][value="yes"]`);
  await fillDate(page, `${ids[0]}:r1`, '2023', '10', '1');
  await page.fill(`[name="${ids[0]}:note"]`, '管理責任者は薬局長（テスト記入）');
  await page.check(`input[name="${ids[1]}:r1"][value="no"]`);
  await fillDate(page, `${ids[1]}:r1`, '2023', '10', '2');
  await fillDate(page, `${ids[1]}:target`, '2024', '3', '31');
  return ids;
}

const schema = () => JSON.parse(fs.readFileSync(path.join(dir, 'schema/answers-v1.schema.json'), 'utf8'));

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
  return ajv.compile(schema());
}

for (const [mode, url] of Object.entries(MODES)) {
  test(`${mode}: answers are saved as they are typed and restored on reload`, { timeout: 120_000 }, async () => {
    const context = await newContext();
    try {
      const page = await openForm(context, url(FACILITY));
      const ids = await fillFacility(page);
      // Full-width digits, as a Japanese IME types them, are accepted and normalized.
      await page.check(`input[name="${ids[2]}:r1"][value="yes"]`);
      await fillDate(page, `${ids[2]}:r1`, '２０２３', '１１', '５');
      const before = await formValues(page);
      assert.equal(before[`${ids[2]}:r1:y`], '2023');
      assert.match(await page.locator(`#${ids[0]}-r1-info`).innerText(), /2023年10月1日（令和5年）/);
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('#form-tools:not([hidden])');
      assert.deepEqual(await formValues(page), before);
      assert.match(await page.locator('#save-status').innerText(), /表示しています/);
      assert.deepEqual(page.kensaErrors, []);
    } finally {
      await context.close();
    }
  });

  test(`${mode}: gate いいえ greys everything out as 確認不要, the contract switch marks 記入不要, values kept`, { timeout: 120_000 }, async () => {
    const context = await newContext();
    try {
      const page = await openForm(context, url(FACILITY));
      const ids = await fillFacility(page);
      const dependent = (await publishedRules(page)).items.filter((r) => r.unless_switch_off === 'vendor_contract').map((r) => r.id);
      assert.ok(dependent.length >= 2, 'the facility list has items that need no answer without a contract');
      const free = ids.find((id) => !dependent.includes(id));

      await page.check('input[name="switch:vendor_contract"][value="no"]');
      for (const id of dependent) {
        assert.ok(await page.locator(`#${id}`).evaluate((e) => e.classList.contains('is-na')), `${id} is 記入不要`);
        assert.equal(await page.locator(`#${id} .na-badge`).innerText(), '記入不要');
        assert.ok(await page.locator(`[name="${id}:r1"]`).first().isDisabled());
      }
      assert.ok(!(await page.locator(`#${free}`).evaluate((e) => e.classList.contains('is-na'))));

      await page.check('input[name="gate"][value="no"]');
      for (const id of ids) {
        assert.equal(await page.locator(`#${id} .na-badge`).innerText(), '確認不要', `${id} is 確認不要`);
      }
      assert.equal(await page.locator('#switch-vendor_contract .na-badge').innerText(), '確認不要');
      // Hidden answers are kept, on screen and in the stored copy.
      assert.equal(await page.inputValue(`[name="${ids[0]}:note"]`), '管理責任者は薬局長（テスト記入）');
      assert.ok(await page.locator(`input[name="${ids[0]}:r1"][value="yes"]`).isChecked());
      const { json } = await exportFile(page);
      assert.equal(json.gate, 'no');
      assert.equal(json.items[ids[0]].status, 'not_applicable');
      assert.equal(json.items[ids[0]].r1.answer, 'yes');
      assert.equal(json.items[ids[0]].note, '管理責任者は薬局長（テスト記入）');

      await page.check('input[name="gate"][value="yes"]');
      assert.ok(!(await page.locator(`#${ids[0]}`).evaluate((e) => e.classList.contains('is-na'))));
      assert.ok(await page.locator(`[name="${ids[0]}:r1"]`).first().isEnabled());
      // 参考項目 are shown as such.
      const ref = page.locator('.phase-reference .item-text .badge').first();
      assert.equal(await ref.innerText(), '参考項目');
    } finally {
      await context.close();
    }
  });
}

test('1回目 いいえ asks for a 目標日 next to the field; impossible dates are reported', { timeout: 60_000 }, async () => {
  const context = await newContext();
  try {
    const page = await openForm(context, MODES.http(FACILITY));
    const [id] = await itemIds(page);
    const need = page.locator(`#${id}-target-needed`);
    assert.ok(await need.isHidden());
    await page.check(`input[name="${id}:r1"][value="no"]`);
    assert.ok(await need.isVisible());
    assert.match(await need.innerText(), /目標日を記入してください/);
    assert.match(await page.getAttribute(`[name="${id}:target:y"]`, 'aria-describedby'), new RegExp(`${id}-target-needed`));
    assert.match(await page.locator('#progress-body').innerText(), /「いいえ」で目標日のない項目（1件）/);
    await fillDate(page, `${id}:target`, '2024', '3', '31');
    assert.ok(await need.isHidden());

    await fillDate(page, `${id}:r1`, '2023', '2', '30');
    const y = page.locator(`[name="${id}:r1:y"]`);
    assert.equal(await y.getAttribute('aria-invalid'), 'true');
    const info = page.locator(`#${await y.getAttribute('aria-describedby')}`);
    assert.match(await info.innerText(), /2023年2月30日という日付はありません/);
    assert.match(await page.locator('#progress-body').innerText(), /日付に誤りのある項目（1件）/);
    // An unfinished date is an error only once the user has left the date.
    await fillDate(page, `${id}:r1`, '2023', '', '');
    assert.equal(await y.getAttribute('aria-invalid'), null);
    await page.locator('h1').click();
    assert.equal(await y.getAttribute('aria-invalid'), 'true');
    assert.match(await info.innerText(), /年・月・日をすべて入力してください/);
    // What was typed is kept even when it is not a date yet.
    await page.reload();
    await page.waitForSelector('#form-tools:not([hidden])');
    assert.equal(await page.inputValue(`[name="${id}:r1:y"]`), '2023');
  } finally {
    await context.close();
  }
});

test('a 目標日 outside the fiscal year the published rules give is an error on the form, as in kensa inspect', { timeout: 60_000 }, async () => {
  const context = await newContext();
  try {
    const page = await openForm(context, MODES.http(FACILITY));
    const [id] = await itemIds(page);
    const published = JSON.parse(fs.readFileSync(path.join(dir, FACILITY.replace(/\.html$/, '.json')), 'utf8'));
    const [first, last] = published.rules.items.find((r) => r.id === id).target_window;
    assert.match(first, /^\d{4}-04-01$/);
    const dayAfter = new Date(Date.parse(last + 'T00:00:00Z') + 86_400_000).toISOString().slice(0, 10);
    const dayBefore = new Date(Date.parse(first + 'T00:00:00Z') - 86_400_000).toISOString().slice(0, 10);
    const y = page.locator(`[name="${id}:target:y"]`);
    const info = page.locator(`#${id}-target-info`);
    const progress = () => page.locator('#progress-body').innerText();
    await page.check(`input[name="${id}:r1"][value="no"]`);
    await fillDate(page, `${id}:r1`, '2023', '10', '1');
    const cases = [[last, false], [dayAfter, true], [first, false], [dayBefore, true]];
    const exported = [];
    for (const [day, late] of cases) {
      const [yy, mm, dd] = day.split('-');
      await fillDate(page, `${id}:target`, yy, String(+mm), String(+dd));
      const { file, name } = await exportFile(page);
      exported.push([{ name, bytes: fs.readFileSync(file) }]);
      if (late) {
        assert.equal(await y.getAttribute('aria-invalid'), 'true', day);
        assert.equal(await info.innerText(), `年度外の日付です（${first}～${last}）。`, day);
        assert.match(await progress(), /日付に誤りのある項目（1件）/, day);
      } else {
        assert.equal(await y.getAttribute('aria-invalid'), null, day);
        assert.doesNotMatch(await info.innerText(), /年度外/, day);
        assert.doesNotMatch(await progress(), /日付に誤りのある項目/, day);
      }
    }
    // kensa inspect judges the exported files alike: a failed 目標日 exactly for the late ones.
    const bin = kensaBin();
    assert.ok(bin, 'the kensa binary is built (cargo build)');
    const judged = rustFindings(bin, exported, '2024-06-01');
    cases.forEach(([day, late], n) => {
      const failed = judged[n].some((f) => f.item === id && f.status === 'fail' && /目標日（/.test(f.message));
      assert.equal(failed, late, `kensa inspect on the file with 目標日 ${day}`);
    });
    // Only a いいえ asks for a 目標日: after はい the same date is no error.
    await page.check(`input[name="${id}:r1"][value="yes"]`);
    assert.equal(await y.getAttribute('aria-invalid'), null);
    assert.doesNotMatch(await progress(), /日付に誤りのある項目/);
  } finally {
    await context.close();
  }
});

test('a 参考項目 answered いいえ needs no 目標日: the form asks for one only in the phases whose instructions do', { timeout: 60_000 }, async () => {
  const context = await newContext();
  try {
    const page = await openForm(context, MODES.http(FACILITY));
    const ref = await page.locator('.phase-reference div.item').first().getAttribute('id');
    await page.check('input[name="gate"][value="yes"]');
    await page.check(`input[name="${ref}:r1"][value="no"]`);
    await fillDate(page, `${ref}:r1`, '2023', '10', '1');
    assert.ok(await page.locator(`#${ref}-target-needed`).isHidden());
    const progress = await page.locator('#progress-body').innerText();
    assert.doesNotMatch(progress, /目標日のない項目/);
    assert.doesNotMatch(progress, /要対応/, 'no section is 要対応 for a 参考項目 without a 目標日');
  } finally {
    await context.close();
  }
});

test('two 参考項目 with the same number (サーバ, 端末PC) are told apart in the progress list and the review', { timeout: 60_000 }, async () => {
  const context = await newContext();
  try {
    const page = await openForm(context, MODES.http('checklists/r5/iryokikan.html'));
    await page.check('input[name="gate"][value="yes"]');
    // Answered without a 確認日, both are listed in the progress list.
    for (const id of ['reference-2-server-7', 'reference-2-pc-7']) await page.check(`input[name="${id}:r1"][value="yes"]`);
    const progress = await page.locator('#progress-body').innerText();
    assert.match(progress, /確認日の記入がない回答（2件）\n２（７）（サーバ）〔参考項目〕[^\n]*\n２（７）（端末PC）〔参考項目〕/);
    await page.locator('#review summary').click();
    await page.waitForSelector('#review-body dl');
    const labels = await page.locator('#review-body dt a').allInnerTexts();
    assert.equal(new Set(labels).size, labels.length, `every label in the review is its own: ${labels.join(' ')}`);
    assert.ok(labels.includes('２（９）（端末PC）〔参考項目〕'), labels.join(' '));
    assert.ok(labels.includes('２（７）（ネットワーク機器）'), labels.join(' '));
  } finally {
    await context.close();
  }
});

/** The rules the build publishes in the checklist JSON linked from the form (src/item_rules.rs). */
async function publishedRules(page) {
  const href = await page.locator('.checklist-links a[href$=".json"]').getAttribute('href');
  const url = new URL(href, page.url());
  if (url.protocol === 'file:') return JSON.parse(require('node:fs').readFileSync(require('node:url').fileURLToPath(url), 'utf8')).rules;
  return (await (await page.context().request.get(url.href)).json()).rules;
}

test('the form names, counts and checks every item by the rules published in the checklist JSON', { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    // A dated list with targets, a switch and 参考項目, and a page of a split ○／× list (its other
    // pages' items come from their own data block).
    for (const rel of ['checklists/r5/iryokikan.html', 'checklists/y2021/system-kanrisha-3.html']) {
      const page = await openForm(context, MODES.http(rel));
      const rules = await publishedRules(page);
      assert.ok(rules.items.length >= 18, rel);
      const gate = await page.locator('input[name="gate"][value="yes"]').count();
      if (gate) await page.check('input[name="gate"][value="yes"]');
      await page.locator('#review summary').click();
      await page.waitForSelector('#review-body dl');
      const shown = await page.locator('#review-body dt a').allInnerTexts();
      const published = rules.items.map((r) => r.label + (r.required ? '' : '〔参考項目〕'));
      assert.deepEqual([...shown].sort(), [...published].sort(), `${rel}: the review names every item by its published label`);
      // Every required item, and only those, is counted: the gate, switches and required fields too.
      const extra = gate + (await page.locator('[data-switch]').count()) + (await page.locator('.form-fields .required').count());
      const required = rules.items.filter((r) => r.required).length;
      assert.match(await page.locator('.progress-count').innerText(), new RegExp(`必須の回答 ${gate}／${required + extra}`), rel);
      const missing = await page.locator('#progress-body .issue').first().locator('li a').evaluateAll((as) => as.map((a) => a.firstChild.textContent));
      const firstRequired = rules.items.filter((r) => r.required).map((r) => r.label);
      const missingItems = missing.filter((l) => /^[０-９0-9]/.test(l));
      assert.ok(missingItems.length > 0, `${rel}: unanswered items are listed`);
      for (const label of missingItems) assert.ok(firstRequired.includes(label), `${rel}: ${label} is a required item's published label`);
      await page.close();
    }
  } finally {
    await context.close();
  }
});

test('a renamed copy shows its new name at once: in the list, the status line and the printout', { timeout: 60_000 }, async () => {
  const context = await newContext();
  try {
    const page = await openForm(context, MODES.http(VENDOR));
    await page.fill('#copy-name', 'A社の控え');
    assert.deepEqual(await page.locator('#copy-select option').allInnerTexts(), ['A社の控え']);
    assert.match(await page.locator('#save-status').innerText(), /控え「A社の控え」を表示しています/);
    await page.fill('[name="field:vendor_name"]', '株式会社テスト');
    await page.emulateMedia({ media: 'print' });
    assert.equal(await page.locator('#print-copy').innerText(), '控え：A社の控え　事業者名：株式会社テスト');
  } finally {
    await context.close();
  }
});

test('Enter never submits the form or leaves the page; IME Enter is left to the IME', { timeout: 60_000 }, async () => {
  const context = await newContext();
  try {
    const page = await openForm(context, MODES.http(FACILITY));
    const [id] = await itemIds(page);
    const before = page.url();
    await page.fill(`[name="${id}:r1:y"]`, '2023');
    await page.press(`[name="${id}:r1:y"]`, 'Enter');
    assert.equal(page.url(), before);
    assert.equal(await page.inputValue(`[name="${id}:r1:y"]`), '2023');
    const prevented = await page.evaluate((name) => {
      const el = document.querySelector(`[name="${name}"]`);
      const plain = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true });
      const ime = new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true, isComposing: true });
      el.dispatchEvent(plain);
      el.dispatchEvent(ime);
      return [plain.defaultPrevented, ime.defaultPrevented];
    }, `${id}:r1:y`);
    assert.deepEqual(prevented, [true, false]);
  } finally {
    await context.close();
  }
});

test('export is valid against the published schema and imports into a fresh browser', { timeout: 120_000 }, async () => {
  const validate = validator();
  for (const rel of [FACILITY, MARU]) {
    const context = await newContext();
    let exported;
    let shown;
    try {
      const page = await openForm(context, MODES.http(rel));
      if (rel === FACILITY) await fillFacility(page);
      else {
        const ids = await itemIds(page);
        await page.fill('[name="field:filled_by"]', '情報システム担当');
        await page.check(`input[name="${ids[0]}:r1"][value="yes"]`);
        await page.check(`input[name="${ids[1]}:r1"][value="no"]`);
        await page.fill(`[name="${ids[1]}:note"]`, '来年度に対応予定');
      }
      assert.match(await page.locator('#export-status').innerText(), /まだファイルに書き出していません/);
      exported = await exportFile(page);
      assert.match(await page.locator('#export-status').innerText(), /最後にファイルに書き出した日時/);
      await page.fill(`[name="${(await itemIds(page))[5]}:note"]`, '追記');
      assert.match(await page.locator('#export-status').innerText(), /後に変更があります/);
      await page.fill(`[name="${(await itemIds(page))[5]}:note"]`, '');
      shown = await formValues(page);
    } finally {
      await context.close();
    }
    const ok = validate(exported.json);
    assert.ok(ok, `${rel}: ${JSON.stringify(validate.errors, null, 2)}`);
    const doc = exported.json;
    assert.equal(doc.format, 'kensa-answers');
    assert.equal(doc.format_version, 1);
    assert.match(doc.generator, /^kensa /);
    assert.ok(doc.exported_at && doc.updated_at);
    const html = fs.readFileSync(path.join(dir, rel), 'utf8');
    assert.ok(html.includes(doc.checklist.definition_hash), 'definition_hash is the page\'s');
    // Every item of the checklist: this page's, and those of a split form's other pages.
    const block = html.match(/<script id=other-parts-items type=application\/json>(.*?)<\/script>/);
    const others = block ? JSON.parse(block[1]).pages.flatMap((p) => (p.sections || []).flatMap((s) => s.items)).length : 0;
    assert.equal(Object.keys(doc.items).length, (html.match(/<div class=item id=/g) || []).length + others, 'every item is in the file');
    if (rel === MARU) assert.equal(Object.keys(doc.items).length, 92);

    // A fresh browser (no storage at all) reads the file back.
    const fresh = await newContext();
    try {
      const page = await openForm(fresh, MODES.file(rel));
      const msg = await importText(page, fs.readFileSync(exported.file, 'utf8'), exported.name);
      assert.match(msg, /読み込みました/);
      const got = await formValues(page);
      delete shown[`${(await itemIds(page))[5]}:note`];
      assert.deepEqual(got, shown);
      // Drag and drop reads a file the same way (into a new copy: this one is filled now).
      await page.evaluate((text) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, fs.readFileSync(exported.file, 'utf8'));
      await page.locator('dialog.ask button', { hasText: '別の控えとして読み込む' }).click();
      await page.waitForFunction(() => /dropped\.json/.test(document.getElementById('import-message').textContent));
      assert.deepEqual(await formValues(page), shown);
    } finally {
      await fresh.close();
    }
  }
});

const LAZY = /\/assets\/js\/form-files\.js$/;

/** Opens a form with the page's requests recorded; `lazy()` lists its loads of form-files.js. */
async function openRecorded(context, url) {
  const requested = [];
  // The page's own requests: over http the service worker fetches the whole site to cache it.
  context.on('request', (r) => {
    if (!r.serviceWorker()) requested.push(r.url());
  });
  const page = await openForm(context, url);
  // Whatever the page would load by itself has had its chance.
  await page.waitForLoadState('networkidle');
  return { page, requested, lazy: () => requested.filter((u) => LAZY.test(u)) };
}

test('file://: the form opens with form.js alone; the first click on 書き出す loads form-files.js and exports', { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    const { page, requested, lazy } = await openRecorded(context, MODES.file(FACILITY));
    assert.ok(requested.some((u) => /\/assets\/js\/form\.js$/.test(u)), 'form.js loaded');
    const ids = await fillFacility(page);
    assert.deepEqual(lazy(), [], 'form-files.js is not loaded until it is needed');
    const { json } = await exportFile(page);
    assert.equal(json.items[ids[0]].note, '管理責任者は薬局長（テスト記入）');
    assert.equal(json.items[ids[1]].target.date, '2024-03-31');
    assert.match(await page.locator('#export-status').innerText(), /最後にファイルに書き出した日時/);
    assert.equal(lazy().length, 1);
    // Once in, it serves every later request without another load.
    await page.locator('#review summary').click();
    await page.waitForFunction(() => /管理責任者は薬局長/.test(document.getElementById('review-body').textContent));
    await exportFile(page);
    assert.equal(lazy().length, 1);
    assert.deepEqual(page.kensaErrors, []);
  } finally {
    await context.close();
  }
});

/** Serves `rel` with `cut` removed, as a site's own older checklist.html would be, checking that
 * nothing matching `gone` is left. */
async function serveOlderTemplate(context, rel, cut, gone) {
  await context.route(`${server.url}/${rel}`, async (route) => {
    const res = await route.fetch();
    const html = (await res.text()).replace(cut, '');
    assert.doesNotMatch(html, gone);
    await route.fulfill({ response: res, body: html });
  });
}

test('form-files.js is loaded from beside form.js the first time it is used', { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    const { page, lazy } = await openRecorded(context, MODES.http(FACILITY));
    assert.deepEqual(lazy(), []);
    const { json } = await exportFile(page);
    assert.equal(json.checklist.id, await page.locator('#checklist-form').getAttribute('data-checklist-id'));
    assert.equal(lazy().length, 1);
    assert.deepEqual(page.kensaErrors, []);
  } finally {
    await context.close();
  }
});

test('a dated checklist template that does not load form-dates.js still gets it, from beside form.js', { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    // A site's own checklist.html made before the date fields had a script of their own.
    await serveOlderTemplate(context, FACILITY, /<script[^>]*form-dates\.js[^>]*><\/script>/, /form-dates\.js/);
    const page = await openForm(context, MODES.http(FACILITY));
    const ids = await itemIds(page);
    // The date fields work: full-width digits become half-width, the 和暦 is shown, and the
    // date is saved with the answers.
    await page.check('input[name="gate"][value="yes"]');
    await page.check(`input[name="${ids[0]}:r1"][value="yes"]`);
    await fillDate(page, `${ids[0]}:r1`, '２０２３', '10', '1');
    assert.equal(await page.inputValue(`[name="${ids[0]}:r1:y"]`), '2023');
    assert.match(await page.locator(`#${ids[0]}-r1-info`).innerText(), /2023年10月1日（令和5年）/);
    const { json } = await exportFile(page);
    assert.equal(json.items[ids[0]].r1.date, '2023-10-01');
    assert.deepEqual(page.kensaErrors, []);
  } finally {
    await context.close();
  }
});

test('http: each use of form-files.js works the first time, loading it then', { timeout: 180_000 }, async () => {
  const file = async () => {
    const context = await newContext();
    try {
      const page = await openForm(context, MODES.http(FACILITY));
      await fillFacility(page);
      return JSON.stringify((await exportFile(page)).json);
    } finally {
      await context.close();
    }
  };
  const text = await file();
  const uses = {
    review: async (page) => {
      await page.check('input[name="gate"][value="yes"]');
      await page.locator('#review summary').click();
      await page.waitForSelector('#review-body dl');
      const gate = await page.locator('#gate .gate-label').innerText();
      assert.ok((await page.locator('#review-body').innerText()).includes(`${gate}：はい`));
    },
    import: async (page) => {
      assert.match(await importText(page, text, 'first.json'), /「first\.json」を控え「.+」に読み込みました/);
      assert.equal(await page.inputValue(`[name="${(await itemIds(page))[0]}:note"]`), '管理責任者は薬局長（テスト記入）');
    },
    drop: async (page) => {
      await page.evaluate((t) => {
        const dt = new DataTransfer();
        dt.items.add(new File([t], 'dropped.json', { type: 'application/json' }));
        document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      }, text);
      await page.waitForFunction(() => /dropped\.json/.test(document.getElementById('import-message').textContent));
      assert.equal(await page.inputValue(`[name="${(await itemIds(page))[0]}:note"]`), '管理責任者は薬局長（テスト記入）');
    },
    'copy-new': async (page) => {
      await page.fill(`[name="${(await itemIds(page))[0]}:note"]`, '最初の控え');
      await page.click('[data-action="copy-new"]');
      await page.waitForFunction(() => document.querySelectorAll('#copy-select option').length === 2);
      assert.equal(await page.evaluate(() => document.activeElement.id), 'copy-name');
      assert.equal(await page.inputValue('#copy-name'), '控え2');
    },
    'copy-duplicate': async (page) => {
      await page.fill(`[name="${(await itemIds(page))[0]}:note"]`, '複製する内容');
      await page.click('[data-action="copy-duplicate"]');
      await page.waitForFunction(() => document.querySelectorAll('#copy-select option').length === 2);
      assert.equal(await page.inputValue('#copy-name'), '控え1のコピー');
      assert.equal(await page.inputValue(`[name="${(await itemIds(page))[0]}:note"]`), '複製する内容');
    },
    'copy-delete': async (page) => {
      page.kensaDialog = (d) => d.dismiss();
      const [dialog] = await Promise.all([page.waitForEvent('dialog'), page.click('[data-action="copy-delete"]')]);
      assert.match(dialog.message(), /削除します/);
    },
  };
  for (const [use, run] of Object.entries(uses)) {
    const context = await newContext();
    try {
      const { page, lazy } = await openRecorded(context, MODES.http(FACILITY));
      assert.deepEqual(lazy(), [], `${use}: nothing of form-files.js at open`);
      await run(page);
      assert.equal(lazy().length, 1, `${use}: form-files.js loaded once`);
      assert.deepEqual(page.kensaErrors, [], use);
    } finally {
      await context.close();
    }
  }
});

test('form-files.js that cannot be loaded: a message in the alert area, nothing changed, and the next try works', { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    let block = true;
    await context.route(LAZY, (r) => (block ? r.abort() : r.continue()));
    const page = await openForm(context, MODES.http(FACILITY));
    const ids = await fillFacility(page);
    const before = await formValues(page);
    let downloads = 0;
    page.on('download', () => downloads++);
    await page.click('[data-action="export"]');
    const alert = page.locator('#import-message');
    await alert.waitFor({ state: 'visible' });
    assert.equal(await alert.getAttribute('role'), 'alert');
    assert.match(await alert.innerText(), /form-files\.js）を読み込めませんでした。ページを再読み込みしてください/);
    assert.match(await page.locator('#export-status').innerText(), /まだファイルに書き出していません/);
    // The review says it where it was opened, too.
    await page.locator('#review summary').click();
    await page.waitForFunction(() => /読み込めませんでした/.test(document.getElementById('review-body').textContent));
    assert.deepEqual(await formValues(page), before);
    assert.equal(downloads, 0);
    // The page's own work has not stopped: typing is saved as before.
    await page.fill(`[name="${ids[2]}:note"]`, '読み込めなかった後の入力');
    assert.match(await page.locator('#save-status').innerText(), /保存しました/);

    block = false;
    const { json } = await exportFile(page);
    assert.equal(json.items[ids[2]].note, '読み込めなかった後の入力');
    assert.ok(await alert.isHidden(), 'the failure message is gone once the file is in');
    // A failed resource load is a console error of the browser's, not of the page's scripts.
    assert.deepEqual(page.kensaErrors.filter((e) => !/form-files\.js|Failed to load resource/.test(e)), []);
  } finally {
    await context.close();
  }
});

test('broken, foreign, newer and unknown-item files are refused with a message and nothing changes', { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    const page = await openForm(context, MODES.http(FACILITY));
    await fillFacility(page);
    const good = (await exportFile(page)).json;
    const before = await formValues(page);
    const stored = () => page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort()));
    const storedBefore = await stored();
    const other = JSON.parse(JSON.stringify(good));
    other.checklist = { id: 'r5-iryokikan', edition: 'r5', definition_hash: '0'.repeat(64), title: '医療機関におけるサイバーセキュリティ対策チェックリスト', form: '医療機関確認用' };
    const newer = { ...good, format_version: 2 };
    const unknown = JSON.parse(JSON.stringify(good));
    unknown.items['no-such-item'] = { r1: { answer: 'yes', date: null }, note: '', status: 'applicable' };
    const badAnswer = JSON.parse(JSON.stringify(good));
    badAnswer.items[Object.keys(good.items)[0]].r1.answer = 'maybe';
    const cases = [
      ['{"format": "kensa-answers", "items": {', /JSON として読めません/],
      ['[1, 2, 3]', /チェックリストの回答ファイルではありません/],
      [JSON.stringify(other), /別のチェックリスト「医療機関におけるサイバーセキュリティ対策チェックリスト（医療機関確認用）」の回答です/],
      [JSON.stringify(newer), /回答ファイルの形式バージョン 2 には対応していません/],
      [JSON.stringify(unknown), /回答ファイルの中身が正しくありません（items\.no-such-item：このチェックリストにない項目です/],
      [JSON.stringify(badAnswer), new RegExp(`（items\\.${Object.keys(good.items)[0]}\\.r1\\.answer："yes"・"no"・null のいずれか）`)],
      // The same rules as kensa inspect: a type the schema does not allow is an invalid file.
      [JSON.stringify({ ...good, gate: true }), /（gate："yes"・"no"・null のいずれか）/],
      [JSON.stringify({ ...good, checklist: { ...good.checklist, definition_hash: undefined } }), /（checklist\.definition_hash：必要ですが、ありません）/],
    ];
    for (const [text, re] of cases) {
      const msg = await importText(page, text, 'bad.json');
      assert.match(msg, re);
      assert.match(msg, /入力済みの内容は変わっていません/);
      assert.deepEqual(await formValues(page), before);
      assert.equal(await stored(), storedBefore);
    }
    // Another edition of the definition: a warning, and the user decides.
    const edition = { ...good, checklist: { ...good.checklist, definition_hash: 'f'.repeat(64) } };
    let asked = '';
    page.kensaDialog = (d) => {
      asked = d.message();
      return d.dismiss();
    };
    const msg = await importText(page, JSON.stringify(edition), 'old.json');
    assert.match(asked, /異なる版のチェックリスト定義/);
    assert.match(msg, /取りやめました/);
    assert.equal(await stored(), storedBefore);
  } finally {
    await context.close();
  }
});

test('files from real PCs: named by the local date and the vendor, a BOM is read, Shift_JIS is refused', { timeout: 120_000 }, async () => {
  // 08:30 on 2 October in Japan is still 1 October in UTC: the file must be named after the 2nd.
  const context = await newContext({ timezoneId: 'Asia/Tokyo' });
  let exported;
  let shown;
  try {
    const page = await context.newPage();
    await page.clock.setFixedTime(new Date('2023-10-01T23:30:00Z'));
    await page.close();
    const form = await openForm(context, MODES.http(VENDOR));
    const [id] = await itemIds(form);
    await form.fill('[name="field:vendor_name"]', '株式会社 テスト/保守');
    await form.check(`input[name="${id}:r1"][value="yes"]`);
    await fillDate(form, `${id}:r1`, '2023', '10', '2');
    exported = await exportFile(form);
    assert.match(exported.name, /^r5-yakkyoku-jigyosha_株式会社_テスト_保守_.+_20231002\.json$/);
    shown = await formValues(form);
  } finally {
    await context.close();
  }

  const fresh = await newContext();
  try {
    const page = await openForm(fresh, MODES.http(VENDOR));
    // Notepad's "UTF-8 with BOM"
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), fs.readFileSync(exported.file)]);
    await page.setInputFiles('#import-file', { name: 'bom.json', mimeType: 'application/json', buffer: bom });
    await page.waitForFunction(() => /bom\.json/.test(document.getElementById('import-message').textContent));
    assert.match(await page.locator('#import-message').innerText(), /読み込みました/);
    assert.deepEqual(await formValues(page), shown);
    // Notepad's "ANSI" on a Japanese PC: Shift_JIS bytes, refused with what to do.
    const { VECTORS, vectorFiles, loadData } = require('./inspection-vectors');
    const sjis = vectorFiles(VECTORS.find((v) => v.name === 'bom-and-shift-jis'), loadData(dir)).find((f) => f.name === 'sjis.json');
    const stored = () => page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort()));
    const storedBefore = await stored();
    await page.setInputFiles('#import-file', { name: 'sjis.json', mimeType: 'application/json', buffer: Buffer.from(sjis.bytes) });
    await page.waitForFunction(() => /sjis\.json/.test(document.getElementById('import-message').textContent));
    const msg = await page.locator('#import-message').innerText();
    assert.match(msg, /文字コードが UTF-8 ではありません。メモ帳などで Shift_JIS（ANSI）として保存し直された可能性があります/);
    assert.match(msg, /入力済みの内容は変わっていません/);
    assert.deepEqual(await formValues(page), shown);
    assert.equal(await stored(), storedBefore);
  } finally {
    await fresh.close();
  }
});

test('dates outside the years kensa inspect accepts are refused on the form', { timeout: 60_000 }, async () => {
  const context = await newContext();
  try {
    const page = await openForm(context, MODES.http(FACILITY));
    const [id] = await itemIds(page);
    assert.deepEqual(JSON.parse(await page.locator('#kensa-rules').textContent()).years, [2000, 2099]);
    await page.check(`input[name="${id}:r1"][value="yes"]`);
    const y = page.locator(`[name="${id}:r1:y"]`);
    const info = page.locator(`#${await y.getAttribute('aria-describedby')}`);
    for (const year of ['1899', '2100']) {
      await fillDate(page, `${id}:r1`, year, '12', '31');
      await page.locator('h1').click();
      assert.equal(await y.getAttribute('aria-invalid'), 'true', year);
      assert.match(await info.innerText(), /年は2000年から2099年までの西暦で入力してください/);
    }
    await fillDate(page, `${id}:r1`, '2099', '12', '31');
    assert.equal(await y.getAttribute('aria-invalid'), null);
  } finally {
    await context.close();
  }
});

test('an overwritten copy is kept as a backup and can be restored', { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    const page = await openForm(context, MODES.http(FACILITY));
    const ids = await fillFacility(page);
    const file = (await exportFile(page)).json;
    await page.fill(`[name="${ids[0]}:note"]`, '書き出した後の変更');
    // The question's buttons say what they do.
    await page.setInputFiles('#import-file', { name: 'same.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
    const ask = page.locator('dialog.ask[open]');
    await ask.waitFor();
    assert.match(await ask.locator('p').innerText(), /すでにあり/);
    assert.deepEqual(await ask.locator('button').allInnerTexts(), ['置き換える', '別の控えとして読み込む', '読み込まない']);
    await ask.locator('button', { hasText: '置き換える' }).click();
    const msg = await page.locator('#import-message').innerText();
    assert.match(msg, /読み込みました/);
    assert.equal(await page.locator('dialog').count(), 0, 'the question is gone');
    assert.equal(await page.inputValue(`[name="${ids[0]}:note"]`), '管理責任者は薬局長（テスト記入）');
    const restore = page.locator('[data-action="copy-restore"]');
    assert.ok(await restore.isVisible());
    await restore.click();
    assert.equal(await page.inputValue(`[name="${ids[0]}:note"]`), '書き出した後の変更');
    // 別の控えとして読み込む keeps this copy and adds the file as another; Esc reads nothing.
    await page.setInputFiles('#import-file', { name: 'same.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
    await ask.locator('button', { hasText: '別の控えとして読み込む' }).click();
    assert.deepEqual(await page.locator('#copy-select option').allInnerTexts(), ['控え1', '控え1（読み込み）']);
    await page.selectOption('#copy-select', { label: '控え1' });
    await page.setInputFiles('#import-file', { name: 'same.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(file)) });
    await ask.waitFor();
    await page.keyboard.press('Escape');
    assert.match(await page.locator('#import-message').innerText(), /取りやめました/);
    assert.equal(await page.inputValue(`[name="${ids[0]}:note"]`), '書き出した後の変更');
    assert.equal((await page.locator('#copy-select option').allInnerTexts()).length, 2);
  } finally {
    await context.close();
  }
});

test('two copies of a vendor form stay apart; rename, duplicate, delete', { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    const page = await openForm(context, MODES.file(VENDOR));
    const ids = await itemIds(page);
    await page.fill('#copy-name', 'A社');
    await page.check(`input[name="${ids[0]}:r1"][value="yes"]`);
    await page.fill(`[name="${ids[0]}:note"]`, 'A社の回答');
    // The copy actions run once form-files.js is in (loaded by this first click): wait for them.
    await page.click('[data-action="copy-new"]');
    await page.waitForFunction(() => document.activeElement.id === 'copy-name' && document.querySelectorAll('#copy-select option').length === 2);
    await page.fill('#copy-name', 'B社');
    assert.deepEqual(await formValues(page), {}, 'a new copy starts empty');
    await page.check(`input[name="${ids[0]}:r1"][value="no"]`);
    await page.fill(`[name="${ids[0]}:note"]`, 'B社の回答');

    await page.reload();
    await page.waitForSelector('#form-tools:not([hidden])');
    assert.equal(await page.inputValue('#copy-name'), 'B社', 'the last copy used opens');
    const options = await page.locator('#copy-select option').allInnerTexts();
    assert.deepEqual(options, ['A社', 'B社']);
    await page.selectOption('#copy-select', { label: 'A社' });
    assert.equal(await page.inputValue(`[name="${ids[0]}:note"]`), 'A社の回答');
    assert.ok(await page.locator(`input[name="${ids[0]}:r1"][value="yes"]`).isChecked());
    await page.selectOption('#copy-select', { label: 'B社' });
    assert.equal(await page.inputValue(`[name="${ids[0]}:note"]`), 'B社の回答');

    await page.click('[data-action="copy-duplicate"]');
    await page.waitForFunction(() => document.getElementById('copy-name').value === 'B社のコピー');
    assert.equal(await page.inputValue(`[name="${ids[0]}:note"]`), 'B社の回答');
    let asked = '';
    page.kensaDialog = (d) => {
      asked = d.message();
      return d.dismiss();
    };
    await page.click('[data-action="copy-delete"]');
    assert.match(asked, /削除します/);
    assert.equal((await page.locator('#copy-select option').allInnerTexts()).length, 3, 'nothing deleted without a yes');
    page.kensaDialog = (d) => d.accept();
    await page.click('[data-action="copy-delete"]');
    assert.deepEqual(await page.locator('#copy-select option').allInnerTexts(), ['A社', 'B社']);

    // The answer files keep the copies apart too.
    await page.selectOption('#copy-select', { label: 'A社' });
    const a = (await exportFile(page)).json;
    assert.equal(a.copy.name, 'A社');
    assert.equal(a.items[ids[0]].note, 'A社の回答');
  } finally {
    await context.close();
  }
});

test('another tab sees the changes (storage event)', { timeout: 60_000 }, async () => {
  const context = await newContext();
  try {
    const one = await openForm(context, MODES.http(VENDOR));
    const two = await openForm(context, MODES.http(VENDOR));
    const [id] = await itemIds(one);
    await one.fill(`[name="${id}:note"]`, '別タブで入力');
    await two.waitForFunction((name) => document.querySelector(`[name="${name}"]`).value === '別タブで入力', `${id}:note`);
    await one.click('[data-action="copy-new"]');
    await two.waitForFunction(() => document.querySelectorAll('#copy-select option').length === 2);
  } finally {
    await context.close();
  }
});

test('two tabs typing at the same moment (0-20 ms apart) both keep every answer', { timeout: 60_000 }, async () => {
  const context = await newContext();
  try {
    const one = await openForm(context, MODES.http(VENDOR));
    const two = await openForm(context, MODES.http(VENDOR));
    const ids = await itemIds(one);
    const type = (page, name, value) => page.evaluate(([n, v]) => {
      const el = document.querySelector(`[name="${n}"]`);
      el.value = v;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }, [name, value]);
    const wanted = {};
    for (const [n, gap] of [0, 0, 5, 10, 20].entries()) {
      const [a, b] = [ids[2 * n], ids[2 * n + 1]];
      wanted[`${a}:note`] = `タブ1-${n}`;
      wanted[`${b}:note`] = `タブ2-${n}`;
      await Promise.all([
        type(one, `${a}:note`, wanted[`${a}:note`]),
        new Promise((r) => setTimeout(r, gap)).then(() => type(two, `${b}:note`, wanted[`${b}:note`])),
      ]);
    }
    // The same field in both tabs at once: one value wins, the same in both.
    await Promise.all([type(one, `${ids[12]}:note`, '同時A'), type(two, `${ids[12]}:note`, '同時B')]);
    const shows = (page) => page.evaluate((names) => names.map((n) => document.querySelector(`[name="${n}"]`).value), Object.keys(wanted));
    for (const page of [one, two]) {
      await page.waitForFunction((w) => Object.entries(w).every(([n, v]) => document.querySelector(`[name="${n}"]`).value === v), wanted, { timeout: 10_000 });
    }
    assert.deepEqual(await shows(one), Object.values(wanted));
    assert.deepEqual(await shows(two), Object.values(wanted));
    await one.waitForFunction(() => new Promise((r) => setTimeout(() => r(true), 300)));
    const last = (page) => page.inputValue(`[name="${ids[12]}:note"]`);
    assert.equal(await last(one), await last(two));
    assert.match(await last(one), /^同時[AB]$/);
    const stored = await one.evaluate(() => Object.entries(localStorage).filter(([k]) => k.includes(':copy:')).map(([, v]) => JSON.parse(v).items));
    for (const [name, value] of Object.entries(wanted)) assert.equal(stored[0][name.split(':')[0]].note, value, name);
    // What is exported carries no merge bookkeeping.
    const exported = await exportFile(one);
    assert.equal(exported.json._t, undefined);
  } finally {
    await context.close();
  }
});

test('storage that is full or refused is reported on the page', { timeout: 60_000 }, async () => {
  for (const [how, re] of [
    ['full', /容量が足りない/],
    ['refused', /保存できません/],
  ]) {
    const context = await newContext();
    try {
      await context.addInitScript((kind) => {
        const real = Storage.prototype.setItem;
        Storage.prototype.setItem = function (k, v) {
          if (kind === 'refused' || !String(k).endsWith(':probe')) {
            throw new DOMException('storage', kind === 'full' ? 'QuotaExceededError' : 'SecurityError');
          }
          return real.call(this, k, v);
        };
      }, how);
      const page = await openForm(context, MODES.http(VENDOR));
      const [id] = await itemIds(page);
      await page.fill(`[name="${id}:note"]`, 'x');
      const alert = page.locator('#storage-alert');
      assert.ok(await alert.isVisible(), how);
      assert.match(await alert.innerText(), re);
      assert.equal(await alert.getAttribute('role'), 'alert');
      // The page keeps working for this visit.
      assert.equal(await page.inputValue(`[name="${id}:note"]`), 'x');
    } finally {
      await context.close();
    }
  }
});

test('storage full: the alert stays until every answer is saved, and saving resumes once space is freed', { timeout: 60_000 }, async () => {
  const context = await newContext();
  try {
    // A storage with room for small entries (the list of copies) but not for a copy's answers,
    // until the test frees space.
    await context.addInitScript(() => {
      const real = Storage.prototype.setItem;
      Storage.prototype.setItem = function (k, v) {
        if (!window.kensaSpaceFreed && String(v).length > 300) throw new DOMException('full', 'QuotaExceededError');
        return real.call(this, k, v);
      };
    });
    const page = await openForm(context, MODES.http(VENDOR));
    const [id, id2] = await itemIds(page);
    const alert = page.locator('#storage-alert');
    assert.ok(await alert.isHidden(), 'a full storage is not blamed on private browsing at load');
    await page.fill(`[name="${id}:note"]`, '一つ目');
    // The small write of the list of copies succeeds after the big one failed: the alert stays.
    assert.ok(await alert.isVisible());
    assert.match(await alert.innerText(), /容量が足りない/);
    assert.doesNotMatch(await page.locator('#save-status').innerText(), /保存しました/);
    await page.reload();
    await page.waitForSelector('#form-tools:not([hidden])');
    assert.ok(await alert.isHidden(), 'after a reload: no private-browsing message');
    await page.fill(`[name="${id}:note"]`, '一つ目');
    assert.match(await alert.innerText(), /容量が足りない/);
    // Space is freed: the next change saves everything typed this visit.
    await page.evaluate(() => { window.kensaSpaceFreed = true; });
    await page.fill(`[name="${id2}:note"]`, '二つ目');
    assert.ok(await alert.isHidden());
    assert.match(await page.locator('#save-status').innerText(), /保存しました/);
    const stored = await page.evaluate(() => Object.entries(localStorage).filter(([k]) => k.includes(':copy:')).map(([, v]) => JSON.parse(v)));
    assert.equal(stored.length, 1);
    assert.equal(stored[0].items[id].note, '一つ目');
    assert.equal(stored[0].items[id2].note, '二つ目');
  } finally {
    await context.close();
  }
});

test('printed to PDF, the form holds the answers and none of the screen controls', { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    const page = await openForm(context, MODES.http(FACILITY));
    await fillFacility(page);
    const pdf = path.join(tmp, 'form.pdf');
    await page.pdf({ path: pdf, format: 'A4', printBackground: true });
    const text = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
    assert.match(text, /管理責任者は薬局長（テスト記入）/);
    assert.match(text, /2023/);
    assert.match(text, /31/);
    assert.match(text, /薬局におけるサイバーセキュリティ対策チェックリスト/);
    for (const screenOnly of ['ファイルに書き出す', '入力の状況', '新しい控え', '回答の確認']) {
      assert.ok(!text.includes(screenOnly), `the print shows ${screenOnly}`);
    }
  } finally {
    await context.close();
  }
});

test('after one visit over http the site works offline (service worker)', { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/index.html`);
    await page.evaluate(() => navigator.serviceWorker.ready);
    // Installation fetched every file of the site into the cache.
    await page.waitForFunction(async () => {
      const keys = await caches.keys();
      if (!keys.length) return false;
      const c = await caches.open(keys[0]);
      return (await c.keys()).some((r) => r.url.endsWith('/checklists/r5/yakkyoku-jigyosha.html'));
    });
    await context.setOffline(true);
    const offline = await openForm(context, MODES.http(VENDOR));
    assert.ok((await offline.locator('div.item').count()) > 0);
    const [id] = await itemIds(offline);
    await offline.fill(`[name="${id}:note"]`, 'オフラインで入力');
    await offline.reload();
    await offline.waitForSelector('#form-tools:not([hidden])');
    assert.equal(await offline.inputValue(`[name="${id}:note"]`), 'オフラインで入力');
  } finally {
    await context.close();
  }
});

test('a service-worker update while a form is open loses nothing typed', { timeout: 120_000 }, async () => {
  // A copy of the site, so that a "new build" can be published under the open page.
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'kensa-sw-'));
  fs.cpSync(dir, copy, { recursive: true });
  const own = await h.serveDir(copy);
  const context = await newContext();
  try {
    const page = await context.newPage();
    page.on('dialog', (d) => d.accept());
    await page.goto(`${own.url}/${VENDOR}`, { waitUntil: 'load' });
    await page.waitForSelector('#form-tools:not([hidden])');
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => !!navigator.serviceWorker.controller);
    const [id, id2] = await itemIds(page);
    await page.fill(`[name="${id}:note"]`, '更新前に入力');
    // The next build: a new version of the worker (and so a new cache) is published.
    const sw = path.join(copy, 'sw.js');
    const script = fs.readFileSync(sw, 'utf8');
    const next = script.replace(/VERSION\s*=\s*(["'`])[^"'`]*\1/, 'VERSION="next-build"');
    assert.notEqual(next, script, 'the worker names its version');
    fs.writeFileSync(sw, next);
    const changed = page.evaluate(() => new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true))));
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r.update()));
    assert.equal(await changed, true, 'the new worker took over the open page');
    // Typing goes on; the lazily loaded scripts still come (from the new worker).
    await page.fill(`[name="${id2}:note"]`, '更新中に入力');
    assert.equal(await page.inputValue(`[name="${id}:note"]`), '更新前に入力');
    const exported = await exportFile(page);
    assert.equal(exported.json.items[id].note, '更新前に入力');
    assert.equal(exported.json.items[id2].note, '更新中に入力');
    await page.reload();
    await page.waitForSelector('#form-tools:not([hidden])');
    assert.equal(await page.inputValue(`[name="${id}:note"]`), '更新前に入力');
    assert.equal(await page.inputValue(`[name="${id2}:note"]`), '更新中に入力');
    assert.ok((await page.evaluate(() => caches.keys())).some((k) => k.endsWith(':next-build')));
  } finally {
    await context.close();
    await own.close();
    fs.rmSync(copy, { recursive: true, force: true });
  }
});

test('the site ZIP, unpacked and opened from disk, works', { timeout: 120_000 }, async () => {
  const unpacked = path.join(tmp, 'zip');
  execFileSync('unzip', ['-q', path.join(dir, 'kensa-site.zip'), '-d', unpacked]);
  const home = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  assert.match(home, /kensa-site\.zip/);
  assert.match(home, /ZIP形式、約[0-9.]+(KB|MB)/);
  assert.ok(!fs.readFileSync(path.join(unpacked, 'index.html'), 'utf8').includes('kensa-site.zip'));
  const context = await newContext();
  try {
    const page = await context.newPage();
    const rec = h.recordRequests(page);
    await page.goto(h.fileUrl(unpacked, 'index.html'));
    const links = await page.locator('a[href*="checklists/"][href$=".html"]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.ok(links.length >= 4);
    for (const href of new Set(links)) {
      const form = await openForm(context, h.fileUrl(unpacked, href));
      const [id] = await itemIds(form);
      await form.check(`input[name="${id}:r1"][value="yes"]`);
      await form.reload();
      await form.waitForSelector('#form-tools:not([hidden])');
      assert.ok(await form.locator(`input[name="${id}:r1"][value="yes"]`).isChecked(), href);
      assert.deepEqual(form.kensaErrors, [], href);
      await form.close();
    }
    assert.deepEqual(rec.outside(h.fileUrl(unpacked)), []);
  } finally {
    await context.close();
  }
});

// ------------------------------------------------------------------ a form on several pages
// The 92-item 2021 list for system administrators is filled on five pages (split_at in its
// definition) that share one set of answers: answers given on one page are kept when another
// page saves, they count in every page's progress and score, the review and the exported file
// hold every item, an imported file fills every page, and two pages open side by side do not
// overwrite each other.

const SPLIT_PAGES = ['system-kanrisha.html', 'system-kanrisha-2.html', 'system-kanrisha-3.html', 'system-kanrisha-4.html', 'system-kanrisha-5.html']
  .map((f) => `checklists/y2021/${f}`);

async function goTo(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForSelector('#form-tools:not([hidden])');
}

function checked(page, id) {
  return page.evaluate((id) => {
    const r = document.querySelector(`input[name="${id}:r1"]:checked`);
    return r ? r.value : null;
  }, id);
}

const progressCount = (page) => page.locator('.progress-count').innerText();

for (const [mode, url] of Object.entries(MODES)) {
  test(`${mode}: a split form: answers on one page are kept, counted and exported from every other page`, { timeout: 120_000 }, async () => {
    const context = await newContext();
    try {
      const page = await openForm(context, url(SPLIT_PAGES[0]));
      const first = await itemIds(page);
      assert.deepEqual(first.slice(0, 2), ['no-1', 'no-2']);
      assert.match(await progressCount(page), /必須の回答 0／92/);
      await page.check('input[name="no-1:r1"][value="yes"]');
      await page.fill('[name="no-1:note"]', '1ページ目の備考');

      // The page list leads to page 3, which has its own items and counts the first page's answer.
      await page.click('.form-parts a[href="system-kanrisha-3.html"]');
      await page.waitForSelector('#form-tools:not([hidden])');
      const third = await itemIds(page);
      assert.ok(!third.includes('no-1') && third.length > 10, third.join(' '));
      assert.match(await progressCount(page), /必須の回答 1／92/);
      assert.equal(await page.locator('[data-score-count="prevent"]').first().innerText(), '1/84');
      const late = third[third.length - 1];
      await page.check(`input[name="${late}:r1"][value="no"]`);
      assert.match(await progressCount(page), /必須の回答 2／92/);
      // The progress links an unanswered item of another page to that page.
      const hrefs = await page.locator('#progress-body .issue-links a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      assert.ok(hrefs.includes('system-kanrisha.html#no-2'), hrefs.join(' '));

      // Back on page 1: its answer is restored and page 3's answer was not dropped by its saves.
      await page.click('.part-pager a[rel="prev"]');
      await page.waitForSelector('#form-tools:not([hidden])');
      await goTo(page, url(SPLIT_PAGES[0]));
      assert.equal(await checked(page, 'no-1'), 'yes');
      assert.equal(await page.inputValue('[name="no-1:note"]'), '1ページ目の備考');
      assert.match(await progressCount(page), /必須の回答 2／92/);
      await page.check('input[name="no-2:r1"][value="yes"]');

      // The review lists the other page's answer, linked to where it is changed.
      await page.click('#review summary');
      const reviewLink = page.locator(`#review-body a[href="system-kanrisha-3.html#${late}"]`);
      await reviewLink.waitFor();
      const row = await reviewLink.evaluate((a) => a.closest('dt').nextElementSibling.textContent);
      assert.match(row, /×（できていない）/);

      // The exported file holds every item: three answers from two pages, the rest unanswered.
      const { json } = await exportFile(page);
      assert.equal(json.checklist.id, 'y2021-system-kanrisha');
      assert.equal(Object.keys(json.items).length, 92);
      assert.equal(json.items['no-1'].r1.answer, 'yes');
      assert.equal(json.items['no-1'].note, '1ページ目の備考');
      assert.equal(json.items['no-2'].r1.answer, 'yes');
      assert.equal(json.items[late].r1.answer, 'no');
      assert.equal(json.items[late].status, 'applicable');
      assert.equal(json.items['no-50'].r1.answer, null);
      assert.deepEqual(page.kensaErrors, []);
    } finally {
      await context.close();
    }
  });
}

test('a split form: a file imported on one page fills every page', { timeout: 120_000 }, async () => {
  const source = await newContext();
  let file;
  let last;
  try {
    const page = await openForm(source, MODES.http(SPLIT_PAGES[4]));
    const ids = await itemIds(page);
    last = ids[ids.length - 1];
    await page.check(`input[name="${last}:r1"][value="yes"]`);
    await goTo(page, MODES.http(SPLIT_PAGES[0]));
    await page.check('input[name="no-1:r1"][value="no"]');
    ({ file } = await exportFile(page));
  } finally {
    await source.close();
  }
  const fresh = await newContext();
  try {
    const page = await openForm(fresh, MODES.http(SPLIT_PAGES[2]));
    await page.setInputFiles('#import-file', file);
    await page.waitForSelector('#import-message:not([hidden])');
    assert.match(await progressCount(page), /必須の回答 2／92/);
    await goTo(page, MODES.http(SPLIT_PAGES[0]));
    assert.equal(await checked(page, 'no-1'), 'no');
    await goTo(page, MODES.http(SPLIT_PAGES[4]));
    assert.equal(await checked(page, last), 'yes');
    // The last item, the list's one 是正 item, is scored on every page.
    assert.equal(last, 'no-92');
    assert.equal(await page.locator('[data-score-count="correct"]').first().innerText(), '1/1');
    await goTo(page, MODES.http(SPLIT_PAGES[1]));
    assert.equal(await page.locator('[data-score-count="correct"]').first().innerText(), '1/1');
    assert.equal(await page.locator('[data-score-count="prevent"]').first().innerText(), '0/84');
  } finally {
    await fresh.close();
  }
});

test('a split form: two pages open side by side keep each other\'s answers', { timeout: 120_000 }, async () => {
  const context = await newContext();
  try {
    const one = await openForm(context, MODES.http(SPLIT_PAGES[0]));
    const four = await openForm(context, MODES.http(SPLIT_PAGES[3]));
    const ids = await itemIds(four);
    await four.check(`input[name="${ids[0]}:r1"][value="no"]`);
    // The first page hears of it (the storage event) before its own next save.
    await one.waitForFunction(() => /必須の回答 1／92/.test(document.querySelector('.progress-count').textContent));
    await one.check('input[name="no-1:r1"][value="yes"]');
    await four.waitForFunction(() => /必須の回答 2／92/.test(document.querySelector('.progress-count').textContent));
    await four.reload({ waitUntil: 'load' });
    await four.waitForSelector('#form-tools:not([hidden])');
    assert.equal(await checked(four, ids[0]), 'no');
    assert.match(await progressCount(four), /必須の回答 2／92/);
  } finally {
    await context.close();
  }
});
