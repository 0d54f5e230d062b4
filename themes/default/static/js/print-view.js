// A split form's print view (checklist_print.html): every item of every page on one page, filled
// from the answers the form pages keep in this browser (localStorage, as form.js stores them),
// so that the list prints as one document from any of its pages. The copy is the one named in
// the address (#copy=<id>, as the form's 印刷する button opens it) or the one last shown; with
// &print in the address the print dialog opens once the page is filled. Nothing is written.
// A plain classic script: pages opened from file:// cannot load modules.
(function () {
  'use strict';
  var box = document.getElementById('print-items');
  if (!box) return;
  var KEY = 'kensa:' + box.dataset.checklistId + ':';
  var DATED = box.dataset.answerKind === 'yes_no_dated';
  var ANSWER = DATED ? { yes: 'はい', no: 'いいえ' } : { yes: '○', no: '×' };
  function get(k) {
    try {
      return JSON.parse(localStorage.getItem(k));
    } catch (e) {
      return null;
    }
  }
  function obj(o) { return !!o && typeof o === 'object' && !Array.isArray(o); }
  function set(el, text) { if (el) el.textContent = text; }
  var idx = get(KEY + 'copies');
  var list = obj(idx) && Array.isArray(idx.list) ? idx.list : [];
  var wanted = /[#&]copy=([^&]*)/.exec(location.hash);
  var id = wanted ? decodeURIComponent(wanted[1]) : idx && idx.current;
  var copy = list.filter(function (c) { return obj(c) && c.id === id; })[0] || list[0];
  var doc = copy && get(KEY + 'copy:' + copy.id);
  if (!obj(doc)) doc = { fields: {}, switches: {}, items: {} };
  var fields = obj(doc.fields) ? doc.fields : {}, switches = obj(doc.switches) ? doc.switches : {}, items = obj(doc.items) ? doc.items : {};

  // 2023-10-01 → 2023/10/1, as the paper's （ / ） cells read.
  function date(o) {
    var d = obj(o) && typeof o.date === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(o.date) : null;
    return d ? d[1] + '/' + +d[2] + '/' + +d[3] : '';
  }
  var named = [].map.call(box.querySelectorAll('[data-field-value]'), function (dd) {
    var v = typeof fields[dd.dataset.fieldValue] === 'string' ? fields[dd.dataset.fieldValue] : '';
    set(dd, v);
    return v.trim() ? '　' + dd.previousElementSibling.textContent + '：' + v : '';
  });
  set(document.getElementById('print-copy'), copy ? '控え：' + (copy.name || '（名前なし）') + named.join('') : '');
  set(document.getElementById('print-status'), copy ? '' : 'このブラウザに保存された回答はありません。空欄の様式として印刷できます。');
  set(box.querySelector('[data-gate-value]'), ANSWER[doc.gate] || '');
  [].forEach.call(box.querySelectorAll('[data-switch-value]'), function (el) { set(el, ANSWER[switches[el.dataset.switchValue]] || ''); });
  [].forEach.call(box.querySelectorAll('[data-item-id]'), function (el) {
    var a = obj(items[el.dataset.itemId]) ? items[el.dataset.itemId] : {};
    var na = a.status === 'not_applicable';
    [].forEach.call(el.querySelectorAll('[data-round]'), function (cell) {
      var o = obj(a[cell.dataset.round]) ? a[cell.dataset.round] : {};
      set(cell, na ? '記入不要' : [ANSWER[o.answer] || '', date(o)].filter(Boolean).join('　'));
    });
    set(el.querySelector('[data-note]'), typeof a.note === 'string' ? a.note : '');
  });
  // scoring.js takes the answers from here, as it does from form.js on a form page.
  window.kensaForm = { ready: true, collect: function () { return { items: items }; } };
  document.addEventListener('click', function (e) {
    if (e.target.closest && e.target.closest('[data-action="print"]')) window.print();
  });
  if (/[#&]print(&|$)/.test(location.hash)) window.addEventListener('load', function () { setTimeout(window.print, 0); });
})();
