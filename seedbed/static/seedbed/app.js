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

  // <header data-topbar>: one line when it fits; otherwise the navigation folds behind the
  // Menu button (<button data-nav-toggle aria-controls aria-expanded>, a disclosure). The bar
  // is measured unfolded on load and on resize, so any language and any set of menus work.
  function topbar() {
    var bar = document.querySelector("[data-topbar]");
    var toggle = bar && bar.querySelector("[data-nav-toggle]");
    var nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!nav) return;
    function setOpen(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      bar.classList.toggle("is-open", open);
    }
    function fit() {
      bar.classList.remove("is-compact");
      var compact = bar.scrollWidth > bar.clientWidth + 1;
      bar.classList.toggle("is-compact", compact);
      if (!compact) setOpen(false);
    }
    toggle.hidden = false;
    bar.classList.add("is-measured");
    toggle.addEventListener("click", function () {
      setOpen(toggle.getAttribute("aria-expanded") !== "true");
    });
    // Escape in the folded navigation closes it and returns to the button (an open menu
    // inside closes first, through menus()).
    bar.addEventListener("keydown", function (event) {
      var active = document.activeElement;
      if (event.key !== "Escape" || !bar.classList.contains("is-open")) return;
      if (!nav.contains(active) || (active && active.closest("details[open]"))) return;
      setOpen(false);
      toggle.focus();
    });
    var pending = false;
    window.addEventListener("resize", function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; fit(); });
    });
    fit();
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(fit);
  }

  function init(root) { autosubmit(root); confirmations(root); copyButtons(root); }
  menus();
  document.addEventListener("DOMContentLoaded", topbar);
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
