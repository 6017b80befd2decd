// Article pages: filter a long list of checkboxes by typing (the skill picker of the editor).
// <input data-filter-list="#list" hidden> is shown when JS runs; items carry data-filter-item.
(function () {
  "use strict";

  function filterLists(root) {
    root.querySelectorAll("input[data-filter-list]").forEach(function (input) {
      if (input.dataset.bound) return;
      input.dataset.bound = "1";
      var list = document.querySelector(input.dataset.filterList);
      if (!list) return;
      input.hidden = false;
      input.addEventListener("input", function () {
        var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
        list.querySelectorAll("[data-filter-item]").forEach(function (item) {
          var text = item.textContent.toLowerCase();
          var checked = item.querySelector("input:checked");
          item.hidden = !checked && !words.every(function (w) { return text.indexOf(w) !== -1; });
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { filterLists(document); });
  document.addEventListener("htmx:load", function (event) { filterLists(event.target); });
})();
