/* Filters the index of pledges. Each row carries its values in data-* attributes (written by
   `pledges report`); a row shows when it has the value chosen in every filter and every word
   typed in the search box. Without this script every row shows and the filters stay hidden. */
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var table = document.getElementById("pledges");
  var shown = document.getElementById("shown");
  if (!form || !table || !shown) {
    return;
  }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var search = document.getElementById("filter-search");
  // Each typed word is looked for within the row's words (no typed word holds a space), so
  // data-search may hold each word of the quotes only once (summary.search_text).
  var texts = rows.map(function (row) {
    return (row.getAttribute("data-search") || "").toLowerCase();
  });

  function has(row, name, wanted) {
    // Values are words; a row may hold several (a joint pledge has several actors).
    var values = " " + (row.getAttribute("data-" + name) || "") + " ";
    return values.indexOf(" " + wanted + " ") !== -1;
  }

  function apply() {
    var chosen = selects
      .filter(function (select) { return select.value !== ""; })
      .map(function (select) { return [select.getAttribute("data-filter"), select.value]; });
    var words = search ? search.value.toLowerCase().split(/\s+/).filter(Boolean) : [];
    var count = 0;
    rows.forEach(function (row, index) {
      var match = chosen.every(function (pair) { return has(row, pair[0], pair[1]); }) &&
        words.every(function (word) { return texts[index].indexOf(word) !== -1; });
      row.hidden = !match;
      if (match) {
        count += 1;
      }
    });
    shown.textContent = count === rows.length
      ? "All " + rows.length + " pledges shown"
      : count + " of " + rows.length + " pledges shown";
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("reset", function (event) {
    // Reset by hand, so that the rows follow at once (the event comes before the form resets).
    event.preventDefault();
    selects.forEach(function (select) { select.value = ""; });
    if (search) {
      search.value = "";
    }
    apply();
  });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  form.hidden = false;
  apply();
}());
