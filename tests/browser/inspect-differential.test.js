'use strict';
// The browser's inspection engine (themes/default/static/js/inspect.js) and `kensa inspect`
// (src/inspect.rs, src/answers.rs) must judge every file alike: the same findings, with the same
// messages, in the same order. The vectors pin what the findings should be; this test checks
// that the two engines agree on many more files than anyone would write by hand.
//
// A seeded generator writes KENSA_DIFF_FILES answer files (default 10,000) in folders of one to
// three files (a folder is one facility for the CLI and one load for the page): valid files of
// every checklist with random answers, dates at the edges of the fiscal years and of the years
// allowed, and files broken on purpose (a key missing or of the wrong type, an unknown key, other
// versions and hashes, cut short, a BOM, Shift_JIS bytes, lone surrogates, deep nesting, huge
// numbers). KENSA_DIFF_SEED replays a run; a failure names the seed and the folder.

const { test } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const h = require('./helpers');
const { prng, REPO, loadData, kensaBin, rustFindings } = require('./inspection-vectors');

const engine = require(path.join(REPO, 'themes/default/static/js/inspect.js'));

const FILES = Number(process.env.KENSA_DIFF_FILES || 10_000);
const SEED = Number(process.env.KENSA_DIFF_SEED || 20231001);
const TODAYS = ['2023-12-01', '2024-02-01', '2024-04-01', '2023-04-01'];

const DATES = [
  '2023-04-01', '2023-10-01', '2023-12-01', '2023-12-02', '2024-01-31', '2024-02-29', '2024-03-31',
  '2024-04-01', '2025-03-31', '2025-04-01', '2023-03-31', '2022-10-01', '2000-01-01', '1999-12-31',
  '1899-12-31', '2099-12-31', '2100-01-01', '2023-02-29', '2023-02-30', '2023-04-31', null, null,
];
// Dates the schema itself refuses: only in files broken on purpose.
const BAD_DATES = ['2023-13-01', '2023-00-10', '2023-1-01', '20231001', '', '2023-10-01T00:00', '２０２３-10-01'];
const TEXTS = ['', ' ', '　', 'A社', 'B社', '株式会社テスト', '保守\u0007会社', 'x\u001b[2Jy', '\ufeff', 'タブ\tあり', '😀社', '<b>社</b>'];
const ANSWERS = ['yes', 'yes', 'no', null];

function round(r, hasAnswer) {
  const o = {};
  if (hasAnswer) o.answer = r.pick(ANSWERS);
  if (!hasAnswer || r.chance(0.85)) o.date = r.pick(DATES);
  if (r.chance(0.1)) o.date_input = { y: r.pick(['2023', '２０２３', '']), m: '10', d: '1' };
  return o;
}

// A careful facility's answer: 1回目 dated, いいえ with a 目標日 in the fiscal year.
function tidyItem(r) {
  const no = r.chance(0.2);
  const a = { r1: { answer: no ? 'no' : 'yes', date: '2023-10-01' } };
  if (no) a.target = { date: '2024-03-31' };
  return a;
}

/** A file the form could have written: every key the schema asks for, random answers. */
function validDoc(r, c) {
  const items = {};
  const tidy = r.chance(0.3);
  for (const item of c.items || []) {
    if (tidy) {
      items[item.id] = { ...tidyItem(r), note: '', status: 'applicable' };
      continue;
    }
    if (r.chance(0.1)) continue;
    const a = { r1: round(r, true) };
    if (r.chance(0.4)) a.target = round(r, false);
    if (r.chance(0.3)) a.r2 = round(r, true);
    a.note = r.pick(TEXTS);
    a.status = r.chance(0.9) ? 'applicable' : 'not_applicable';
    items[item.id] = a;
  }
  const fields = {};
  for (const f of c.form_fields || []) if (r.chance(0.8)) fields[f] = r.pick(TEXTS);
  const switches = {};
  for (const s of c.switches || []) if (r.chance(0.9)) switches[s.id] = r.pick(ANSWERS);
  const doc = {
    format: 'kensa-answers',
    format_version: 1,
    generator: 'differential test',
    checklist: { id: c.id, edition: c.edition || 'y2021', definition_hash: c.definition_hash || '0'.repeat(64), title: c.title || '', form: c.form || '' },
    updated_at: '2023-10-01T09:00:00.000Z',
    fields,
    gate: tidy ? 'yes' : r.pick(['yes', 'yes', 'yes', 'no', null]),
    switches,
    items,
  };
  if (r.chance(0.5)) doc.copy = { id: r.pick(['a1', 'copy_2', 'A-' + 'x'.repeat(62)]), name: r.pick(TEXTS) };
  if (r.chance(0.5)) doc.exported_at = r.pick(['2023-10-02T09:00:00Z', '2023-10-02T18:00:00+09:00', '2023-10-02T09:00:00.123456Z']);
  return doc;
}

// Where in a document a mutation lands: the top, the checklist block, or an item's round.
function targets(doc) {
  const out = [[doc, Object.keys(doc)], [doc.checklist, Object.keys(doc.checklist)]];
  for (const a of Object.values(doc.items)) {
    out.push([a, Object.keys(a)]);
    for (const k of ['r1', 'target', 'r2']) if (a[k]) out.push([a[k], Object.keys(a[k])]);
  }
  if (doc.copy) out.push([doc.copy, Object.keys(doc.copy)]);
  return out.filter(([, keys]) => keys.length);
}

