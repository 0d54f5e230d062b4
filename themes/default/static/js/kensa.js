// Site-wide behaviour shared by every page. Plain script (no modules): pages opened from
// file:// cannot load ES modules.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
  // Offline use after one visit (sw.js sits at the site root, two folders above this script).
  // Not from file:// (no workers there) nor under `kensa serve`, whose pages change on every edit.
  var me = document.currentScript;
  if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol) && me &&
      !document.querySelector('script[src*="__kensa/livereload"]')) {
    navigator.serviceWorker.register(new URL('../../sw.js', me.src).href).catch(function () {});
  }
  // Scripts and styles that only some readers need (the inspection pre-check on checklist pages)
  // load on request, keeping the page light. Classic scripts in order: file:// cannot fetch. A
  // .css entry becomes a stylesheet; the scripts wait for it, so that what they draw is never
  // shown unstyled.
  Array.prototype.forEach.call(document.querySelectorAll('[data-load-scripts]'), function (button) {
    var section = button.closest('section');
    if (section) section.hidden = false;
    button.addEventListener('click', function () {
      button.disabled = true;
      button.closest('p').hidden = true;
      var urls = button.getAttribute('data-load-scripts').split(' ').filter(Boolean);
      var isStyle = function (u) { return /\.css$/.test(u); };
      var styles = urls.filter(isStyle);
      var pending = styles.length;
      var scripts = function () {
        urls.filter(function (u) { return !isStyle(u); }).forEach(function (src) {
          var s = document.createElement('script');
          s.src = src;
          s.async = false;
          document.head.appendChild(s);
        });
      };
      styles.forEach(function (href) {
        var l = document.createElement('link');
        l.rel = 'stylesheet';
        l.href = href;
        // A stylesheet that fails to load must not keep the feature from working.
        l.onload = l.onerror = function () { if (--pending === 0) scripts(); };
        document.head.appendChild(l);
      });
      if (!pending) scripts();
    });
  });
  // The header's search box. The CSP's form-action 'none' (answers typed into a checklist must
  // never be submitted anywhere) blocks its GET form too, so go to the results page from here;
  // search.js itself is loaded by search.html only.
  document.addEventListener('submit', function (e) {
    var form = e.target;
    if (!form.classList || !form.classList.contains('site-search')) return;
    e.preventDefault();
    var input = form.elements.q;
    var value = input.value.trim();
    if (!value) return input.focus();
    var url = new URL(form.getAttribute('action'), location.href);
    url.searchParams.set('q', value);
    location.href = url.href;
  });
})();
