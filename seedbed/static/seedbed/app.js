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

  // Wide tables scroll inside their own box instead of widening the whole page (phones): a
  // table in <main> gets a <div class="table-scroll"> around it unless it already sits in one
  // (or in the matrix's). While it overflows, the box is a named region with tabindex=0 so a
  // keyboard can scroll it; a template may give its box role, name and tabindex itself.
  var SCROLLERS = ".table-scroll, .matrix-wrap";
  function wideTables(root) {
    var found = root.matches && root.matches("main table") ? [root] : [];
    if (root.querySelectorAll) found = found.concat([].slice.call(root.querySelectorAll("main table")));
    found.forEach(function (table) {
      if (table.parentElement.closest(SCROLLERS)) {
        var own = table.parentElement.closest(".table-scroll");
        if (own && !own.hasAttribute("role")) own.dataset.tableScroll = "auto";
        return;
      }
      var box = document.createElement("div");
      box.className = "table-scroll";
      box.dataset.tableScroll = "auto";
      table.parentNode.insertBefore(box, table);
      box.appendChild(table);
    });
    markScrollers();
  }
  function tableName(box) {
    var table = box.querySelector("table");
    var caption = table && table.caption;
    if (caption && caption.textContent.trim()) return caption.textContent.trim();
    var name = "";
    document.querySelectorAll("main h1, main h2, main h3, main h4").forEach(function (h) {
      if (h.compareDocumentPosition(box) & Node.DOCUMENT_POSITION_FOLLOWING) name = h.textContent.trim();
    });
    return name || document.title;
  }
  function markScrollers() {
    document.querySelectorAll("[data-table-scroll=auto]").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", tableName(box));
        box.setAttribute("tabindex", "0");
      } else if (!scrolls && box.hasAttribute("tabindex")) {
        ["role", "aria-label", "tabindex"].forEach(function (a) { box.removeAttribute(a); });
      }
    });
  }
  // ``fn`` once on the frame after any number of resize events.
  function afterResize(fn) {
    var pending = false;
    window.addEventListener("resize", function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; fn(); });
    });
  }
  afterResize(markScrollers);

  // <details data-menu>: one menu open at a time; Escape or a click elsewhere closes it.
  function menus() {
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
        if (!menu.contains(event.target)) menu.removeAttribute("open");
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      // Menus nest (a menu inside "More"): Escape closes the innermost one holding the focus
      // and returns to its summary; a second Escape closes the next one out.
      var active = document.activeElement;
      var inner = active && active.closest && active.closest("details[data-menu][open]");
      if (inner) {
        inner.removeAttribute("open");
        inner.querySelector("summary").focus();
        return;
      }
      document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
        menu.removeAttribute("open");
        menu.querySelector("summary").focus();
      });
    });
    // Opening a menu closes the others, but not the menus it is inside nor those inside it:
    // "toggle" comes as a task of its own, so a quick hand (or a test) may already have opened
    // a menu inside "More" when the event of "More" itself arrives.
    document.addEventListener("toggle", function (event) {
      var opened = event.target;
      if (!opened.matches || !opened.matches("details[data-menu]") || !opened.open) return;
      document.querySelectorAll("details[data-menu][open]").forEach(function (menu) {
        if (menu !== opened && !menu.contains(opened) && !opened.contains(menu)) {
          menu.removeAttribute("open");
        }
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
    // "More" (<li data-nav-more hidden>, a menu at the end of the navigation): when the bar
    // is too wide, the last menus move into it one by one, least used first; only when the bar
    // does not fit even then does the navigation fold behind the Menu button.
    var more = nav.querySelector("[data-nav-more]");
    var moreList = more && more.querySelector("ul");
    function tooWide() { return bar.scrollWidth > bar.clientWidth + 1; }
    function unfoldMore() {
      while (moreList.firstElementChild) more.parentNode.insertBefore(moreList.firstElementChild, more);
      more.hidden = true;
    }
    function fillMore() {
      var groups = nav.querySelectorAll("li.nav-group:not([data-nav-more])");
      more.hidden = false;
      for (var i = groups.length - 1; i >= 0 && tooWide(); i--) {
        moreList.insertBefore(groups[i], moreList.firstElementChild);
      }
      if (tooWide()) unfoldMore();
      more.querySelector("summary").classList.toggle("current", !!moreList.querySelector("summary.current"));
    }
    function fit() {
      var focused = nav.contains(document.activeElement) ? document.activeElement : null;
      bar.classList.remove("is-compact");
      if (more) unfoldMore();
      if (more && tooWide()) fillMore();
      if (more && more.hidden) more.querySelector("details").removeAttribute("open");
      var compact = tooWide();
      bar.classList.toggle("is-compact", compact);
      if (!compact) setOpen(false);
      if (focused && document.activeElement !== focused) focused.focus();
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
    // Only a change of width matters (a phone's address bar changes the height all the time).
    var lastWidth = window.innerWidth;
    afterResize(function () {
      if (window.innerWidth === lastWidth) return;
      lastWidth = window.innerWidth;
      fit();
    });
    fit();
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(fit);
  }

  function init(root) { autosubmit(root); confirmations(root); copyButtons(root); wideTables(root); }
  menus();
  document.addEventListener("DOMContentLoaded", topbar);
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (event) { init(event.target); });
})();
