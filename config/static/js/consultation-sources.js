// « Ajouter une source » in place: without JavaScript the button posts the form back with one
// more block; here the block is copied from its <template>, numbered, and takes the focus.
(function () {
  "use strict";
  var button = document.querySelector("[data-source-add]");
  var list = document.querySelector("[data-sources]");
  var template = document.querySelector("template[data-source-template]");
  var total = document.getElementById("id_sources-TOTAL_FORMS");
  if (!button || !list || !template || !total) {
    return;
  }
  var max = parseInt(list.getAttribute("data-sources-max"), 10);
  var panels = ["medias", "pour", "contre"];

  button.addEventListener("click", function (event) {
    var index = parseInt(total.value, 10);
    if (isNaN(index) || index >= max) {
      return;
    }
    event.preventDefault();
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__numero__/g, String(index + 1));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var block = holder.firstElementChild;
    var panel = block.querySelector("select[name$='-panel']");
    if (panel) {
      panel.value = panels[index % panels.length];
    }
    list.appendChild(block);
    total.value = String(index + 1);
    if (index + 1 >= max) {
      button.hidden = true;
    }
    block.focus();
  });
})();
