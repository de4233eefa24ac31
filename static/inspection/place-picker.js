/*
 * The КАТО place picker: an ordinary text input with a <datalist> filled from the
 * server's place search as the user types (a name in Kazakh or Russian, or the
 * code's first digits), and the chosen code's place named below the input.
 *
 * Markup (inspection/forms.py, AccidentForm):
 *   <input data-place-picker="SEARCH_URL" data-place-region="NN" list="kato-places"
 *          aria-describedby="kato-place-name">
 * Without scripts the input still takes the 9 digits.
 */
(function () {
  "use strict";

  function setUp(input) {
    var url = input.getAttribute("data-place-picker");
    var region = input.getAttribute("data-place-region") || "";
    var list = document.createElement("datalist");
    list.id = input.getAttribute("list");
    var named = document.createElement("p");
    named.id = input.getAttribute("aria-describedby");
    named.className = "place-name";
    named.setAttribute("aria-live", "polite");
    named.setAttribute("data-testid", "place-name");
    input.insertAdjacentElement("afterend", named);
    input.insertAdjacentElement("afterend", list);
    var known = {};
    var timer = null;
    var asked = "";

    function show() {
      var code = input.value.trim();
      named.textContent = known[code] ? known[code] : "";
    }

    function search() {
      var text = input.value.trim();
      if (text.length < 2 || text === asked) {
        show();
        return;
      }
      asked = text;
      var query = "?q=" + encodeURIComponent(text) + (region ? "&region=" + region : "");
      fetch(url + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          list.textContent = "";
          data.results.forEach(function (place) {
            known[place.code] = place.name;
            var option = document.createElement("option");
            option.value = place.code;
            option.label = place.name;
            option.textContent = place.name;
            list.appendChild(option);
          });
          show();
        })
        .catch(function () {});
    }

    input.addEventListener("input", function () {
      show();
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("change", show);
    if (input.value.trim()) {
      search();
    }
  }

  document.querySelectorAll("input[data-place-picker]").forEach(setUp);
})();
