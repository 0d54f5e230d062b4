'use strict';
// Editions in the browser, on the fixture site tests/fixtures/editions (r5 and r6 of one
// checklist: r6 moves the 参考項目 into the current phase, rewords one item, adds one, removes one
// and merges two), built here with the kensa binary: a file filled on the r5 form and imported on
// the r6 form shows what will happen before anything is written, lands where it should, keeps
// the removed item's answer, and waits for the reworded items to be confirmed; the same file
// through `kensa migrate` gives the same file. The migration code loads only when needed, and
// on random files the browser's migrate.js and `kensa migrate` agree.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');
const { execFileSync } = require('node:child_process');
const h = require('./helpers');
const { prng, REPO, kensaBin } = require('./inspection-vectors');

const R5 = 'checklists/r5/facility.html';
const R6 = 'checklists/r6/facility.html';

let bin;
let tmp;
let site;
let browser;
let server;

before(async () => {
  bin = kensaBin();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'kensa-editions-'));
  site = path.join(tmp, 'site');
  execFileSync(bin, ['build', '--root', path.join(REPO, 'tests/fixtures/editions'), '--out', site, '-q']);
  browser = await h.launchBrowser();
  server = await h.serveDir(site);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function openForm(context, rel) {
  const page = await context.newPage();
  const errors = h.recordConsoleErrors(page);
  Object.defineProperty(page, 'kensaErrors', { get: () => errors.filter((e) => !e.includes('/favicon.ico')) });
  page.on('dialog', (d) => d.accept());
  await page.goto(`${server.url}/${rel}`, { waitUntil: 'load' });
  await page.waitForSelector('#form-tools:not([hidden])');
  return page;
}

async function answer(page, id, value, date, target) {
  await page.check(`input[name="${id}:r1"][value="${value}"]`);
  const [y, m, d] = date.split('-');
  await page.fill(`[name="${id}:r1:y"]`, y);
  await page.fill(`[name="${id}:r1:m"]`, m);
  await page.fill(`[name="${id}:r1:d"]`, d);
  if (target) {
    const [ty, tm, td] = target.split('-');
    await page.fill(`[name="${id}:target:y"]`, ty);
    await page.fill(`[name="${id}:target:m"]`, tm);
    await page.fill(`[name="${id}:target:d"]`, td);
  }
}

async function exportFile(page) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action="export"]')]);
  const file = path.join(fs.mkdtempSync(path.join(tmp, 'export-')), download.suggestedFilename());
  await download.saveAs(file);
  return { file, name: download.suggestedFilename(), json: JSON.parse(fs.readFileSync(file, 'utf8')) };
}

const progress = (page) => page.locator('.progress-count strong').innerText();

/** `kensa migrate` on `files` into a fresh folder: its summary lines per file and the files. */
function cliMigrate(files) {
  const out = fs.mkdtempSync(path.join(tmp, 'migrated-'));
  const stdout = execFileSync(bin, ['migrate', ...files, '--to', 'r6', '--out', out, '--root', path.join(REPO, 'tests/fixtures/editions')], { encoding: 'utf8' });
  const lines = stdout.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.slice(2));
  return { out, lines, stdout };
}

