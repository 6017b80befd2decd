// Small behaviours attached through data- attributes (no inline handlers: CSP stays strict).
(function () {
  "use strict";

  // <form data-autosubmit>: submit when a control changes (filters, sort selects).
  function autosubmit(root) {
    root.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      if (form.dataset.bound) return;
      form.dataset.bound = "1";
      form.addEventListener("change", function () { form.requestSubmit(); });
    });
  }

  // <button data-confirm="Are you sure?">: ask before submitting.
  function confirmations(root) {
    root.querySelectorAll("[data-confirm]").forEach(function (el) {
      if (el.dataset.bound) return;
      el.dataset.bound = "1";
      el.addEventListener("click", function (event) {
        if (!window.confirm(el.dataset.confirm)) event.preventDefault();
      });
    });
  }

  // <button data-copy="#id">: copy an element's text (API token shown once).
  function copyButtons(root) {
    root.querySelectorAll("[data-copy]").forEach(function (el) {
      if (el.dataset.bound) return;
      el.dataset.bound = "1";
      el.addEventListener("click", function () {
        var target = document.querySelector(el.dataset.copy);
        if (target && navigator.clipboard) {
          navigator.clipboard.writeText(target.textContent.trim());
          el.textContent = el.dataset.copied || "Copied";
        }
      });
    });
  }

  // <details data-menu>: one menu open at a time; Escape or a click elsewhere closes it.
  function menus() {
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
        if (!menu.contains(event.target)) menu.removeAttribute("open");
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
        menu.removeAttribute("open");
        menu.querySelector("summary").focus();
      });
    });
    document.addEventListener("toggle", function (event) {
      var opened = event.target;
      if (!opened.matches || !opened.matches("details[data-menu]") || !opened.open) return;
      document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
        if (menu !== opened) menu.removeAttribute("open");
      });
    }, true);
  }

  function init(root) { autosubmit(root); confirmations(root); copyButtons(root); }
  menus();
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
