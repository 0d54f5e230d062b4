// Site search: the results page (search.html). The search box in every page's header only
// leads there (themes/default/static/js/kensa.js), so other pages do not load this file.
//
// Plain script, no modules and no dependencies: pages opened from file:// can neither load ES
// modules nor fetch, so the index (written by src/features/search.rs) is a set of classic scripts under
// search/, added as <script> elements on first use; each one calls KensaSearch.add(). Only the
// shards holding the query's tokens and the text chunks of the matched documents are loaded.
//
// normalize() and tokenize() must cut text exactly as src/features/search.rs does, or queries miss what
// the index holds; tests/search_vectors.json is checked against both.
(function (root, factory) {
  'use strict';
  var api = factory(root);
  if (typeof module === 'object' && module.exports) {
    module.exports = api;
  } else {
    root.KensaSearch = api;
    api.start();
  }
})(typeof self !== 'undefined' ? self : this, function (root) {
  'use strict';

  // ------------------------------------------------------------ normalization and tokens

  // ｡ through ﾝ (U+FF61..U+FF9D) in full width.
  var HALF_WIDTH_KANA =
    '。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン';
  var HA_ROW = [0x30cf, 0x30d2, 0x30d5, 0x30d8, 0x30db];
  var VOICED = [
    0x30ab, 0x30ad, 0x30af, 0x30b1, 0x30b3, 0x30b5, 0x30b7, 0x30b9, 0x30bb, 0x30bd, 0x30bf,
    0x30c1, 0x30c4, 0x30c6, 0x30c8,
  ];

  // Kana + (semi-)voiced sound mark → the precomposed kana, or -1.
  function compose(p, semi) {
    var hira = (p >= 0x3041 && p <= 0x3096) || p === 0x309d;
    var k = hira ? p + 0x60 : p;
    var c = -1;
    if (semi) {
      if (HA_ROW.indexOf(k) >= 0) c = k + 2;
    } else if (VOICED.indexOf(k) >= 0 || HA_ROW.indexOf(k) >= 0) {
      c = k + 1;
    } else if (k === 0x30a6) {
      c = 0x30f4;
    } else if (k === 0x30fd) {
      c = 0x30fe;
    } else if (!hira && k >= 0x30ef && k <= 0x30f2) {
      c = k + 8;
    }
    if (c < 0) return -1;
    return hira ? c - 0x60 : c;
  }

  // Normalized code points, each with the offset (UTF-16) in `text` it came from.
  function normalizePoints(text) {
    var points = [];
    var from = [];
    for (var i = 0; i < text.length; ) {
      var cp = text.codePointAt(i);
      var len = cp > 0xffff ? 2 : 1;
      var m = cp;
      if (cp >= 0xff01 && cp <= 0xff5e) {
        m = cp - 0xfee0;
      } else if (cp === 0x3000) {
        m = 0x20;
      } else if (cp >= 0xff61 && cp <= 0xff9d) {
        m = HALF_WIDTH_KANA.charCodeAt(cp - 0xff61);
      } else if (cp === 0xff9e || cp === 0xff9f || cp === 0x3099 || cp === 0x309a) {
        var composed = points.length ? compose(points[points.length - 1], cp === 0xff9f || cp === 0x309a) : -1;
        if (composed >= 0) {
          points[points.length - 1] = composed;
          i += len;
          continue;
        }
        m = cp === 0xff9e ? 0x309b : cp === 0xff9f ? 0x309c : cp;
      }
      if (m >= 0x41 && m <= 0x5a) m += 0x20;
      points.push(m);
      from.push(i);
      i += len;
    }
    return { points: points, from: from };
  }

  function fromPoints(points) {
    var s = '';
    for (var i = 0; i < points.length; i += 4096) {
      s += String.fromCodePoint.apply(null, points.slice(i, i + 4096));
    }
    return s;
  }

  /** Width and case folding, as src/features/search.rs normalize(). */
  function normalize(text) {
    return fromPoints(normalizePoints(String(text)).points);
  }

  /**
   * Normalized text plus `map`: for each UTF-16 unit of the normalized text, the offset in
   * `text` where its character starts; map[normalized.length] is text.length. Used to put
   * <mark> around the original characters of a hit.
   */
  function normalizeMapped(text) {
    var n = normalizePoints(text);
    var map = [];
    for (var i = 0; i < n.points.length; i++) {
      map.push(n.from[i]);
      if (n.points[i] > 0xffff) map.push(n.from[i]);
    }
    map.push(text.length);
    return { text: fromPoints(n.points), map: map };
  }

  function isKanaKanji(c) {
    return (
      (c >= 0x3005 && c <= 0x3007) ||
      (c >= 0x3041 && c <= 0x3096) ||
      (c >= 0x309d && c <= 0x309f) ||
      (c >= 0x30a1 && c <= 0x30fa) ||
      (c >= 0x30fc && c <= 0x30ff) ||
      (c >= 0x31f0 && c <= 0x31ff) ||
      (c >= 0x3400 && c <= 0x4dbf) ||
      (c >= 0x4e00 && c <= 0x9fff) ||
      (c >= 0xf900 && c <= 0xfaff) ||
      (c >= 0x20000 && c <= 0x2ffff)
    );
  }

  function isOrdinalSign(c) {
    return (
      (c >= 0x2160 && c <= 0x217f) ||
      (c >= 0x2460 && c <= 0x2473) ||
      (c >= 0x3251 && c <= 0x325f) ||
      (c >= 0x32b1 && c <= 0x32bf)
    );
  }

  function isDigit(c) {
    return c >= 0x30 && c <= 0x39;
  }

  function isAlnum(c) {
    return isDigit(c) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  }

  /** Tokens in order, with repeats, as src/features/search.rs tokenize(). */
  function tokenize(text) {
    var p = normalizePoints(String(text)).points;
    var n = p.length;
    var out = [];
    var i = 0;
    var slice = function (a, b) {
      return fromPoints(p.slice(a, b));
    };
    while (i < n) {
      var c = p[i];
      var start = i;
      if (isAlnum(c)) {
        var digits = true;
        while (i < n && isAlnum(p[i])) {
          if (!isDigit(p[i])) digits = false;
          i++;
        }
        if (!digits) {
          out.push(slice(start, i));
          continue;
        }
        var ends = [i];
        while (i + 1 < n && p[i] === 0x2e && isDigit(p[i + 1])) {
          i++;
          while (i < n && isDigit(p[i])) i++;
          ends.push(i);
        }
        if (i + 2 < n && p[i] === 0x28 && isDigit(p[i + 1])) {
          var j = i + 1;
          while (j < n && isDigit(p[j])) j++;
          if (j < n && p[j] === 0x29) {
            i = j + 1;
            ends.push(i);
          }
        }
        for (var e = ends.length - 1; e >= 0; e--) out.push(slice(start, ends[e]));
      } else if (isKanaKanji(c)) {
        while (i < n && isKanaKanji(p[i])) i++;
        if (i - start === 1) {
          out.push(slice(start, i));
        } else {
          for (var k = start; k + 1 < i; k++) out.push(slice(k, k + 2));
        }
      } else {
        if (isOrdinalSign(c)) out.push(slice(i, i + 1));
        i++;
      }
    }
    return out;
  }

  /** FNV-1a over code points, as src/features/search.rs token_hash(); unsigned 32-bit. */
  function tokenHash(token) {
    var h = 0x811c9dc5;
    for (var i = 0; i < token.length; ) {
      var cp = token.codePointAt(i);
      i += cp > 0xffff ? 2 : 1;
      h = Math.imul((h ^ cp) >>> 0, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  function unique(list) {
    var seen = new Set();
    return list.filter(function (x) {
      if (seen.has(x)) return false;
      seen.add(x);
      return true;
    });
  }

  /**
   * A query: its distinct tokens (what the index is asked for) and its terms (the
   * space-separated parts, normalized), each with its own tokens, for phrase ranking and
   * highlighting.
   */
  function analyze(query) {
    var norm = normalize(query).trim();
    var terms = unique(norm.split(/\s+/).filter(Boolean)).map(function (t) {
      return { text: t, tokens: unique(tokenize(t)) };
    });
    var tokens = unique(
      terms.reduce(function (all, t) {
        return all.concat(t.tokens);
      }, [])
    );
    // A lone kana or kanji is only indexed where it stands alone; say so instead of
    // returning a handful of accidental hits.
    var points = Array.from(norm.replace(/\s+/g, ''));
    var tooShort = points.length === 1 && isKanaKanji(points[0].codePointAt(0));
    return { text: norm, terms: terms, tokens: tooShort ? [] : tokens, tooShort: tooShort };
  }

  // ------------------------------------------------------------ index files

  var store = Object.create(null);
  var loading = Object.create(null);
  var indexBase = null;

  /** Called by every index file as it runs. */
  function add(kind, n, data) {
    store[kind + ':' + n] = data;
  }

  function scriptBase() {
    if (indexBase) return indexBase;
    if (typeof document === 'undefined') return null;
    var el = document.currentScript;
    if (!el || !/search\.js(\?|$)/.test(el.src)) {
      var all = document.querySelectorAll('script[src]');
      for (var i = 0; i < all.length; i++) {
        if (/assets\/js\/search\.js(\?|$)/.test(all[i].src)) el = all[i];
      }
    }
    if (el) indexBase = new URL('../../search/', el.src).href;
    return indexBase;
  }

  function pad2(n) {
    return n < 10 ? '0' + n : String(n);
  }

  function loadFile(kind, n, file) {
    var key = kind + ':' + n;
    if (store[key] !== undefined) return Promise.resolve(store[key]);
    if (loading[key]) return loading[key];
    var meta = store['meta:0'];
    var src = scriptBase() + file + (meta && kind !== 'meta' ? '?v=' + meta.version : '');
    loading[key] = new Promise(function (resolve, reject) {
      var el = document.createElement('script');
      el.src = src;
      el.async = true;
      el.onload = function () {
        if (store[key] !== undefined) resolve(store[key]);
        else reject(new Error('search index file did not register: ' + file));
      };
      el.onerror = function () {
        reject(new Error('cannot load search index file ' + file));
      };
      document.head.appendChild(el);
    }).catch(function (err) {
      delete loading[key];
      throw err;
    });
    return loading[key];
  }

  function loadMeta() {
    return loadFile('meta', 0, 'index-meta.js');
  }

  function loadShard(n) {
    return loadFile('shard', n, 'shard-' + pad2(n) + '.js');
  }

  function loadChunk(n) {
    return loadFile('text', n, 'text-' + pad2(n) + '.js');
  }

  function chunkOf(meta, doc) {
    var lo = 0;
    var hi = meta.chunks.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (meta.chunks[mid] <= doc) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  function bodyOf(meta, doc) {
    var c = chunkOf(meta, doc);
    var texts = store['text:' + c];
    return texts ? texts[doc - meta.chunks[c]] || '' : '';
  }

  // Normalized title and body per document, kept: ranking reads them for every candidate.
  var normCache = new Map();
  function normalizedDoc(meta, doc) {
    var hit = normCache.get(doc);
    if (!hit) {
      hit = { title: normalize(meta.docs[doc][1]), body: normalize(bodyOf(meta, doc)) };
      normCache.set(doc, hit);
    }
    return hit;
  }

  // ------------------------------------------------------------ search and ranking

  function now() {
    return typeof performance !== 'undefined' ? performance.now() : Date.now();
  }

  function countOf(haystack, needle, cap) {
    var count = 0;
    var at = haystack.indexOf(needle);
    while (at >= 0 && count < cap) {
      count++;
      at = haystack.indexOf(needle, at + needle.length);
    }
    return count;
  }

  var timing = { total: 0, compute: 0, render: 0 };

  /**
   * Runs a query. Documents holding every token come first; if there are none, documents
   * holding most of them (a typo, or words that are not all there). Score: share of tokens
   * matched, share matched in the document's own text (an item's wording, a section's
   * heading) rather than only in its body, and whole query terms found as written.
   * Resolves to { query, results: [{ doc, score }], partial, total }.
   */
  function search(query) {
    var started = now();
    var q = analyze(query);
    var empty = { query: q, results: [], partial: false };
    if (!q.tokens.length) return Promise.resolve(empty);
    var compute = 0;
    var meta;
    var candidates;
    var partial = false;
    return loadMeta()
      .then(function (m) {
        meta = m;
        return Promise.all(
          unique(
            q.tokens.map(function (t) {
              return tokenHash(t) % meta.shards;
            })
          ).map(loadShard)
        );
      })
      .then(function () {
        var t0 = now();
        var count = meta.docs.length;
        var hits = new Uint16Array(count);
        var own = new Uint16Array(count);
        var touched = [];
        q.tokens.forEach(function (t) {
          var list = store['shard:' + (tokenHash(t) % meta.shards)][t];
          if (!list) return;
          var doc = 0;
          for (var k = 0; k < list.length; k++) {
            doc += list[k] >>> 1;
            if (hits[doc] === 0) touched.push(doc);
            hits[doc]++;
            own[doc] += list[k] & 1;
          }
        });
        var n = q.tokens.length;
        candidates = touched.filter(function (d) {
          return hits[d] === n;
        });
        if (!candidates.length && n > 2) {
          var least = Math.max(2, Math.ceil(n * 0.6));
          candidates = touched.filter(function (d) {
            return hits[d] >= least;
          });
          partial = candidates.length > 0;
        }
        candidates = candidates.map(function (d) {
          return { doc: d, score: (100 * hits[d]) / n + (40 * own[d]) / n };
        });
        compute += now() - t0;
        return Promise.all(
          unique(
            candidates.map(function (c) {
              return chunkOf(meta, c.doc);
            })
          ).map(loadChunk)
        );
      })
      .then(function () {
        var t0 = now();
        var terms = q.terms;
        candidates.forEach(function (c) {
          var d = normalizedDoc(meta, c.doc);
          var bonus = 0;
          terms.forEach(function (term) {
            if (d.title.indexOf(term.text) >= 0) bonus += 60 / terms.length;
            else if (d.body.indexOf(term.text) >= 0) bonus += 30 / terms.length;
            bonus += countOf(d.body, term.text, 5) / terms.length;
          });
          c.score += bonus;
        });
        candidates.sort(function (a, b) {
          return b.score - a.score || a.doc - b.doc;
        });
        compute += now() - t0;
        timing = { total: now() - started, compute: compute, render: 0 };
        return { query: q, results: candidates, partial: partial };
      });
  }

  // ------------------------------------------------------------ highlighting

  /**
   * Cuts `text` into [{ text, hit }] pieces around the query's terms (or, where a term does
   * not occur whole, its tokens), keeping a window of about `max` characters around the first
   * hit. Pieces are plain strings: the caller puts them into text nodes and <mark>s.
   */
  function highlight(text, q, max) {
    var n = normalizeMapped(text);
    var ranges = [];
    q.terms.forEach(function (term) {
      var needles = n.text.indexOf(term.text) >= 0 ? [term.text] : term.tokens;
      needles.forEach(function (needle) {
        if (!needle) return;
        var at = n.text.indexOf(needle);
        while (at >= 0) {
          ranges.push([n.map[at], n.map[at + needle.length]]);
          at = n.text.indexOf(needle, at + needle.length);
        }
      });
    });
    ranges.sort(function (a, b) {
      return a[0] - b[0] || b[1] - a[1];
    });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push([r[0], r[1]]);
    });
    var from = 0;
    var to = text.length;
    if (max && text.length > max) {
      from = merged.length ? Math.max(0, merged[0][0] - Math.floor(max / 4)) : 0;
      to = Math.min(text.length, from + max);
      from = Math.max(0, Math.min(from, to - max));
    }
    var pieces = [];
    if (from > 0) pieces.push({ text: '…', hit: false });
    var at = from;
    merged.forEach(function (r) {
      var a = Math.max(r[0], from);
      var b = Math.min(r[1], to);
      if (a >= b) return;
      if (a > at) pieces.push({ text: text.slice(at, a), hit: false });
      pieces.push({ text: text.slice(a, b), hit: true });
      at = b;
    });
    if (at < to) pieces.push({ text: text.slice(at, to), hit: false });
    if (to < text.length) pieces.push({ text: '…', hit: false });
    return pieces;
  }

  // ------------------------------------------------------------ the page

  var PAGE_SIZE = 50;

  function fill(el, pieces) {
    pieces.forEach(function (p) {
      if (p.hit) {
        var mark = document.createElement('mark');
        mark.textContent = p.text;
        el.appendChild(mark);
      } else {
        el.appendChild(document.createTextNode(p.text));
      }
    });
  }

  function resultItem(meta, root, q, doc) {
    var d = meta.docs[doc];
    var li = document.createElement('li');
    li.className = 'search-result';
    var heading = document.createElement('p');
    heading.className = 'search-result-title';
    var a = document.createElement('a');
    a.href = new URL(d[2], root).href;
    fill(a, highlight(d[1], q, 0));
    heading.appendChild(a);
    var where = document.createElement('p');
    where.className = 'search-result-where';
    var kind = document.createElement('span');
    kind.className = 'search-result-kind';
    kind.textContent = meta.kinds[d[0]] || '';
    where.appendChild(kind);
    where.appendChild(document.createTextNode(meta.labels[d[3]] || ''));
    li.appendChild(heading);
    li.appendChild(where);
    var body = bodyOf(meta, doc);
    if (body) {
      var snippet = document.createElement('p');
      snippet.className = 'search-result-snippet';
      fill(snippet, highlight(body, q, 140));
      li.appendChild(snippet);
    }
    return li;
  }

  function quoted(text) {
    return '「' + text + '」';
  }

  // What the status line says of the results `r` for what was typed (`value`).
  function resultsStatus(value, r) {
    var q = quoted(value.trim());
    if (r.query.tooShort) return '漢字・かなは2文字以上で入力してください。';
    if (!r.query.tokens.length) return value.trim() ? q + 'では検索できません。文字か数字を入力してください。' : '';
    if (!r.results.length) return q + 'に一致するものは見つかりませんでした。';
    if (r.partial) return q + 'をすべて含むものはありませんでした。一部が一致した' + r.results.length + '件を表示します。';
    return q + 'の検索結果：' + r.results.length + '件';
  }

  // Arrow keys move between the box and the result links; Escape goes back to the box.
  function arrowKeys(input, list) {
    function links() {
      return Array.prototype.slice.call(list.querySelectorAll('.search-result-title a'));
    }
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') {
        var first = links()[0];
        if (first) {
          e.preventDefault();
          first.focus();
        }
      }
    });
    list.addEventListener('keydown', function (e) {
      var all = links();
      var at = all.indexOf(document.activeElement);
      if (at < 0) return;
      if (e.key === 'ArrowDown' && at + 1 < all.length) {
        e.preventDefault();
        all[at + 1].focus();
      } else if (e.key === 'ArrowUp') {
        e.preventDefault();
        (at > 0 ? all[at - 1] : input).focus();
      } else if (e.key === 'Escape') {
        e.preventDefault();
        input.focus();
      }
    });
  }

  function resultsPage(form) {
    var input = form.querySelector('input[name="q"]');
    var status = document.getElementById('search-status');
    var list = document.getElementById('search-results');
    var more = document.getElementById('search-more');
    var root = new URL('../', scriptBase()).href;
    var seq = 0;
    var shown = 0;
    var current = null;
    var statusTimer = 0;
    var inputTimer = 0;

    // Announced once typing pauses, so a screen reader is not interrupted at every key.
    function say(text, at) {
      clearTimeout(statusTimer);
      statusTimer = setTimeout(function () {
        status.textContent = text;
      }, at === undefined ? 400 : at);
    }

    function showMore() {
      var t0 = now();
      var meta = store['meta:0'];
      var upto = Math.min(current.results.length, shown + PAGE_SIZE);
      var frag = document.createDocumentFragment();
      for (var i = shown; i < upto; i++) {
        frag.appendChild(resultItem(meta, root, current.query, current.results[i].doc));
      }
      list.appendChild(frag);
      shown = upto;
      more.hidden = shown >= current.results.length;
      timing.render = now() - t0;
    }

    function run(value, announceAt) {
      var mine = ++seq;
      try {
        var url = new URL(location.href);
        if (value) url.searchParams.set('q', value);
        else url.searchParams.delete('q');
        history.replaceState(null, '', url.href);
      } catch (e) {
        /* file:// in some browsers: the address just does not follow the query */
      }
      return search(value).then(
        function (r) {
          if (mine !== seq) return;
          current = r;
          shown = 0;
          list.textContent = '';
          list.setAttribute('data-query', value);
          list.setAttribute('data-count', String(r.results.length));
          say(resultsStatus(value, r), announceAt);
          if (r.results.length) showMore();
          else more.hidden = true;
        },
        function () {
          if (mine !== seq) return;
          say('検索用の索引を読み込めませんでした。ページを再読み込みしてください。', 0);
        }
      );
    }

    input.addEventListener('input', function () {
      clearTimeout(inputTimer);
      inputTimer = setTimeout(function () {
        run(input.value);
      }, 60);
    });
    form.addEventListener('submit', function (e) {
      e.preventDefault();
      clearTimeout(inputTimer);
      run(input.value, 0);
    });
    more.addEventListener('click', function () {
      var first = shown;
      showMore();
      var link = list.children[first] && list.children[first].querySelector('a');
      if (link) link.focus();
    });

    arrowKeys(input, list);

    // The index is loaded when search is first used, not with the page.
    input.addEventListener(
      'focus',
      function () {
        loadMeta().catch(function () {});
      },
      { once: true }
    );
    var initial = new URLSearchParams(location.search).get('q') || '';
    if (initial) {
      input.value = initial;
      run(initial, 0);
    }
    list.setAttribute('data-ready', 'true');
  }

  function start() {
    if (typeof document === 'undefined') return;
    scriptBase();
    var init = function () {
      var page = document.querySelector('form[data-search-page]');
      if (page) resultsPage(page);
    };
    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
    else init();
  }

  return {
    normalize: normalize,
    normalizeMapped: normalizeMapped,
    tokenize: tokenize,
    tokenHash: tokenHash,
    analyze: analyze,
    highlight: highlight,
    add: add,
    search: search,
    start: start,
    get timing() {
      return timing;
    },
  };
});
