// 「チェックの結果」 of the ○／× checklists (2021), computed live as the Excel forms do: per
// 視点 the 割合 (○ / items, one decimal, rounded half up; 「-」 without items) and the 項目数
// (○/items). The rule is `score` below; src/features/scoring.rs has the same rule for `kensa`, and
// both are tested against tests/fixtures/scoring-vectors.json. Plain script: pages opened
// from file:// cannot load modules.
(function () {
  'use strict';

  // Tenths of a percent, rounded half up, in integers so that 1/16 gives 6.3% as in Excel
  // and in Rust (floating point would give 6.2% for some such fractions).
  function tenths(yes, total) {
    return Math.floor((yes * 2000 + total) / (2 * total));
  }

  function tally(yes, total) {
    var t = total ? tenths(yes, total) : null;
    return {
      yes: yes,
      total: total,
      tenths: t,
      ratio: t === null ? '-' : Math.floor(t / 10) + '.' + (t % 10) + '%',
      count: yes + '/' + total,
    };
  }

  // viewpointIds: the list's 視点 ids in order. items: [{viewpoint, answer: 'yes'|'no'|null,
  // applicable: false when the form makes the item 記入不要}]. Items of an unknown 視点 count in
  // overall only.
  function score(viewpointIds, items) {
    var counts = {};
    viewpointIds.forEach(function (id) {
      counts[id] = { yes: 0, total: 0 };
    });
    var all = { yes: 0, total: 0 };
    items.forEach(function (item) {
      if (item.applicable === false) return;
      var yes = item.answer === 'yes' ? 1 : 0;
      all.total += 1;
      all.yes += yes;
      var c = item.viewpoint != null && Object.prototype.hasOwnProperty.call(counts, item.viewpoint)
        ? counts[item.viewpoint]
        : null;
      if (c) {
        c.total += 1;
        c.yes += yes;
      }
    });
    var viewpoints = {};
    viewpointIds.forEach(function (id) {
      viewpoints[id] = tally(counts[id].yes, counts[id].total);
    });
    return { overall: tally(all.yes, all.total), viewpoints: viewpoints };
  }

  if (typeof module !== 'undefined' && module.exports) {
    module.exports = { score: score };
  }
  if (typeof document === 'undefined') return;

  // ------------------------------------------------------------------ the page

  function radioValue(form, name) {
    var el = form.elements.namedItem(name);
    if (!el) return null;
    if (el.tagName) return el.checked ? el.value : null;
    return el.value || null; // RadioNodeList: the checked one's value, or ''
  }

  // Every item the score counts: a split form's items on its other pages, then this page's,
  // each [id, label, 視点 index, rounds, switch] as the build lists them in the page's data
  // blocks (src/item_rules.rs). Read once: neither changes while the page is open.
  function scoredItems() {
    var rules = data('kensa-rules'), other = data('other-parts-items'), rows = [];
    if (!rules) return [];
    (other ? other.pages : [{ current: true }]).forEach(function (p) {
      if (p.current) rows = rows.concat(rules.items.map(function (r) { return [r, false]; }));
      else p.sections.forEach(function (sec) {
        rows = rows.concat(sec.items.map(function (r) { return [r, true]; }));
      });
    });
    return rows.map(function (x) {
      var r = x[0];
      return { id: r[0], viewpoint: r[2] == null ? null : rules.viewpoints[r[2]], sw: r[4] || null, off: x[1] };
    });
  }
  function data(id) {
    var block = document.getElementById(id);
    return block ? JSON.parse(block.textContent) : null;
  }

  // Without form.js: the radios as they are (an item on another page has none here).
  function readItems(form, items) {
    var gateOff = radioValue(form, 'gate') === 'no';
    return items.map(function (o) {
      return {
        viewpoint: o.viewpoint,
        answer: o.off ? null : radioValue(form, o.id + ':r1'),
        applicable: !gateOff && !(o.sw && radioValue(form, 'switch:' + o.sw) === 'no'),
      };
    });
  }

  // The answers as form.js collects them: items.<id>.r1.answer, and status "not_applicable"
  // for items the form's rules make 記入不要 (as src/features/scoring.rs reads answer files).
  function fromState(state, items) {
    return items.map(function (o) {
      var a = state.items[o.id] || {};
      return {
        viewpoint: o.viewpoint,
        answer: a.r1 ? a.r1.answer : null,
        applicable: a.status !== 'not_applicable',
      };
    });
  }

  function show(summary, key, t) {
    var ratio = summary.querySelectorAll('[data-score-ratio="' + key + '"]');
    var count = summary.querySelectorAll('[data-score-count="' + key + '"]');
    var bar = summary.querySelectorAll('[data-score-bar="' + key + '"]');
    var i;
    for (i = 0; i < ratio.length; i += 1) ratio[i].textContent = t.ratio;
    for (i = 0; i < count.length; i += 1) count[i].textContent = t.count;
    for (i = 0; i < bar.length; i += 1) {
      // CSSOM, not a style attribute: the page's CSP allows the former only.
      bar[i].style.width = t.tenths === null ? '0' : t.tenths / 10 + '%';
      bar[i].parentNode.classList.toggle('score-bar-none', t.tenths === null);
    }
  }

  function init() {
    var summary = document.getElementById('score-summary');
    // The form, or a split form's print view (every item on one page).
    var form = document.getElementById('checklist-form') || document.getElementById('print-items');
    if (!summary || !form) return;
    var items = scoredItems();
    var ids = [];
    var rows = summary.querySelectorAll('[data-score-viewpoint]');
    for (var i = 0; i < rows.length; i += 1) {
      var id = rows[i].getAttribute('data-score-viewpoint');
      if (ids.indexOf(id) < 0) ids.push(id);
    }
    function update(e) {
      // form.js may have restored the answers before this script ran: its answers are the
      // record (a split form's other pages have no controls here to read).
      // Until it is ready (its controls go in a slice at a time) the radios are read as they are.
      var state = e && e.detail && e.detail.items ? e.detail : window.kensaForm && window.kensaForm.ready ? window.kensaForm.collect() : null;
      var s = score(ids, state ? fromState(state, items) : readItems(form, items));
      ids.forEach(function (id) {
        show(summary, id, s.viewpoints[id]);
      });
      show(summary, 'overall', s.overall);
    }
    // Without form.js the radios are read directly; with it, its answers are the record.
    var fromForm = false;
    form.addEventListener('change', function () {
      if (!fromForm) update();
    });
    form.addEventListener('reset', function () {
      setTimeout(update, 0);
    });
    // form.js announces every change of the answers, including those made without a user
    // event (restoring saved answers, importing a file, switching copies), with the answers
    // in the answer-file format (docs/answers-format.md).
    form.addEventListener('kensa:change', function (e) {
      fromForm = true;
      update(e);
    });
    window.addEventListener('pageshow', function () {
      update();
    });
    update();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
