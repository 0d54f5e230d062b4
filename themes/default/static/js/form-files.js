// The checklist form's parts that run only when asked for: answer files (export, import by the
// file picker or drag and drop), the review of every answer, and the copy actions (new,
// duplicate, delete, restore from a backup). form.js loads this script on first use and runs the
// request that loaded it; everything else (the answers, the copies, storage) stays in form.js and
// is reached through window.kensaForm, its one shared object. A plain classic script, like form.js.
(function () {
  'use strict';
  var K = window.kensaForm;
  if (!K) return;
  var form = K.form, ds = K.ds, CID = K.CID, DATED = K.DATED;
  // The answers as the review words them (only the review needs them: kept out of form.js).
  var ANSWER = DATED ? { yes: 'はい', no: 'いいえ' } : { yes: '○（できている）', no: '×（できていない）' };
  var byId = K.byId, fields = K.fields, gateEl = K.gateEl, h = K.h, obj = K.obj;
  var get = K.get, put = K.put, drop = K.drop, dataKey = K.dataKey, backupKey = K.backupKey;
  var find = K.find, open = K.open, blank = K.blank, time = K.time, importMessage = K.importMessage;

  // ---------------------------------------------------------------- review
  // `rounds`: the rounds of the item as the rules publish them (src/item_rules.rs).
  function answerText(a, na, rounds) {
    var out = rounds.map(function (r) {
      var o = a[r] || {}, t = r === 'r1' ? (DATED ? '1回目' : '結果') : r === 'r2' ? '2回目' : '目標日';
      var v = r === 'target' ? '' : o.answer ? ANSWER[o.answer] : '未回答';
      if (DATED) v += (v ? '　' : '') + (o.date ? K.jaDate(o.date) : o.date_input ? '日付の誤り（' + [o.date_input.y, o.date_input.m, o.date_input.d].join('/') + '）' : r === 'target' ? 'なし' : '日付なし');
      return t + '：' + v;
    }).join('／');
    return (na ? '〔' + na + '〕' : '') + (a.confirm ? '〔' + CONFIRM + '〕' : '') + out + (a.note ? '／備考：' + a.note : '');
  }
  var CONFIRM = '文言が変わりました。内容を確認してください';
  // Answers carried over from earlier editions that this edition has no place for.
  function earlier(list) {
    return [].concat.apply([], list.map(function (e) {
      var dl = h('dl'), c = obj(e.checklist) ? e.checklist : {};
      Object.keys(e.items || {}).forEach(function (id) {
        var a = e.items[id];
        dl.append(h('dt', 0, [a.label + ' ' + a.text]), h('dd', 0, [answerText(a, '', DATED ? ['r1', 'target', 'r2'] : ['r1'])]));
      });
      ['fields', 'switches'].forEach(function (g) {
        Object.keys(e[g] || {}).forEach(function (k) { dl.append(h('dt', 0, [k]), h('dd', 0, [String(ANSWER[e[g][k]] || e[g][k])])); });
      });
      if (e.gate) dl.append(h('dt', 0, ['gate']), h('dd', 0, [ANSWER[e.gate]]));
      return dl.children.length ? [h('h3', 0, ['以前の版の回答（' + (c.title || c.id) + '、' + c.edition + '）']),
        h('p', 0, ['この版にない項目の回答です。回答ファイルに残しています。']), dl] : [];
    }));
  }
  // Built as elements (K.h), never from HTML strings: every text here may come from a file.
  function review(s) {
    var out = [], dl = h('dl');
    fields.forEach(function (f) { dl.append(h('dt', 0, [f.labels[0].firstChild.textContent]), h('dd', 0, [f.value || '（未記入）'])); });
    if (fields.length) out.push(dl);
    if (gateEl) out.push(h('p', 0, [gateEl.querySelector('.gate-label').textContent + '：' + (s.gate ? ANSWER[s.gate] : '未回答')]));
    K.switches.forEach(function (el) {
      var v = s.switches[el.dataset.switch];
      out.push(h('p', 0, [el.querySelector('.gate-label').textContent + '：' + (v ? ANSWER[v] : '未回答')]));
    });
    K.sections.forEach(function (sec) {
      var dl = h('dl');
      sec.items.forEach(function (it) {
        dl.append(h('dt', 0, [h('a', { href: it.off + '#' + it.id }, [it.name]), ' ' + it.text]),
          h('dd', 0, [answerText(s.items[it.id], K.naReason(it, s), it.rounds.map(function (r) { return r[0]; }))]));
      });
      out.push(h('h3', 0, [sec.label]), dl);
    });
    if (Array.isArray(s.earlier)) out = out.concat(earlier(s.earlier));
    K.fill(document.getElementById('review-body'), out);
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
    // `_t` and `_w` (when each answer changed and which tab wrote it, for merging two tabs)
    // stay in the browser.
    var text = JSON.stringify(d, function (k, v) { return k === '_t' || k === '_w' ? undefined : v; }, 2) + '\n';
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
  // The file is read by answers.js, with the rules `kensa inspect` applies (src/answers.rs): the
  // form never takes in a file the inspector would call invalid. Loaded on the first import.
  var HERE = document.currentScript ? document.currentScript.src : '';
  function withReader(then, name) {
    if (window.kensaAnswers) return then(window.kensaAnswers);
    var s = document.createElement('script');
    s.src = HERE.replace(/form-files\.js([?#].*)?$/, 'answers.js');
    s.onload = function () { then(window.kensaAnswers); };
    s.onerror = function () {
      importMessage('「' + name + '」を読み込めませんでした：読み込みに必要なファイル（answers.js）を開けませんでした。ページを再読み込みしてください。入力済みの内容は変わっていません。');
    };
    document.head.appendChild(s);
  }
  // What answers.js checks a file against: this form's fields, switches and items.
  function shape() {
    return {
      form_fields: fields.map(function (f) { return f.dataset.field; }),
      switches: K.switches.map(function (el) { return { id: el.dataset.switch }; }),
      items: Object.keys(byId).map(function (id) { return { id: id }; })
    };
  }
  // The checked document, or why it cannot be read into this page.
  function read(A, bytes) {
    var doc, id;
    try {
      doc = A.parseAnswers(bytes);
      id = A.checklistId(doc);
    } catch (e) {
      if (e instanceof A.Unreadable) return { error: e.message };
      throw e;
    }
    if (id !== CID) return { doc: doc, other: id };
    return checked(A, doc, shape());
  }
  function checked(A, doc, c) {
    try {
      A.checkShape(doc, c);
    } catch (e) {
      if (!(e instanceof A.Wrong)) throw e;
      return { error: '回答ファイルの中身が正しくありません（' + A.printable(e.path) + '：' + e.what + '）。このページで書き出したファイルを、書き換えずに使ってください。' };
    }
    return { doc: doc };
  }
  function otherChecklist(A, doc, id) {
    var c = doc.checklist, title = A.str(c.title) || id, form = A.str(c.form);
    return 'このファイルは別のチェックリスト「' + A.printable(title + (form ? '（' + form + '）' : '')) + '」の回答です。そのチェックリストのページで読み込んでください。';
  }
  // The migration code (migrate.js) and the rules the build publishes for this site
  // (migrations-data.js): loaded only when a file of another checklist is imported.
  function withMigrate(then, name) {
    if (window.kensaMigrate && window.KENSA_MIGRATIONS) return then(window.kensaMigrate, window.KENSA_MIGRATIONS);
    var left = 2, failed = false;
    [HERE.replace(/form-files\.js([?#].*)?$/, 'migrate.js'), HERE.replace(/js\/form-files\.js([?#].*)?$/, 'migrations-data.js')].forEach(function (src) {
      var s = document.createElement('script');
      s.src = src;
      s.onload = s.onerror = function (e) {
        failed = failed || e.type === 'error';
        if (--left) return;
        if (!failed) then(window.kensaMigrate, window.KENSA_MIGRATIONS);
        else importMessage('「' + name + '」を読み込めませんでした：前の版の回答を引き継ぐのに必要なファイルを開けませんでした。ページを再読み込みしてください。入力済みの内容は変わっていません。');
      };
      document.head.appendChild(s);
    });
  }
  // A file of an earlier edition of this checklist is carried over (src/migrate.rs has the
  // same rules) once the user has seen what will happen; any other checklist's is refused.
  function carryOver(A, doc, id, name) {
    withMigrate(function (M, data) {
      var plan = (data[CID] || []).filter(function (p) { return p.from.checklist.id === id; })[0];
      var fail = function (why) { importMessage('「' + name + '」を読み込めませんでした：' + why + '入力済みの内容は変わっていません。'); };
      if (!plan) return fail(otherChecklist(A, doc, id));
      var r = checked(A, doc, M.shape(plan.from));
      if (r.error) return fail(r.error);
      var carried = M.apply(plan, doc, ds.generator);
      M.offer(K, carried.summary, function (ok) {
        if (ok) place(carried.doc, name, '');
        else importMessage('読み込みを取りやめました。入力済みの内容は変わっていません。');
      });
    }, name);
  }
  function importBytes(A, bytes, name) {
    var r = read(A, bytes);
    if (r.error) return importMessage('「' + name + '」を読み込めませんでした：' + r.error + '入力済みの内容は変わっていません。');
    if (r.other) return carryOver(A, r.doc, r.other, name);
    var o = r.doc;
    var warn = '';
    if (o.checklist.definition_hash !== ds.definitionHash) {
      if (!confirm('このファイルは、このページとは異なる版のチェックリスト定義に対して記入されています（定義のハッシュ値が違います）。\n項目の文言などが変わっている可能性があります。読み込みますか？')) {
        return importMessage('読み込みを取りやめました。入力済みの内容は変わっていません。');
      }
      warn = '（異なる版の定義に対して記入されたファイルです。各項目の内容を確認してください。）';
    }
    place(o, name, warn);
  }
  // Puts a checked file into a copy: the one it was exported from (its replaced content kept as
  // the backup), the empty one on screen, or a new one.
  function place(o, name, warn) {
    var fileCopy = obj(o.copy) ? o.copy : {};
    var fid = /^[A-Za-z0-9_-]{1,64}$/.test(fileCopy.id) ? fileCopy.id : null;
    var fname = typeof fileCopy.name === 'string' && fileCopy.name ? fileCopy.name : name.replace(/\.json$/i, '');
    var same = fid && find(fid), cur = K.cur, target;
    function done(t) { importMessage('「' + name + '」を控え「' + t.name + '」に読み込みました。' + warn, true); }
    if (same && !blank(get(dataKey(fid)))) {
      return ask('控え「' + same.name + '」はこのブラウザにすでにあり、入力済みの内容があります。「置き換える」と、今の内容はバックアップとして残り、「バックアップから戻す」で戻せます。',
        ['置き換える', '別の控えとして読み込む', '読み込まない'], function (c) {
          if (c === 0) {
            keepBackup(fid);
            same.name = fname;
            open(fid, o);
            done(same);
          } else if (c === 1) done(addCopy(fname + '（読み込み）', o));
          else importMessage('読み込みを取りやめました。入力済みの内容は変わっていません。');
        });
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
    done(target);
  }
  // A question whose buttons say what they do (confirm() can only say OK and キャンセル); the
  // answer is the index of the button, the last one on Esc. In the tools box, for their style.
  function ask(text, buttons, then) {
    var d = h('dialog', { className: 'ask' }, [h('p', 0, [text])].concat(buttons.map(function (b, i) {
      return h('button', { type: 'button', onclick: function () { d.close(); then(i); } }, [b]);
    })));
    d.addEventListener('cancel', function (e) {
      e.preventDefault();
      d.close();
      then(buttons.length - 1);
    });
    d.addEventListener('close', function () { d.remove(); });
    document.getElementById('form-tools').append(d);
    d.showModal();
  }
  function importFile(file) {
    importMessage('');
    if (!file) return;
    withReader(function (A) { readFile(A, file); }, file.name);
  }
  function readFile(A, file) {
    // Refused before reading: a big file picked by mistake is not read into memory at all.
    if (file.size > A.MAX_FILE_BYTES) return importMessage('「' + file.name + '」を読み込めませんでした：' + A.tooLargeMessage(file.size) + '入力済みの内容は変わっていません。');
    var r = new FileReader();
    r.onload = function () { importBytes(A, new Uint8Array(r.result), file.name); };
    r.onerror = function () { importMessage('「' + file.name + '」を読めませんでした。入力済みの内容は変わっていません。'); };
    r.readAsArrayBuffer(file);
  }

  K.more = {
    review: review, importFile: importFile, actions: actions,
    carried: function () { withMigrate(function (M) { M.pending(K); }, ''); }
  };
})();
