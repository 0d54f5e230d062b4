// Inspection: checks a facility's answer files against the 立入検査の手引き, in the browser.
// The engine is a port of src/inspect.rs and must give the same findings and messages: both
// are tested against tests/inspection/vectors.json (tests/browser/inspect.test.js).
// The checklist definitions come from assets/inspection-data.js (global KENSA_INSPECTION).
// A plain classic script, usable from file:// and from node (module.exports); it reads files
// the user picks and sends nothing anywhere.
(function () {
  'use strict';

  var ANSWERS_FORMAT = 'kensa-answers';
  var ANSWERS_FORMAT_VERSION = 1n;
  var STATUSES = ['error', 'fail', 'onsite', 'advice', 'info', 'pass'];
  var STATUS_LABEL = {
    error: '読めないファイル',
    fail: '不足',
    onsite: '現地で確認',
    advice: '助言',
    info: '参考',
    pass: '適合'
  };

  // ---------------------------------------------------------------- JSON as serde_json reads it
  // The Rust engine reads answer files with serde_json; JSON.parse accepts some files serde_json
  // refuses (lone surrogate escapes, nesting deeper than 128) and reports errors differently.
  // This reader follows serde_json byte for byte, so a broken file gets the same verdict and
  // the same line and column (counted in UTF-8 bytes, as serde_json does).

  function JsonNumber(u64) {
    this.u64 = u64; // BigInt when serde_json would hold a u64, else null
  }

  function SyntaxAt(line, column) {
    this.line = line;
    this.column = column;
  }

  var POW10 = [];
  for (var p = 0; p <= 308; p++) POW10.push(Number('1e' + p));
  var U64_MAX = 18446744073709551615n;
  var I32_MAX = 2147483647;

  function utf8(text) {
    return new TextEncoder().encode(text);
  }

  function parseJson(text) {
    var b = utf8(text);
    var n = b.length;
    var i = 0;
    var depth = 128;
    // ignoreBOM: a U+FEFF inside a string is text to serde_json, not a byte order mark.
    var decoder = new TextDecoder('utf-8', { ignoreBOM: true });

    function position(at) {
      var start = 0;
      for (var k = at - 1; k >= 0; k--) {
        if (b[k] === 10) { start = k + 1; break; }
      }
      var line = 1;
      for (var j = 0; j < start; j++) if (b[j] === 10) line++;
      return new SyntaxAt(line, at - start);
    }
    // serde_json's `error` (after consuming the offending byte) and `peek_error`.
    function error() { throw position(i); }
    function peekError() { throw position(Math.min(n, i + 1)); }
    function peek() { return i < n ? b[i] : -1; }
    function whitespace() {
      while (i < n && (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x09 || b[i] === 0x0d)) i++;
      return peek();
    }
    function isDigit(c) { return c >= 0x30 && c <= 0x39; }
    function overflows(sig, digit) {
      var c10 = U64_MAX / 10n;
      return sig >= c10 && (sig > c10 || BigInt(digit) > U64_MAX % 10n);
    }

    function ident(rest) {
      for (var k = 0; k < rest.length; k++) {
        if (i >= n) error();
        var c = b[i++];
        if (c !== rest.charCodeAt(k)) error();
      }
    }

    function fromParts(sig, exponent) {
      var f = Number(sig);
      for (;;) {
        var abs = exponent < 0 ? -exponent : exponent;
        if (abs <= 308) {
          if (exponent >= 0) {
            f *= POW10[abs];
            if (!isFinite(f)) error();
          } else {
            f /= POW10[abs];
          }
          return;
        }
        if (f === 0) return;
        if (exponent >= 0) error();
        f /= 1e308;
        exponent += 308;
      }
    }

    function exponentPart(sig, startingExp) {
      i++; // e or E
      var positiveExp = true;
      if (peek() === 0x2b) { i++; } else if (peek() === 0x2d) { i++; positiveExp = false; }
      if (i >= n) error();
      var c = b[i++];
      if (!isDigit(c)) error();
      var exp = c - 0x30;
      while (isDigit(peek())) {
        var digit = b[i++] - 0x30;
        if (exp >= Math.floor(I32_MAX / 10) && (exp > Math.floor(I32_MAX / 10) || digit > I32_MAX % 10)) {
          if (sig !== 0n && positiveExp) error();
          while (isDigit(peek())) i++;
          return;
        }
        exp = exp * 10 + digit;
      }
      var finalExp = positiveExp ? startingExp + exp : startingExp - exp;
      if (finalExp > I32_MAX) finalExp = I32_MAX;
      if (finalExp < -I32_MAX - 1) finalExp = -I32_MAX - 1;
      fromParts(sig, finalExp);
    }

    function decimalPart(sig, expBefore) {
      i++; // .
      var after = 0;
      while (isDigit(peek())) {
        var digit = b[i] - 0x30;
        if (overflows(sig, digit)) {
          while (isDigit(peek())) i++;
          if (peek() === 0x65 || peek() === 0x45) exponentPart(sig, expBefore + after);
          else fromParts(sig, expBefore + after);
          return;
        }
        i++;
        sig = sig * 10n + BigInt(digit);
        after -= 1;
      }
      if (after === 0) peekError();
      var exponent = expBefore + after;
      if (peek() === 0x65 || peek() === 0x45) exponentPart(sig, exponent);
      else fromParts(sig, exponent);
    }

    // Returns the number, keeping only what the engine asks of numbers: is it a u64?
    function number(positive) {
      if (i >= n) error();
      var c = b[i++];
      var sig;
      if (c === 0x30) {
        if (isDigit(peek())) peekError();
        sig = 0n;
      } else if (c >= 0x31 && c <= 0x39) {
        sig = BigInt(c - 0x30);
        while (isDigit(peek())) {
          var digit = b[i] - 0x30;
          if (overflows(sig, digit)) {
            var exponent = 0;
            while (isDigit(peek())) { i++; exponent++; }
            if (peek() === 0x2e) decimalPart(sig, exponent);
            else if (peek() === 0x65 || peek() === 0x45) exponentPart(sig, exponent);
            else fromParts(sig, exponent);
            return new JsonNumber(null);
          }
          i++;
          sig = sig * 10n + BigInt(digit);
        }
      } else {
        error();
      }
      if (peek() === 0x2e) { decimalPart(sig, 0); return new JsonNumber(null); }
      if (peek() === 0x65 || peek() === 0x45) { exponentPart(sig, 0); return new JsonNumber(null); }
      return new JsonNumber(positive ? sig : null);
    }

    function hex4() {
      if (n - i < 4) { i = n; error(); }
      var v = 0;
      for (var k = 0; k < 4; k++) {
        var c = b[i + k], d;
        if (c >= 0x30 && c <= 0x39) d = c - 0x30;
        else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
        else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
        else d = -1;
        if (d < 0) { i += 4; error(); }
        v = v * 16 + d;
      }
      i += 4;
      return v;
    }

    function string() {
      var out = '';
      var start = i;
      for (;;) {
        while (i < n && b[i] !== 0x22 && b[i] !== 0x5c && b[i] >= 0x20) i++;
        if (i === n) error();
        var c = b[i];
        if (c === 0x22) {
          out += decoder.decode(b.subarray(start, i));
          i++;
          return out;
        }
        if (c === 0x5c) {
          out += decoder.decode(b.subarray(start, i));
          i++;
          if (i >= n) error();
          var e = b[i++];
          switch (e) {
            case 0x22: out += '"'; break;
            case 0x5c: out += '\\'; break;
            case 0x2f: out += '/'; break;
            case 0x62: out += '\b'; break;
            case 0x66: out += '\f'; break;
            case 0x6e: out += '\n'; break;
            case 0x72: out += '\r'; break;
            case 0x74: out += '\t'; break;
            case 0x75: {
              var u = hex4();
              if (u >= 0xdc00 && u <= 0xdfff) error();
              if (u < 0xd800 || u > 0xdbff) {
                out += String.fromCharCode(u);
              } else {
                if (i >= n) error();
                var was = b[i++];
                if (was !== 0x5c) error();
                if (i >= n) error();
                was = b[i++];
                if (was !== 0x75) error();
                var u2 = hex4();
                if (u2 < 0xdc00 || u2 > 0xdfff) error();
                out += String.fromCharCode(u, u2);
              }
              break;
            }
            default: error();
          }
          start = i;
          continue;
        }
        i++; // a control character
        error();
      }
    }

    function value() {
      var c = whitespace();
      if (c < 0) peekError();
      switch (c) {
        case 0x6e: i++; ident('ull'); return null;
        case 0x74: i++; ident('rue'); return true;
        case 0x66: i++; ident('alse'); return false;
        case 0x2d: i++; return number(false);
        case 0x22: i++; return string();
        case 0x5b: {
          if (--depth === 0) peekError();
          i++;
          var arr = [];
          var first = true;
          for (;;) {
            var t = whitespace();
            if (t < 0) peekError();
            if (t === 0x5d) break;
            if (first) {
              first = false;
            } else if (t === 0x2c) {
              i++;
              var after = whitespace();
              if (after === 0x5d || after < 0) peekError();
            } else {
              peekError();
            }
            arr.push(value());
          }
          depth++;
          i++; // ]
          return arr;
        }
        case 0x7b: {
          if (--depth === 0) peekError();
          i++;
          var map = new Map();
          var firstKey = true;
          for (;;) {
            var k = whitespace();
            if (k < 0) peekError();
            if (k === 0x7d) break;
            if (firstKey) {
              firstKey = false;
              if (k !== 0x22) peekError();
            } else if (k === 0x2c) {
              i++;
              var next = whitespace();
              if (next !== 0x22) peekError();
            } else {
              peekError();
            }
            i++; // "
            var key = string();
            if (whitespace() !== 0x3a) peekError();
            i++;
            map.set(key, value());
          }
          depth++;
          i++; // }
          return map;
        }
        default:
          if (isDigit(c)) return number(true);
          peekError();
      }
    }

    var result = value();
    if (whitespace() >= 0) peekError();
    return result;
  }

  // serde_json::Value accessors: `get` only looks into objects, `as_str` only returns strings.
  function get(v, key) {
    return v instanceof Map ? v.get(key) : undefined;
  }
  function str(v) {
    return typeof v === 'string' ? v : null;
  }
  function u64(v) {
    return v instanceof JsonNumber ? v.u64 : null;
  }

  // Rust's char::is_whitespace (Unicode White_Space), which differs from JS's \s.
  var RUST_SPACE = /^[\t\n\x0b\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/;

  // BTreeMap order: by code point (UTF-16 order differs above U+FFFF).
  function byCodePoint(a, b) {
    var x = Array.from(a), y = Array.from(b);
    for (var k = 0; k < x.length && k < y.length; k++) {
      var d = x[k].codePointAt(0) - y[k].codePointAt(0);
      if (d) return d;
    }
    return x.length - y.length;
  }

  // ---------------------------------------------------------------- the engine (src/inspect.rs)

  /** `YYYY-MM-DD` naming a real day (same as Rust's `valid_date`, which accepts "+1" parts). */
  function validDate(s) {
    if (typeof s !== 'string') return false;
    var parts = s.split('-');
    if (parts.length !== 3 || utf8(parts[0]).length !== 4 || utf8(parts[1]).length !== 2 || utf8(parts[2]).length !== 2) return false;
    if (!parts.every(function (x) { return /^\+?[0-9]+$/.test(x); })) return false;
    var y = +parts[0], m = +parts[1], d = +parts[2];
    var leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    var days;
    if ([1, 3, 5, 7, 8, 10, 12].indexOf(m) >= 0) days = 31;
    else if ([4, 6, 9, 11].indexOf(m) >= 0) days = 30;
    else if (m === 2) days = leap ? 29 : 28;
    else return false;
    return d >= 1 && d <= days && y >= 1900;
  }

  function Sheet(name, checklist, answers) {
    this.name = name;
    this.checklist = checklist;
    this.answers = answers;
  }
  Sheet.prototype.item = function (id) { return get(get(this.answers, 'items'), id); };
  Sheet.prototype.answer = function (id, round) {
    return str(get(get(this.item(id), round), 'answer'));
  };
  Sheet.prototype.date = function (id, round) {
    var d = str(get(get(this.item(id), round), 'date'));
    return d !== null && validDate(d) ? d : null;
  };
  Sheet.prototype.switchValue = function (id) { return str(get(get(this.answers, 'switches'), id)); };
  Sheet.prototype.gate = function () { return str(get(this.answers, 'gate')); };
  Sheet.prototype.vendorName = function () {
    var v = str(get(get(this.answers, 'fields'), 'vendor_name'));
    return v !== null && !RUST_SPACE.test(v) ? v : null;
  };

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

  function readSheet(data, name, text) {
    function err(m) { return { error: fileFinding(name, null, 'error', m) }; }
    var answers;
    try {
      answers = parseJson(text);
    } catch (e) {
      if (!(e instanceof SyntaxAt)) throw e;
      return err('JSONとして読めません（' + e.line + '行' + e.column + '列）。ファイルが壊れていないか確認してください。');
    }
    if (str(get(answers, 'format')) !== ANSWERS_FORMAT) {
      return err('チェックリストの回答ファイルではありません（format が kensa-answers ではありません）。');
    }
    var version = u64(get(answers, 'format_version'));
    if (version === null) version = 0n;
    if (version === 0n || version > ANSWERS_FORMAT_VERSION) {
      return err('回答ファイルの形式バージョン ' + version + ' には対応していません（対応：' + ANSWERS_FORMAT_VERSION + '）。新しい版のサイトで確認してください。');
    }
    var id = str(get(get(answers, 'checklist'), 'id'));
    if (id === null) id = '';
    var checklist = findChecklist(data, id);
    if (!checklist) return err('チェックリスト「' + id + '」はこのサイトにありません。');
    if (!checklist.inspection) {
      return { error: fileFinding(name, id, 'error', '「' + checklist.title + '（' + checklist.form + '）」は立入検査の対象ではありません。') };
    }
    var notes = [];
    var items = get(answers, 'items');
    if (items instanceof Map) {
      var unknown = Array.from(items.keys()).filter(function (k) {
        return !checklist.items.some(function (it) { return it.id === k; });
      }).sort(byCodePoint);
      if (unknown.length) {
        return { error: fileFinding(name, id, 'error', 'このチェックリストにない項目があります：' + unknown.join('、') + '。別の版のファイルではないか確認してください。') };
      }
    }
    var hash = str(get(get(answers, 'checklist'), 'definition_hash'));
    if (hash !== null && hash !== checklist.definition_hash) {
      notes.push(fileFinding(name, id, 'info', 'このファイルは、現在とは異なる版のチェックリスト定義で記入されています。項目の文言が変わっていないか確認してください。'));
    }
    return { sheet: new Sheet(name, checklist, answers), notes: notes };
  }

  /** Label of an item as the forms print it: `２（４）（サーバ）`. */
  function itemLabel(c, item) {
    var section = '';
    for (var k = 0; k < c.sections.length; k++) {
      if (c.sections[k].id === item.section) { section = c.sections[k].number; break; }
    }
    var target = '';
    if (item.target != null) {
      for (k = 0; k < c.targets.length; k++) {
        if (c.targets[k].id === item.target) { target = '（' + c.targets[k].text.split('について')[0] + '）'; break; }
      }
    }
    return section + item.number + target;
  }

  function inspectSheet(sheet, facility, vendors, findings) {
    var c = sheet.checklist;
    var insp = c.inspection;
    if (!insp) return;
    function headingTitle(id) {
      for (var k = 0; k < insp.headings.length; k++) if (insp.headings[k].id === id) return insp.headings[k].title;
      return null;
    }
    function push(rule, status, item, message) {
      findings.push({
        file: sheet.name,
        checklist: c.id,
        rule: rule.id,
        heading: headingTitle(rule.heading),
        status: status,
        item: item ? item.id : null,
        message: message,
        quote: rule.quote
      });
    }
    function ruleOf(kind) {
      for (var k = 0; k < insp.rules.length; k++) if (insp.rules[k].kind === kind) return insp.rules[k];
      return null;
    }
    function whoOf(s) {
      var v = s.vendorName();
      return v !== null ? '「' + s.checklist.form + '」（' + v + '）' : '「' + s.checklist.form + '」';
    }
    var who = whoOf(sheet);

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

    var exemptRule = ruleOf('switch_exempts');
    var exemptSwitch = exemptRule && exemptRule.switch != null ? exemptRule.switch : null;
    var coveredRule = ruleOf('covered_by_other_sheets');
    var firstRule = ruleOf('first_round_answered');
    var targetRule = ruleOf('no_needs_target_date');
    var missing = 0;
    c.items.filter(function (it) { return insp.inspected_phases.indexOf(it.phase) >= 0; }).forEach(function (item) {
      var label = itemLabel(c, item);
      if (item.unless_switch_off != null && exemptSwitch !== null) {
        if (item.unless_switch_off === exemptSwitch && sheet.switchValue(exemptSwitch) === 'no') {
          push(exemptRule, 'info', item, who + ' ' + label + '：事業者と契約していないため、確認不要です。');
          return;
        }
      }
      var answer = sheet.answer(item.id, 'r1');
      var date = sheet.date(item.id, 'r1');
      if (firstRule && (answer === null || date === null)) {
        var coveredBy = null;
        if (coveredRule && answer === null) {
          var others = (facility ? [facility] : []).concat(vendors).filter(function (o) { return o.name !== sheet.name; });
          for (var k = 0; k < others.length; k++) {
            if (others[k].answer(item.id, 'r1') !== null && others[k].date(item.id, 'r1') !== null) { coveredBy = others[k]; break; }
          }
        }
        if (coveredBy && coveredRule) {
          push(coveredRule, 'pass', item, who + ' ' + label + '：未記入ですが、' + whoOf(coveredBy) + 'に記入があるため問題ありません。');
        } else {
          missing += 1;
          var what = answer === null && date === null ? '１回目の確認結果（「はい」または「いいえ」と日付）が記入されていません。'
            : answer === null ? '１回目の「はい」または「いいえ」が記入されていません。'
              : '１回目の確認日が記入されていないか、正しい日付ではありません。';
          push(firstRule, 'fail', item, who + ' ' + label + '：' + what);
        }
      }
      if (answer === 'no' && targetRule) {
        if (sheet.date(item.id, 'target') === null) {
          push(targetRule, 'fail', item, who + ' ' + label + '：「いいえ」ですが、目標日が記入されていません。');
        }
        if (targetRule.advice != null) push(targetRule, 'advice', item, who + ' ' + label + '：' + targetRule.advice);
      }
      insp.rules.filter(function (r) { return r.kind === 'onsite_document' && (r.keys || []).indexOf(item.key) >= 0; }).forEach(function (rule) {
        var when = rule.when == null ? 'any' : rule.when;
        if (when === 'any' || (when === 'yes' && answer === 'yes')) {
          push(rule, 'onsite', item, who + ' ' + label + '：現物を見て確認してください。');
        }
        if (answer === 'no' && rule.advice != null) push(rule, 'advice', item, who + ' ' + label + '：' + rule.advice);
      });
    });
    if (missing === 0 && firstRule) {
      push(firstRule, 'pass', null, who + '：確認対象の項目すべてに１回目の確認結果が記入されています。');
    }
    var vendorRule = ruleOf('vendor_sheets_required');
    if (vendorRule) {
      var sw = vendorRule.switch != null ? vendorRule.switch : 'vendor_contract';
      var ownVendor = insp.vendor_checklist != null ? insp.vendor_checklist : null;
      var theirs = vendors.filter(function (v) { return ownVendor !== null && v.checklist.id === ownVendor; });
      var contract = sheet.switchValue(sw);
      if (contract === 'yes' && theirs.length === 0) {
        push(vendorRule, 'fail', null, who + '：事業者と契約していますが、「事業者確認用」が提出されていません。契約しているすべての事業者の「事業者確認用」を確認してください。');
      } else if (contract === 'yes') {
        push(vendorRule, 'onsite', null, who + '：「事業者確認用」' + theirs.length + '件を確認しました。契約している事業者がほかにないか確認してください。');
      } else if (contract === 'no') {
        push(vendorRule, 'info', null, who + '：事業者と契約していないため、「事業者確認用」は不要です。');
      } else {
        push(vendorRule, 'onsite', null, who + '：事業者との契約の有無が記入されていません。契約している場合は「事業者確認用」を確認してください。');
      }
    }
    var refRule = ruleOf('reference_not_inspected');
    if (refRule) {
      var count = c.items.filter(function (it) { return insp.inspected_phases.indexOf(it.phase) < 0; }).length;
      if (count > 0) push(refRule, 'info', null, who + '：参考項目' + count + '件は検査の対象外です。');
    }
  }

  /**
   * Inspects the files of one facility: its own form and any number of vendor forms.
   * `files` are {name, text} (or [name, text]); `data` is KENSA_INSPECTION.
   * Returns {findings, sheets}: findings as `kensa inspect --format json` prints them.
   */
  function inspect(data, files) {
    var findings = [];
    var sheets = [];
    files.forEach(function (f) {
      var name = Array.isArray(f) ? f[0] : f.name;
      var text = Array.isArray(f) ? f[1] : f.text;
      var r = readSheet(data, name, text);
      if (r.error) {
        findings.push(r.error);
      } else {
        findings.push.apply(findings, r.notes);
        sheets.push(r.sheet);
      }
    });
    var facility = sheets.filter(function (s) { return s.checklist.audience === 'facility'; });
    var vendors = sheets.filter(function (s) { return s.checklist.audience === 'vendor'; });
    facility.slice(1).forEach(function (s) {
      findings.push(fileFinding(s.name, s.checklist.id, 'error', '同じ施設の確認用チェックリストが複数あります。施設ごとに分けて検査してください。'));
    });
    sheets.forEach(function (s) { inspectSheet(s, facility[0] || null, vendors, findings); });
    return {
      findings: findings,
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

  function count(report, status) {
    return report.findings.filter(function (f) { return f.status === status; }).length;
  }
  function failed(report) {
    return report.findings.some(function (f) { return f.status === 'fail' || f.status === 'error'; });
  }

  var api = {
    inspect: inspect,
    parseJson: parseJson,
    validDate: validDate,
    itemLabel: itemLabel,
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

    function decode(buffer) {
      // Like the CLI (String::from_utf8_lossy): a BOM is kept, so the verdict is the same.
      return new TextDecoder('utf-8', { ignoreBOM: true }).decode(buffer);
    }
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
        return readFile(f).then(function (text) { return { name: f.name, text: text }; }, function () {
          return { name: f.name, text: null };
        });
      })).then(function (read) {
        var unreadable = [];
        read.forEach(function (f) {
          if (f.text === null) { unreadable.push(f.name); return; }
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
      render(report, last.at);
      reportBox.hidden = false;
    }

    function render(report, at) {
      body.textContent = '';
      var summary = el('div', 'inspect-summary');
      var verdict = failed(report)
        ? (count(report, 'fail') ? '記入の不足が' + count(report, 'fail') + '件あります。' : '') +
          (count(report, 'error') ? '読めないファイルが' + count(report, 'error') + '件あります。' : '')
        : '記入の不足はありません。現地で確認する点と助言する点を確認してください。';
      summary.appendChild(el('p', 'inspect-verdict' + (failed(report) ? ' is-failed' : ' is-ok'), verdict));
      summary.appendChild(countsList(report, ['fail', 'onsite', 'advice', 'pass', 'info', 'error']));
      summary.appendChild(el('p', 'inspect-when', '点検日時：' + at.toLocaleString('ja-JP')));
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
      groups(data, report).forEach(function (g) {
        body.appendChild(renderGroup(data, root, g, 3, { files: ambiguous }));
      });
    }

    function save() {
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
      var stamp = last.at.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
      a.download = 'kensa-inspection-' + stamp + '.json';
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 5000);
      statusLine.textContent = '点検結果を ' + a.download + ' として保存しました。';
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
    document.getElementById('inspect-save').addEventListener('click', save);

    // Files dropped anywhere on the page are read; the browser must not open them instead.
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
      var doc = {
        format: ANSWERS_FORMAT,
        format_version: 1,
        checklist: { id: c.id, edition: c.edition, definition_hash: c.definition_hash },
        fields: s.fields || {},
        gate: s.gate == null ? null : s.gate,
        switches: s.switches || {},
        items: s.items || {}
      };
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
