// The date fields of forms with dated rounds (1回目・目標日・2回目), for form.js: 年／月／日 read
// and filled in, full-width digits (２０２３) made half-width as they are typed, an impossible
// or unfinished date explained next to its fields once the user has left them, and the 和暦
// shown beside a valid one. Only those forms load this script, before form.js, which reaches it
// through window.kensaDates; the ○／× forms have no dates and do without it. A plain classic
// script, like form.js.
(function () {
  'use strict';
  function half(s) {
    return String(s == null ? '' : s).replace(/[０-９]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    }).trim();
  }
  function pad(n) { return (n < 10 ? '0' : '') + n; }
  // The years a date may fall in, as `kensa inspect` allows them (the rules the build publishes
  // in the page, from answers::YEARS); 1899 is a slip of the keyboard, not an answer.
  var years = [2000, 2099];
  function inYears(y) { return y >= years[0] && y <= years[1]; }
  // [y, m, d] as typed → 2023-10-01, or null when that is no date.
  function toIso(p) {
    if (!/^\d{4}$/.test(p[0]) || !/^\d{1,2}$/.test(p[1]) || !/^\d{1,2}$/.test(p[2]) || !inYears(+p[0])) return null;
    var y = +p[0], m = +p[1], d = +p[2], t = new Date(Date.UTC(y, m - 1, d));
    if (t.getUTCFullYear() !== y || t.getUTCMonth() !== m - 1 || t.getUTCDate() !== d) return null;
    return p[0] + '-' + pad(m) + '-' + pad(d);
  }
  function problem(p) {
    var s = p.join('');
    if (!s) return '';
    if (/\D/.test(s)) return '数字で入力してください。';
    if (!p[0] || !p[1] || !p[2]) return '年・月・日をすべて入力してください。';
    if (p[0].length !== 4) return '年は西暦の4桁で入力してください（例：2023）。';
    if (!inYears(+p[0])) return '年は' + years[0] + '年から' + years[1] + '年までの西暦で入力してください。';
    return toIso(p) ? '' : p[0] + '年' + +p[1] + '月' + +p[2] + '日という日付はありません。';
  }
  // 2023-10-01 → 2023年10月1日（令和5年）
  function jaDate(iso) {
    var y = +iso.slice(0, 4), m = +iso.slice(5, 7), d = +iso.slice(8, 10), n = y * 10000 + m * 100 + d;
    var era = n >= 20190501 ? ['令和', 2018] : n >= 19890108 ? ['平成', 1988] : n >= 19261225 ? ['昭和', 1925] : null;
    var e = era && y - era[1];
    return y + '年' + m + '月' + d + '日' + (era ? '（' + era[0] + (e === 1 ? '元' : e) + '年）' : '');
  }

  // The 年／月／日 fields are written here, once, into the item template that form.js then
  // clones for every item: the page sends each round's date fieldset empty, which keeps the
  // long forms light. A site's own template that already holds them is left as it is.
  function addFields(fs) {
    var base = fs.dataset.date, id = base.replace(':', '-'), parts = document.createElement('div'), info = document.createElement('p');
    parts.className = 'date-parts';
    [['y', 4, '年'], ['m', 2, '月'], ['d', 2, '日']].forEach(function (k) {
      var span = document.createElement('span'), i = document.createElement('input'), l = document.createElement('label');
      span.className = 'date-part';
      Object.assign(i, { type: 'text', inputMode: 'numeric', maxLength: k[1], size: k[1], id: id + '-' + k[0], name: base + ':' + k[0] });
      i.setAttribute('aria-describedby', id + '-info');
      l.htmlFor = i.id;
      l.textContent = k[2];
      span.append(i, l);
      parts.append(span);
    });
    Object.assign(info, { className: 'date-info', id: id + '-info' });
    info.setAttribute('aria-live', 'polite');
    fs.append(parts, info);
  }

  // The helpers for one form; `refresh` redraws the form when the user leaves a date; `published`
  // the years a date may fall in.
  window.kensaDates = function (form, refresh, published) {
    var tpl = document.getElementById('item-controls');
    if (tpl) [].forEach.call(tpl.content.querySelectorAll('fieldset.date'), function (fs) {
      if (!fs.querySelector('.date-parts')) addFields(fs);
    });
    if (published) years = published;
    var touched = {}; // date fieldsets the user has left: only then is an unfinished date an error
    var input = function (base, k) { return form.elements[base + ':' + k]; };
    function typed(base) {
      return ['y', 'm', 'd'].map(function (k) { return half(input(base, k).value); });
    }
    // Registered before form.js's own listeners, so the answers it saves are half-width; not
    // while an IME is composing, which would break the conversion.
    function toHalf(e) {
      var t = e.target;
      if (!e.isComposing && /:[ymd]$/.test(t.name || '')) {
        var h = half(t.value);
        if (h !== t.value) t.value = h;
      }
    }
    form.addEventListener('input', toHalf);
    form.addEventListener('compositionend', toHalf);
    form.addEventListener('focusout', function (e) {
      var fs = e.target.closest && e.target.closest('fieldset.date');
      if (fs && !fs.contains(e.relatedTarget)) {
        touched[fs.dataset.date] = true;
        refresh();
      }
    });
    return {
      toIso: toIso,
      jaDate: jaDate,
      // The date of round `base` (e.g. "no-1:r1") into answer `o`: what was typed is kept
      // when it is not a date yet, so nothing typed is lost.
      read: function (base, o) {
        var p = typed(base);
        o.date = toIso(p);
        if (!o.date && p.join('')) o.date_input = { y: p[0], m: p[1], d: p[2] };
      },
      fill: function (base, o) {
        var p = o.date ? [o.date.slice(0, 4), String(+o.date.slice(5, 7)), String(+o.date.slice(8, 10))]
          : o.date_input ? [o.date_input.y, o.date_input.m, o.date_input.d] : [];
        ['y', 'm', 'd'].forEach(function (k, i) { input(base, k).value = p[i] || ''; });
      },
      // `late`: the round's rules [id, bits, first day, last day] when its date is outside them.
      show: function (base, late) {
        var p = typed(base), iso = toIso(p);
        var err = problem(p) || (late ? '年度外の日付です（' + late[2] + '～' + late[3] + '）。' : '');
        var shown = err && (touched[base] || /\D/.test(p.join('')) || (p[0] && p[1] && p[2]));
        var info = document.getElementById(base.replace(':', '-') + '-info');
        info.textContent = shown ? err : iso ? jaDate(iso) : '';
        info.classList.toggle('error', !!shown);
        ['y', 'm', 'd'].forEach(function (k) {
          if (shown) input(base, k).setAttribute('aria-invalid', 'true'); else input(base, k).removeAttribute('aria-invalid');
        });
      },
      forget: function () { touched = {}; }
    };
  };
})();
