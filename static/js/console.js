// The facilitator's console: keyboard shortcuts, and the question a move of the agenda asks.
// Loaded by facilitator/page.html only. No inline handlers (the CSP forbids them).
(function () {
  "use strict";

  // A key never acts while a person types, chooses, or answers a question.
  function busy(target) {
    return Boolean(
      target &&
        target.closest &&
        target.closest("input, textarea, select, [contenteditable]")
    );
  }

  // N, S, A, F press the button of the list of speakers that names the key (data-shortcut).
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.repeat) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (busy(event.target) || document.querySelector("dialog[open]")) return;
    var key = event.key.length === 1 ? event.key.toLowerCase() : "";
    if (!/^[a-z]$/.test(key)) return;
    var button = document.querySelector('#fac-floor button[data-shortcut="' + key + '"]');
    if (!button || button.disabled || !button.form) return;
    event.preventDefault();
    // A region swapped in a moment ago may not be wired to htmx yet: wire it first, so the
    // key never sends a plain form post from a region drawn for every screen.
    if (window.htmx) window.htmx.process(button.form);
    button.form.requestSubmit(button);
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.body.classList.add("has-shortcuts"); // the legend shows once the keys work
  });

  // The action last sent: its answer redraws the region that held its button, and focus
  // would fall to the page's start. It goes back to the same action's button in the new
  // region (or to the list of speakers), so that the keyboard carries on where it was.
  var lastAction = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.closest && !form.closest("#fac-confirm")) {
      lastAction = form.getAttribute("action");
    }
  });

  function focusBack() {
    if (document.querySelector("dialog[open]")) return;
    var forms = document.querySelectorAll("form[action]");
    var button = null;
    forms.forEach(function (form) {
      if (!button && form.getAttribute("action") === lastAction) {
        button = form.querySelector("button");
      }
    });
    var target = button || document.getElementById("fac-floor");
    if (target) target.focus({ preventScroll: Boolean(button) });
  }

  // A move that would end a turn or leave requests waiting answers with a dialog drawn open
  // (so that it shows even before this script runs): made modal here, its confirming button
  // focused (autofocus), Escape or "Cancel" closes it and focus goes back to the move.
  function askModally() {
    var dialog = document.querySelector("#fac-confirm dialog[open]");
    if (!dialog || !dialog.showModal || dialog.matches(":modal")) return false;
    dialog.close();
    dialog.addEventListener("close", focusBack);
    dialog.showModal();
    return true;
  }

  document.addEventListener("htmx:afterRequest", function () {
    window.setTimeout(function () {
      if (askModally()) return;
      var active = document.activeElement;
      if (!active || active === document.body || active.disabled) focusBack();
    }, 0);
  });
})();
