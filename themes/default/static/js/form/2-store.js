// The checklist form's storage and copies: answers kept in this browser (localStorage, or for
// this visit only when the browser refuses), named copies (控え), their save and export status,
// and two tabs of the same form merged answer by answer. Part of the form's one script (see
// 3-controls.js), which calls startStore. What form-files.js uses of it (get, put, open…) is
// on F; the copy shown is F.cur, its stored answers F.doc, the list of copies F.idx.
var KEY, IDX;
function pad(n) { return (n < 10 ? '0' : '') + n; }

// ---------------------------------------------------------------- storage
// Everything goes through get/put so that a browser that refuses storage (private mode,
// blocked) or has none left still works for this visit, and says so instead of failing
// silently. What could not be written is kept in `mem` and written again on every change:
// once space is freed, it is saved. The alert stays while anything is unsaved.
var mem = {};
var canStore = true;
var REFUSED = 'このブラウザでは保存できません（プライベートブラウズや設定のため）。ページを閉じると入力は消えます。「ファイルに書き出す」で保存してください。';
var FULL = '容量が足りないため、このブラウザに保存できていません。不要な控えを削除するか、「ファイルに書き出す」で保存してください。';
var NO_NAME = '（名前なし）'; // a copy the user has not named
// A full storage is not a refused one: only refusal turns saving off for the visit.
function refused(e) { return !/quota/i.test(e && e.name); }
function probe() {
  try {
    localStorage.setItem(KEY + 'probe', '1');
    localStorage.removeItem(KEY + 'probe');
  } catch (e) {
    canStore = !refused(e);
  }
}
function storageAlert(text) {
  var a = $('storage-alert');
  a.textContent = text;
  a.hidden = !text;
}
function get(k) {
  try {
    var v = k in mem ? mem[k] : canStore ? localStorage.getItem(k) : null;
    return v ? JSON.parse(v) : null;
  } catch (e) {
    return null;
  }
}
function put(k, v) {
  mem[k] = JSON.stringify(v);
  flush();
  return !(k in mem);
}
// Writes what is waiting; a full storage leaves it waiting, with the alert shown.
function flush() {
  if (!canStore) return;
  for (var k in mem) {
    try {
      localStorage.setItem(k, mem[k]);
      delete mem[k];
    } catch (e) {
      if (refused(e)) {
        canStore = false;
        return storageAlert(REFUSED);
      }
      break;
    }
  }
  storageAlert(Object.keys(mem).length ? FULL : '');
}
function drop(k) {
  delete mem[k];
  try { if (canStore) localStorage.removeItem(k); } catch (e) { /* nothing to keep */ }
}
var askedPersist = false;
function persist() {
  // Ask once, on the first change: storage the browser may not evict on its own.
  if (askedPersist || !navigator.storage || !navigator.storage.persist) return;
  askedPersist = true;
  navigator.storage.persisted().then(function (p) { return p || navigator.storage.persist(); }).catch(function () {});
}

