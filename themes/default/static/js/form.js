// The checklist form: rules, progress, autosave, named copies, and a split form's other pages.
// The date fields of dated forms are in form-dates.js (loaded before this script by those forms
// only); answer files, the review and the copy actions are in form-files.js, loaded the first
// time one is used (see "on first use" below). Everything is read from the page's data
// attributes, so no checklist needs code of its own. A plain classic script: pages opened from
// file:// cannot load modules. Answers stay in this browser (localStorage) and in the files the
// user saves; nothing is ever sent anywhere.
(function () {
  'use strict';
  var form = document.getElementById('checklist-form');
  var tpl = document.getElementById('item-controls');
  if (!form || !tpl) return;
  // Scripts this one needs are found through the page (any depth, any host) or beside it.
  var HERE = document.currentScript ? document.currentScript.src : '';
  function beside(name) { return HERE.replace(/form\.js([?#].*)?$/, name); }
  // Dated forms need form-dates.js first; a site's own checklist.html made before it existed
  // does not load it, so it is fetched from beside this script.
  if (form.dataset.answerKind === 'yes_no_dated' && !window.kensaDates) {
    var s = document.createElement('script');
    s.src = beside('form-dates.js');
    s.onload = s.onerror = start;
    document.head.appendChild(s);
  } else start();

  function start() {
    var $ = function (id) { return document.getElementById(id); };
    var all = function (sel, root) { return [].slice.call((root || form).querySelectorAll(sel)); };
    var ds = form.dataset;
    // A site's own checklist.html made before form-files.js existed names no script: it sits
    // beside this one.
    var FILES_SCRIPT = ds.filesScript || beside('form-files.js');
    var CID = ds.checklistId;
    var DATED = ds.answerKind === 'yes_no_dated';
    var ROUNDS = DATED ? ['r1', 'target', 'r2'] : ['r1'];
    var KEY = 'kensa:' + CID + ':';
    if (DATED && !window.kensaDates) {
      var p = h('p', { className: 'form-alert' }, ['日付欄のファイル（form-dates.js）を読み込めませんでした。再読み込みしてください。入力済みの内容は保存されたままです。']);
      p.setAttribute('role', 'alert');
      form.before(p);
      return;
    }
    var D = DATED ? window.kensaDates(form, refresh) : null;

    // ---------------------------------------------------------------- the form's parts
    // The answer controls are sent once in a <template> (keeps long pages light) and cloned here;
    // __ID__ in their attributes becomes the item id.
    var byId = {}, unbuilt = [], ready = false;
    function addControls(el) {
      var c = tpl.content.cloneNode(true);
      c.querySelectorAll('*').forEach(function (n) {
        [].forEach.call(n.attributes, function (a) { a.value = a.value.replace(/__ID__/g, el.dataset.itemId); });
      });
      el.appendChild(c);
    }
    all('[data-item-id]').forEach(function (el) {
      var id = el.dataset.itemId;
      var text = el.querySelector('.item-text');
      var num = el.querySelector('.item-number');
      var sec = el.closest('.section');
      byId[id] = el;
      if (text) text.id = id + '-text'; // what the cloned controls are described by: only they need it
      unbuilt.push(el);
      // ２（１） as printed; lists numbered straight through (1, 2, …) need no section number.
      el.kLabel = (sec && num && /^[（(]/.test(num.textContent) ? sec.querySelector('.section-number').textContent : '') + (num ? num.textContent : '');
      var t = el.closest('.group').querySelector('.target');
      el.kTarget = t ? t.textContent.split('について')[0] : '';
      el.kText = text ? text.textContent.slice(num ? num.textContent.length : 0) : '';
      // 参考項目 repeat numbers for other targets (２（７） of サーバ and of 端末PC): they say
      // which target they are about.
      if (el.dataset.reference) el.kLabel += '〔参考項目' + (el.kTarget ? '・' + el.kTarget : '') + '〕';
      if (el.dataset.reference && text) text.append(h('span', { className: 'badge' }, ['参考項目']));
    });
    var fields = all('[data-field]');
    var gateEl = form.querySelector('[data-gate]');
    var switches = all('[data-switch]');
    var sections = all('.section').map(function (el) {
      var title = el.querySelector('.section-title'), phase = el.closest('.phase');
      return {
        title: title, items: all('[data-item-id]', el),
        label: (phase ? phase.querySelector('.phase-title').childNodes[1].textContent + '　' : '') +
          title.firstChild.textContent + ' ' + title.childNodes[1].textContent
      };
    });
    // A list too long for one light page is split over several that share one set of answers.
    // The items of the other pages come from the page's data block as stand-ins that have no
    // controls: their answers are the stored ones, and they count, show in the review and go
    // into every save and export like the items on this page. Order: as the pages go.
    var block = $('other-parts-items');
    var pages = block ? JSON.parse(block.textContent).pages : [];
    if (pages.length) {
      var here = sections;
      sections = [];
      pages.forEach(function (p) {
        if (p.current) {
          here.forEach(function (sec) { sec.label += '（' + p.label + '）'; });
          sections = sections.concat(here);
        } else p.sections.forEach(function (sec) {
          var its = sec.items.map(function (row) {
            return byId[row[0]] = {
              off: p.url, kLabel: row[1], kText: '（' + p.label + 'のページ）',
              dataset: { itemId: row[0], unlessSwitchOff: row[3] || undefined, reference: row[4] ? 'true' : undefined }
            };
          });
          sections.push({ label: sec.label + '（' + p.label + '）', items: its, href: p.url + '#' + its[0].dataset.itemId });
        });
      });
    }
    var items = [].concat.apply([], sections.map(function (sec) { return sec.items; }));

    function radio(name) {
      var r = form.elements[name];
      return r && r.value ? r.value : null;
    }
    function setRadio(name, v) {
      all('input[name="' + name + '"]').forEach(function (r) { r.checked = r.value === v; });
    }
    function pad(n) { return (n < 10 ? '0' : '') + n; }
    // Made, never parsed from a string: no text from a definition, a copy's name or a file can
    // become markup. h('a', { href: x }, ['text', child]).
    function h(tag, props, kids) {
      var e = Object.assign(document.createElement(tag), props);
      e.append.apply(e, kids || []);
      return e;
    }
    function fill(el, kids) {
      el.textContent = '';
      el.append.apply(el, kids);
    }
    function obj(o) { return !!o && typeof o === 'object' && !Array.isArray(o); }

    // ---------------------------------------------------------------- form ⇄ answers
    function naReason(el, s) {
      if (s.gate === 'no') return '確認不要';
      var sw = el.dataset.unlessSwitchOff;
      return sw && s.switches[sw] === 'no' ? '記入不要' : '';
    }
    function collect() {
      // Answers carried from an earlier edition: what has no place here (`earlier`), and the
      // reworded items' marks (`confirm`, until the user confirms), kept as they are.
      var s = { fields: {}, gate: null, switches: {}, items: {}, earlier: (doc || 0).earlier };
      fields.forEach(function (f) { s.fields[f.dataset.field] = f.value; });
      if (gateEl) s.gate = radio('gate');
      switches.forEach(function (el) { s.switches[el.dataset.switch] = radio('switch:' + el.dataset.switch); });
      items.forEach(function (el) {
        var id = el.dataset.itemId, a = {}, kept = doc && obj(doc.items) && obj(doc.items[id]) ? doc.items[id] : {};
        ROUNDS.forEach(function (r) {
          var o = {}, k = obj(kept[r]) ? kept[r] : {};
          if (r !== 'target') o.answer = el.off ? k.answer || null : radio(id + ':' + r);
          if (DATED && !el.off) D.read(id + ':' + r, o);
          else if (DATED) {
            o.date = k.date || null;
            if (k.date_input) o.date_input = k.date_input;
          }
          a[r] = o;
        });
        a.note = el.off ? kept.note || '' : form.elements[id + ':note'].value;
        a.status = naReason(el, s) ? 'not_applicable' : 'applicable';
        if (kept.confirm) a.confirm = kept.confirm;
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
        if (el.off) return;
        ROUNDS.forEach(function (r) {
          var o = a[r] || {}, base = id + ':' + r;
          if (r !== 'target') setRadio(base, o.answer);
          if (DATED) D.fill(base, o);
        });
        form.elements[id + ':note'].value = a.note || '';
      });
      if (DATED) D.forget();
      refresh();
    }
    function blank(s) {
      if (!s) return true;
      var f = s.fields || {}, its = s.items || {};
      if (s.earlier || s.gate || Object.keys(f).some(function (k) { return f[k]; })) return false;
      if (Object.keys(s.switches || {}).some(function (k) { return s.switches[k]; })) return false;
      return !Object.keys(its).some(function (id) {
        var a = its[id];
        return a.note || ROUNDS.some(function (r) { return a[r] && (a[r].answer || a[r].date || a[r].date_input); });
      });
    }

    // ---------------------------------------------------------------- rules and progress
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
        // An answer carried to a reworded item counts once the user has confirmed it.
        var id = el.dataset.itemId, a = s.items[id], na = naReason(el, s), link = { href: (el.off || '') + '#' + id, label: el.kLabel, text: el.kText }, answer = !a.confirm && a.r1.answer;
        if (!el.off) setNa(el, na);
        el.kIssue = false;
        el.kStarted = !!(a.note || ROUNDS.some(function (r) { return a[r].answer || a[r].date || a[r].date_input; }));
        el.kDone = !!(answer && (!DATED || a.r1.date));
        if (DATED) {
          // Only the phases that ask for a 目標日 need one: the 参考項目 do not.
          var needTarget = !na && !el.dataset.reference && a.r1.answer === 'no' && !a.target.date;
          if (!el.off) {
            ROUNDS.forEach(function (r) { D.show(id + ':' + r); });
            $(id + '-target-needed').hidden = !needTarget;
            ['y', 'm', 'd'].forEach(function (k) {
              form.elements[id + ':target:' + k].setAttribute('aria-describedby', id + '-target-info' + (needTarget ? ' ' + id + '-target-needed' : ''));
            });
          }
          if (!na) {
            if (needTarget) { sum.noTarget.push(link); el.kIssue = true; }
            if (['r1', 'r2'].some(function (r) { return a[r].answer && !a[r].date && !a[r].date_input; })) { sum.noDate.push(link); el.kIssue = true; }
            if (ROUNDS.some(function (r) { return a[r].date_input; })) { sum.badDate.push(link); el.kIssue = true; }
          }
        }
        if (!na && !el.dataset.reference) need(answer, link.href, link.label, link.text);
      });
      renderProgress(s, sum);
      if (K.more && $('review').open) K.more.review(s);
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
      return [h('ul', { className: 'issue-links' }, list.slice(0, 12).map(function (l) {
        return h('li', 0, [h('a', { href: l.href }, [l.label, l.text ? h('span', { className: 'link-text' }, [l.text.slice(0, 24) + (l.text.length > 24 ? '…' : '')]) : ''])]);
      })), list.length > 12 ? h('p', 0, ['ほか' + (list.length - 12) + '件']) : ''];
    }
    function renderProgress(s, sum) {
      var out = [h('p', { className: 'progress-count' }, [h('strong', 0, ['必須の回答 ' + sum.done + '／' + sum.req]),
        sum.done === sum.req ? '（すべて回答済み）' : '（未回答 ' + (sum.req - sum.done) + '件）'])];
      [[sum.missing, '未回答の質問'], [sum.noTarget, '「いいえ」で目標日のない項目'], [sum.noDate, '確認日の記入がない回答'], [sum.badDate, '日付に誤りのある項目']]
        .forEach(function (g) {
          if (g[0].length) out.push(h('div', { className: 'issue' }, [h('h3', 0, [g[1] + '（' + g[0].length + '件）'])].concat(links(g[0]))));
        });
      var list = h('ul', { className: 'section-list' });
      out.push(h('h3', 0, ['章ごとの状況']), list);
      sections.forEach(function (sec) {
        var st = sectionStatus(sec, s), badge = sec.title && sec.title.querySelector('.status');
        if (sec.title && !badge) {
          badge = document.createElement('span');
          sec.title.appendChild(badge);
        }
        if (badge) {
          badge.className = 'status st-' + st[1];
          badge.textContent = st[0];
        }
        list.append(h('li', 0, [h('a', { href: sec.href || '#' + sec.title.id }, [sec.label]), ' ', h('span', { className: 'status st-' + st[1] }, [st[0]])]));
      });
      fill($('progress-body'), out);
    }
    // ---------------------------------------------------------------- storage
    // Everything goes through get/put so that a browser that refuses storage (private mode,
    // blocked) or has none left still works for this visit, and says so instead of failing
    // silently. What could not be written is kept in `mem` and written again on every change:
    // once space is freed, it is saved. The alert stays while anything is unsaved.
    var mem = {};
    var canStore = true;
    // A full storage is not a refused one: only refusal turns saving off for the visit.
    function refused(e) { return !/quota/i.test(e && e.name); }
    try {
      localStorage.setItem(KEY + 'probe', '1');
      localStorage.removeItem(KEY + 'probe');
    } catch (e) {
      canStore = !refused(e);
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
    var REFUSED = 'このブラウザでは保存できません（プライベートブラウズや設定のため）。ページを閉じると入力は消えます。「ファイルに書き出す」で保存してください。';
    var FULL = '容量が足りないため、このブラウザに保存できていません。不要な控えを削除するか、「ファイルに書き出す」で保存してください。';
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
    var IDX = KEY + 'copies';
    var dataKey = function (id) { return KEY + 'copy:' + id; };
    var backupKey = function (id) { return KEY + 'backup:' + id; };
    function newId() {
      var d = new Date();
      return 'c-' + d.getFullYear() + pad(d.getMonth() + 1) + pad(d.getDate()) + '-' + Math.random().toString(16).slice(2, 6);
    }
    function find(id) { return idx.list.filter(function (c) { return c.id === id; })[0]; }
    var idx = get(IDX);
    if (!obj(idx) || !Array.isArray(idx.list) || !idx.list.length) idx = { current: null, list: [{ id: newId(), name: '控え1' }] };
    var cur = find(idx.current) || idx.list[0];
    var doc = null;

    function build(s, updated, exported) {
      return {
        format: 'kensa-answers',
        format_version: 1,
        generator: ds.generator,
        checklist: { id: CID, edition: ds.edition, definition_hash: ds.definitionHash, title: ds.title, form: ds.form || ds.title },
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
    var same = function (a, b) { return JSON.stringify(a) === JSON.stringify(b); };
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
      var theirs = get(dataKey(cur.id));
      if (theirs && theirs._w === TAB) return false;
      var m = merge(doc, theirs), changed = !same(leaves(m), leaves(doc));
      doc = m; // first: apply() reads a split form's other pages from it
      if (changed) apply(m);
      return theirs && !same(leaves(m), leaves(theirs));
    }
    var pristine = null;
    function save() {
      var s = refresh(), before = doc || pristine;
      doc = build(s, null, doc && doc.exported_at);
      stamp(doc, before);
      mergeStored();
      doc._w = TAB;
      put(IDX, idx);
      status(put(dataKey(cur.id), doc) ? '入力内容をこのブラウザに保存しました（' + time(doc.updated_at) + '）。' : 'この入力はまだ保存されていません。');
      printLine();
      exportStatus();
      persist();
    }
    function exportStatus() {
      var e = $('export-status'), t;
      if (!doc || blank(doc)) t = '';
      else if (!doc.exported_at) t = 'まだファイルに書き出していません。記入が済んだら「ファイルに書き出す」で保存してください。';
      else if (doc.updated_at > doc.exported_at) t = '最後にファイルに書き出した（' + time(doc.exported_at) + '）後に変更があります。もう一度書き出してください。';
      else t = '最後にファイルに書き出した日時：' + time(doc.exported_at) + '（その後の変更はありません）';
      e.textContent = t;
      e.classList.toggle('warn', !!t && !(doc.exported_at && doc.updated_at <= doc.exported_at));
    }
    function renderCopies() {
      var sel = $('copy-select');
      fill(sel, idx.list.map(function (c) { return new Option(c.name || '（名前なし）', c.id, c.id === cur.id); }));
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
      // The empty form, so that a first save stamps only what was typed, not every blank.
      pristine = build(collect());
      if (data) {
        doc = build(collect(), data.updated_at, data.exported_at);
        stamp(doc, null);
        put(dataKey(id), doc);
      }
      renderCopies();
      exportStatus();
      // A copy carried over from an earlier edition: its marks and kept answers are shown.
      if ((doc || 0).earlier) later(function (m) { m.carried(); });
      showing();
    }
    function showing() {
      status('控え「' + cur.name + '」を表示しています（' + (doc ? '最終更新 ' + time(doc.updated_at) : 'まだ入力はありません') + '）。');
      printLine();
    }
    // What a printout is of: the copy and the form's own fields (事業者名), above the form.
    function printLine() {
      var p = $('print-copy');
      if (p) fill(p, ['控え：' + (cur.name || '（名前なし）')].concat(fields.filter(function (f) { return f.value.trim(); }).map(function (f) {
        return '　' + f.labels[0].firstChild.textContent + '：' + f.value;
      })));
    }
    document.addEventListener('click', function (e) {
      var b = e.target.closest && e.target.closest('[data-action]'), a = b && b.dataset.action;
      if (a === 'print') window.print();
      else if (a === 'export' || /^copy-/.test(a)) later(function (m) { if (m.actions[a]) m.actions[a](); });
    });
    $('copy-select').addEventListener('change', function (e) { open(e.target.value); });
    $('copy-name').addEventListener('input', function (e) {
      cur.name = e.target.value;
      var o = $('copy-select').options[$('copy-select').selectedIndex];
      if (o) o.textContent = cur.name || '（名前なし）';
      if (doc) { doc.copy.name = cur.name; put(dataKey(cur.id), doc); }
      put(IDX, idx);
      showing();
    });

    // Another tab of the same page changed something: follow it instead of overwriting it later.
    window.addEventListener('storage', function (e) {
      if (!ready || !e.key || e.key.indexOf(KEY) !== 0) return;
      if (e.key === IDX) {
        var n = get(IDX);
        if (!obj(n) || !Array.isArray(n.list) || !n.list.length) return;
        var keep = n.current;
        idx = n;
        if (find(cur.id)) { cur = find(cur.id); idx.current = cur.id; renderCopies(); } else open(find(keep) ? keep : idx.list[0].id);
      } else if (e.key === dataKey(cur.id)) {
        if (!doc) doc = build(collect());
        if (mergeStored()) {
          doc._w = TAB;
          put(e.key, doc);
        }
        exportStatus();
        status('別のタブ・ウィンドウでの変更を反映しました。');
      } else if (e.key === backupKey(cur.id)) renderCopies();
    });

    // ---------------------------------------------------------------- on first use
    // Answer files, the review and the copy actions are in form-files.js, loaded the first time
    // one is asked for: most visits only type, and every form page stays light. A classic script
    // (file:// cannot fetch), found through the page (any depth, any host); it reaches this
    // script only through window.kensaForm (K below). Whatever asked for it runs once it is in.
    var LOAD_FAILED = 'この操作に必要なファイル（form-files.js）を読み込めませんでした。ページを再読み込みしてください。';
    var waiting = null;
    function later(run) {
      if (K.more) return run(K.more);
      if (!waiting) {
        waiting = [];
        var s = document.createElement('script');
        s.src = FILES_SCRIPT;
        s.onload = s.onerror = function () {
          var q = waiting;
          waiting = null;
          s.remove(); // after a failure, the next request tries again
          if (K.more) {
            if ($('import-message').textContent === LOAD_FAILED) importMessage('');
            q.forEach(function (run) { run(K.more); });
          } else {
            importMessage(LOAD_FAILED);
            if ($('review').open) fill($('review-body'), [h('p', { className: 'form-alert' }, [LOAD_FAILED])]);
          }
        };
        document.head.appendChild(s);
      }
      waiting.push(run);
    }
    function importMessage(text, ok) {
      var m = $('import-message');
      m.textContent = text;
      m.hidden = !text;
      m.classList.toggle('ok', !!ok);
    }
    $('import-file').addEventListener('change', function (e) {
      var file = e.target.files[0];
      e.target.value = '';
      if (file) later(function (m) { m.importFile(file); }); else importMessage('');
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
      if (!ready || !hasFiles(e)) return;
      e.preventDefault(); // or the browser would leave the page to show the file
      document.body.classList.remove('dropping');
      var file = e.dataTransfer.files[0]; // now: the browser empties dataTransfer after the event
      later(function (m) { m.importFile(file); });
      $('form-tools').scrollIntoView();
    });
    $('review').addEventListener('toggle', function () {
      if ($('review').open) later(function (m) { m.review(collect()); });
    });

    // ---------------------------------------------------------------- typing
    form.addEventListener('input', save);
    form.addEventListener('change', save);
    form.addEventListener('compositionend', save);
    // Enter confirms a Japanese IME conversion; it must never submit the form or move on.
    form.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.isComposing && e.keyCode !== 229 && e.target.tagName === 'INPUT') e.preventDefault();
    });
    form.addEventListener('submit', function (e) { e.preventDefault(); });

    // What form-files.js needs of this script. Its one global: the minifier renames every local
    // name, so nothing else is shared. idx, cur and doc are read live (they are replaced here).
    var K = window.kensaForm = {
      form: form, ds: ds, CID: CID, DATED: DATED, ROUNDS: ROUNDS, IDX: IDX,
      byId: byId, fields: fields, gateEl: gateEl, switches: switches, sections: sections,
      h: h, fill: fill, obj: obj, toIso: D && D.toIso, jaDate: D && D.jaDate, naReason: naReason, collect: collect, blank: blank,
      get: get, put: put, drop: drop, dataKey: dataKey, backupKey: backupKey, newId: newId, find: find,
      open: open, build: build, time: time, exportStatus: exportStatus, importMessage: importMessage,
      get ready() { return ready; },
      get idx() { return idx; },
      get cur() { return cur; },
      get doc() { return doc; },
      set doc(d) { doc = d; }
    };

    // ---------------------------------------------------------------- start
    // The controls go in a few items at a time, each slice a task of its own, so that opening a
    // long form on a slow phone never holds the page for long; the form takes no input until
    // they are all in and the stored answers are shown.
    form.inert = true;
    (function slice() {
      unbuilt.splice(0, 6).forEach(addControls);
      if (unbuilt.length) return setTimeout(slice);
      if (!canStore) storageAlert(REFUSED);
      $('form-tools').hidden = false;
      $('progress').hidden = false;
      form.inert = false;
      ready = true;
      open(cur.id);
      form.dispatchEvent(new CustomEvent('kensa:ready', { bubbles: true }));
    })();
  }
})();
