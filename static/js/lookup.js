// Suggestions for the entry forms' name fields (people, organisations, topics).
// An input with data-lookup="<url>" fills the <datalist> it names with the records whose name
// starts a word with what is typed; data-lookup-by names a select ("speaker_is") whose value
// (person / organisation) chooses the list, from data-lookup-person / data-lookup-organisation.
// Events are delegated from the document, so forms swapped in by htmx work without set-up.
(function () {
  "use strict";
  var timers = new WeakMap();

  function urlFor(input) {
    var by = input.dataset.lookupBy;
    if (!by) return input.dataset.lookup;
    var select = input.form && input.form.elements[by];
    var kind = select && select.value === "organisation" ? "organisation" : "person";
    input.setAttribute("list", "lookup-" + kind);
    return input.dataset["lookup" + kind.charAt(0).toUpperCase() + kind.slice(1)];
  }

  function fill(input) {
    var url = urlFor(input);
    var list = document.getElementById(input.getAttribute("list"));
    var term = input.value.trim();
    if (!url || !list || term.length < 2 || term.indexOf("#") !== -1) return;
    fetch(url + "?q=" + encodeURIComponent(term), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        list.replaceChildren.apply(list, data.results.map(function (result) {
          var option = document.createElement("option");
          option.value = result.value;
          option.label = result.label;
          return option;
        }));
      })
      .catch(function () { /* suggestions are a convenience: typing a name still works */ });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !(input.dataset.lookup || input.dataset.lookupBy)) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { fill(input); }, 200));
  });
})();
