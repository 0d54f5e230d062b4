// The checklist form. This part starts it and owns its controls (the answers read from and
// written to the form). The files of this folder are one script: the build joins them in name
// order inside one function scope and serves them as assets/js/form.js (src/assets.rs), so
// they share their names without globals. 1-rules.js: what each item asks for, read from the
// rules the build publishes in the page, and the progress; 2-store.js: storage, copies, two
// tabs; this one, last, starts the form. On dated forms the page loads form-dates.js (the date
// fields) before it; answer files, the review and the copy actions are in form-files.js,
// loaded the first time one is used (see "on first use" below). Other scripts (form-files.js,
// migrate.js, scoring.js, inspect.js) reach the form only through F, window.kensaForm. No
// checklist needs code of its own. Plain classic scripts: pages opened from file:// cannot
// load modules. Answers stay in this browser (localStorage) and in the files the user saves;
// nothing is ever sent anywhere.
var form = document.getElementById('checklist-form');
var tpl = document.getElementById('item-controls');
if (!form || !tpl) return;
var HERE = document.currentScript ? document.currentScript.src : '';
var DATED = form.dataset.answerKind === 'yes_no_dated';

// The copy shown (cur), its answers (doc), the copies (idx) and `more` (form-files.js, once
// loaded) are set on F as they change.
var F = {
  form: form, ds: form.dataset, CID: form.dataset.checklistId, DATED: DATED,
  // Made, never parsed from a string: no text from a definition, a copy's name or a file can
  // become markup. h('a', { href: x }, ['text', child]).
  h: function (tag, props, kids) {
    var e = Object.assign(document.createElement(tag), props);
    e.append.apply(e, kids || []);
    return e;
  },
  fill: function (el, kids) {
    el.textContent = '';
    el.append.apply(el, kids);
  },
  obj: function (o) { return !!o && typeof o === 'object' && !Array.isArray(o); },
  collect: collect, blank: blank, importMessage: importMessage
};
// Shared by the parts of this folder: the form's items (1-rules.js) and its date fields
// (form-dates.js, on dated forms).
var formItems = [], dates = null;
function $(id) { return document.getElementById(id); }
function all(sel, root) { return [].slice.call((root || form).querySelectorAll(sel)); }

function start() {
  var rules = $('kensa-rules');
  // form-dates.js could not be loaded, or a site's own checklist.html lacks the rules the
  // build publishes: nothing typed is lost, what is stored stays as it is.
  if (DATED && !window.kensaDates || !rules) {
    var p = F.h('p', { className: 'form-alert' }, ['フォームの一部（' + (rules ? 'スクリプト' : 'kensa-rules') + '）を読み込めませんでした。再読み込みしてください。入力済みの内容は保存されたままです。']);
    p.setAttribute('role', 'alert');
    return form.before(p);
  }
  F.fields = all('[data-field]');
  F.gateEl = form.querySelector('[data-gate]');
  F.switches = all('[data-switch]');
  rules = JSON.parse(rules.textContent);
  dates = DATED ? window.kensaDates(form, function () { refresh(); }, rules.years) : null;
  if (dates) F.jaDate = dates.jaDate;
  startRules(rules);
  startStore();
  window.kensaForm = F;
  listen();
  begin();
}

// ---------------------------------------------------------------- controls
// The answer controls are sent once in a <template> (keeps long pages light) and cloned here;
// __ID__ in their attributes becomes the item id.
function addControls(el) {
  var c = tpl.content.cloneNode(true), text = el.querySelector('.item-text');
  if (text) text.id = el.id + '-text'; // what the cloned controls are described by
  c.querySelectorAll('*').forEach(function (n) {
    [].forEach.call(n.attributes, function (a) { a.value = a.value.replace(/__ID__/g, el.id); });
  });
  el.append(c);
}
function radio(name) {
  var r = form.elements[name];
  return r && r.value ? r.value : null;
}
function setRadio(name, v) {
  all('input[name="' + name + '"]').forEach(function (r) { r.checked = r.value === v; });
}
// The answers as the answer file holds them. An item on another page of a split form has no
// controls here: its answers are the stored ones.
function collect() {
  // Answers carried from an earlier edition: what has no place here (`earlier`), and the
  // reworded items' marks (`confirm`, until the user confirms), kept as they are.
  var doc = F.doc, obj = F.obj, s = { fields: {}, gate: null, switches: {}, items: {}, earlier: (doc || 0).earlier };
  F.fields.forEach(function (f) { s.fields[f.dataset.field] = f.value; });
  if (F.gateEl) s.gate = radio('gate');
  F.switches.forEach(function (el) { s.switches[el.dataset.switch] = radio('switch:' + el.dataset.switch); });
  formItems.forEach(function (it) {
    var id = it.id, a = {}, kept = doc && obj(doc.items) && obj(doc.items[id]) ? doc.items[id] : {};
    it.rounds.forEach(function (r) {
      var o = {}, k = obj(kept[r[0]]) ? kept[r[0]] : {}, base = id + ':' + r[0];
      if (r[1] & 1) o.answer = it.el ? radio(base) : k.answer || null;
      if (r[1] & 2 && it.el) dates.read(base, o);
      else if (r[1] & 2) {
        o.date = k.date || null;
        if (k.date_input) o.date_input = k.date_input;
      }
      a[r[0]] = o;
    });
    a.note = it.el ? form.elements[id + ':note'].value : kept.note || '';
    a.status = naReason(it, s) ? 'not_applicable' : 'applicable';
    if (kept.confirm) a.confirm = kept.confirm;
    s.items[id] = a;
  });
  return s;
}
function apply(s) {
  s = s || {};
  form.reset();
  var f = s.fields || {}, sw = s.switches || {}, its = s.items || {};
  F.fields.forEach(function (el) { el.value = f[el.dataset.field] || ''; });
  setRadio('gate', s.gate);
  F.switches.forEach(function (el) { setRadio('switch:' + el.dataset.switch, sw[el.dataset.switch]); });
  formItems.forEach(function (it) {
    var a = its[it.id] || {};
    if (!it.el) return;
    it.rounds.forEach(function (r) {
      var o = a[r[0]] || {}, base = it.id + ':' + r[0];
      if (r[1] & 1) setRadio(base, o.answer);
      if (r[1] & 2) dates.fill(base, o);
    });
    form.elements[it.id + ':note'].value = a.note || '';
  });
  if (dates) dates.forget();
  refresh();
}
function blank(s) {
  if (!s) return true;
  var f = s.fields || {}, its = s.items || {};
  if (s.earlier || s.gate || Object.keys(f).some(function (k) { return f[k]; })) return false;
  if (Object.keys(s.switches || {}).some(function (k) { return s.switches[k]; })) return false;
  return !Object.keys(its).some(function (id) {
    var a = its[id];
    return a.note || ['r1', 'target', 'r2'].some(function (r) { return a[r] && (a[r].answer || a[r].date || a[r].date_input); });
  });
}

