// The request form: a searchable service picker on each row, rows added and removed,
// and each row's catalogue price and turnaround with the expected total, as typed.
// Without JavaScript the form still works: plain lists and a few empty rows.
(function () {
  "use strict";
  var table = document.getElementById("items");
  var template = document.getElementById("item-row-template");
  if (!table || !template) { return; }
  var body = table.tBodies[0];
  var total = document.getElementById("estimate-total");
  var addButton = document.getElementById("add-item");
  var placeholder = table.getAttribute("data-new-row");
  var daysWord = table.getAttribute("data-days-word");
  var noMatch = table.getAttribute("data-no-match");

  function yuan(cents) { return "¥" + (cents / 100).toFixed(2); }

  function isEmpty(row) {
    var select = row.querySelector("select");
    var typed = Array.prototype.some.call(row.querySelectorAll("input[type=text]"), function (i) {
      return i.value.trim() !== "" && !/quantity$/.test(i.name);
    });
    return (!select || select.value === "0" || select.value === "") && !typed;
  }

  function searchable(select) {
    if (!window.TomSelect || select.tomselect) { return; }
    // The "choose a service" entry becomes the picker's placeholder, not an option.
    var none = select.querySelector("option[value='0']");
    var placeholder = none ? none.textContent : "";
    if (none) { none.value = ""; }
    var picker = new window.TomSelect(select, {
      placeholder: placeholder,
      maxOptions: null,
      dropdownParent: "body",  // the table's scrolling box would clip it
      openOnFocus: false,      // a new row is focused for typing; its list opens as one types
      allowEmptyOption: false,
      searchField: ["text", "optgroup"],
      // The list is filtered in the page: redraw it at each key, so a quick click
      // never lands on a list that is about to be redrawn under the pointer.
      refreshThrottle: 0,
      render: {
        no_results: function () {
          var div = document.createElement("div");
          div.className = "no-results";
          div.textContent = noMatch;
          return div;
        }
      }
    });
    // Screen readers name the picker's search box by the row's hidden label (the
    // picker moves the label to itself; the hidden list keeps the name too).
    var label = document.querySelector("label[for='" + picker.control_input.id + "']") ||
      document.querySelector("label[for='" + select.id + "']");
    if (label) {
      picker.control_input.setAttribute("aria-label", label.textContent);
      select.setAttribute("aria-label", label.textContent);
    }
    if (select.getAttribute("aria-invalid") === "true" && picker.control_input) {
      picker.control_input.setAttribute("aria-invalid", "true");
    }
  }

  function renumber() {
    Array.prototype.forEach.call(body.rows, function (row, i) {
      var cell = row.querySelector(".row-number");
      if (cell) { cell.textContent = String(i + 1); }
    });
  }

  function update() {
    var sum = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var select = row.querySelector("select");
      var qty = parseInt((row.querySelector("input[name$=quantity]") || {}).value, 10) || 1;
      var option = select && select.options[select.selectedIndex];
      var price = option && option.dataset.price ? parseInt(option.dataset.price, 10) : null;
      var cell = row.querySelector(".line-price");
      if (!cell) { return; }
      if (price === null) { cell.textContent = ""; return; }
      sum += price * qty;
      cell.textContent = yuan(price * qty) + (option.dataset.days
        ? " · " + daysWord.replace("%n", option.dataset.days) : "");
    });
    if (total) { total.textContent = yuan(sum); }
  }

  function nextIndex() {
    var highest = -1;
    body.querySelectorAll("select[name^='items-']").forEach(function (select) {
      var n = parseInt(select.name.split("-")[1], 10);
      if (n > highest) { highest = n; }
    });
    return highest + 1;
  }

  function addRow(focus) {
    var html = template.innerHTML.split(placeholder).join(String(nextIndex()));
    var holder = document.createElement("tbody");
    holder.innerHTML = html.trim();
    var row = holder.rows[0];
    body.appendChild(row);
    wire(row);
    renumber();
    if (focus) {
      var select = row.querySelector("select");
      if (select.tomselect) { select.tomselect.focus(); } else { select.focus(); }
    }
    return row;
  }

  function wire(row) {
    var remove = row.querySelector(".remove-item");
    if (remove) {
      remove.hidden = false;
      remove.addEventListener("click", function () {
        var select = row.querySelector("select");
        if (select && select.tomselect) { select.tomselect.destroy(); }
        row.parentNode.removeChild(row);
        if (!body.rows.length) { addRow(false); }
        renumber();
        update();
        addButton.focus();
      });
    }
    var select = row.querySelector("select");
    if (select) { searchable(select); }
  }

  // Keep one empty row at the end; the button adds more.
  var rows = Array.prototype.slice.call(body.rows);
  var keptEmpty = false;
  rows.forEach(function (row) {
    var hasError = row.querySelector("[aria-invalid=true]");
    if (isEmpty(row) && !hasError) {
      if (keptEmpty) { row.parentNode.removeChild(row); return; }
      keptEmpty = true;
    }
  });
  Array.prototype.forEach.call(body.rows, wire);
  if (!keptEmpty) { addRow(false); }
  renumber();
  addButton.hidden = false;
  addButton.addEventListener("click", function () { addRow(true); });
  table.addEventListener("change", update);
  table.addEventListener("input", update);
  update();
})();