const ODD_VALUES = [true, false, 0, 1, 1.5, -1, 'maybe', '', 'yes', 'no', null, [], {}, ['yes'], { answer: 'yes' }, 20231001, '2023-10-01', 'bad id', 'x'.repeat(65), '2023-10-02', ...BAD_DATES];

/** Changes one thing a schema rule is about. */
function mutateDoc(r, doc, data) {
  const [o, keys] = r.pick(targets(doc));
  switch (r.int(9)) {
    case 0: delete o[r.pick(keys)]; break;
    case 1: o[r.pick(keys)] = r.pick(ODD_VALUES); break;
    case 2: o[r.pick(['extra', 'Answer', '__proto__', 'constructor', 'ｒ1'])] = 'x'; break;
    case 3: doc.format_version = r.pick([1.0, 2, '1', 0, -1, 1e21, 1e20, 1e-6, 1e-7, 0.1 + 0.2, 123.456e3, 9007199254740993, 18446744073709551615, null, 1.5]); break;
    case 4: doc.checklist.definition_hash = r.pick(['0'.repeat(64), 'F'.repeat(64), 'abc', 5]); break;
    case 5: doc.checklist.id = r.pick(['r5-nothing', '', 5, 'y2021-keieiso', ...data.checklists.map((c) => c.id)]); break;
    case 6: doc.items[r.pick(['current-9-9', 'current-1-1', 'reference-1'])] = { r1: { answer: 'yes', date: '2023-10-01' }, note: '', status: 'applicable' }; break;
    case 7: doc.format = r.pick(['kensa-answer', 'kensa-inspection', 5]); break;
    default: {
      const item = r.pick(Object.values(doc.items).concat([{}]));
      item.status = r.pick(['applicable', 'not_applicable', 'na', null]);
    }
  }
}

const encoder = new TextEncoder();

/** Breaks the bytes themselves: what a truncated download or another editor makes of a file. */
function mutateBytes(r, text) {
  switch (r.int(8)) {
    case 0: return encoder.encode(text.slice(0, r.int(text.length)));
    case 1: return Uint8Array.from([0xef, 0xbb, 0xbf, ...encoder.encode(text)]);
    case 2: {
      // Shift_JIS "テスト" where UTF-8 text was
      const at = text.indexOf('"note": "');
      const bytes = encoder.encode(at < 0 ? text : text.slice(0, at + 9));
      const rest = encoder.encode(at < 0 ? '' : text.slice(at + 9));
      return Uint8Array.from([...bytes, 0x83, 0x65, 0x83, 0x58, 0x83, 0x67, ...rest]);
    }
    case 3: return encoder.encode(text.replace('"generator": "', '"generator": "\\ud800'));
    case 4: return encoder.encode('['.repeat(120 + r.int(16)) + ']'.repeat(120 + r.int(16)));
    case 5: return encoder.encode(text.replace('"format_version": 1', r.pick(['"format_version": 1e400', '"format_version": 1.0e0', '"format_version": 10e-1', '"format_version": 1,'])));
    case 6: return encoder.encode(text.replace(/\}\s*$/, '} x'));
    default: return encoder.encode(text.replace('{', '{"format": "kensa-answers", '));
  }
}

function generateFile(r, data) {
  const lists = data.checklists.concat(data.others || []);
  const c = r.chance(0.9) ? r.pick(data.checklists) : r.pick(lists);
  const doc = validDoc(r, c);
  const kind = r.next();
  if (kind < 0.25) mutateDoc(r, doc, data);
  const text = JSON.stringify(doc, null, r.chance(0.5) ? 2 : 0);
  return kind > 0.85 ? mutateBytes(r, text) : encoder.encode(text);
}

/** One facility's files: mostly a facility form with its vendors, sometimes anything at all. */
function generateFolder(r, data, budget) {
  const n = Math.min(budget, 1 + r.int(3));
  return Array.from({ length: n }, (_, k) => ({ name: `f${k}.json`, bytes: generateFile(r, data) }));
}

test(`the browser's engine and kensa inspect agree on ${FILES} generated files`, { skip: kensaBin() ? false : 'kensa binary not built (cargo build)', timeout: 600_000 }, () => {
  const data = loadData(h.siteDir());
  const r = prng(SEED);
  const folders = [];
  for (let made = 0; made < FILES; ) {
    const files = generateFolder(r, data, FILES - made);
    folders.push({ today: r.pick(TODAYS), files });
    made += files.length;
  }
  const statuses = {};
  for (const today of TODAYS) {
    const mine = folders.filter((f) => f.today === today);
    const rust = rustFindings(kensaBin(), mine.map((f) => f.files), today);
    mine.forEach((folder, n) => {
      const js = engine.inspect(data, folder.files, today).findings;
      if (JSON.stringify(js) !== JSON.stringify(rust[n])) {
        const shown = folder.files.map((f) => `${f.name}: ${Buffer.from(f.bytes).toString('utf8').slice(0, 400)}`).join('\n');
        assert.deepEqual(js, rust[n], `seed ${SEED}, today ${today}, folder ${folders.indexOf(folder)}:\n${shown}`);
      }
      for (const f of js) statuses[`${f.rule}/${f.status}`] = (statuses[`${f.rule}/${f.status}`] || 0) + 1;
    });
  }
  // The generator must reach every kind of verdict, or agreement proves little.
  for (const need of ['file/error', 'file/info', 'gate/fail', 'gate/pass', 'first-round/fail', 'first-round/pass', 'target-date/fail', 'covered/onsite', 'vendor-sheets/onsite', 'reference/info']) {
    assert.ok(statuses[need] > 0, `no ${need} finding among ${JSON.stringify(statuses)}`);
  }
});