// ---------------------------------------------------------------- on first use
// Answer files, the review and the copy actions are in form-files.js, loaded the first time
// one is asked for: most visits only type, and every form page stays light. A classic script
// (file:// cannot fetch); it reaches the form only through window.kensaForm. Whatever asked
// for it runs once it is in.
var LOAD_FAILED = 'この操作に必要なファイル（form-files.js）を読み込めませんでした。ページを再読み込みしてください。';
var waiting = null;
function later(run) {
  if (F.more) return run(F.more);
  if (!waiting) {
    waiting = [];
    load('form-files.js', function () {
      var q = waiting;
      waiting = null;
      if (F.more) {
        if ($('import-message').textContent === LOAD_FAILED) importMessage('');
        q.forEach(function (run) { run(F.more); });
      } else {
        importMessage(LOAD_FAILED);
        if ($('review').open) F.fill($('review-body'), [F.h('p', { className: 'form-alert' }, [LOAD_FAILED])]);
      }
    });
  }
  waiting.push(run);
}
function importMessage(text, ok) {
  var m = $('import-message');
  m.textContent = text;
  m.hidden = !text;
  m.classList.toggle('ok', !!ok);
}
function hasFiles(e) { return e.dataTransfer && [].indexOf.call(e.dataTransfer.types || [], 'Files') >= 0; }

function listen() {
  document.addEventListener('click', function (e) {
    var b = e.target.closest && e.target.closest('[data-action]'), a = b && b.dataset.action;
    if (a === 'print') window.print();
    else if (a === 'export' || /^copy-/.test(a)) later(function (m) { if (m.actions[a]) m.actions[a](); });
  });
  $('import-file').addEventListener('change', function (e) {
    var file = e.target.files[0];
    e.target.value = '';
    if (file) later(function (m) { m.importFile(file); }); else importMessage('');
  });
  document.addEventListener('dragover', function (e) {
    if (!hasFiles(e)) return;
    e.preventDefault();
    document.body.classList.add('dropping');
  });
  document.addEventListener('dragleave', function (e) {
    if (!e.relatedTarget) document.body.classList.remove('dropping');
  });
  document.addEventListener('drop', function (e) {
    if (!F.ready || !hasFiles(e)) return;
    e.preventDefault(); // or the browser would leave the page to show the file
    document.body.classList.remove('dropping');
    var file = e.dataTransfer.files[0]; // now: the browser empties dataTransfer after the event
    later(function (m) { m.importFile(file); });
    $('form-tools').scrollIntoView();
  });
  $('review').addEventListener('toggle', function () {
    if ($('review').open) later(function (m) { m.review(collect()); });
  });
  // Typing saves.
  ['input', 'change', 'compositionend'].forEach(function (t) { form.addEventListener(t, save); });
  // Enter confirms a Japanese IME conversion; it must never submit the form or move on.
  form.addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.isComposing && e.keyCode !== 229 && e.target.tagName === 'INPUT') e.preventDefault();
  });
  form.addEventListener('submit', function (e) { e.preventDefault(); });
}

// ---------------------------------------------------------------- start
// The controls go in a few items at a time, each slice a task of its own, so that opening a
// long form on a slow phone never holds the page for long; the form takes no input until
// they are all in and the stored answers are shown.
function begin() {
  var unbuilt = formItems.filter(function (it) { return it.el; });
  form.inert = true;
  (function slice() {
    unbuilt.splice(0, 6).forEach(function (it) { addControls(it.el); });
    if (unbuilt.length) return setTimeout(slice);
    $('form-tools').hidden = false;
    $('progress').hidden = false;
    form.inert = false;
    F.ready = true;
    open(F.cur.id);
    form.dispatchEvent(new CustomEvent('kensa:ready', { bubbles: true }));
  })();
}

// A script of the theme, from beside this one (any depth, any host, file:// too). Removed once
// it has run or failed: after a failure, the next request tries again.
function load(name, done) {
  var s = document.createElement('script');
  s.src = HERE.replace(/form\.js([?#].*)?$/, name);
  s.onload = s.onerror = function () {
    s.remove();
    done();
  };
  document.head.appendChild(s);
}

// A site's own checklist.html made before the date fields had a script of their own does not
// load form-dates.js.
if (DATED && !window.kensaDates) load('form-dates.js', start);
else start();
