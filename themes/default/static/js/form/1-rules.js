// The checklist form's rules and progress, for the form: what each item asks for (its label, the
// rounds and dates, 参考項目 or required, the switch that makes it 記入不要), read from the page's
// data block, which the build writes from the same rules as the checklist JSON and the
// inspection (src/item_rules.rs); which items the gate or a switch leave out; the 入力の状況
// list and each section's status. Part of the form's one script (see 3-controls.js), which
// calls startRules.

// A round in the data block is [id, bits]: it asks for an answer (1), a date (2); it is
// always needed (4), or needed when 1回目 is いいえ (8), then with the first and last day of
// the fiscal year its date must fall in when the rules give one.
var ANSWER = 1, DATE = 2, ALWAYS = 4, IF_NO = 8;

function item(id, label, rounds, sw, el, off, text) {
  var req = rounds[0][1] & ALWAYS;
  // 参考項目 say so: their numbers repeat those of the items of the current year.
  return { id: id, name: label + (req ? '' : '〔参考項目〕'), rounds: rounds, sw: sw, req: req, el: el, off: off, text: text };
}
// The items of this page from the data block, then the sections they are listed in.
function readItems(R) {
  var byId = {};
  R.items.forEach(function (row) {
    var el = $(row[0]), text = el.querySelector('.item-text'), num = el.querySelector('.item-number');
    var it = byId[row[0]] = item(row[0], row[1], R.rounds[row[3] || 0], row[4], el, '', text ? text.textContent.slice(num ? num.textContent.length : 0) : '');
    if (!it.req && text) text.append(F.h('span', { className: 'badge' }, ['参考項目']));
  });
  F.byId = byId;
  F.sections = all('.section').map(function (el) {
    var title = el.querySelector('.section-title'), phase = el.closest('.phase');
    return {
      title: title, items: all('div.item', el).map(function (e) { return byId[e.id]; }),
      label: (phase ? phase.querySelector('.phase-title').childNodes[1].textContent + '　' : '') +
        title.firstChild.textContent + ' ' + title.childNodes[1].textContent
    };
  });
  otherPages(R);
  formItems = [].concat.apply([], F.sections.map(function (sec) { return sec.items; }));
}
// A list too long for one light page is split over several that share one set of answers.
// The items of the other pages come from the page's data block as stand-ins that have no
// controls: their answers are the stored ones, and they count, show in the review and go
// into every save and export like the items on this page. Order: as the pages go.
function otherPages(R) {
  var block = $('other-parts-items'), here = F.sections;
  if (!block) return;
  F.sections = [];
  JSON.parse(block.textContent).pages.forEach(function (p) {
    if (p.current) {
      here.forEach(function (sec) { sec.label += '（' + p.label + '）'; });
      F.sections = F.sections.concat(here);
    } else p.sections.forEach(function (sec) {
      var its = sec.items.map(function (row) {
        return F.byId[row[0]] = item(row[0], row[1], R.rounds[row[3] || 0], row[4], null, p.url, '（' + p.label + 'のページ）');
      });
      F.sections.push({ label: sec.label + '（' + p.label + '）', items: its, href: p.url + '#' + its[0].id });
    });
  });
}

function naReason(it, s) {
  if (s.gate === 'no') return '確認不要';
  return it.sw && s.switches[it.sw] === 'no' ? '記入不要' : '';
}
function setNa(el, reason) {
  var b = el.querySelector('.na-badge');
  if (reason && !b) {
    b = F.h('span', { className: 'badge na-badge' });
    (el.querySelector('.item-text') || el.querySelector('legend')).append(b);
  }
  if (b) { b.textContent = reason; b.hidden = !reason; }
  el.classList.toggle('is-na', !!reason);
  all('input, textarea', el).forEach(function (c) { c.disabled = !!reason; });
}

