// The checklist form's parts that run only when asked for: answer files (export, import by the
// file picker or drag and drop), the review of every answer, and the copy actions (new,
// duplicate, delete, restore from a backup). form.js loads this script on first use and runs the
// request that loaded it; everything else (the answers, the copies, storage) stays in form.js and
// is reached through window.kensaForm, its one shared object. A plain classic script, like form.js.
(function () {
  'use strict';
  var K = window.kensaForm;
  if (!K) return;
  var form = K.form, ds = K.ds, CID = K.CID, DATED = K.DATED, ROUNDS = K.ROUNDS, ANSWER = K.ANSWER;
  var byId = K.byId, fields = K.fields, gateEl = K.gateEl, esc = K.esc, obj = K.obj;
  var get = K.get, put = K.put, drop = K.drop, dataKey = K.dataKey, backupKey = K.backupKey;
  var find = K.find, open = K.open, blank = K.blank, time = K.time, importMessage = K.importMessage;

  // ---------------------------------------------------------------- review
  function answerText(a, na) {
    var out = ROUNDS.map(function (r) {
      var o = a[r], t = r === 'r1' ? (DATED ? '1回目' : '結果') : r === 'r2' ? '2回目' : '目標日';
      var v = r === 'target' ? '' : o.answer ? ANSWER[o.answer] : '未回答';
      if (DATED) v += (v ? '　' : '') + (o.date ? K.jaDate(o.date) : o.date_input ? '日付の誤り（' + [o.date_input.y, o.date_input.m, o.date_input.d].join('/') + '）' : r === 'target' ? 'なし' : '日付なし');
      return t + '：' + v;
    }).join('／');
    return (na ? '〔' + na + '〕' : '') + out + (a.note ? '／備考：' + a.note : '');
  }
  function review(s) {
    var h = '';
    if (fields.length) h += '<dl>' + fields.map(function (f) { return '<dt>' + esc(f.labels[0].firstChild.textContent) + '</dt><dd>' + esc(f.value || '（未記入）') + '</dd>'; }).join('') + '</dl>';
    if (gateEl) h += '<p>' + esc(gateEl.querySelector('.gate-label').textContent) + '：' + (s.gate ? ANSWER[s.gate] : '未回答') + '</p>';
    K.switches.forEach(function (el) {
      var v = s.switches[el.dataset.switch];
      h += '<p>' + esc(el.querySelector('.gate-label').textContent) + '：' + (v ? ANSWER[v] : '未回答') + '</p>';
    });
    K.sections.forEach(function (sec) {
      h += '<h3>' + esc(sec.label) + '</h3><dl>';
      sec.items.forEach(function (el) {
        h += '<dt><a href="' + esc((el.off || '') + '#' + el.dataset.itemId) + '">' + esc(el.kLabel) + '</a> ' + esc(el.kText) + '</dt><dd>' +
          esc(answerText(s.items[el.dataset.itemId], K.naReason(el, s))) + '</dd>';
      });
      h += '</dl>';
    });
    document.getElementById('review-body').innerHTML = h;
  }

  // ---------------------------------------------------------------- copies
  function nextName() {
    var list = K.idx.list;
    for (var n = list.length + 1; ; n++) if (!list.some(function (c) { return c.name === '控え' + n; })) return '控え' + n;
  }
  function addCopy(name, data, id) {
    var c = { id: id || K.newId(), name: name };
    K.idx.list.push(c);
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
      var name = document.getElementById('copy-name');
      name.focus();
      name.select();
    },
    'copy-duplicate': function () {
      var d = JSON.parse(JSON.stringify(K.build(K.collect())));
      delete d.exported_at;
      addCopy(K.cur.name + 'のコピー', d);
    },
    'copy-delete': function () {
      var cur = K.cur, idx = K.idx;
      if (!confirm('控え「' + cur.name + '」を削除します。削除した控えは元に戻せません。\n（残したい場合は、先に「ファイルに書き出す」で保存してください。）\n削除しますか？')) return;
      drop(dataKey(cur.id));
      drop(backupKey(cur.id));
      idx.list = idx.list.filter(function (c) { return c !== cur; });
      if (!idx.list.length) idx.list.push({ id: K.newId(), name: '控え1' });
      open(idx.list[0].id);
    },
    'copy-restore': function () {
      var cur = K.cur, b = get(backupKey(cur.id));
      if (!b || !confirm('控え「' + cur.name + '」を、バックアップ（' + time(b.backup_at) + 'に置き換えられる前の内容）に戻します。\n今の内容は、代わりにバックアップとして残ります。戻しますか？')) return;
      keepBackup(cur.id);
      open(cur.id, b.doc);
    },
    'export': exportFile
  };

  // ---------------------------------------------------------------- answer files
  // The local date (an export before 9:00 in Japan is named after that day, not the day before
  // in UTC), and a vendor form's 事業者名, so that several vendors' files never share a name.
  function exportName(cur, d) {
    var t = new Date(d.exported_at), p = function (n) { return (n < 10 ? '0' : '') + n; };
    var vendor = (d.fields && d.fields.vendor_name || '').trim();
    var name = CID + '_' + (vendor ? vendor + '_' : '') + (cur.name || 'answers') + '_' + t.getFullYear() + p(t.getMonth() + 1) + p(t.getDate());
    return name.replace(/[\\/:*?"<>|\s\u0000-\u001f]+/g, '_') + '.json';
  }
  function exportFile() {
    var cur = K.cur, d = K.doc || K.build(K.collect());
    d.exported_at = new Date().toISOString();
    if (d.updated_at > d.exported_at) d.updated_at = d.exported_at;
    var text = JSON.stringify(d, null, 2) + '\n';
    var a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    a.download = exportName(cur, d);
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 5000);
    K.doc = d;
    put(dataKey(cur.id), d);
    put(K.IDX, K.idx);
    K.exportStatus();
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
          if (r.date != null && (!DATED || typeof r.date !== 'string' || K.toIso(r.date.split('-')) !== r.date)) return true;
          return r.date_input != null && (!obj(r.date_input) || ['y', 'm', 'd'].some(function (p) { return r.date_input[p] != null && typeof r.date_input[p] !== 'string'; }));
        });
      if (problem) return '項目「' + (byId[id].kLabel || id) + '」の回答の内容が正しくありません。';
    }
    return '';
  }
  // Notepad re-saves a file with a BOM (fine) or as Shift_JIS ("ANSI"), which read as UTF-8 would
  // fill the answers with garbled text: such bytes are refused, never imported.
  var UTF8 = new TextDecoder('utf-8', { fatal: true });
  function importBytes(bytes, name) {
    var text;
    try {
      text = UTF8.decode(bytes);
    } catch (e) {
      return importMessage('「' + name + '」を読み込めませんでした：文字コードが UTF-8 ではありません。メモ帳などで Shift_JIS（ANSI）として保存し直された可能性があります。このページから書き出し直すか、UTF-8 で保存し直してください。入力済みの内容は変わっていません。');
    }
    var o;
    try {
      o = JSON.parse(text);
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
    var same = fid && find(fid), cur = K.cur, target;
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
    } else if (blank(K.doc)) {
      // The copy on screen is still empty: take the file's place instead of keeping a blank copy.
      cur.id = fid || cur.id;
      cur.name = fname;
      drop(dataKey(K.idx.current));
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
    r.onload = function () { importBytes(new Uint8Array(r.result), file.name); };
    r.onerror = function () { importMessage('「' + file.name + '」を読めませんでした。入力済みの内容は変わっていません。'); };
    r.readAsArrayBuffer(file);
  }

  K.more = { review: review, importFile: importFile, actions: actions };
})();