test('an r5 file imported on the r6 form: summary first, answers carried, removed kept, reworded confirmed; as kensa migrate', async () => {
  const context = await browser.newContext({ acceptDownloads: true, serviceWorkers: 'block' });
  const requested = [];
  context.on('request', (r) => requested.push(r.url()));
  const r5 = await openForm(context, R5);
  await r5.check('input[name="gate"][value="yes"]');
  await r5.check('input[name="switch:vendor_contract"][value="yes"]');
  await r5.fill('[name="field:filled_by"]', '山田');
  await answer(r5, 'current-1-1', 'yes', '2023-10-01');
  await answer(r5, 'current-2-3', 'no', '2023-10-02', '2024-03-31');
  await r5.fill('[name="current-2-3:note"]', 'MDSは未提出（テスト記入）');
  await answer(r5, 'current-2-4', 'yes', '2023-10-03');
  await answer(r5, 'current-2-5', 'no', '2023-10-04', '2024-02-01');
  await answer(r5, 'current-3-1', 'yes', '2023-10-05');
  await answer(r5, 'reference-3-2', 'yes', '2023-10-06');
  const exported = await exportFile(r5);
  assert.equal(exported.json.checklist.id, 'r5-facility');

  const r6 = await openForm(context, R6);
  assert.ok(!requested.some((u) => /migrate\.js|migrations-data\.js/.test(u)), 'no migration code at open');
  assert.equal(await progress(r6), '必須の回答 0／9');
  await r6.setInputFiles('#import-file', exported.file);
  await r6.waitForSelector('#import-message:not([hidden])');
  await r6.waitForSelector('.carry-summary');
  const summary = await r6.locator('#import-message').innerText();
  // Nothing is written before the user says so.
  const stored = await r6.evaluate(() => Object.keys(localStorage).filter((k) => /^kensa:r6-facility:copy:/.test(k)).map((k) => localStorage.getItem(k)));
  assert.ok(stored.every((s) => !s.includes('2023-10-01')), 'nothing written yet');
  assert.equal(await r6.locator('input[name="current-1-1:r1"]:checked').count(), 0);

  // The summary is the one `kensa migrate` prints, line for line.
  const cli = cliMigrate([exported.file]);
  const shown = await r6.locator('#import-message p strong, .carry-summary li').allInnerTexts();
  assert.deepEqual(shown, cli.lines);
  for (const want of ['そのまま引き継ぐ回答：2項目', '文言が変わりました。内容を確認してください（2項目', 'この版で新しい項目（未記入です）（1項目）：３（３）',
    'この版にない項目の回答は「以前の版の回答」としてファイルに残し、回答の確認に表示します（2項目）：２（３）　事業者から']) {
    assert.ok(summary.includes(want), `summary has ${want}:\n${summary}`);
  }

  await r6.click('text=この内容で読み込む');
  await r6.waitForSelector('#import-message.ok');
  // Carried, moved from 参考項目 (a new id), reworded and merged, new.
  assert.equal(await r6.locator('input[name="current-1-1:r1"]:checked').getAttribute('value'), 'yes');
  assert.equal(await r6.locator('input[name="current-3-2:r1"]:checked').getAttribute('value'), 'yes');
  assert.equal(await r6.inputValue('[name="current-3-2:r1:d"]'), '6');
  assert.equal(await r6.locator('input[name="current-2-4:r1"]:checked').getAttribute('value'), 'yes');
  assert.equal(await r6.locator('input[name="current-3-3:r1"]:checked').count(), 0);
  assert.equal(await r6.inputValue('[name="field:filled_by"]'), '山田');
  // The reworded items wait for confirmation and are not counted as answered.
  await r6.waitForSelector('#current-3-1 .confirm-note');
  assert.match(await r6.locator('#current-3-1 .confirm-note').innerText(), /文言が変わりました。内容を確認してください/);
  assert.equal(await r6.locator('#current-2-4 .confirm-note').count(), 1);
  assert.equal(await r6.locator('#current-1-1 .confirm-note').count(), 0);
  assert.equal(await progress(r6), '必須の回答 4／9');

  // Exported before any confirmation: the same file as `kensa migrate` wrote.
  const carried = await exportFile(r6);
  const fromCli = JSON.parse(fs.readFileSync(path.join(cli.out, exported.name.replace(/^r5-facility/, 'r6-facility')), 'utf8'));
  const { exported_at: _a, ...browserDoc } = carried.json;
  assert.deepEqual(browserDoc, fromCli);
  const kept = carried.json.earlier[0];
  assert.equal(kept.checklist.id, 'r5-facility');
  assert.deepEqual(
    { ...kept.items['current-2-3'], label: undefined, text: undefined },
    { ...exported.json.items['current-2-3'], label: undefined, text: undefined },
  );
  assert.equal(kept.items['current-2-3'].note, 'MDSは未提出（テスト記入）');
  assert.equal(kept.items['current-2-5'].r1.answer, 'no');
  assert.equal(carried.json.items['current-3-1'].confirm, 'reworded');

  // The review shows the kept answers; confirming an item counts it.
  await r6.click('#review summary');
  await r6.waitForSelector('#review-body h3');
  const review = await r6.locator('#review-body').innerText();
  assert.match(review, /以前の版の回答（テスト用チェックリスト、r5）/);
  assert.match(review, /事業者から製造業者\/サービス事業者による医療情報セキュリティ開示書/);
  assert.match(review, /MDSは未提出（テスト記入）/);
  await r6.click('#current-3-1 .confirm-note button');
  await r6.waitForSelector('#current-3-1 .confirm-note', { state: 'detached' });
  assert.equal(await progress(r6), '必須の回答 5／9');
  const confirmed = await exportFile(r6);
  assert.equal(confirmed.json.items['current-3-1'].confirm, undefined);
  assert.equal(confirmed.json.items['current-2-4'].confirm, 'reworded');
  assert.deepEqual(confirmed.json.earlier, carried.json.earlier);

  // After a reload the marks and the kept answers are still there.
  await r6.reload();
  await r6.waitForSelector('#current-2-4 .confirm-note');
  assert.equal(await r6.locator('#current-3-1 .confirm-note').count(), 0);
  assert.equal(await progress(r6), '必須の回答 5／9');

  // Carried over again into the same copy: it is replaced, and what it held is the backup.
  await r6.setInputFiles('#import-file', exported.file);
  await r6.click('text=この内容で読み込む');
  await r6.click('dialog.ask button:text-is("置き換える")');
  await r6.waitForSelector('#import-message.ok');
  await r6.waitForSelector('[data-action="copy-restore"]:not([hidden])');
  assert.equal(await progress(r6), '必須の回答 4／9');
  await r6.click('[data-action="copy-restore"]');
  await r6.waitForFunction(() => !document.querySelector('#current-3-1 .confirm-note'));
  assert.equal(await progress(r6), '必須の回答 5／9');
  assert.deepEqual(r6.kensaErrors, []);
  assert.deepEqual(r5.kensaErrors, []);
  await context.close();
});