// ---------------------------------------------------------------- copies
function dataKey(id) { return KEY + 'copy:' + id; }
function backupKey(id) { return KEY + 'backup:' + id; }
function newId() {
  var d = new Date();
  return 'c-' + d.getFullYear() + pad(d.getMonth() + 1) + pad(d.getDate()) + '-' + Math.random().toString(16).slice(2, 6);
}
function find(id) { return F.idx.list.filter(function (c) { return c.id === id; })[0]; }
function validIdx(i) { return F.obj(i) && Array.isArray(i.list) && i.list.length; }
function build(s, updated, exported) {
  var ds = F.ds, cur = F.cur;
  return {
    format: 'kensa-answers',
    format_version: 1,
    generator: ds.generator,
    checklist: { id: F.CID, edition: ds.edition, definition_hash: ds.definitionHash, title: ds.title, form: ds.form || ds.title },
    copy: { id: cur.id, name: cur.name },
    updated_at: updated || new Date().toISOString(),
    exported_at: exported || undefined,
    fields: s.fields,
    gate: s.gate,
    switches: s.switches,
    items: s.items,
    earlier: s.earlier
  };
}
function time(iso) {
  var d = new Date(iso);
  return d.getFullYear() + '年' + (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + d.getHours() + ':' + pad(d.getMinutes());
}
function status(text) { $('save-status').textContent = text; }

// ---------------------------------------------------------------- two tabs
// Each answer (a field, the gate, a switch, an item's round, note or status) carries the time
// it last changed, in the stored copy (`_t`, never exported). Two tabs writing at once merge
// answer by answer, the later change winning, so neither loses what was typed in it.
var SEP = '\u0001';
function leaves(d) {
  var out = { g: d && d.gate }, k, r;
  ['fields', 'switches'].forEach(function (g) { for (k in d && d[g]) out[g + SEP + k] = d[g][k]; });
  for (k in d && d.items) for (r in d.items[k]) out['items' + SEP + k + SEP + r] = d.items[k][r];
  return out;
}
function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }
function stamp(d, before) {
  var t = d._t = Object.assign({}, before && before._t), a = leaves(d), b = leaves(before), now = Date.now();
  for (var k in a) if (!same(a[k], b[k])) t[k] = now;
}
// `ours` with each answer of `theirs` that changed later (on a tie, the same one in both tabs).
function merge(ours, theirs) {
  if (!theirs) return ours;
  var m = JSON.parse(JSON.stringify(ours)), a = leaves(theirs), o = leaves(ours), ot = ours._t || {}, tt = theirs._t || {};
  m._t = m._t || {};
  for (var k in a) {
    var x = tt[k] || 0, y = ot[k] || 0;
    if (x > y || (x === y && JSON.stringify(a[k]) > JSON.stringify(o[k]))) {
      var p = k.split(SEP);
      if (k === 'g') m.gate = a[k];
      else if (p.length === 2) m[p[0]][p[1]] = a[k];
      else (m.items[p[1]] = m.items[p[1]] || {})[p[2]] = a[k];
      m._t[k] = x;
    }
  }
  if (theirs.updated_at > m.updated_at) m.updated_at = theirs.updated_at;
  return m;
}
// Takes in what another tab stored (`_w` names the tab that wrote it); writes back the merge
// when this tab had more.
var TAB = Math.random().toString(36).slice(2);
function mergeStored() {
  var theirs = get(dataKey(F.cur.id)), doc = F.doc;
  if (theirs && theirs._w === TAB) return false;
  var m = merge(doc, theirs), changed = !same(leaves(m), leaves(doc));
  F.doc = m; // first: apply() reads a split form's other pages from it
  if (changed) apply(m);
  return theirs && !same(leaves(m), leaves(theirs));
}
var pristine = null;
function save() {
  var s = refresh(), before = F.doc || pristine, doc;
  doc = F.doc = build(s, null, F.doc && F.doc.exported_at);
  stamp(doc, before);
  mergeStored();
  F.doc._w = TAB;
  put(IDX, F.idx);
  status(put(dataKey(F.cur.id), F.doc) ? '入力内容をこのブラウザに保存しました（' + time(F.doc.updated_at) + '）。' : 'この入力はまだ保存されていません。');
  printLine();
  exportStatus();
  persist();
}
function exportStatus() {
  var e = $('export-status'), doc = F.doc, t;
  if (!doc || blank(doc)) t = '';
  else if (!doc.exported_at) t = 'まだファイルに書き出していません。記入が済んだら「ファイルに書き出す」で保存してください。';
  else if (doc.updated_at > doc.exported_at) t = '最後にファイルに書き出した（' + time(doc.exported_at) + '）後に変更があります。もう一度書き出してください。';
  else t = '最後にファイルに書き出した日時：' + time(doc.exported_at) + '（その後の変更はありません）';
  e.textContent = t;
  e.classList.toggle('warn', !!t && !(doc.exported_at && doc.updated_at <= doc.exported_at));
}
function renderCopies() {
  var sel = $('copy-select'), cur = F.cur;
  F.fill(sel, F.idx.list.map(function (c) { return new Option(c.name || NO_NAME, c.id, c.id === cur.id); }));
  $('copy-name').value = cur.name;
  var b = get(backupKey(cur.id));
  var r = document.querySelector('[data-action="copy-restore"]');
  r.hidden = !b;
  if (b) r.textContent = 'バックアップ（' + time(b.backup_at) + '）から戻す';
}
// Shows a copy; `data` (an imported file) replaces what is stored for it.
function open(id, data) {
  F.cur = find(id);
  F.idx.current = id;
  put(IDX, F.idx);
  F.doc = data || get(dataKey(id));
  apply(F.doc);
  // The empty form, so that a first save stamps only what was typed, not every blank.
  pristine = build(collect());
  if (data) {
    F.doc = build(collect(), data.updated_at, data.exported_at);
    stamp(F.doc, null);
    put(dataKey(id), F.doc);
  }
  renderCopies();
  exportStatus();
  // A copy carried over from an earlier edition: its marks and kept answers are shown.
  if ((F.doc || 0).earlier) later(function (m) { m.carried(); });
  showing();
}
function showing() {
  status('控え「' + F.cur.name + '」を表示しています（' + (F.doc ? '最終更新 ' + time(F.doc.updated_at) : 'まだ入力はありません') + '）。');
  printLine();
}
// What a printout is of: the copy and the form's own fields (事業者名), above the form.
function printLine() {
  var p = $('print-copy');
  if (p) F.fill(p, ['控え：' + (F.cur.name || NO_NAME)].concat(F.fields.filter(function (f) { return f.value.trim(); }).map(function (f) {
    return '　' + f.labels[0].firstChild.textContent + '：' + f.value;
  })));
}

