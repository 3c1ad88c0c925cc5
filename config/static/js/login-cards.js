// The teacher's printable login cards: a print button, shown only where printing works.
(function () {
  "use strict";
  var button = document.getElementById("print-cards");
  if (!button || !window.print) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
