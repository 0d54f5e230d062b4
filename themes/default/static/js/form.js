// The checklist form: rules, progress, autosave, named copies, answer files, dates.
// Everything is read from the page's data attributes, so no checklist needs code of its own.
// A plain classic script: pages opened from file:// cannot load modules. Answers stay in this
// browser (localStorage) and in the files the user saves; nothing is ever sent anywhere.
(function () {
  'use strict';
  var form = document.getElementById('checklist-form');
  var tpl = document.getElementById('item-controls');
  if (!form || !tpl) return;
  var $ = function (id) { return document.getElementById(id); };
  var all = function (sel, root) { return [].slice.call((root || form).querySelectorAll(sel)); };
  var ds = form.dataset;
  var CID = ds.checklistId;
  var DATED = ds.answerKind === 'yes_no_dated';
  var ROUNDS = DATED ? ['r1', 'target', 'r2'] : ['r1'];
  var KEY = 'kensa:' + CID + ':';
  var ANSWER = DATED ? { yes: 'はい', no: 'いいえ' } : { yes: '○（できている）', no: '×（できていない）' };

  // ---------------------------------------------------------------- the form's parts
  // The answer controls are sent once in a <template> (keeps long pages light) and cloned here.
  var html = tpl.innerHTML;
  var items = all('[data-item-id]');
  var byId = {};
  items.forEach(function (el) {
    var id = el.dataset.itemId;
    var text = el.querySelector('.item-text');
    var num = el.querySelector('.item-number');
    var sec = el.closest('.section');
    byId[id] = el;
    el.insertAdjacentHTML('beforeend', html.replace(/__ID__/g, id));
    // ２（１） as printed; lists numbered straight through (1, 2, …) need no section number.
    el.kLabel = (sec && num && /^[（(]/.test(num.textContent) ? sec.querySelector('.section-number').textContent : '') + (num ? num.textContent : '') +
      (el.dataset.reference ? '〔参考項目〕' : '');
    el.kText = text ? text.textContent.slice(num ? num.textContent.length : 0) : '';
    el.kSection = sec;
    if (el.dataset.reference && text) text.insertAdjacentHTML('beforeend', '<span class="badge">参考項目</span>');
  });
  var fields = all('[data-field]');
  var gateEl = form.querySelector('[data-gate]');
  var switches = all('[data-switch]');
  var sections = all('.section').map(function (el) {
    var title = el.querySelector('.section-title'), phase = el.closest('.phase');
    return {
      el: el, title: title, items: all('[data-item-id]', el),
      label: (phase ? phase.querySelector('.phase-title').childNodes[1].textContent + '　' : '') +
        title.firstChild.textContent + ' ' + title.childNodes[1].textContent
    };
  });

  function radio(name) {
    var r = form.elements[name];
    return r && r.value ? r.value : null;
  }
  function setRadio(name, v) {
    all('input[name="' + name + '"]').forEach(function (r) { r.checked = r.value === v; });
  }
  function half(s) {
    return String(s == null ? '' : s).replace(/[０-９]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).trim();
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  function esc(s) {
    return String(s).replace(/[&<>"]/g, function (c) { return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c]; });
  }
  function obj(o) { return !!o && typeof o === 'object' && !Array.isArray(o); }

  // ---------------------------------------------------------------- dates
  function parts(base) {
    return ['y', 'm', 'd'].map(function (p) { return half(form.elements[base + ':' + p].value); });
  }
  function toIso(p) {
    if (!/^\d{4}$/.test(p[0]) || !/^\d{1,2}$/.test(p[1]) || !/^\d{1,2}$/.test(p[2])) return null;
    var y = +p[0], m = +p[1], d = +p[2], t = new Date(Date.UTC(y, m - 1, d));
    if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
    return p[0] + '-' + pad(m) + '-' + pad(d);
  }
  function dateProblem(p) {
    var s = p.join('');
    if (!s) return '';
    if (/\D/.test(s)) return '数字で入力してください。';
    if (!p[0] || !p[1] || !p[2]) return '年・月・日をすべて入力してください。';
    if (p[0].length !== 4) return '年は西暦の4桁で入力してください（例：2023）。';
    return toIso(p) ? '' : p[0] + '年' + +p[1] + '月' + +p[2] + '日という日付はありません。';
  }
  // 2023-10-01 → 2023年10月1日（令和5年）
  function jaDate(iso) {
    var y = +iso.slice(0, 4), m = +iso.slice(5, 7), d = +iso.slice(8, 10), n = y * 10000 + m * 100 + d;
    var era = n >= 20190501 ? ['令和', 2018] : n >= 19890108 ? ['平成', 1988] : n >= 19261225 ? ['昭和', 1925] : null;
    var e = era && y - era[1];
    return y + '年' + m + '月' + d + '日' + (era ? '（' + era[0] + (e === 1 ? '元' : e) + '年）' : '');
  }
  function readDate(base, o) {
    var p = parts(base);
    o.date = toIso(p);
    if (!o.date && p.join('')) o.date_input = { y: p[0], m: p[1], d: p[2] };
  }

  // ---------------------------------------------------------------- form ⇄ answers
  function naReason(el, s) {
    if (s.gate === 'no') return '確認不要';
    var sw = el.dataset.unlessSwitchOff;
    return sw && s.switches[sw] === 'no' ? '記入不要' : '';
  }
  function collect() {
    var s = { fields: {}, gate: null, switches: {}, items: {} };
    fields.forEach(function (f) { s.fields[f.dataset.field] = f.value; });
    if (gateEl) s.gate = radio('gate');
    switches.forEach(function (el) { s.switches[el.dataset.switch] = radio('switch:' + el.dataset.switch); });
    items.forEach(function (el) {
      var id = el.dataset.itemId, a = {};
      ROUNDS.forEach(function (r) {
        var o = {};
        if (r !== 'target') o.answer = radio(id + ':' + r);
        if (DATED) readDate(id + ':' + r, o);
        a[r] = o;
      });
      a.note = form.elements[id + ':note'].value;
      a.status = naReason(el, s) ? 'not_applicable' : 'applicable';
      s.items[id] = a;
    });
    return s;
  }
  function apply(s) {
    s = s || {};
    form.reset();
    var f = s.fields || {}, sw = s.switches || {}, its = s.items || {};
    fields.forEach(function (el) { el.value = f[el.dataset.field] || ''; });
    setRadio('gate', s.gate);
    switches.forEach(function (el) { setRadio('switch:' + el.dataset.switch, sw[el.dataset.switch]); });
    items.forEach(function (el) {
      var id = el.dataset.itemId, a = its[id] || {};
      ROUNDS.forEach(function (r) {
        var o = a[r] || {}, base = id + ':' + r;
        if (r !== 'target') setRadio(base, o.answer);
        if (!DATED) return;
        var p = o.date ? [o.date.slice(0, 4), String(+o.date.slice(5, 7)), String(+o.date.slice(8, 10))]
          : o.date_input ? [o.date_input.y, o.date_input.m, o.date_input.d] : [];
        ['y', 'm', 'd'].forEach(function (k, i) { form.elements[base + ':' + k].value = p[i] || ''; });
      });
      form.elements[id + ':note'].value = a.note || '';
    });
    touched = {};
    refresh();
  }
  function blank(s) {
    if (!s) return true;
    var f = s.fields || {}, its = s.items || {};
    if (s.gate || Object.keys(f).some(function (k) { return f[k]; })) return false;
    if (Object.keys(s.switches || {}).some(function (k) { return s.switches[k]; })) return false;
    return !Object.keys(its).some(function (id) {
      var a = its[id];
      return a.note || ROUNDS.some(function (r) { return a[r] && (a[r].answer || a[r].date || a[r].date_input); });
    });
  }

  // ---------------------------------------------------------------- rules and progress
  var touched = {}; // date fieldsets the user has left: only then is an unfinished date an error
  function setNa(el, reason) {
    var b = el.querySelector('.na-badge');
    if (reason && !b) {
      b = document.createElement('span');
      b.className = 'badge na-badge';
      (el.querySelector('.item-text') || el.querySelector('legend')).appendChild(b);
    }
    if (b) { b.textContent = reason; b.hidden = !reason; }
    el.classList.toggle('is-na', !!reason);
    all('input, textarea', el).forEach(function (c) { c.disabled = !!reason; });
  }
  function showDate(base) {
    var id = base.replace(':', '-'), p = parts(base), err = dateProblem(p), iso = toIso(p);
    var show = err && (touched[base] || /\D/.test(p.join('')) || (p[0] && p[1] && p[2]));
    var info = $(id + '-info');
    info.textContent = show ? err : iso ? jaDate(iso) : '';
    info.classList.toggle('error', !!show);
    ['y', 'm', 'd'].forEach(function (k) {
      var i = form.elements[base + ':' + k];
      if (show) i.setAttribute('aria-invalid', 'true'); else i.removeAttribute('aria-invalid');
    });
  }
  function refresh() {
    var s = collect();
    var sum = { req: 0, done: 0, missing: [], noTarget: [], noDate: [], badDate: [] };
    function need(v, href, label, text) {
      sum.req++;
      if (v) sum.done++; else sum.missing.push({ href: href, label: label, text: text });
    }
    if (gateEl) need(s.gate, '#gate', gateEl.querySelector('.gate-label').textContent);
    switches.forEach(function (el) {
      setNa(el, s.gate === 'no' ? '確認不要' : '');
      if (s.gate !== 'no') need(s.switches[el.dataset.switch], '#' + el.id, el.querySelector('.gate-label').textContent);
    });
    fields.forEach(function (f) {
      if (f.labels[0] && f.labels[0].querySelector('.required')) need(f.value.trim(), '#' + f.id, f.labels[0].firstChild.textContent);
    });
    items.forEach(function (el) {
      var id = el.dataset.itemId, a = s.items[id], na = naReason(el, s), link = { href: '#' + id, label: el.kLabel, text: el.kText };
      setNa(el, na);
      el.kIssue = false;
      el.kStarted = !!(a.note || ROUNDS.some(function (r) { return a[r].answer || a[r].date || a[r].date_input; }));
      el.kDone = !!(a.r1.answer && (!DATED || a.r1.date));
      if (DATED) {
        ROUNDS.forEach(function (r) { showDate(id + ':' + r); });
        var needTarget = !na && a.r1.answer === 'no' && !a.target.date;
        $(id + '-target-needed').hidden = !needTarget;
        ['y', 'm', 'd'].forEach(function (k) {
          form.elements[id + ':target:' + k].setAttribute('aria-describedby', id + '-target-info' + (needTarget ? ' ' + id + '-target-needed' : ''));
        });
        if (!na) {
          if (needTarget) { sum.noTarget.push(link); el.kIssue = true; }
          if (['r1', 'r2'].some(function (r) { return a[r].answer && !a[r].date && !a[r].date_input; })) { sum.noDate.push(link); el.kIssue = true; }
          if (ROUNDS.some(function (r) { return a[r].date_input; })) { sum.badDate.push(link); el.kIssue = true; }
        }
      }
      if (!na && !el.dataset.reference) need(a.r1.answer, link.href, link.label, link.text);
    });
    renderProgress(s, sum);
    if ($('review').open) renderReview(s);
    form.dispatchEvent(new CustomEvent('kensa:change', { detail: s }));
    return s;
  }
  function sectionStatus(sec, s) {
    var app = sec.items.filter(function (el) { return s.items[el.dataset.itemId].status === 'applicable'; });
    if (!app.length) return ['確認不要', 'na'];
    if (app.some(function (el) { return el.kIssue; })) return ['要対応', 'issue'];
    if (app.every(function (el) { return el.kDone; })) return ['完了', 'done'];
    return app.some(function (el) { return el.kStarted; }) ? ['入力中', 'doing'] : ['未着手', 'todo'];
  }
  function links(list) {
    var shown = list.slice(0, 12).map(function (l) {
      return '<a href="' + l.href + '">' + esc(l.label) + (l.text ? '<span class="link-text">' + esc(l.text.slice(0, 24)) + (l.text.length > 24 ? '…' : '') + '</span>' : '') + '</a>';
    });
    return '<ul class="issue-links">' + shown.map(function (a) { return '<li>' + a + '</li>'; }).join('') + '</ul>' +
      (list.length > 12 ? '<p>ほか' + (list.length - 12) + '件</p>' : '');
  }
  function renderProgress(s, sum) {
    var h = '<p class="progress-count"><strong>必須の回答 ' + sum.done + '／' + sum.req + '</strong>' +
      (sum.done === sum.req ? '（すべて回答済み）' : '（未回答 ' + (sum.req - sum.done) + '件）') + '</p>';
    [[sum.missing, '未回答の質問'], [sum.noTarget, '「いいえ」で目標日のない項目'], [sum.noDate, '確認日の記入がない回答'], [sum.badDate, '日付に誤りのある項目']]
      .forEach(function (g) {
        if (g[0].length) h += '<div class="issue"><h3>' + g[1] + '（' + g[0].length + '件）</h3>' + links(g[0]) + '</div>';
      });
    h += '<h3>章ごとの状況</h3><ul class="section-list">';
    sections.forEach(function (sec) {
      var st = sectionStatus(sec, s), badge = sec.title.querySelector('.status');
      if (!badge) {
        badge = document.createElement('span');
        sec.title.appendChild(badge);
      }
      badge.className = 'status st-' + st[1];
      badge.textContent = st[0];
      h += '<li><a href="#' + sec.title.id + '">' + esc(sec.label) + '</a> <span class="status st-' + st[1] + '">' + st[0] + '</span></li>';
    });
    $('progress-body').innerHTML = h + '</ul>';
  }
  function answerText(a, na) {
    var out = ROUNDS.map(function (r) {
      var o = a[r], t = r === 'r1' ? (DATED ? '1回目' : '結果') : r === 'r2' ? '2回目' : '目標日';
      var v = r === 'target' ? '' : o.answer ? ANSWER[o.answer] : '未回答';
      if (DATED) v += (v ? '　' : '') + (o.date ? jaDate(o.date) : o.date_input ? '日付の誤り（' + [o.date_input.y, o.date_input.m, o.date_input.d].join('/') + '）' : r === 'target' ? 'なし' : '日付なし');
      return t + '：' + v;
    }).join('／');
    return (na ? '〔' + na + '〕' : '') + out + (a.note ? '／備考：' + a.note : '');
  }
  function renderReview(s) {
    var h = '';
    if (fields.length) h += '<dl>' + fields.map(function (f) { return '<dt>' + esc(f.labels[0].firstChild.textContent) + '</dt><dd>' + esc(f.value || '（未記入）') + '</dd>'; }).join('') + '</dl>';
    if (gateEl) h += '<p>' + esc(gateEl.querySelector('.gate-label').textContent) + '：' + (s.gate ? ANSWER[s.gate] : '未回答') + '</p>';
    switches.forEach(function (el) {
      var v = s.switches[el.dataset.switch];
      h += '<p>' + esc(el.querySelector('.gate-label').textContent) + '：' + (v ? ANSWER[v] : '未回答') + '</p>';
    });
    sections.forEach(function (sec) {
      h += '<h3>' + esc(sec.label) + '</h3><dl>';
      sec.items.forEach(function (el) {
        h += '<dt><a href="#' + el.dataset.itemId + '">' + esc(el.kLabel) + '</a> ' + esc(el.kText) + '</dt><dd>' +
          esc(answerText(s.items[el.dataset.itemId], naReason(el, s))) + '</dd>';
      });
      h += '</dl>';
    });
    $('review-body').innerHTML = h;
  }

  // ---------------------------------------------------------------- storage
  // Everything goes through get/put so that a browser that refuses storage (private mode,
  // blocked, full) still works for this visit, and says so instead of failing silently.
  var mem = {};
  var canStore = true;
  try {
    localStorage.setItem(KEY + 'probe', '1');
    localStorage.removeItem(KEY + 'probe');
  } catch (e) {
    canStore = false;
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
    var t = JSON.stringify(v);
    if (canStore) {
      try {
        localStorage.setItem(k, t);
        delete mem[k];
        if (storageFull) { storageFull = false; storageAlert(''); }
        return true;
      } catch (e) {
        storageFull = true;
        storageAlert('保存できる容量が足りないため、入力内容をこのブラウザに保存できませんでした。不要な控えを削除するか、「ファイルに書き出す」で保存してください。このページを閉じると、保存できなかった入力は失われます。');
      }
    }
    mem[k] = t;
    return false;
  }
  function drop(k) {
    delete mem[k];
    try { if (canStore) localStorage.removeItem(k); } catch (e) { /* nothing to keep */ }
  }
  var storageFull = false;
  var askedPersist = false;
  function persist() {
    // Ask once, on the first change: storage the browser may not evict on its own.
    if (askedPersist || !navigator.storage || !navigator.storage.persist) return;
    askedPersist = true;
    navigator.storage.persisted().then(function (p) { return p || navigator.storage.persist(); }).catch(function () {});
  }

  // ---------------------------------------------------------------- copies
  var IDX = KEY + 'copies';
  var dataKey = function (id) { return KEY + 'copy:' + id; };
  var backupKey = function (id) { return KEY + 'backup:' + id; };
  function newId() {
    var d = new Date();
    return 'c-' + d.getFullYear() + pad(d.getMonth() + 1) + pad(d.getDate()) + '-' + Math.random().toString(16).slice(2, 6);
  }
  function find(id) { return idx.list.filter(function (c) { return c.id === id; })[0]; }
  function nextName() {
    for (var n = idx.list.length + 1; ; n++) if (!idx.list.some(function (c) { return c.name === '控え' + n; })) return '控え' + n;
  }
  var idx = get(IDX);
  if (!obj(idx) || !Array.isArray(idx.list) || !idx.list.length) idx = { current: null, list: [{ id: newId(), name: '控え1' }] };
  var cur = find(idx.current) || idx.list[0];
  var doc = null;

  function build(s, updated, exported) {
    return {
      format: 'kensa-answers',
      format_version: 1,
      generator: ds.generator,
      checklist: { id: CID, edition: ds.edition, definition_hash: ds.definitionHash, title: ds.title, form: ds.form },
      copy: { id: cur.id, name: cur.name },
      updated_at: updated || new Date().toISOString(),
      exported_at: exported || undefined,
      fields: s.fields,
      gate: s.gate,
      switches: s.switches,
      items: s.items
    };
  }
  function time(iso) {
    var d = new Date(iso);
    return d.getFullYear() + '年' + (d.getMonth() + 1) + '月' + d.getDate() + '日 ' + d.getHours() + ':' + pad(d.getMinutes());
  }
  function status(text) { $('save-status').textContent = text; }
  function save() {
    var s = refresh();
    doc = build(s, null, doc && doc.exported_at);
    if (put(dataKey(cur.id), doc)) status('入力内容をこのブラウザに保存しました（' + time(doc.updated_at) + '）。');
    else if (!canStore) status('この入力はまだ保存されていません。');
    put(IDX, idx);
    exportStatus();
    persist();
  }
  function exportStatus() {
    var e = $('export-status'), t;
    if (!doc || blank(doc)) t = '';
    else if (!doc.exported_at) t = 'まだファイルに書き出していません。記入が済んだら「ファイルに書き出す」で保存し、提出や保管に使ってください。';
    else if (doc.updated_at > doc.exported_at) t = '最後にファイルに書き出した（' + time(doc.exported_at) + '）後に変更があります。もう一度書き出してください。';
    else t = '最後にファイルに書き出した日時：' + time(doc.exported_at) + '（その後の変更はありません）';
    e.textContent = t;
    e.classList.toggle('warn', !!t && !(doc.exported_at && doc.updated_at <= doc.exported_at));
  }
  function renderCopies() {
    var sel = $('copy-select');
    sel.innerHTML = idx.list.map(function (c) {
      return '<option value="' + esc(c.id) + '"' + (c.id === cur.id ? ' selected' : '') + '>' + esc(c.name || '（名前なし）') + '</option>';
    }).join('');
    $('copy-name').value = cur.name;
    var b = get(backupKey(cur.id));
    var r = document.querySelector('[data-action="copy-restore"]');
    r.hidden = !b;
    if (b) r.textContent = 'バックアップ（' + time(b.backup_at) + '）から戻す';
  }
  // Shows a copy; `data` (an imported file) replaces what is stored for it.
  function open(id, data) {
    cur = find(id);
    idx.current = id;
    put(IDX, idx);
    doc = data || get(dataKey(id));
    apply(doc);
    if (data) {
      doc = build(collect(), data.updated_at, data.exported_at);
      put(dataKey(id), doc);
    }
    renderCopies();
    exportStatus();
    status(doc ? '控え「' + cur.name + '」を表示しています（最終更新 ' + time(doc.updated_at) + '）。' : '控え「' + cur.name + '」を表示しています（まだ入力はありません）。');
  }
  function addCopy(name, data, id) {
    var c = { id: id || newId(), name: name };
    idx.list.push(c);
    open(c.id, data);
    return c;
  }
  function keepBackup(id) {
    var d = get(dataKey(id));
    if (d && !blank(d)) put(backupKey(id), { backup_at: new Date().toISOString(), doc: d });
  }
  var actions = {
    'copy-new': function () {
      addCopy(nextName());
      $('copy-name').focus();
      $('copy-name').select();
    },
    'copy-duplicate': function () {
      var d = JSON.parse(JSON.stringify(build(collect())));
      delete d.exported_at;
      addCopy(cur.name + 'のコピー', d);
    },
    'copy-delete': function () {
      if (!confirm('控え「' + cur.name + '」を削除します。削除した控えは元に戻せません。\n（残したい場合は、先に「ファイルに書き出す」で保存してください。）\n削除しますか？')) return;
      drop(dataKey(cur.id));
      drop(backupKey(cur.id));
      idx.list = idx.list.filter(function (c) { return c !== cur; });
      if (!idx.list.length) idx.list.push({ id: newId(), name: '控え1' });
      open(idx.list[0].id);
    },
    'copy-restore': function () {
      var b = get(backupKey(cur.id));
      if (!b || !confirm('控え「' + cur.name + '」を、バックアップ（' + time(b.backup_at) + 'に置き換えられる前の内容）に戻します。\n今の内容は、代わりにバックアップとして残ります。戻しますか？')) return;
      keepBackup(cur.id);
      open(cur.id, b.doc);
    },
    'export': exportFile,
    'print': function () { window.print(); }
  };
  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('[data-action]');
    if (b && actions[b.dataset.action]) actions[b.dataset.action]();
  });
  $('copy-select').addEventListener('change', function (e) { open(e.target.value); });
  $('copy-name').addEventListener('input', function (e) {
    cur.name = e.target.value;
    var o = $('copy-select').options[$('copy-select').selectedIndex];
    if (o) o.textContent = cur.name || '（名前なし）';
    if (doc) { doc.copy.name = cur.name; put(dataKey(cur.id), doc); }
    put(IDX, idx);
  });

  // Another tab of the same page changed something: follow it instead of overwriting it later.
  window.addEventListener('storage', function (e) {
    if (!e.key || e.key.indexOf(KEY) !== 0) return;
    if (e.key === IDX) {
      var n = get(IDX);
      if (!obj(n) || !Array.isArray(n.list) || !n.list.length) return;
      var keep = n.current;
      idx = n;
      if (find(cur.id)) { cur = find(cur.id); idx.current = cur.id; renderCopies(); } else open(find(keep) ? keep : idx.list[0].id);
    } else if (e.key === dataKey(cur.id)) {
      doc = get(e.key);
      apply(doc);
      exportStatus();
      status('別のタブ・ウィンドウでの変更を反映しました。');
    } else if (e.key === backupKey(cur.id)) renderCopies();
  });

  // ---------------------------------------------------------------- answer files
  function exportFile() {
    var d = doc || build(collect());
    d.exported_at = new Date().toISOString();
    if (d.updated_at > d.exported_at) d.updated_at = d.exported_at;
    var text = JSON.stringify(d, null, 2) + '\n';
    var a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    a.download = (CID + '_' + (cur.name || 'answers') + '_' + d.exported_at.slice(0, 10).replace(/-/g, '') + '.json').replace(/[\\/:*?"<>|\s]+/g, '_');
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 5000);
    doc = d;
    put(dataKey(cur.id), doc);
    put(IDX, idx);
    exportStatus();
  }
  function importMessage(text, ok) {
    var m = $('import-message');
    m.textContent = text;
    m.hidden = !text;
    m.classList.toggle('ok', !!ok);
  }
  var OK_ANSWER = { yes: 1, no: 1 };
  // Why the parsed file cannot be read into this page, or '' when it can.
  function check(o) {
    if (!obj(o) || o.format !== 'kensa-answers') return 'kensa の回答ファイルではありません。';
    var v = o.format_version;
    if (typeof v !== 'number' || v < 1 || v % 1) return '回答ファイルの形式の版（format_version）が正しくありません。';
    if (v > 1) return 'このファイルは新しい形式（format_version ' + v + '）で書き出されています。このページが読めるのは形式1までです。新しい版のサイトで読み込んでください。';
    var c = o.checklist;
    if (!obj(c) || !c.id) return 'どのチェックリストの回答か（checklist）が書かれていません。';
    if (c.id !== CID) return 'このファイルは別のチェックリスト「' + (c.title || c.id) + (c.form ? '（' + c.form + '）' : '') + '」の回答です。そのチェックリストのページで読み込んでください。';
    if (!obj(o.items)) return '項目の回答（items）がありません。';
    var unknown = Object.keys(o.items).filter(function (k) { return !byId[k]; });
    if (unknown.length) return 'このチェックリストにない項目が含まれています（' + unknown.slice(0, 5).join('、') + (unknown.length > 5 ? ' ほか' : '') + '）。別の版のチェックリストの回答ではないか確認してください。';
    if (o.fields != null && !obj(o.fields)) return '記入者等の欄（fields）が正しくありません。';
    var bad = Object.keys(o.fields || {}).filter(function (k) { return !form.elements['field:' + k] || typeof o.fields[k] !== 'string'; })[0];
    if (bad) return '記入者等の欄「' + bad + '」は、このチェックリストにないか、内容が正しくありません。';
    if (o.gate != null && !OK_ANSWER[o.gate]) return '「' + (gateEl ? gateEl.querySelector('.gate-label').textContent : 'gate') + '」の回答が正しくありません。';
    if (o.switches != null && !obj(o.switches)) return 'switches が正しくありません。';
    bad = Object.keys(o.switches || {}).filter(function (k) { return !form.elements['switch:' + k] || (o.switches[k] != null && !OK_ANSWER[o.switches[k]]); })[0];
    if (bad) return '質問「' + bad + '」は、このチェックリストにないか、回答が正しくありません。';
    for (var id in o.items) {
      var a = o.items[id], problem = !obj(a) || (a.note != null && typeof a.note !== 'string') ||
        (a.status != null && a.status !== 'applicable' && a.status !== 'not_applicable') ||
        Object.keys(a).some(function (k) {
          var r = a[k];
          if (k === 'note' || k === 'status') return false;
          if (ROUNDS.indexOf(k) < 0 || !obj(r)) return true;
          if (r.answer != null && (k === 'target' || !OK_ANSWER[r.answer])) return true;
          if (r.date != null && (!DATED || typeof r.date !== 'string' || toIso(r.date.split('-')) !== r.date)) return true;
          return r.date_input != null && (!obj(r.date_input) || ['y', 'm', 'd'].some(function (p) { return r.date_input[p] != null && typeof r.date_input[p] !== 'string'; }));
        });
      if (problem) return '項目「' + (byId[id].kLabel || id) + '」の回答の内容が正しくありません。';
    }
    return '';
  }
  function importText(text, name) {
    var o;
    try {
      o = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (e) {
      o = e;
    }
    var err = o instanceof Error ? 'JSON として読めません。ファイルが壊れているか、回答ファイルではありません。' : check(o);
    if (err) return importMessage('「' + name + '」を読み込めませんでした：' + err + '入力済みの内容は変わっていません。');
    var warn = '';
    if (o.checklist.definition_hash !== ds.definitionHash) {
      if (!confirm('このファイルは、このページとは異なる版のチェックリスト定義に対して記入されています（定義のハッシュ値が違います）。\n項目の文言などが変わっている可能性があります。読み込みますか？')) {
        return importMessage('読み込みを取りやめました。入力済みの内容は変わっていません。');
      }
      warn = '（異なる版の定義に対して記入されたファイルです。各項目の内容を確認してください。）';
    }
    var fileCopy = obj(o.copy) ? o.copy : {};
    var fid = /^[A-Za-z0-9_-]{1,64}$/.test(fileCopy.id) ? fileCopy.id : null;
    var fname = typeof fileCopy.name === 'string' && fileCopy.name ? fileCopy.name : name.replace(/\.json$/i, '');
    var same = fid && find(fid), target;
    if (same && !blank(get(dataKey(fid)))) {
      if (confirm('控え「' + same.name + '」はこのブラウザにすでにあり、入力済みの内容があります。\n［OK］読み込んだ内容で置き換える（今の内容はバックアップとして残り、「バックアップから戻す」で戻せます）\n［キャンセル］別の控えとして読み込む')) {
        keepBackup(fid);
        same.name = fname;
        open(fid, o);
        target = same;
      } else target = addCopy(fname + '（読み込み）', o);
    } else if (same) {
      same.name = fname;
      open(fid, o);
      target = same;
    } else if (blank(doc)) {
      // The copy on screen is still empty: take the file's place instead of keeping a blank copy.
      cur.id = fid || cur.id;
      cur.name = fname;
      drop(dataKey(idx.current));
      open(cur.id, o);
      target = cur;
    } else target = addCopy(fname, o, fid);
    importMessage('「' + name + '」を控え「' + target.name + '」に読み込みました。' + warn, true);
  }
  function importFile(file) {
    importMessage('');
    if (!file) return;
    if (file.size > 5e6) return importMessage('「' + file.name + '」を読み込めませんでした：ファイルが大きすぎます。入力済みの内容は変わっていません。');
    var r = new FileReader();
    r.onload = function () { importText(String(r.result), file.name); };
    r.onerror = function () { importMessage('「' + file.name + '」を読めませんでした。入力済みの内容は変わっていません。'); };
    r.readAsText(file);
  }
  $('import-file').addEventListener('change', function (e) {
    importFile(e.target.files[0]);
    e.target.value = '';
  });
  function hasFiles(e) { return e.dataTransfer && [].indexOf.call(e.dataTransfer.types || [], 'Files') >= 0; }
  document.addEventListener('dragover', function (e) {
    if (!hasFiles(e)) return;
    e.preventDefault();
    document.body.classList.add('dropping');
  });
  document.addEventListener('dragleave', function (e) {
    if (!e.relatedTarget) document.body.classList.remove('dropping');
  });
  document.addEventListener('drop', function (e) {
    if (!hasFiles(e)) return;
    e.preventDefault(); // or the browser would leave the page to show the file
    document.body.classList.remove('dropping');
    importFile(e.dataTransfer.files[0]);
    $('form-tools').scrollIntoView();
  });

  // ---------------------------------------------------------------- typing
  function changed(e) {
    var t = e.target;
    if (!e.isComposing && /:[ymd]$/.test(t.name || '')) {
      var h = half(t.value);
      if (h !== t.value) t.value = h;
    }
    save();
  }
  form.addEventListener('input', changed);
  form.addEventListener('change', changed);
  form.addEventListener('compositionend', changed);
  form.addEventListener('focusout', function (e) {
    var fs = e.target.closest && e.target.closest('fieldset.date');
    if (fs && !fs.contains(e.relatedTarget)) {
      touched[fs.dataset.date] = true;
      refresh();
    }
  });
  // Enter confirms a Japanese IME conversion; it must never submit the form or move on.
  form.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.isComposing && e.keyCode !== 229 && e.target.tagName === 'INPUT') e.preventDefault();
  });
  form.addEventListener('submit', function (e) { e.preventDefault(); });
  $('review').addEventListener('toggle', function () { if ($('review').open) renderReview(collect()); });

  // ---------------------------------------------------------------- start
  if (!canStore) {
    storageAlert('このブラウザでは入力内容を保存できません（プライベートブラウズや設定で保存が止められている可能性があります）。入力はできますが、ページを閉じると消えます。必ず「ファイルに書き出す」で保存してください。');
  }
  $('form-tools').hidden = false;
  $('progress').hidden = false;
  open(cur.id);
  form.dispatchEvent(new CustomEvent('kensa:ready', { bubbles: true }));
})();
