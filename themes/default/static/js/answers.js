// Reading answer files (`kensa-answers`, docs/answers-format.md): bytes to a checked document.
// A port of src/answers.rs with the same rules and messages, shared by the form's import
// (form-files.js), the inspection page and the 事前確認 (inspect.js), so that the form never
// imports a file that `kensa inspect` calls invalid. tests/browser/inspect-differential.test.js
// proves the two readers agree. A plain classic script, usable from file:// and from node.
(function () {
  'use strict';

  var ANSWERS_FORMAT = 'kensa-answers';
  var ANSWERS_FORMAT_VERSION = 1;

  var MAX_FILE_BYTES = 4 * 1024 * 1024;
  var NOT_UTF8 = '文字コードが UTF-8 ではありません。メモ帳などで Shift_JIS（ANSI）として保存し直された可能性があります。チェックリストのページから書き出し直すか、UTF-8 で保存し直してください。';
  var NOT_JSON = 'JSON として読めません。ファイルが途中で切れているか、書き換えられています。チェックリストのページから書き出し直してください。';
  var NOT_ANSWERS = 'チェックリストの回答ファイルではありません（format が kensa-answers ではありません）。';
  var UNKNOWN_KEY = 'この形式にないキーです';

  function Unreadable(message) { this.message = message; }
  function tooLargeMessage(len) {
    return 'ファイルが大きすぎます（' + (len / (1024 * 1024)).toFixed(1) + ' MB）。回答ファイルは通常 100 KB 未満です。別のファイルを選んでいないか確認してください。';
  }

  // Rust's char::is_control (Unicode Cc): such characters from a file are never shown as they are.
  function printable(s) { return String(s).replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd'); }

  // JSON.parse accepts what serde_json refuses: lone surrogate escapes, numbers out of f64's range
  // (1e400 becomes Infinity), 128 or more nested arrays and objects. Refused here too, so both
  // say "not JSON". `depth` counts the containers around v.
  function serdeAccepts(v, depth) {
    if (typeof v === 'number') return isFinite(v);
    if (typeof v === 'string') return !/[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/.test(v);
    if (v === null || typeof v !== 'object') return true;
    if (depth >= 127) return false;
    if (Array.isArray(v)) return v.every(function (x) { return serdeAccepts(x, depth + 1); });
    return Object.keys(v).every(function (k) { return serdeAccepts(k, depth) && serdeAccepts(v[k], depth + 1); });
  }

  /** Bytes (or text) to JSON: a UTF-8 BOM is skipped, text that is not UTF-8 refused. */
  function parseAnswers(input) {
    var text = input;
    if (typeof input !== 'string') {
      var bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
      if (bytes.length > MAX_FILE_BYTES) throw new Unreadable(tooLargeMessage(bytes.length));
      if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
      } catch (e) {
        throw new Unreadable(NOT_UTF8);
      }
    } else if (text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1);
    }
    var doc;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      throw new Unreadable(NOT_JSON);
    }
    if (!serdeAccepts(doc, 0)) throw new Unreadable(NOT_JSON);
    return doc;
  }

  function isObject(v) { return v !== null && typeof v === 'object' && !Array.isArray(v); }
  function own(o, k) { return Object.prototype.hasOwnProperty.call(o, k); }
  function get(v, key) { return isObject(v) && own(v, key) ? v[key] : undefined; }
  function str(v) { return typeof v === 'string' ? v : null; }

  // As answers.rs shows it: digits only where JS and Rust print a number alike.
  function shownVersion(v) {
    if (v === undefined) return '（なし）';
    if (typeof v === 'number') return v === 0 ? '0' : Math.abs(v) >= 1e-6 && Math.abs(v) < 1e21 ? String(v) : '（範囲外の数値）';
    if (typeof v === 'string') return '「' + printable(v) + '」';
    return '（数値ではありません）';
  }

  /** The checklist id a parsed file names, once its format and version are known ones. */
  function checklistId(doc) {
    if (get(doc, 'format') !== ANSWERS_FORMAT) throw new Unreadable(NOT_ANSWERS);
    var version = get(doc, 'format_version');
    if (version !== ANSWERS_FORMAT_VERSION) {
      var shown = shownVersion(version);
      throw new Unreadable('回答ファイルの形式バージョン ' + shown + ' には対応していません（対応：' + ANSWERS_FORMAT_VERSION + '）。新しい版のサイトで書き出されたファイルなら、新しい版のサイトで確認してください。');
    }
    var id = str(get(get(doc, 'checklist'), 'id'));
    if (!id) throw new Unreadable('どのチェックリストの回答か（checklist.id）が書かれていません。');
    return id;
  }

  // BTreeMap order: by code point (UTF-16 order differs above U+FFFF).
  function byCodePoint(a, b) {
    var x = Array.from(a), y = Array.from(b);
    for (var k = 0; k < x.length && k < y.length; k++) {
      var d = x[k].codePointAt(0) - y[k].codePointAt(0);
      if (d) return d;
    }
    return x.length - y.length;
  }
  function sortedKeys(o) { return Object.keys(o).sort(byCodePoint); }

  function Wrong(path, what) { this.path = path; this.what = what; }
  function join(path, key) { return path ? path + '.' + key : key; }
  function object(v, path) {
    if (!isObject(v)) throw new Wrong(path || 'ファイル全体', 'オブジェクト（{ … }）');
    return v;
  }
  function required(o, path, key) {
    if (!own(o, key)) throw new Wrong(join(path, key), '必要ですが、ありません');
    return o[key];
  }
  function string(v, path) {
    if (typeof v !== 'string') throw new Wrong(path, '文字列');
    return v;
  }
  function answer(v, path) {
    if (!(v === null || v === 'yes' || v === 'no')) throw new Wrong(path, '"yes"・"no"・null のいずれか');
  }
  var DATE_SHAPE = /^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
  var TIMESTAMP_SHAPE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/;
  function timestamp(v, path) {
    if (!(typeof v === 'string' && TIMESTAMP_SHAPE.test(v))) throw new Wrong(path, '"2023-10-01T09:00:00.000Z" の形の日時');
  }
  function onlyKeys(o, path, allowed) {
    var unknown = sortedKeys(o).filter(function (k) { return allowed.indexOf(k) < 0; });
    if (unknown.length) throw new Wrong(join(path, unknown[0]), UNKNOWN_KEY);
  }

  function checkChecklistBlock(v) {
    var o = object(v, 'checklist');
    onlyKeys(o, 'checklist', ['id', 'edition', 'definition_hash', 'title', 'form']);
    string(required(o, 'checklist', 'edition'), 'checklist.edition');
    var hash = string(required(o, 'checklist', 'definition_hash'), 'checklist.definition_hash');
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Wrong('checklist.definition_hash', '64桁の16進数の文字列');
    ['title', 'form'].forEach(function (k) { if (own(o, k)) string(o[k], 'checklist.' + k); });
  }
  function checkRound(v, path, hasAnswer) {
    var o = object(v, path);
    onlyKeys(o, path, hasAnswer ? ['answer', 'date', 'date_input'] : ['date', 'date_input']);
    if (hasAnswer) answer(required(o, path, 'answer'), path + '.answer');
    var hasDate = hasAnswer ? own(o, 'date') : (required(o, path, 'date'), true);
    if (hasDate && !(o.date === null || (typeof o.date === 'string' && DATE_SHAPE.test(o.date)))) {
      throw new Wrong(path + '.date', '"YYYY-MM-DD" の形の日付か null');
    }
    if (own(o, 'date_input')) {
      var p = path + '.date_input', t = object(o.date_input, p);
      onlyKeys(t, p, ['y', 'm', 'd']);
      sortedKeys(t).forEach(function (k) { string(t[k], p + '.' + k); });
    }
  }
  // An item's answers; `kept` ones (under `earlier`) also carry the item's label and text.
  function checkItem(v, path, kept) {
    var o = object(v, path);
    onlyKeys(o, path, ['r1', 'target', 'r2', 'note', 'status', 'confirm'].concat(kept ? ['label', 'text'] : []));
    checkRound(required(o, path, 'r1'), path + '.r1', true);
    if (own(o, 'target')) checkRound(o.target, path + '.target', false);
    if (own(o, 'r2')) checkRound(o.r2, path + '.r2', true);
    string(required(o, path, 'note'), path + '.note');
    var status = required(o, path, 'status');
    if (status !== 'applicable' && status !== 'not_applicable') throw new Wrong(path + '.status', '"applicable" または "not_applicable"');
    if (own(o, 'confirm') && o.confirm !== 'reworded') throw new Wrong(path + '.confirm', '"reworded"');
    if (kept) ['label', 'text'].forEach(function (k) { string(required(o, path, k), path + '.' + k); });
  }
  // `earlier`: answers carried over from earlier editions that the file's edition has no place
  // for (src/migrate.rs), one entry per carry-over.
  function checkEarlier(v) {
    if (!Array.isArray(v)) throw new Wrong('earlier', '配列（[ … ]）');
    v.forEach(function (entry, n) {
      var path = 'earlier.' + n, o = object(entry, path);
      onlyKeys(o, path, ['checklist', 'fields', 'gate', 'switches', 'items']);
      var block = required(o, path, 'checklist');
      try {
        checkChecklistBlock(block);
      } catch (e) {
        if (e instanceof Wrong) throw new Wrong(path + '.' + e.path, e.what);
        throw e;
      }
      string(required(block, path + '.checklist', 'id'), path + '.checklist.id');
      checkIds(object(required(o, path, 'fields'), path + '.fields'), path + '.fields', null, string);
      if (own(o, 'gate')) answer(o.gate, path + '.gate');
      checkIds(object(required(o, path, 'switches'), path + '.switches'), path + '.switches', null, answer);
      checkIds(object(required(o, path, 'items'), path + '.items'), path + '.items', null, function (x, p) { checkItem(x, p, true); });
    });
  }
  // `known` null: any key.
  function checkIds(o, path, known, check, unknownWhat) {
    sortedKeys(o).forEach(function (k) {
      if (known && known.indexOf(k) < 0) throw new Wrong(path + '.' + k, unknownWhat || UNKNOWN_KEY);
      check(o[k], path + '.' + k);
    });
  }

  /** Throws Wrong(path, what) at the first place `doc` breaks the schema for checklist `c`. */
  function checkShape(doc, c) {
    var top = object(doc, '');
    onlyKeys(top, '', ['format', 'format_version', 'generator', 'checklist', 'copy', 'updated_at', 'exported_at', 'fields', 'gate', 'switches', 'items', 'earlier']);
    string(required(top, '', 'generator'), 'generator');
    checkChecklistBlock(required(top, '', 'checklist'));
    if (own(top, 'copy')) {
      var copy = object(top.copy, 'copy');
      onlyKeys(copy, 'copy', ['id', 'name']);
      var id = string(required(copy, 'copy', 'id'), 'copy.id');
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new Wrong('copy.id', '英数字・_・- の64文字以内');
      string(required(copy, 'copy', 'name'), 'copy.name');
    }
    timestamp(required(top, '', 'updated_at'), 'updated_at');
    if (own(top, 'exported_at')) timestamp(top.exported_at, 'exported_at');
    checkIds(object(required(top, '', 'fields'), 'fields'), 'fields', c.form_fields, string);
    answer(required(top, '', 'gate'), 'gate');
    checkIds(object(required(top, '', 'switches'), 'switches'), 'switches', c.switches.map(function (s) { return s.id; }), answer);
    checkIds(object(required(top, '', 'items'), 'items'), 'items', c.items.map(function (i) { return i.id; }), function (x, p) { checkItem(x, p, false); },
      'このチェックリストにない項目です（別の版のファイルではないか確認してください）');
    if (own(top, 'earlier')) checkEarlier(top.earlier);
  }


  /** A day of `YYYY-MM-DD` in the years the data allows, or null. Compare with `num`. */
  function Day(y, m, d) { this.y = y; this.m = m; this.d = d; this.num = y * 10000 + m * 100 + d; }
  Day.prototype.toString = function () { return this.y + '年' + this.m + '月' + this.d + '日'; };
  var years = [2000, 2099];
  function parseDay(s) {
    if (typeof s !== 'string' || !DATE_SHAPE.test(s)) return null;
    var y = +s.slice(0, 4), m = +s.slice(5, 7), d = +s.slice(8, 10);
    var leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    var days = [4, 6, 9, 11].indexOf(m) >= 0 ? 30 : m === 2 ? (leap ? 29 : 28) : 31;
    return d <= days && y >= years[0] && y <= years[1] ? new Day(y, m, d) : null;
  }
  function validDate(s) { return parseDay(s) !== null; }
  // The years a date may fall in (answers::YEARS): inspection-data.js and the form page's rules
  // (src/item_rules.rs) publish them.
  function setYears(y) { years = [y[0], y[1]]; }

  var api = {
    ANSWERS_FORMAT: ANSWERS_FORMAT,
    ANSWERS_FORMAT_VERSION: ANSWERS_FORMAT_VERSION,
    MAX_FILE_BYTES: MAX_FILE_BYTES,
    tooLargeMessage: tooLargeMessage,
    NOT_UTF8: NOT_UTF8,
    Unreadable: Unreadable,
    Wrong: Wrong,
    printable: printable,
    parseAnswers: parseAnswers,
    checklistId: checklistId,
    checkShape: checkShape,
    isObject: isObject,
    get: get,
    str: str,
    DATE_SHAPE: DATE_SHAPE,
    Day: Day,
    parseDay: parseDay,
    validDate: validDate,
    setYears: setYears
  };
  if (typeof module !== 'undefined' && module.exports) module.exports = api;
  if (typeof window !== 'undefined') window.kensaAnswers = api;
})();
