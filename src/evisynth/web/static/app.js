/* evisynth web app: CSRF header for htmx requests, keyboard shortcuts and the extraction grid's new rows
   (no inline scripts: CSP). */
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  document.addEventListener("htmx:configRequest", function (event) {
    if (meta) { event.detail.headers["X-CSRF-Token"] = meta.content; }
  });
  function typing(target, key) {
    var tag = target && target.tagName;
    /* a list may let some shortcuts through (the full-text reason list: E excludes with the chosen reason) */
    if (tag === "SELECT" && (target.getAttribute("data-keys") || "").split(" ").indexOf(key) >= 0) { return false; }
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }
  document.addEventListener("keydown", function (event) {
    var key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target, key)) { return; }
    var control = document.querySelector('[data-key="' + key + '"]');
    if (!control || control.disabled) { return; }
    event.preventDefault();
    /* a shortcut that needs a choice first (E at full text needs a reason): focus the list, show the hint */
    var needed = control.getAttribute("data-needs") && document.getElementById(control.getAttribute("data-needs"));
    if (needed && !needed.value) {
      needed.focus();
      var hint = document.getElementById(needed.getAttribute("aria-describedby") || "");
      if (hint) { hint.hidden = false; }
      return;
    }
    control.click();
  });
  /* The extraction grid: a blank row is added when the last one is typed in, or by "Add a row"
     (without JavaScript, saving gives new blank rows). */
  function addRow(table) {
    var form = table.closest("form");
    var nrows = form.querySelector('input[name="nrows"]');
    var ncols = Number(form.querySelector('input[name="ncols"]').value);
    var i = Number(nrows.value);
    var tr = document.createElement("tr");
    var th = document.createElement("th");
    th.scope = "row";
    th.textContent = String(i + 1);
    tr.appendChild(th);
    for (var j = 0; j < ncols; j++) {
      var td = document.createElement("td");
      var input = document.createElement("input");
      var head = form.querySelector('input[name="h-' + j + '"]');
      input.name = "c-" + i + "-" + j;
      input.size = j === 0 ? 5 : 6;
      input.setAttribute("aria-label", (head ? head.value : "column " + (j + 1)) + ", row " + (i + 1));
      td.appendChild(input);
      tr.appendChild(td);
    }
    var derived = document.createElement("td");
    derived.className = "derivation";
    tr.appendChild(derived);
    placeDerived(table, tr, derived);
    table.tBodies[0].appendChild(tr);
    nrows.value = String(i + 1);
  }
  /* The Derived cell sits after the data columns (the table's data-derived-after), as the page draws it. */
  function placeDerived(table, tr, derived) {
    var after = Number(table.getAttribute("data-derived-after"));
    if (after && tr.children[after + 1] && tr.children[after + 1] !== derived) {
      tr.insertBefore(derived, tr.children[after + 1]);
    }
  }
  document.addEventListener("input", function (event) {
    var cell = event.target;
    var table = cell && cell.closest && cell.closest("table.grid");
    if (!table || !cell.value || cell.closest("thead")) { return; }
    var rows = table.tBodies[0].rows;
    if (cell.closest("tr") === rows[rows.length - 1]) { addRow(table); }
  });
  /* Enter moves down the column, Shift+Enter up (as in a spreadsheet); Ctrl+Enter saves the grid. */
  document.addEventListener("keydown", function (event) {
    var cell = event.target;
    if (event.key !== "Enter" || event.altKey) { return; }
    var match = cell && cell.name && /^c-(\d+)-(\d+)$/.exec(cell.name);
    var table = match && cell.closest("table.grid");
    if (!table) { return; }
    event.preventDefault();
    if (event.ctrlKey || event.metaKey) { table.closest("form").requestSubmit(); return; }
    var row = Number(match[1]) + (event.shiftKey ? -1 : 1);
    if (row < 0) { return; }
    var form = table.closest("form");
    if (row >= Number(form.querySelector('input[name="nrows"]').value)) { addRow(table); }
    var next = form.querySelector('input[name="c-' + row + "-" + match[2] + '"]');
    if (next) { next.focus(); next.select(); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest && event.target.closest("[data-add-row]");
    if (!button) { return; }
    var table = document.getElementById(button.getAttribute("data-add-row"));
    if (table) { addRow(table); table.tBodies[0].lastElementChild.querySelector("input").focus(); }
  });
})();
