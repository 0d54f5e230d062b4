// Carrying an answer file of an earlier edition over to this one. A port of src/migrate.rs
// (`kensa migrate`): the same plan (published by the build in migrations-data.js), the same
// steps, the same file and the same summary, which tests/browser/editions.test.js compares.
// form-files.js loads this script only when a file of another checklist is imported, or when
// a copy carried over earlier is opened; it then shows the summary before anything is written
// and marks the reworded items until the user confirms them. A plain classic script, usable
// from file:// and from node.
(function () {
  'use strict';

  var CONFIRM = 'reworded';
  var CONFIRM_TEXT = '文言が変わりました。内容を確認してください';

  function own(o, k) { return o !== null && typeof o === 'object' && Object.prototype.hasOwnProperty.call(o, k); }
  function get(o, k) { return own(o, k) ? o[k] : null; }
  function orNull(v) { return v === undefined ? null : v; }

  /** What an answer file of one side of a plan holds, for answers.js's checkShape. */
  function shape(side) {
    return {
      form_fields: side.fields,
      switches: side.switches.map(function (id) { return { id: id }; }),
      items: side.items.map(function (row) { return { id: row[0] }; })
    };
  }

  /** Something was answered: an answer, a date (or what was typed of one), or a note. */
  function answered(item) {
    if (typeof get(item, 'note') === 'string' && item.note) return true;
    return ['r1', 'target', 'r2'].some(function (r) {
      var o = get(item, r);
      return get(o, 'answer') !== null || get(o, 'date') !== null || own(o, 'date_input');
    });
  }

  // A round as the form writes it: `answer` (not for 目標日), `date` on dated forms, and what
  // was typed when it is not a date.
  function round(old, answer, dated) {
    var o = {};
    if (answer) o.answer = orNull(get(old, 'answer'));
    if (dated) {
      o.date = orNull(get(old, 'date'));
      if (own(old, 'date_input')) o.date_input = old.date_input;
    }
    return o;
  }
  function itemAnswers(old, dated, status) {
    var o = { r1: round(get(old, 'r1'), true, dated) };
    if (dated) {
      o.target = round(get(old, 'target'), false, true);
      o.r2 = round(get(old, 'r2'), true, true);
    }
    o.note = typeof get(old, 'note') === 'string' ? old.note : '';
    o.status = status;
    return o;
  }

  // `label　text…`: how the summary names an item (24 characters, counted as Rust counts them).
  function named(row) {
    var text = Array.from(row[2] || '');
    return row[1] + '　' + text.slice(0, 24).join('') + (text.length > 24 ? '…' : '');
  }

  /** Carries `doc` (checked against the plan's earlier side) over: {doc, summary}. */
  function apply(plan, doc, generator) {
    var from = plan.from, to = plan.to, dated = to.dated !== false;
    var summary = {
      from: from.checklist.edition_name, to: to.checklist.edition_name,
      carried: [], reworded: [], added: [], kept: [], kept_other: 0,
      other_hash: get(doc.checklist, 'definition_hash') !== from.checklist.definition_hash
    };
    var kept = { checklist: doc.checklist };
    var out = { format: 'kensa-answers', format_version: 1, generator: generator, checklist: {} };
    ['id', 'edition', 'definition_hash', 'title', 'form'].forEach(function (k) { out.checklist[k] = to.checklist[k]; });
    if (own(doc, 'copy')) out.copy = doc.copy;
    out.updated_at = orNull(doc.updated_at);
    // Form fields and switches the new side has are carried, the others kept when answered.
    function values(group, blank) {
      var d = get(doc, group), carried = {}, k = {};
      to[group].forEach(function (id) { carried[id] = own(d, id) ? d[id] : blank; });
      from[group].filter(function (id) { return to[group].indexOf(id) < 0; }).forEach(function (id) {
        if (own(d, id) && d[id] !== blank && d[id] !== null) k[id] = d[id];
      });
      summary.kept_other += Object.keys(k).length;
      kept[group] = k;
      return carried;
    }
    out.fields = values('fields', '');
    var gate = to.gate === true ? orNull(doc.gate) : null;
    if (to.gate !== true && orNull(doc.gate) !== null) {
      kept.gate = doc.gate;
      summary.kept_other++;
    }
    out.gate = gate;
    var switches = out.switches = values('switches', null);
    var items = {}, used = [], old = get(doc, 'items');
    to.items.forEach(function (row) {
      var id = row[0], line = plan.carry.filter(function (c) { return c[0] === id; })[0];
      var preds = line ? line[1] : [];
      var off = typeof row[3] === 'string' && switches[row[3]] === 'no';
      var status = gate === 'no' || off ? 'not_applicable' : 'applicable';
      var source = preds.filter(function (p) { return answered(get(old, p)); })[0];
      var a = itemAnswers(source === undefined ? null : old[source], dated, status);
      if (source !== undefined) {
        used.push(source);
        if ((line && line[2] === true) || own(old[source], 'confirm')) {
          a.confirm = CONFIRM;
          summary.reworded.push(named(row));
        } else summary.carried.push(named(row));
      } else if (!preds.length) summary.added.push(named(row));
      items[id] = a;
    });
    out.items = items;
    var keptItems = {};
    from.items.forEach(function (row) {
      var id = row[0], o = get(old, id);
      if (used.indexOf(id) >= 0 || !answered(o)) return;
      var k = {};
      ['r1', 'target', 'r2', 'note', 'status', 'confirm'].forEach(function (key) { if (own(o, key)) k[key] = o[key]; });
      k.label = row[1];
      k.text = row[2];
      summary.kept.push(named(row));
      keptItems[id] = k;
    });
    kept.items = keptItems;
    out.earlier = (Array.isArray(doc.earlier) ? doc.earlier : []).concat([kept]);
    return { doc: out, summary: summary };
  }

  /** The summary as lines of text, as `kensa migrate` prints them. */
  function lines(s) {
    function list(v) { return v.length ? '：' + v.join('／') : ''; }
    var out = [s.from + 'の回答を' + s.to + 'の様式に引き継ぎます。', 'そのまま引き継ぐ回答：' + s.carried.length + '項目'];
    if (s.reworded.length) out.push(CONFIRM_TEXT + '（' + s.reworded.length + '項目、確認するまで回答済みに数えません）' + list(s.reworded));
    if (s.added.length) out.push('この版で新しい項目（未記入です）（' + s.added.length + '項目）' + list(s.added));
    if (s.kept.length || s.kept_other) {
      out.push('この版にない項目の回答は「以前の版の回答」としてファイルに残し、回答の確認に表示します（' + s.kept.length + '項目' +
        (s.kept_other ? '、記入欄など' + s.kept_other + '件' : '') + '）' + list(s.kept));
    }
    if (s.other_hash) out.push('このファイルは、' + s.from + 'の今の定義とは異なる定義に対して記入されています。引き継いだ回答を確認してください。');
    return out;
  }

  // ---------------------------------------------------------------- on the form (K: form.js)
  /** Shows what the carry-over will do, before anything is written; `done(true)` to go on. */
  function offer(K, summary, done) {
    var m = document.getElementById('import-message'), h = K.h, all = lines(summary);
    var go = h('button', { type: 'button', className: 'button' }, ['この内容で読み込む']);
    var stop = h('button', { type: 'button' }, ['取りやめる']);
    function answer(ok) { return function () { K.importMessage(''); done(ok); }; }
    go.addEventListener('click', answer(true));
    stop.addEventListener('click', answer(false));
    K.fill(m, [h('p', 0, [h('strong', 0, [all[0]])]), h('ul', { className: 'carry-summary' }, all.slice(1).map(function (l) { return h('li', 0, [l]); })),
      h('p', 0, ['まだ何も書き込んでいません。']), h('p', 0, [go, ' ', stop])]);
    m.classList.remove('ok');
    m.hidden = false;
    go.focus();
  }

  var marking = null;
  /** Marks the items whose wording changed until the user confirms each. */
  function pending(K) {
    if (marking) return marking();
    var h = K.h;
    marking = function () {
      var d = K.doc, its = d && d.items || {};
      Object.keys(K.byId).forEach(function (id) {
        var el = K.byId[id].el, note = el && el.querySelector('.confirm-note');
        if (!el) return; // on another page of a split form
        var need = its[id] && its[id].confirm;
        if (need && !note) {
          var b = h('button', { type: 'button' }, ['確認しました']);
          b.addEventListener('click', function () {
            delete K.doc.items[id].confirm;
            K.form.dispatchEvent(new Event('change'));
          });
          note = h('p', { className: 'confirm-note form-alert' }, [CONFIRM_TEXT + '（確認するまで回答済みに数えません）', ' ', b]);
          var text = el.querySelector('.item-text');
          text.after(note);
        } else if (!need && note) note.remove();
      });
    };
    K.form.addEventListener('kensa:change', function () { marking(); });
    marking();
  }

  var api = { shape: shape, answered: answered, apply: apply, lines: lines, offer: offer, pending: pending, CONFIRM: CONFIRM };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  if (typeof window !== 'undefined') window.kensaMigrate = api;
})();
