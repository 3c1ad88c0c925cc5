// Loaded by h5p-standalone with the activity's own scripts: H5P core saves the pupil's state
// with jQuery POSTs, which Django accepts only with the CSRF token.
(function () {
  "use strict";
  var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
  if (!match || !window.H5P || !window.H5P.jQuery) return;
  window.H5P.jQuery.ajaxSetup({ headers: { "X-CSRFToken": decodeURIComponent(match[1]) } });
})();
