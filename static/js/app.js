/*
 * Behaviour shared by every page (loaded by templates/base.html).
 *
 * - A table wider than the screen scrolls inside itself; it takes keyboard
 *   focus so it can be scrolled without a mouse.
 * - After a refused save, focus moves to the error summary (announced by screen
 *   readers), then Tab reaches the first field in error.
 * - <form data-unsaved-guard>: leaving the page with changes not saved asks
 *   first (closing the tab, a link, or the Cancel link marked data-cancel).
 * - data-confirm="text" on a submit button asks before sending.
 */
(function () {
  "use strict";

  function firstInvalid(root) {
    return root.querySelector(
      ".has-error input:not([type=hidden]), .has-error select, .has-error textarea, [aria-invalid=true]"
    );
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("table.data, .table-scroll").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth && !el.hasAttribute("tabindex")) {
        el.tabIndex = 0;
      }
    });

    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      var field = firstInvalid(document);
      if (field) {
        field.scrollIntoView({ block: "center" });
        summary.focus({ preventScroll: true });
      }
    }

    var forms = document.querySelectorAll("form[data-unsaved-guard]");
    forms.forEach(function (form) {
      var dirty = false;
      var message = form.getAttribute("data-unsaved-message") ||
        document.documentElement.getAttribute("data-unsaved-message") || "";
      function mark() { dirty = true; }
      form.addEventListener("input", mark);
      form.addEventListener("change", mark);
      form.addEventListener("click", function (event) {
        if (event.target.closest("[data-formset-add], [data-formset-remove]")) { mark(); }
      });
      form.addEventListener("submit", function () { dirty = false; });
      window.addEventListener("beforeunload", function (event) {
        if (dirty) {
          event.preventDefault();
          event.returnValue = message;
          return message;
        }
      });
      form.querySelectorAll("[data-cancel]").forEach(function (link) {
        link.addEventListener("click", function (event) {
          if (dirty && !window.confirm(message)) {
            event.preventDefault();
            return;
          }
          dirty = false;
        });
      });
    });

    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) { event.preventDefault(); }
      });
    });
  });
})();