function rename(e) {
  var cur = F.cur, o = $('copy-select').options[$('copy-select').selectedIndex];
  cur.name = e.target.value;
  if (o) o.textContent = cur.name || NO_NAME;
  if (F.doc) { F.doc.copy.name = cur.name; put(dataKey(cur.id), F.doc); }
  put(IDX, F.idx);
  showing();
}
// Another tab of the same page changed something: follow it instead of overwriting it later.
function followOtherTab(e) {
  if (!F.ready || !e.key || e.key.indexOf(KEY) !== 0) return;
  var cur = F.cur;
  if (e.key === IDX) {
    var n = get(IDX);
    if (!validIdx(n)) return;
    var keep = n.current;
    F.idx = n;
    if (find(cur.id)) {
      F.cur = find(cur.id);
      n.current = cur.id;
      renderCopies();
    } else open(find(keep) ? keep : n.list[0].id);
  } else if (e.key === dataKey(cur.id)) {
    if (!F.doc) F.doc = build(collect());
    if (mergeStored()) {
      F.doc._w = TAB;
      put(e.key, F.doc);
    }
    exportStatus();
    status('別のタブ・ウィンドウでの変更を反映しました。');
  } else if (e.key === backupKey(cur.id)) renderCopies();
}

function startStore() {
  KEY = 'kensa:' + F.CID + ':';
  IDX = F.IDX = KEY + 'copies';
  probe();
  var idx = get(IDX);
  F.idx = validIdx(idx) ? idx : { current: null, list: [{ id: newId(), name: '控え1' }] };
  F.cur = find(F.idx.current) || F.idx.list[0];
  F.doc = null;
  Object.assign(F, {
    get: get, put: put, drop: drop, dataKey: dataKey, backupKey: backupKey, newId: newId, find: find,
    open: open, build: build, time: time, exportStatus: exportStatus
  });
  if (!canStore) storageAlert(REFUSED);
  $('copy-select').addEventListener('change', function (e) { open(e.target.value); });
  $('copy-name').addEventListener('input', rename);
  window.addEventListener('storage', followOtherTab);
}
