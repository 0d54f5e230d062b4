// Flowchart page: the role filter. A person picks their role and sees only the steps they take
// part in, and the chart dims the other lanes. Without this script every step shows, which is
// why the filter is hidden in the HTML and shown here.
(function () {
  'use strict';
  var filter = document.getElementById('fc-filter');
  if (!filter) return;
  var steps = Array.prototype.slice.call(document.querySelectorAll('.fc-step[data-roles]'));
  var phases = Array.prototype.slice.call(document.querySelectorAll('.fc-phase-section'));
  var laneItems = Array.prototype.slice.call(document.querySelectorAll('.fc-drawing [data-lane]'));
  var figure = document.querySelector('.fc-figure');
  var status = document.getElementById('fc-filter-status');

  function selected() {
    // "all" is the value of すべての役割 (an empty value would be dropped by the minifier).
    var c = filter.querySelector('input[name="fc-role"]:checked');
    return c && c.value !== 'all' ? c.value : '';
  }

  function labelOf(role) {
    var input = filter.querySelector('input[name="fc-role"][value="' + role + '"]');
    var span = input && input.parentNode.querySelector('span');
    var count = span && span.querySelector('.fc-filter-count');
    var text = span ? span.textContent : role;
    return count ? text.slice(0, text.length - count.textContent.length) : text;
  }

  function apply(role) {
    var shown = 0;
    steps.forEach(function (s) {
      var mine = !role || s.getAttribute('data-roles').split(' ').indexOf(role) >= 0;
      s.classList.toggle('fc-hidden', !mine);
      if (mine) shown += 1;
    });
    phases.forEach(function (p) {
      var any = p.querySelector('.fc-step:not(.fc-hidden)') !== null;
      var empty = p.querySelector('.fc-phase-empty');
      if (empty) empty.hidden = any;
    });
    laneItems.forEach(function (el) {
      var lane = el.getAttribute('data-lane');
      var isLane = el.classList.contains('fc-lane');
      el.classList.toggle('fc-dim', !!role && !isLane && lane !== role);
      if (isLane) el.classList.toggle('fc-lane-active', !!role && lane === role);
    });
    if (figure) figure.classList.toggle('fc-filtered', !!role);
    if (status) {
      status.textContent = role
        ? labelOf(role) + 'が担当するステップ ' + shown + '件を表示しています（全' + steps.length + '件）。'
        : '';
    }
  }

  function showAll() {
    var all = filter.querySelector('input[name="fc-role"][value="all"]');
    if (all) all.checked = true;
    apply('');
  }

  filter.addEventListener('change', function () {
    apply(selected());
  });

  // A link to a step the filter hides (a box of another lane, a 前/次のステップ link) would
  // land on nothing: show everything first.
  document.addEventListener(
    'click',
    function (e) {
      var a = e.target && e.target.closest ? e.target.closest('a') : null;
      if (!a) return;
      var href = a.getAttribute('href') || '';
      if (href.charAt(0) !== '#') return;
      var target = document.getElementById(href.slice(1));
      if (target && target.classList.contains('fc-hidden')) showAll();
    },
    true
  );
  window.addEventListener('hashchange', function () {
    var target = document.getElementById(location.hash.slice(1));
    if (target && target.classList.contains('fc-hidden')) showAll();
  });

  filter.hidden = false;
  apply(selected());
})();