test('cancelling the carry-over writes nothing, and a file of an unrelated checklist is refused', async () => {
  const context = await browser.newContext({ acceptDownloads: true, serviceWorkers: 'block' });
  const r5 = await openForm(context, R5);
  await answer(r5, 'current-1-1', 'yes', '2023-10-01');
  const exported = await exportFile(r5);
  const r6 = await openForm(context, R6);
  const before = await r6.evaluate(() => JSON.stringify(localStorage));
  await r6.setInputFiles('#import-file', exported.file);
  await r6.click('text=取りやめる');
  assert.match(await r6.locator('#import-message').innerText(), /読み込みを取りやめました。入力済みの内容は変わっていません。/);
  assert.equal(await r6.evaluate(() => JSON.stringify(localStorage)), before);
  assert.equal(await r6.locator('input[name="current-1-1:r1"]:checked').count(), 0);

  const other = { ...exported.json, checklist: { ...exported.json.checklist, id: 'r5-other', title: '別の様式' } };
  await r6.setInputFiles('#import-file', { name: 'other.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(other)) });
  await r6.waitForFunction(() => /別のチェックリスト/.test(document.getElementById('import-message').textContent));
  assert.equal(await r6.evaluate(() => JSON.stringify(localStorage)), before);
  await context.close();
});

test('on random earlier files, migrate.js and kensa migrate write the same file and summary', () => {
  const sandbox = {};
  vm.runInNewContext(fs.readFileSync(path.join(site, 'assets/migrations-data.js'), 'utf8'), sandbox);
  const plan = sandbox.KENSA_MIGRATIONS['r6-facility'][0];
  const M = require(path.join(REPO, 'themes/default/static/js/migrate.js'));
  const r = prng(Number(process.env.KENSA_MIGRATE_SEED || 20240401));
  const answers = ['yes', 'no', null, null];
  const dates = ['2023-10-01', '2024-03-31', null];
  const dir = fs.mkdtempSync(path.join(tmp, 'random-'));
  const files = [];
  const docs = [];
  for (let n = 0; n < 200; n++) {
    const items = {};
    for (const [id] of plan.from.items) {
      if (r.int(10) === 0) continue;
      const round = (withAnswer) => {
        const o = {};
        if (withAnswer) o.answer = r.pick(answers);
        if (!withAnswer || r.int(5)) o.date = r.pick(dates);
        if (r.int(8) === 0) o.date_input = { y: '2023', m: '13', d: '' };
        return o;
      };
      const a = { r1: round(true) };
      if (r.int(4)) a.target = round(false);
      if (r.int(4)) a.r2 = round(true);
      a.note = r.pick(['', '', '備考']);
      a.status = r.pick(['applicable', 'not_applicable']);
      if (r.int(6) === 0) a.confirm = 'reworded';
      items[id] = a;
    }
    const doc = {
      format: 'kensa-answers', format_version: 1, generator: 'kensa 0.1.0',
      checklist: { id: 'r5-facility', edition: 'r5', definition_hash: r.int(5) ? plan.from.checklist.definition_hash : '0'.repeat(64) },
      updated_at: '2023-10-01T09:00:00.000Z',
      fields: r.int(2) ? { filled_by: r.pick(['', '山田']) } : {},
      gate: r.pick(answers), switches: { vendor_contract: r.pick(answers) }, items,
    };
    if (r.int(4) === 0) doc.earlier = [{ checklist: { id: 'r4-facility', edition: 'r4', definition_hash: 'f'.repeat(64) }, fields: {}, switches: {}, items: {} }];
    const name = `r5-facility_${n}.json`;
    fs.writeFileSync(path.join(dir, name), JSON.stringify(doc));
    files.push(path.join(dir, name));
    docs.push(doc);
  }
  const cli = cliMigrate(files);
  const blocks = cli.stdout.split('\n').reduce((acc, l) => {
    if (!l.startsWith('  ')) acc.push([]);
    else acc[acc.length - 1].push(l.slice(2));
    return acc;
  }, []).filter((b) => b.length);
  assert.equal(blocks.length, docs.length);
  docs.forEach((doc, n) => {
    const js = M.apply(plan, doc, 'kensa 0.1.0');
    const rust = JSON.parse(fs.readFileSync(path.join(cli.out, `r6-facility_${n}.json`), 'utf8'));
    assert.deepEqual(JSON.parse(JSON.stringify(js.doc)), rust, `file ${n}`);
    assert.deepEqual(M.lines(js.summary), blocks[n], `summary of file ${n}`);
  });
});

test('inspect.js and kensa inspect agree on a file of an older edition than the one in force', () => {
  const sandbox = {};
  vm.runInNewContext(fs.readFileSync(path.join(site, 'assets/inspection-data.js'), 'utf8'), sandbox);
  const engine = require(path.join(REPO, 'themes/default/static/js/inspect.js'));
  const plan = (() => {
    const s = {};
    vm.runInNewContext(fs.readFileSync(path.join(site, 'assets/migrations-data.js'), 'utf8'), s);
    return s.KENSA_MIGRATIONS['r6-facility'][0];
  })();
  const items = {};
  for (const [id] of plan.from.items) items[id] = { r1: { answer: 'yes', date: '2023-10-01' }, target: { date: null }, r2: { answer: null, date: null }, note: '', status: 'applicable' };
  const doc = {
    format: 'kensa-answers', format_version: 1, generator: 'kensa 0.1.0',
    checklist: { id: 'r5-facility', edition: 'r5', definition_hash: plan.from.checklist.definition_hash },
    updated_at: '2023-10-01T09:00:00.000Z', fields: {}, gate: 'yes', switches: { vendor_contract: 'yes' }, items,
  };
  const dir = fs.mkdtempSync(path.join(tmp, 'inspect-'));
  const file = path.join(dir, 'r5.json');
  fs.writeFileSync(file, JSON.stringify(doc));
  for (const today of ['2024-03-31', '2024-04-01', '2025-06-01']) {
    let out;
    try {
      out = execFileSync(bin, ['inspect', '--root', path.join(REPO, 'tests/fixtures/editions'), '--format', 'json', '--today', today, file], { encoding: 'utf8' });
    } catch (e) {
      out = e.stdout;
    }
    const rust = JSON.parse(out)[0].findings;
    const js = engine.inspect(sandbox.KENSA_INSPECTION, [{ name: 'r5.json', text: JSON.stringify(doc) }], today).findings;
    assert.deepEqual(JSON.parse(JSON.stringify(js)), rust, today);
    assert.equal(rust.some((f) => /の時点で有効なのは令和6年度版の様式（r6-facility）です/.test(f.message)), today !== '2024-03-31', today);
  }
});

test('the page of what changed and the carry-over summary pass axe', async () => {
  const context = await browser.newContext({ acceptDownloads: true, serviceWorkers: 'block' });
  const page = await context.newPage();
  await page.goto(`${server.url}/checklists/r6/facility-changes.html`, { waitUntil: 'load' });
  let violations = await h.axeCheck(page);
  assert.equal(violations.length, 0, h.formatViolations(violations));
  const r5 = await openForm(context, R5);
  await answer(r5, 'current-3-1', 'yes', '2023-10-05');
  const exported = await exportFile(r5);
  const r6 = await openForm(context, R6);
  await r6.setInputFiles('#import-file', exported.file);
  await r6.waitForSelector('.carry-summary');
  violations = await h.axeCheck(r6);
  assert.equal(violations.length, 0, h.formatViolations(violations));
  await r6.click('text=この内容で読み込む');
  await r6.waitForSelector('#current-3-1 .confirm-note');
  violations = await h.axeCheck(r6);
  assert.equal(violations.length, 0, h.formatViolations(violations));
  await context.close();
});
