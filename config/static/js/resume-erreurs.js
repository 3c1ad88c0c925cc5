// A page that comes back with errors puts the focus on their summary, so that a screen reader
// reads it and a phone shows it, whatever the browser does with `autofocus` on a div.
(function () {
  "use strict";
  var summary = document.getElementById("resume-erreurs");
  if (summary && document.activeElement !== summary) {
    summary.focus();
  }
})();