// Where each item stands (for its section's status), by id.
var state = {};
function refresh() {
  var s = collect(), gateEl = F.gateEl;
  var sum = { req: 0, done: 0, missing: [], noTarget: [], noDate: [], badDate: [] };
  function need(v, href, label, text) {
    sum.req++;
    if (v) sum.done++; else sum.missing.push({ href: href, label: label, text: text });
  }
  if (gateEl) need(s.gate, '#gate', gateEl.querySelector('.gate-label').textContent);
  F.switches.forEach(function (el) {
    setNa(el, s.gate === 'no' ? '確認不要' : '');
    if (s.gate !== 'no') need(s.switches[el.dataset.switch], '#' + el.id, el.querySelector('.gate-label').textContent);
  });
  F.fields.forEach(function (f) {
    if (f.labels[0] && f.labels[0].querySelector('.required')) need(f.value.trim(), '#' + f.id, f.labels[0].firstChild.textContent);
  });
  formItems.forEach(function (it) { check(it, s, sum, need); });
  renderProgress(s, sum);
  if (F.more && $('review').open) F.more.review(s);
  F.form.dispatchEvent(new CustomEvent('kensa:change', { detail: s }));
  return s;
}
// One item's part of the progress: what is missing or wrong, and its own status.
function check(it, s, sum, need) {
  // An answer carried to a reworded item counts once the user has confirmed it.
  var id = it.id, a = s.items[id], na = naReason(it, s), link = { href: it.off + '#' + id, label: it.name, text: it.text };
  var r1 = it.rounds[0], answer = !a.confirm && a[r1[0]].answer, st = state[id] = {};
  var t = it.rounds.filter(function (r) { return r[1] & IF_NO; })[0];
  // Only the rounds the rules ask for when 1回目 is いいえ need a date then: the 参考項目 none.
  var no = !na && t && a[r1[0]].answer === 'no', d = no && a[t[0]].date, needTarget = no && !d;
  // A 目標日 outside that year is wrong, for `kensa inspect` too.
  var late = d && t[2] && (d < t[2] || d > t[3]) && t;
  if (it.el) setNa(it.el, na);
  st.started = !!(a.note || it.rounds.some(function (r) { r = a[r[0]]; return r.answer || r.date || r.date_input; }));
  st.done = !!(answer && (!(r1[1] & DATE) || a[r1[0]].date));
  if (it.el && dates) {
    it.rounds.forEach(function (r) { if (r[1] & DATE) dates.show(id + ':' + r[0], r === t && late); });
    if (t) {
      $(id + '-' + t[0] + '-needed').hidden = !needTarget;
      ['y', 'm', 'd'].forEach(function (k) {
        F.form.elements[id + ':' + t[0] + ':' + k].setAttribute('aria-describedby', id + '-' + t[0] + '-info' + (needTarget ? ' ' + id + '-' + t[0] + '-needed' : ''));
      });
    }
  }
  if (!na) {
    if (needTarget) st.issue = sum.noTarget.push(link);
    if (it.rounds.some(function (r) { return r[1] & ANSWER && r[1] & DATE && a[r[0]].answer && !a[r[0]].date && !a[r[0]].date_input; })) st.issue = sum.noDate.push(link);
    if (late || it.rounds.some(function (r) { return a[r[0]].date_input; })) st.issue = sum.badDate.push(link);
    if (it.req) need(answer, link.href, link.label, link.text);
  }
}
function sectionStatus(sec, s) {
  var app = sec.items.filter(function (it) { return s.items[it.id].status === 'applicable'; }).map(function (it) { return state[it.id]; });
  if (!app.length) return ['確認不要', 'na'];
  if (app.some(function (st) { return st.issue; })) return ['要対応', 'issue'];
  if (app.every(function (st) { return st.done; })) return ['完了', 'done'];
  return app.some(function (st) { return st.started; }) ? ['入力中', 'doing'] : ['未着手', 'todo'];
}
function links(list) {
  var h = F.h;
  return [h('ul', { className: 'issue-links' }, list.slice(0, 12).map(function (l) {
    return h('li', 0, [h('a', { href: l.href }, [l.label, l.text ? h('span', { className: 'link-text' }, [l.text.slice(0, 24) + (l.text.length > 24 ? '…' : '')]) : ''])]);
  })), list.length > 12 ? h('p', 0, ['ほか' + (list.length - 12) + '件']) : ''];
}
function renderProgress(s, sum) {
  var h = F.h, out = [h('p', { className: 'progress-count' }, [h('strong', 0, ['必須の回答 ' + sum.done + '／' + sum.req]),
    sum.done === sum.req ? '（すべて回答済み）' : '（未回答 ' + (sum.req - sum.done) + '件）'])];
  [[sum.missing, '未回答の質問'], [sum.noTarget, '「いいえ」で目標日のない項目'], [sum.noDate, '確認日の記入がない回答'], [sum.badDate, '日付に誤りのある項目']]
    .forEach(function (g) {
      if (g[0].length) out.push(h('div', { className: 'issue' }, [h('h3', 0, [g[1] + '（' + g[0].length + '件）'])].concat(links(g[0]))));
    });
  var list = h('ul', { className: 'section-list' });
  out.push(h('h3', 0, ['章ごとの状況']), list);
  F.sections.forEach(function (sec) {
    var st = sectionStatus(sec, s), badge = sec.title && sec.title.querySelector('.status');
    if (sec.title && !badge) sec.title.append(badge = h('span'));
    if (badge) {
      badge.className = 'status st-' + st[1];
      badge.textContent = st[0];
    }
    list.append(h('li', 0, [h('a', { href: sec.href || '#' + sec.title.id }, [sec.label]), ' ', h('span', { className: 'status st-' + st[1] }, [st[0]])]));
  });
  F.fill($('progress-body'), out);
}

function startRules(rules) {
  F.naReason = naReason;
  readItems(rules);
}
