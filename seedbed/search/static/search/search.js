// The header search box: "/" jumps to it from anywhere on a page (not while typing in a
// field); Escape in it leaves it. Attached by data- attributes (no inline handlers).
(function () {
  "use strict";

  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return el.isContentEditable || tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT";
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(document.activeElement)) return;
    var box = document.querySelector("[data-search-shortcut]");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var box = event.target;
    if (box && box.matches && box.matches("[data-search-shortcut]")) box.blur();
  });
})();
