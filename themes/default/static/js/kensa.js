// Site-wide behaviour shared by every page. Plain script (no modules): pages opened from
// file:// cannot load ES modules.
(function () {
  'use strict';
  document.documentElement.classList.add('js');
})();
