/*
 * Rows of Django formsets added and removed in place.
 *
 * Markup (templates/inspection/_formset.html):
 *   <tbody data-formset-body="PREFIX">      rows, each <tr data-formset-row>
 *   <template data-formset-template="PREFIX"> the empty form, "__prefix__" for the index
 *   <button data-formset-add="PREFIX">       appends a row and bumps PREFIX-TOTAL_FORMS
 *   <button data-formset-remove>             ticks the row's hidden DELETE box and hides it
 * Removed rows stay in the form (hidden) so the server skips them and indexes keep in step.
 */
(function () {
  "use strict";

  function addRow(prefix) {
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.querySelector('template[data-formset-template="' + prefix + '"]');
    var body = document.querySelector('[data-formset-body="' + prefix + '"]');
    if (!total || !template || !body) {
      return;
    }
    var index = parseInt(total.value, 10) || 0;
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    if (max && index >= parseInt(max.value, 10)) {
      return;
    }
    body.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
    total.value = String(index + 1);
    var row = body.lastElementChild;
    var first = row && row.querySelector("input:not([type=hidden]), select, textarea");
    if (first) {
      first.focus();
    }
  }

  function removeRow(button) {
    var row = button.closest("[data-formset-row]");
    if (!row) {
      return;
    }
    var box = row.querySelector('input[type=checkbox][name$="-DELETE"]');
    if (box) {
      box.checked = true;
    }
    row.hidden = true;
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-formset-add]");
    if (add) {
      event.preventDefault();
      addRow(add.getAttribute("data-formset-add"));
      return;
    }
    var remove = event.target.closest("[data-formset-remove]");
    if (remove) {
      event.preventDefault();
      removeRow(remove);
    }
  });
})();
