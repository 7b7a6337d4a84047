"use strict";
(function () {
  var table = document.getElementById("verdicts");
  var filters = document.getElementById("filters");
  if (!table || !filters) { return; }
  var body = table.tBodies[0];
  var text = document.getElementById("filter-text");
  var verdict = document.getElementById("filter-verdict");
  var count = document.getElementById("filter-count");
  function apply() {
    var query = text.value.trim().toLowerCase();
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var visible = (!query || row.textContent.toLowerCase().indexOf(query) !== -1) &&
        (!verdict.value || row.getAttribute("data-verdict") === verdict.value);
      row.hidden = !visible;
      shown += visible ? 1 : 0;
    });
    count.textContent = shown + " of " + body.rows.length + " claims shown";
  }
  function sortBy(header, button) {
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var column = header.cellIndex;
    var numeric = button.getAttribute("data-sort") === "number";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[column].getAttribute("data-sort");
      var y = b.cells[column].getAttribute("data-sort");
      var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(table.tHead.querySelectorAll("button[data-sort]"), function (button) {
    button.addEventListener("click", function () { sortBy(button.parentNode, button); });
  });
  text.addEventListener("input", apply);
  verdict.addEventListener("change", apply);
  filters.hidden = false;
  apply();
}());
