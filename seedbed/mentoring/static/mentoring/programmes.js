// Mentoring programmes: the skill picker puts a found skill into its box (one a line).
// Attached through data- attributes; no inline handlers (CSP stays strict).
(function () {
  "use strict";

  // <button data-add-skill="Python" data-target="id_wants_skills">: append the name to the
  // textarea unless it is there already, and say so in the picker's live region.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-add-skill]") : null;
    if (!button) return;
    event.preventDefault();
    var box = document.getElementById(button.dataset.target);
    if (!box) return;
    var name = button.dataset.addSkill;
    var lines = box.value.split("\n").map(function (l) { return l.trim(); }).filter(Boolean);
    var present = lines.some(function (l) { return l.toLowerCase() === name.toLowerCase(); });
    if (!present) lines.push(name);
    box.value = lines.join("\n");
    box.dispatchEvent(new Event("change", { bubbles: true }));
    var status = document.getElementById(button.dataset.target + "-status");
    if (status) status.textContent = (present ? button.dataset.already : button.dataset.added) || "";
    button.disabled = true;
  });
})();

// The picker's search box sits inside the sign-up or programme form: Enter searches (htmx
// already does as one types) instead of submitting the whole form.
document.addEventListener("keydown", function (event) {
  if (event.key === "Enter" && event.target.matches && event.target.matches("[data-picker-search]")) {
    event.preventDefault();
  }
});

// After htmx replaces the proposal (a run, lock, remove, publish), keyboard focus would be
// lost with the button that was pressed: move it to the proposal's heading instead.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail && event.detail.target;
  if (!target || target.id !== "proposal") return;
  var heading = document.getElementById("proposal-h");
  if (heading) heading.focus();
});
