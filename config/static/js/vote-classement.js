// A ranked ballot says what is wrong before it is sent: a rank given twice, or a rank skipped.
// The browser shows the message on submit (the server checks the same and says it too).
(function () {
  "use strict";
  var group = document.querySelector("[data-ranking]");
  if (!group) {
    return;
  }
  var selects = Array.prototype.slice.call(group.querySelectorAll("select"));
  var duplicate = group.getAttribute("data-message-duplicate") || "";
  var gap = group.getAttribute("data-message-gap") || "";

  function check() {
    var counts = {};
    selects.forEach(function (select) {
      if (select.value) {
        counts[select.value] = (counts[select.value] || 0) + 1;
      }
    });
    selects.forEach(function (select) {
      var rank = parseInt(select.value, 10);
      var message = "";
      if (rank && counts[select.value] > 1) {
        message = duplicate.replace("%(rank)s", String(rank));
      } else if (rank) {
        for (var n = 1; n < rank; n += 1) {
          if (!counts[String(n)]) {
            message = gap.replace("%(rank)s", String(n));
            break;
          }
        }
      }
      select.setCustomValidity(message);
    });
  }

  selects.forEach(function (select) {
    select.addEventListener("change", check);
  });
  check();
})();
