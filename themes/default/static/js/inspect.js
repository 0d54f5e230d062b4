// Inspection: checks a facility's answer files against the 立入検査の手引き, in the browser.
// The engine is a port of src/inspect.rs and src/answers.rs and must give the same findings and
// messages: both are tested against tests/inspection/vectors.json (tests/browser/inspect.test.js)
// and against each other on generated files (tests/browser/inspect-differential.test.js).
// The checklist definitions come from assets/inspection-data.js (global KENSA_INSPECTION); files
// are read by answers.js (window.kensaAnswers), which pages load before this script.
// A plain classic script, usable from file:// and from node (module.exports); it reads files
// the user picks and sends nothing anywhere.
(function () {
  'use strict';

  var A = typeof window !== 'undefined' && window.kensaAnswers ? window.kensaAnswers : typeof require === 'function' ? require('./answers.js') : null;
  if (!A) throw new Error('inspect.js: load answers.js first');
  var ANSWERS_FORMAT = A.ANSWERS_FORMAT, ANSWERS_FORMAT_VERSION = A.ANSWERS_FORMAT_VERSION;
  var Unreadable = A.Unreadable, Wrong = A.Wrong, Day = A.Day;
  var printable = A.printable, parseAnswers = A.parseAnswers, checklistId = A.checklistId, checkShape = A.checkShape;
  var get = A.get, str = A.str, parseDay = A.parseDay, validDate = A.validDate, DATE_SHAPE = A.DATE_SHAPE;
  var STATUSES = ['error', 'fail', 'onsite', 'advice', 'info', 'pass'];
  var STATUS_LABEL = {
    error: '読めないファイル',
    fail: '不足',
    onsite: '現地で確認',
    advice: '助言',
    info: '参考',
    pass: '適合'
  };

  // ---------------------------------------------------------------- the engine (src/inspect.rs)

  // Rust's char::is_whitespace (Unicode White_Space), which differs from JS's \s.
  var RUST_SPACE = /^[\t\n\x0b\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

  function todayLocal() {
    var t = new Date();
    return new Day(t.getFullYear(), t.getMonth() + 1, t.getDate());
  }
  function reiwa(y) { return y - 2018 === 1 ? '令和元年度' : '令和' + (y - 2018) + '年度'; }

  function Sheet(name, checklist, answers) {
    this.name = name;
    this.checklist = checklist;
    this.answers = answers;
  }
  Sheet.prototype.item = function (id) { return get(get(this.answers, 'items'), id); };
  Sheet.prototype.answer = function (id, round) { return str(get(get(this.item(id), round), 'answer')); };
  Sheet.prototype.day = function (id, round) { return parseDay(get(get(this.item(id), round), 'date')); };
  Sheet.prototype.switchValue = function (id) { return str(get(get(this.answers, 'switches'), id)); };
  Sheet.prototype.gate = function () { return str(get(this.answers, 'gate')); };
  Sheet.prototype.vendorName = function () {
    var v = str(get(get(this.answers, 'fields'), 'vendor_name'));
    if (v === null) return null;
    v = printable(v);
    return RUST_SPACE.test(v) ? null : v;
  };
  Sheet.prototype.who = function () {
    var v = this.vendorName(), form = this.checklist.form;
    return v !== null ? '「' + form + '」（' + v + '）' : '「' + form + '」';
  };
  Sheet.prototype.isFacility = function () { return this.checklist.audience === 'facility'; };

  function findChecklist(data, id) {
    var lists = data.checklists || [];
    for (var k = 0; k < lists.length; k++) if (lists[k].id === id) return lists[k];
    var others = data.others || [];
    for (k = 0; k < others.length; k++) if (others[k].id === id) return others[k];
    return null;
  }

  function fileFinding(file, checklist, status, message) {
    return { file: file, checklist: checklist, rule: 'file', heading: null, status: status, item: null, message: message, quote: null };
  }

  // Same words as src/inspect.rs: an edition the site lacks is named as such.
  function unknownChecklist(data, doc, id) {
    var edition = typeof doc.checklist.edition === 'string' ? doc.checklist.edition : '';
    var known = [];
    (data.checklists || []).concat(data.others || []).forEach(function (c) {
      if (known.indexOf(c.edition) < 0) known.push(c.edition);
    });
    if (!edition || known.indexOf(edition) >= 0) return 'チェックリスト「' + printable(id) + '」はこのサイトにありません。';
    known.sort();
    return '版「' + printable(edition) + '」のチェックリストはこのサイトにありません（このサイトの版：' + known.join('、') + '）。その版を載せたサイトで確認してください。';
  }

  function readSheet(data, name, input) {
    function err(id, m) { return { error: fileFinding(name, id, 'error', m) }; }
    var doc, id;
    try {
      doc = parseAnswers(input);
      id = checklistId(doc);
    } catch (e) {
      if (e instanceof Unreadable) return err(null, e.message);
      throw e;
    }
    var checklist = findChecklist(data, id);
    if (!checklist) return err(null, unknownChecklist(data, doc, id));
    if (!checklist.inspection) return err(id, '「' + checklist.title + '（' + checklist.form + '）」は立入検査の対象ではありません。');
    try {
      checkShape(doc, checklist);
    } catch (e) {
      if (!(e instanceof Wrong)) throw e;
      return err(id, '回答ファイルの中身が正しくありません（' + printable(e.path) + '：' + e.what + '）。チェックリストのページで書き出したファイルを、書き換えずに使ってください。');
    }
    var notes = [];
    if (doc.checklist.definition_hash !== checklist.definition_hash) {
      notes.push(fileFinding(name, id, 'info', 'このファイルは、現在とは異なる版のチェックリスト定義で記入されています。項目の文言が変わっていないか確認してください。'));
    }
    return { sheet: new Sheet(name, checklist, doc), notes: notes };
  }

  // A file of an earlier edition than the one in force on `today` (src/inspect.rs).
  function olderEdition(data, sheet, today) {
    var c = sheet.checklist, inForce = (c.newer || []).filter(function (n) { return n.fiscal_year * 10000 + 401 <= today.num; }).pop();
    if (!inForce) return null;
    var own = c.edition_name || c.edition, name = inForce.edition_name;
    return fileFinding(sheet.name, c.id, 'advice', 'このファイルは' + own + 'の様式（' + c.id + '）で記入されています。' + today + 'の時点で有効なのは' + name + 'の様式（' + inForce.id +
      '）です。このファイルは' + own + 'の基準で確認しました。' + name + 'の様式で記入し直すよう求めてください（' + name + 'の様式のページでこのファイルを読み込むと、回答を引き継げます）。');
  }

  /** Label of an item as the forms print it (`２（４）（サーバ）`), computed by the build. */
  function itemLabel(c, item) { return item.label; }

  /**
   * Inspects the files of one load. `files` are {name, bytes} or {name, text} (or [name, text]);
   * `data` is KENSA_INSPECTION; `today` a Day or `YYYY-MM-DD` (default: today, local time).
   * Vendor forms are judged only with the facility form of the same kind; several facility
   * forms of one kind are several facilities. Returns {findings, sheets}.
   */
  function inspect(data, files, today) {
    if (data.years) A.setYears(data.years);
    today = today == null ? todayLocal() : typeof today === 'string' ? parseDay(today) : today;
    var findings = [];
    var sheets = [];
    files.forEach(function (f) {
      var name = Array.isArray(f) ? f[0] : f.name;
      var input = Array.isArray(f) ? f[1] : f.bytes != null ? f.bytes : f.text;
      var r = readSheet(data, name, input);
      if (r.error) {
        findings.push(r.error);
      } else {
        findings.push.apply(findings, r.notes);
        var older = olderEdition(data, r.sheet, today);
        if (older) findings.push(older);
        sheets.push(r.sheet);
      }
    });
    var kinds = [];
    sheets.forEach(function (s) { if (kinds.indexOf(s.checklist.facility) < 0) kinds.push(s.checklist.facility); });
    // Each return is one facility's set of sheets, shown apart on the page.
    var returns = [];
    kinds.forEach(function (kind) {
      var ofKind = sheets.filter(function (s) { return s.checklist.facility === kind; });
      var facility = ofKind.filter(function (s) { return s.isFacility(); });
      var vendors = ofKind.filter(function (s) { return !s.isFacility(); });
      if (facility.length <= 1) {
        var ret = { facility: facility[0] || null, vendors: vendors, several: [] };
        ofKind.forEach(function (s) { judge(s, ret, today, findings); });
        returns.push(returnOf(kind, ret.facility, vendors));
        return;
      }
      var names = facility.map(function (s) { return s.name; });
      ofKind.forEach(function (s) {
        findings.push(severalFacilitiesFinding(s, names));
        judge(s, { facility: s.isFacility() ? s : null, vendors: s.isFacility() ? [] : [s], several: names }, today, findings);
      });
      facility.forEach(function (s) { returns.push(returnOf(kind, s, [])); });
      if (vendors.length) returns.push(returnOf(kind, null, vendors));
    });
    return {
      findings: findings,
      returns: returns,
      sheets: sheets.map(function (s) {
        return {
          file: s.name,
          checklist: s.checklist.id,
          form: s.checklist.form,
          audience: s.checklist.audience,
          vendor_name: s.vendorName(),
          copy_name: str(get(get(s.answers, 'copy'), 'name'))
        };
      })
    };
  }

  function returnOf(kind, facility, vendors) {
    var any = facility || vendors[0];
    return {
      facility: kind,
      facility_label: any.checklist.facility_label,
      facility_file: facility ? facility.name : null,
      files: (facility ? [facility] : []).concat(vendors).map(function (s) { return s.name; })
    };
  }

  function severalFacilitiesFinding(sheet, names) {
    var form = sheet.checklist.facility_label + '確認用';
    var list = names.map(printable).join('、');
    var message = sheet.isFacility()
      ? '「' + form + '」が複数（' + list + '）あります。それぞれ別の施設の回答として確認しました。同じ施設の控えが重なっていないか確認してください。'
      : '「' + form + '」が複数（' + list + '）あるため、この「' + sheet.checklist.form + '」がどの施設のものか分かりません。ほかの様式の記入では補わずに確認しました。施設ごとに分けて読み込んでください。';
    return fileFinding(sheet.name, sheet.checklist.id, 'onsite', message);
  }

  function judge(sheet, ret, today, findings) {
    var c = sheet.checklist, insp = c.inspection;
    if (!insp) return;
    var who = sheet.who();
    function headingTitle(id) {
      for (var k = 0; k < insp.headings.length; k++) if (insp.headings[k].id === id) return insp.headings[k].title;
      return null;
    }
    function push(rule, status, item, message) {
      findings.push({
        file: sheet.name, checklist: c.id, rule: rule.id, heading: headingTitle(rule.heading),
        status: status, item: item ? item.id : null, message: message, quote: rule.quote
      });
    }
    function ruleOf(kind) {
      for (var k = 0; k < insp.rules.length; k++) if (insp.rules[k].kind === kind) return insp.rules[k];
      return null;
    }
    function about(item) { return who + ' ' + item.label; }
    var j = { sheet: sheet, ret: ret, today: today, who: who, push: push, ruleOf: ruleOf, about: about };

    var gateRule = ruleOf('gate_skips_all');
    if (gateRule && c.gate) {
      var gate = sheet.gate();
      if (gate === 'no') {
        push(gateRule, 'pass', null, who + '：「' + c.gate.label + '」が「いいえ」のため、以下すべての項目は確認不要です。');
        return;
      } else if (gate !== 'yes') {
        push(gateRule, 'fail', null, who + '：「' + c.gate.label + '」が記入されていません。');
      }
    }
    var missing = 0, covered = 0;
    c.items.filter(function (it) { return insp.inspected_phases.indexOf(it.phase) >= 0; }).forEach(function (item) {
      if (exempt(j, item)) return;
      var r = firstRound(j, item);
      if (r === 'missing') missing += 1;
      if (r === 'elsewhere') covered += 1;
      targetDate(j, item);
      onsiteDocuments(j, item, insp);
    });
    var firstRule = ruleOf('first_round_answered');
    if (firstRule && missing === 0 && covered === 0) {
      push(firstRule, 'pass', null, who + '：確認対象の項目すべてに１回目の確認結果が記入されています。');
    }
    vendorSheets(j, insp);
    var refRule = ruleOf('reference_not_inspected');
    if (refRule) {
      var n = c.items.filter(function (it) { return insp.inspected_phases.indexOf(it.phase) < 0; }).length;
      if (n > 0) push(refRule, 'info', null, who + '：参考項目' + n + '件は検査の対象外です。');
    }
  }

  function exempt(j, item) {
    var rule = j.ruleOf('switch_exempts');
    if (!rule || rule.switch == null) return false;
    if (item.unless_switch_off !== rule.switch || j.sheet.switchValue(rule.switch) !== 'no') return false;
    j.push(rule, 'info', item, j.about(item) + '：事業者と契約していないため、確認不要です。');
    return true;
  }

  function firstRound(j, item) {
    var rule = j.ruleOf('first_round_answered');
    if (!rule) return 'answered';
    if (get(j.sheet.item(item.id), 'confirm') === 'reworded') {
      j.push(rule, 'fail', item, j.about(item) + '：前の版から引き継いだ回答ですが、項目の文言が変わったあと、まだ確認されていません。様式のページで内容を確かめて「確認しました」を押すよう求めてください。');
      return 'missing';
    }
    var answer = j.sheet.answer(item.id, 'r1'), day = j.sheet.day(item.id, 'r1'), what;
    if (answer !== null && day !== null) {
      if (day.num <= j.today.num) return 'answered';
      what = '１回目の確認日（' + day + '）が今日（' + j.today + '）より後の日付です。確認した日を記入するよう求めてください。';
    } else if (answer === null && day === null) {
      var other = answeringSheet(j, item);
      var coveredRule = j.ruleOf('covered_by_other_sheets');
      if (other && coveredRule) {
        j.push(coveredRule, 'onsite', item, j.about(item) + '：未記入です。' + other.sheet.who() + 'の' + other.item.label +
          'に記入があります。契約内容によりこの事業者での確認が不要な項目か、確認してください。');
        return 'elsewhere';
      }
      what = '１回目の確認結果（「はい」または「いいえ」と日付）が記入されていません。';
    } else if (answer === null) {
      what = '１回目の「はい」または「いいえ」が記入されていません。';
    } else {
      what = '１回目の確認日が記入されていないか、正しい日付ではありません。';
    }
    j.push(rule, 'fail', item, j.about(item) + '：' + what);
    return 'missing';
  }

  // The first other sheet of the return that answers the same requirement: the facility form's
  // `facility_item`, or the same item of another vendor form of the same checklist.
  function answeringSheet(j, item) {
    if (!j.ruleOf('covered_by_other_sheets')) return null;
    function answered(s, id) {
      var d = s.day(id, 'r1');
      return s.answer(id, 'r1') !== null && d !== null && d.num <= j.today.num;
    }
    var f = j.ret.facility;
    if (f && item.facility_item != null) {
      var fi = f.checklist.items.filter(function (i) { return i.id === item.facility_item; })[0];
      if (fi && answered(f, fi.id)) return { sheet: f, item: fi };
    }
    var vendors = j.ret.vendors;
    for (var k = 0; k < vendors.length; k++) {
      var o = vendors[k];
      if (o.name !== j.sheet.name && o.checklist.id === j.sheet.checklist.id && answered(o, item.id)) return { sheet: o, item: item };
    }
    return null;
  }

  function targetDate(j, item) {
    var rule = j.ruleOf('no_needs_target_date');
    if (!rule || j.sheet.answer(item.id, 'r1') !== 'no') return;
    var target = j.sheet.day(item.id, 'target');
    var phase = j.sheet.checklist.phases.filter(function (p) { return p.id === item.phase; })[0];
    var fy = phase && phase.fiscal_year != null ? phase.fiscal_year : null;
    if (target === null) {
      j.push(rule, 'fail', item, j.about(item) + '：「いいえ」ですが、目標日が記入されていません。');
    } else if (fy !== null) {
      var start = new Day(fy, 4, 1), end = new Day(fy + 1, 3, 31);
      if (target.num < start.num || target.num > end.num) {
        j.push(rule, 'fail', item, j.about(item) + '：目標日（' + target + '）が' + reiwa(fy) + '（' + start + '～' + end +
          '）の日付ではありません。様式は、１回目が「いいえ」の場合に' + reiwa(fy) + '中の対応目標日を記入するよう求めています。');
      }
    }
    var second = j.sheet.answer(item.id, 'r2'), secondDay = j.sheet.day(item.id, 'r2');
    if (secondDay !== null && secondDay.num > j.today.num) secondDay = null;
    if (second === 'yes' && secondDay !== null) {
      j.push(rule, 'info', item, j.about(item) + '：２回目の確認（' + secondDay + '）で「はい」になっています。');
      return;
    }
    if (rule.advice == null) return;
    var m = j.about(item) + '：' + rule.advice;
    if (second === 'yes') m += '（２回目の「はい」には、正しい確認日が記入されていません。）';
    else if (target !== null && target.num < j.today.num) m += '（目標日の' + target + 'を過ぎています。）';
    j.push(rule, 'advice', item, m);
  }

  function onsiteDocuments(j, item, insp) {
    var answer = j.sheet.answer(item.id, 'r1');
    insp.rules.filter(function (r) { return r.kind === 'onsite_document' && (r.keys || []).indexOf(item.key) >= 0; }).forEach(function (rule) {
      var when = rule.when == null ? 'any' : rule.when;
      if (when === 'any' || (when === 'yes' && answer === 'yes')) j.push(rule, 'onsite', item, j.about(item) + '：現物を見て確認してください。');
      if (answer === 'no' && rule.advice != null) j.push(rule, 'advice', item, j.about(item) + '：' + rule.advice);
    });
  }

  function vendorSheets(j, insp) {
    var rule = j.ruleOf('vendor_sheets_required');
    if (!rule) return;
    var sw = rule.switch != null ? rule.switch : 'vendor_contract';
    var own = insp.vendor_checklist != null ? insp.vendor_checklist : null;
    var theirs = j.ret.vendors.filter(function (v) { return own !== null && v.checklist.id === own; }).length;
    var who = j.who, contract = j.sheet.switchValue(sw);
    if (contract === 'yes' && j.ret.several.length) {
      j.push(rule, 'onsite', null, who + '：同じ種類の施設の確認用が複数あるため、どの「事業者確認用」がこの施設のものか分かりません。施設ごとに分けて確認してください。');
    } else if (contract === 'yes' && theirs === 0) {
      j.push(rule, 'fail', null, who + '：事業者と契約していますが、「事業者確認用」が提出されていません。契約しているすべての事業者の「事業者確認用」を確認してください。');
    } else if (contract === 'yes') {
      j.push(rule, 'onsite', null, who + '：「事業者確認用」' + theirs + '件を確認しました。契約している事業者がほかにないか確認してください。');
    } else if (contract === 'no') {
      j.push(rule, 'info', null, who + '：事業者と契約していないため、「事業者確認用」は不要です。');
    } else {
      j.push(rule, 'onsite', null, who + '：事業者との契約の有無が記入されていません。契約している場合は「事業者確認用」を確認してください。');
    }
  }

  function count(report, status) {
    return report.findings.filter(function (f) { return f.status === status; }).length;
  }
  function failed(report) {
    return report.findings.some(function (f) { return f.status === 'fail' || f.status === 'error'; });
  }

  var api = {
    inspect: inspect,
    parseAnswers: parseAnswers,
    validDate: validDate,
    itemLabel: itemLabel,
    printable: printable,
    count: count,
    failed: failed,
    STATUSES: STATUSES,
    STATUS_LABEL: STATUS_LABEL
  };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  if (typeof window === 'undefined' || typeof document === 'undefined') return;
  window.kensaInspect = api;

  // ---------------------------------------------------------------- the report (both pages)
  // Shown in this order: what is missing first, what passes near the end.
  var SHOWN = ['fail', 'onsite', 'advice', 'pass', 'info'];

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) e.className = className;
    if (text != null) e.textContent = text;
    return e;
  }

  function byId(data, id) {
    var lists = data.checklists || [];
    for (var k = 0; k < lists.length; k++) if (lists[k].id === id) return lists[k];
    return null;
  }

  function countsList(report, statuses) {
    var ul = el('ul', 'inspect-counts');
    statuses.forEach(function (s) {
      var li = el('li', 'count count-' + s + (count(report, s) ? '' : ' is-zero'));
      li.appendChild(el('span', 'count-label', STATUS_LABEL[s]));
      li.appendChild(el('span', 'count-number', String(count(report, s))));
      li.appendChild(el('span', 'count-unit', '件'));
      ul.appendChild(li);
    });
    return ul;
  }

  // Groups findings under the 手引き's headings, in the order the checklists list them.
  function groups(data, report) {
    var order = [];
    var byTitle = {};
    function group(title, meta) {
      if (!byTitle[title]) {
        byTitle[title] = { title: title, heading: meta, findings: [] };
        order.push(byTitle[title]);
      }
      return byTitle[title];
    }
    // facility forms first, so ① comes before ②
    var ids = report.sheets.slice().sort(function (a, b) {
      return (a.audience === 'facility' ? 0 : 1) - (b.audience === 'facility' ? 0 : 1);
    }).map(function (s) { return s.checklist; });
    ids.forEach(function (id) {
      var c = byId(data, id);
      if (!c) return;
      c.inspection.headings.forEach(function (h) {
        group(h.title, { anchor: h.anchor, guide: c.guide });
      });
    });
    report.findings.forEach(function (f) {
      if (f.heading === null || f.status === 'error') return;
      group(f.heading, null).findings.push(f);
    });
    return order.filter(function (g) { return g.findings.length; });
  }

  function headingLink(root, g) {
    var guide = g.heading && g.heading.guide;
    if (!guide) return document.createTextNode(g.title);
    var a = el('a', null, g.title);
    a.href = root + guide.url + (g.heading.anchor ? '#' + g.heading.anchor : '');
    return a;
  }

  function itemText(data, f) {
    var c = byId(data, f.checklist);
    if (!c || !f.item) return null;
    for (var k = 0; k < c.items.length; k++) if (c.items[k].id === f.item) return c.items[k].text;
    return null;
  }

  // One heading's findings: by status, then by rule, each rule's 手引き words quoted once.
  // opts.files: add file names; opts.linkItems: link findings to their items on this page.
  function renderGroup(data, root, g, level, opts) {
    var section = el('section', 'inspect-group');
    var h = el('h' + level, 'inspect-group-title');
    h.appendChild(headingLink(root, g));
    section.appendChild(h);
    SHOWN.forEach(function (status) {
      var list = g.findings.filter(function (f) { return f.status === status; });
      if (!list.length) return;
      var block = el('div', 'inspect-status status-' + status);
      block.appendChild(el('h' + (level + 1), 'inspect-status-title', STATUS_LABEL[status] + '（' + list.length + '件）'));
      var rules = [];
      list.forEach(function (f) {
        var key = f.checklist + ' ' + f.rule;
        var r = rules.filter(function (x) { return x.key === key; })[0];
        if (!r) { r = { key: key, quote: f.quote, findings: [] }; rules.push(r); }
        r.findings.push(f);
      });
      // Facility and vendor forms quote the same sentence for some rules: show it once.
      var quoted = {};
      rules.forEach(function (r) {
        var ul = el('ul', 'inspect-findings');
        r.findings.forEach(function (f) {
          var li = el('li', 'finding');
          var msg = el(opts.linkItems && f.item ? 'a' : 'span', 'finding-message', f.message);
          // On a split form the item may be on another of its pages (form.js knows which).
          var stand = opts.linkItems && f.item && window.kensaForm && window.kensaForm.byId[f.item];
          if (opts.linkItems && f.item) msg.href = (stand && stand.off || '') + '#' + f.item;
          li.appendChild(msg);
          var text = itemText(data, f);
          if (text) li.appendChild(el('span', 'finding-item', '項目：' + text));
          if (opts.files) li.appendChild(el('span', 'finding-file', 'ファイル：' + f.file));
          ul.appendChild(li);
        });
        block.appendChild(ul);
        if (r.quote && !quoted[r.quote]) {
          quoted[r.quote] = true;
          var q = el('blockquote', 'inspect-quote');
          q.appendChild(el('span', 'quote-label', '手引き'));
          q.appendChild(el('p', null, r.quote));
          block.appendChild(q);
        }
      });
      section.appendChild(block);
    });
    return section;
  }

  // ---------------------------------------------------------------- the inspection page
  // The report of one load: summary, unreadable files, the files, then the findings by heading.
  function renderReport(data, root, body, report, at) {
    body.textContent = '';
    var summary = el('div', 'inspect-summary');
    var verdict = failed(report)
      ? (count(report, 'fail') ? '記入の不足が' + count(report, 'fail') + '件あります。' : '') +
        (count(report, 'error') ? '読めないファイルが' + count(report, 'error') + '件あります。' : '')
      : '記入の不足はありません。現地で確認する点と助言する点を確認してください。';
    summary.appendChild(el('p', 'inspect-verdict' + (failed(report) ? ' is-failed' : ' is-ok'), verdict));
    summary.appendChild(countsList(report, ['fail', 'onsite', 'advice', 'pass', 'info', 'error']));
    summary.appendChild(el('p', 'inspect-when', '点検日時：' + at.toLocaleString('ja-JP')));
    summary.appendChild(el('p', 'inspect-whose', whose(report.sheets)));
    body.appendChild(summary);

    var errors = report.findings.filter(function (f) { return f.status === 'error'; });
    if (errors.length) {
      var box = el('section', 'inspect-errors');
      box.setAttribute('role', 'alert');
      box.appendChild(el('h3', null, '読めないファイル（' + errors.length + '件）'));
      var ul = el('ul');
      errors.forEach(function (f) {
        var li = el('li');
        li.appendChild(el('strong', 'file-name', f.file));
        li.appendChild(document.createTextNode('：' + f.message));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      body.appendChild(box);
    }

    if (report.sheets.length) {
      var table = el('table', 'inspect-sheets');
      var cap = el('caption', null, '点検したファイル（' + report.sheets.length + '件）');
      table.appendChild(cap);
      var head = el('tr');
      ['ファイル', '様式', '事業者名', '控えの名前'].forEach(function (t) {
        var th = el('th', null, t);
        th.scope = 'col';
        head.appendChild(th);
      });
      var thead = el('thead');
      thead.appendChild(head);
      table.appendChild(thead);
      var tbody = el('tbody');
      report.sheets.forEach(function (s) {
        var tr = el('tr');
        var c = byId(data, s.checklist);
        [s.file, c ? c.title + '（' + c.form + '）' : s.form, s.vendor_name || '—', s.copy_name || '—'].forEach(function (t) {
          tr.appendChild(el('td', null, t));
        });
        tbody.appendChild(tr);
      });
      table.appendChild(tbody);
      body.appendChild(table);
    }

    var notes = report.findings.filter(function (f) { return f.heading === null && f.status !== 'error'; });
    if (notes.length) {
      var n = el('section', 'inspect-group');
      n.appendChild(el('h3', 'inspect-group-title', 'ファイルについて'));
      var nl = el('ul', 'inspect-findings');
      notes.forEach(function (f) {
        var li = el('li', 'finding');
        li.appendChild(el('span', 'finding-message', f.file + '：' + f.message));
        nl.appendChild(li);
      });
      n.appendChild(nl);
      body.appendChild(n);
    }
    // Messages name the form and the vendor; file names are added only when that is not enough.
    var who = report.sheets.map(function (s) { return s.form + '\u0000' + (s.vendor_name || ''); });
    var ambiguous = who.some(function (w, k) { return who.indexOf(w) !== k; });
    if (report.returns.length <= 1) {
      groups(data, report).forEach(function (g) {
        body.appendChild(renderGroup(data, root, g, 3, { files: ambiguous }));
      });
      return;
    }
    // Several facilities in one load: each is judged on its own and shown on its own.
    report.returns.forEach(function (ret, n) {
      body.appendChild(renderReturn(data, root, ret, n, report, ambiguous));
    });
  }

  // Whose return the report is about, first thing on screen and on paper: each facility sheet by
  // its copy's name and file, and the vendors by name (the answers hold no facility name).
  function whose(sheets) {
    var own = sheets.filter(function (s) { return s.audience === 'facility'; }).map(function (s) {
      return s.form + '「' + (s.copy_name || '名前なし') + '」（' + s.file + '）';
    });
    var vendors = sheets.filter(function (s) { return s.audience !== 'facility'; }).map(function (s) { return s.vendor_name || '事業者名なし'; });
    return '点検した回答：' + (own.length ? own.join('、') : '施設の確認用なし') + (vendors.length ? '／事業者確認用：' + vendors.join('、') : '');
  }

  // One facility's part of a load of several.
  function renderReturn(data, root, ret, n, report, ambiguous) {
    var mine = function (x) { return ret.files.indexOf(x.file) >= 0; };
    var part = { sheets: report.sheets.filter(mine), findings: report.findings.filter(mine) };
    var section = el('section', 'inspect-return');
    var title = ret.facility_file
      ? '施設' + (n + 1) + '：' + ret.facility_label + '（' + ret.facility_file + '）'
      : 'どの施設のものか分からない「事業者確認用」（' + ret.facility_label + '）';
    section.appendChild(el('h3', 'inspect-return-title', title));
    var fails = count(part, 'fail');
    section.appendChild(el('p', 'inspect-return-verdict' + (fails ? ' is-failed' : ' is-ok'),
      (fails ? '記入の不足が' + fails + '件あります。' : '記入の不足はありません。') + 'ファイル：' + ret.files.join('、')));
    groups(data, part).forEach(function (g) {
      section.appendChild(renderGroup(data, root, g, 4, { files: ambiguous }));
    });
    return section;
  }

  // The report as a file, for the inspector's records.
  function saveReport(data, last, statusLine) {
    if (!last) return;
    var r = last.report;
    var counts = {};
    STATUSES.forEach(function (s) { counts[s] = count(r, s); });
    var doc = {
      format: 'kensa-inspection',
      format_version: 1,
      generator: data.generator,
      inspected_at: last.at.toISOString(),
      files: r.sheets,
      failed: failed(r),
      counts: counts,
      findings: r.findings
    };
    var a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 2) + '\n'], { type: 'application/json' }));
    // The local date and time: a report saved before 9:00 in Japan is named after that day.
    var t = last.at, pad = function (v) { return (v < 10 ? '0' : '') + v; };
    var stamp = t.getFullYear() + pad(t.getMonth() + 1) + pad(t.getDate()) + '-' + pad(t.getHours()) + pad(t.getMinutes());
    a.download = 'kensa-inspection-' + stamp + '.json';
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 5000);
    statusLine.textContent = '点検結果を ' + a.download + ' として保存しました。';
  }

  // Files dropped anywhere on the page are read; the browser must not open them instead.
  function acceptDrops(zone, add) {
    var depth = 0;
    function hasFiles(e) {
      return e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types || [], 'Files') >= 0;
    }
    document.addEventListener('dragenter', function (e) {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth++;
      zone.classList.add('is-dragover');
    });
    document.addEventListener('dragleave', function (e) {
      if (!hasFiles(e)) return;
      if (--depth <= 0) { depth = 0; zone.classList.remove('is-dragover'); }
    });
    document.addEventListener('dragover', function (e) {
      if (!hasFiles(e)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    });
    document.addEventListener('drop', function (e) {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      zone.classList.remove('is-dragover');
      add(e.dataTransfer.files);
    });
  }

  function inspectionPage(data, load) {
    var root = load.getAttribute('data-root') || '';
    var input = document.getElementById('inspect-files');
    var zone = document.getElementById('drop-zone');
    var listBox = document.getElementById('inspect-file-list');
    var listItems = document.getElementById('inspect-file-items');
    var statusLine = document.getElementById('inspect-status');
    var reportBox = document.getElementById('inspect-report');
    var body = document.getElementById('inspect-report-body');
    var files = [];
    var last = null;

    // The engine reads the bytes as the CLI does: a BOM skipped, text that is not UTF-8 refused.
    function decode(buffer) { return new Uint8Array(buffer); }
    function readFile(file) {
      if (file.arrayBuffer) return file.arrayBuffer().then(decode);
      return new Promise(function (resolve, reject) {
        var r = new FileReader();
        r.onload = function () { resolve(decode(r.result)); };
        r.onerror = function () { reject(r.error); };
        r.readAsArrayBuffer(file);
      });
    }
    function add(fileList) {
      var picked = Array.prototype.slice.call(fileList || []);
      if (!picked.length) return;
      statusLine.textContent = '読み込んでいます…';
      Promise.all(picked.map(function (f) {
        return readFile(f).then(function (bytes) { return { name: f.name, bytes: bytes }; }, function () {
          return { name: f.name, bytes: null };
        });
      })).then(function (read) {
        var unreadable = [];
        read.forEach(function (f) {
          if (f.bytes === null) { unreadable.push(f.name); return; }
          // The engine tells files apart by name: a file of the same name replaces the old one.
          files = files.filter(function (x) { return x.name !== f.name; });
          files.push(f);
        });
        run();
        statusLine.textContent = (unreadable.length ? 'ファイル ' + unreadable.join('、') + ' を開けませんでした。' : '') +
          (read.length - unreadable.length) + '件のファイルを読み込みました。点検結果を更新しました。';
      });
    }
    function remove(name) {
      files = files.filter(function (x) { return x.name !== name; });
      run();
      statusLine.textContent = name + ' を取り除きました。';
    }

    function renderFileList() {
      listItems.textContent = '';
      listBox.hidden = !files.length;
      files.forEach(function (f) {
        var li = el('li');
        li.appendChild(el('span', 'file-name', f.name));
        var b = el('button', 'file-remove', '取り除く');
        b.type = 'button';
        b.setAttribute('aria-label', f.name + ' を取り除く');
        b.addEventListener('click', function () { remove(f.name); });
        li.appendChild(b);
        listItems.appendChild(li);
      });
    }

    function run() {
      renderFileList();
      if (!files.length) {
        last = null;
        reportBox.hidden = true;
        body.textContent = '';
        return;
      }
      var report = inspect(data, files);
      last = { report: report, at: new Date() };
      renderReport(data, root, body, report, last.at);
      reportBox.hidden = false;
    }

    input.addEventListener('change', function () {
      add(input.files);
      input.value = '';
    });
    document.getElementById('inspect-clear').addEventListener('click', function () {
      files = [];
      run();
      statusLine.textContent = 'ファイルをすべて取り除きました。';
      input.focus();
    });
    document.getElementById('inspect-print').addEventListener('click', function () { window.print(); });
    document.getElementById('inspect-save').addEventListener('click', function () { saveReport(data, last, statusLine); });
    acceptDrops(zone, add);
    load.hidden = false;
  }

  // ---------------------------------------------------------------- 事前確認 on a checklist page
  function half(s) {
    return String(s == null ? '' : s).replace(/[０-９]/g, function (ch) {
      return String.fromCharCode(ch.charCodeAt(0) - 0xfee0);
    }).trim();
  }
  function isoDate(y, m, d) {
    if (!/^\d{4}$/.test(y) || !/^\d{1,2}$/.test(m) || !/^\d{1,2}$/.test(d)) return null;
    var s = y + '-' + (m.length < 2 ? '0' : '') + m + '-' + (d.length < 2 ? '0' : '') + d;
    return validDate(s) ? s : null;
  }

  // The form's current state, read from its inputs (names: docs/answers-format.md). Used when
  // form.js has not told us the state through its `kensa:change` event.
  function stateFromForm(form, c) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (e) {
      if (!e.name) return;
      if (e.type === 'radio') { if (e.checked) values[e.name] = e.value; } else values[e.name] = e.value;
    });
    function v(name) { return Object.prototype.hasOwnProperty.call(values, name) && values[name] !== '' ? values[name] : null; }
    var s = { fields: {}, gate: v('gate'), switches: {}, items: {} };
    Object.keys(values).forEach(function (k) { if (k.indexOf('field:') === 0) s.fields[k.slice(6)] = values[k]; });
    c.switches.forEach(function (sw) { s.switches[sw.id] = v('switch:' + sw.id); });
    c.items.forEach(function (it) {
      var a = {};
      ['r1', 'target', 'r2'].forEach(function (r) {
        var o = {};
        if (r !== 'target') o.answer = v(it.id + ':' + r);
        o.date = isoDate(half(values[it.id + ':' + r + ':y']), half(values[it.id + ':' + r + ':m']), half(values[it.id + ':' + r + ':d']));
        a[r] = o;
      });
      s.items[it.id] = a;
    });
    return s;
  }

  // The form's state as a complete answer file, so the engine reads it like an exported one. It
  // is never written anywhere; a fixed time keeps it equal while the answers are.
  var PREVIEW_TIME = '2000-01-01T00:00:00.000Z';
  function previewDoc(c, s) {
    function ans(v) { return v === 'yes' || v === 'no' ? v : null; }
    function date(v) { return typeof v === 'string' && DATE_SHAPE.test(v) ? v : null; }
    var fields = {}, switches = {}, items = {};
    c.form_fields.forEach(function (id) { if (s.fields && typeof s.fields[id] === 'string') fields[id] = s.fields[id]; });
    c.switches.forEach(function (sw) { switches[sw.id] = ans(get(s.switches, sw.id)); });
    c.items.forEach(function (it) {
      var a = get(s.items, it.id) || {};
      items[it.id] = {
        r1: { answer: ans(get(a.r1, 'answer')), date: date(get(a.r1, 'date')) },
        target: { date: date(get(a.target, 'date')) },
        r2: { answer: ans(get(a.r2, 'answer')), date: date(get(a.r2, 'date')) },
        note: '',
        status: 'applicable'
      };
    });
    return {
      format: ANSWERS_FORMAT, format_version: ANSWERS_FORMAT_VERSION, generator: 'kensa form',
      checklist: { id: c.id, edition: c.edition, definition_hash: c.definition_hash },
      updated_at: PREVIEW_TIME, fields: fields, gate: ans(s.gate), switches: switches, items: items
    };
  }

  function preview(data, section) {
    var c = byId(data, section.getAttribute('data-checklist-id'));
    var form = document.getElementById('checklist-form');
    var body = document.getElementById('inspect-preview-body');
    if (!c || !c.inspection || !form || !body) return;
    var root = section.getAttribute('data-root') || '';
    var lastText = null;
    var state = null;

    function hasControls() {
      return !!(form.elements.namedItem('gate') || form.querySelector('[name$=":r1"]'));
    }
    function update() {
      if (!state && !hasControls()) { section.hidden = true; return; } // form.js absent
      var s = state || stateFromForm(form, c);
      var doc = previewDoc(c, s);
      var text = JSON.stringify(doc);
      if (text === lastText) return;
      lastText = text;
      var report = inspect(data, [{ name: c.form, text: text }]);
      body.textContent = '';
      body.appendChild(el('p', 'hint', 'いま入力されている内容を、立入検査の手引きに沿って自動で確認した結果です。入力に合わせて更新されます。'));
      body.appendChild(el('p', 'hint', c.audience === 'vendor'
        ? '検査では、施設の確認用やほかの事業者の事業者確認用とあわせて確認します。空欄の項目も、ほかの様式に記入があれば問題なしとされます。'
        : '事業者と契約している場合、検査では、事業者ごとに記入された「事業者確認用」もあわせて確認します。'));
      body.appendChild(countsList(report, ['fail', 'onsite', 'advice', 'pass']));
      groups(data, report).forEach(function (g) {
        body.appendChild(renderGroup(data, root, g, 3, { linkItems: true }));
      });
      section.hidden = false;
    }
    form.addEventListener('kensa:change', function (e) {
      if (e.detail && typeof e.detail === 'object') state = e.detail;
      update();
    });
    ['input', 'change'].forEach(function (type) {
      form.addEventListener(type, function () { if (!state) update(); });
    });
    update();
  }

  function start() {
    var data = window.KENSA_INSPECTION;
    var load = document.getElementById('inspect-load');
    var pre = document.getElementById('inspect-preview');
    if (!data) {
      if (load) {
        var p = el('p', 'form-alert', '点検に必要なデータ（inspection-data.js）を読み込めませんでした。サイトのファイルがすべてそろっているか確認してください。');
        p.setAttribute('role', 'alert');
        load.parentNode.insertBefore(p, load);
      }
      return;
    }
    if (load) inspectionPage(data, load);
    if (pre) preview(data, pre);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
