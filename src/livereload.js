// kensa serve only: reloads the page after a rebuild and lays build errors over the page.
(function () {
  'use strict';
  var seen = null;
  var overlay = null;
  function show(error) {
    if (!error) {
      if (overlay) { overlay.remove(); overlay = null; }
      return;
    }
    if (!overlay) {
      overlay = document.createElement('div');
      overlay.id = 'kensa-error-overlay';
      overlay.setAttribute('role', 'alert');
      overlay.style.cssText = 'position:fixed;inset:0;z-index:99999;overflow:auto;background:rgba(20,20,20,.94);color:#fff;padding:2rem;font:14px/1.5 monospace';
      var h = document.createElement('h2');
      h.textContent = 'ビルドエラー（修正すると自動で再読み込みします）';
      var pre = document.createElement('pre');
      pre.style.whiteSpace = 'pre-wrap';
      overlay.appendChild(h);
      overlay.appendChild(pre);
      document.body.appendChild(overlay);
    }
    overlay.querySelector('pre').textContent = error;
  }
  function poll() {
    fetch('/__kensa/status', { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (seen !== null && s.version !== seen && !s.error) { location.reload(); return; }
        seen = s.version;
        show(s.error);
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 700); });
  }
  poll();
})();
