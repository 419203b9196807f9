// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  var toggle = document.querySelector(".menu-toggle");
  var nav = document.getElementById("mainnav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // A confirmation for steps that cannot be undone: on the form, or on one of its buttons.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      var by = ev.submitter && ev.submitter.getAttribute("data-confirm") ? ev.submitter : form;
      var question = by.getAttribute("data-confirm");
      if (question && !window.confirm(question)) { ev.preventDefault(); }
    });
  });
  // Slow steps (signing a report) say they are under way and cannot be sent twice. The
  // buttons are disabled after the browser has read the one pressed.
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (ev.defaultPrevented) { return; }
      if (form.getAttribute("aria-busy") === "true") { ev.preventDefault(); return; }
      form.setAttribute("aria-busy", "true");
      var note = document.createElement("p");
      note.className = "busy small";
      note.setAttribute("role", "status");
      note.textContent = form.getAttribute("data-busy");
      form.appendChild(note);
      setTimeout(function () {
        form.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
      }, 0);
    });
  });
  document.querySelectorAll("[data-print]").forEach(function (btn) {
    btn.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var target = document.getElementById(btn.getAttribute("data-copy"));
      if (target && navigator.clipboard) { navigator.clipboard.writeText(target.value || target.textContent); }
    });
  });
  // Put the keyboard focus on the first field with an error.
  var invalid = document.querySelector("[aria-invalid=true]");
  if (invalid) { invalid.focus(); }
})();

// A certificate batch: follow its progress, and reload once it ends to show the downloads.
(function () {
  "use strict";
  var box = document.getElementById("batch");
  if (!box || !window.fetch) { return; }
  var state = box.getAttribute("data-state");
  if (state !== "queued" && state !== "running") { return; }
  var bar = document.getElementById("batch-progress");
  var count = document.getElementById("batch-count");
  var label = document.getElementById("batch-state");
  function poll() {
    fetch(box.getAttribute("data-progress-url"), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (p) {
        bar.max = p.total; bar.value = p.done; bar.textContent = p.percent + " %";
        count.textContent = p.done + " / " + p.total;
        label.textContent = p.state_label;
        if (p.state === "done" || p.state === "failed") { window.location.reload(); }
        else { window.setTimeout(poll, 1000); }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 1000);
})();

// "All" checkboxes that tick or clear every box of one name.
document.querySelectorAll("[data-check-all]").forEach(function (all) {
  "use strict";
  all.addEventListener("change", function () {
    document.querySelectorAll("input[name='" + all.getAttribute("data-check-all") + "']")
      .forEach(function (box) { box.checked = all.checked; });
  });
});

// The scale verification form: the live error, MPE and verdict of each reading as
// it is typed, computed by the desk (the same rules that save it).
(function () {
  "use strict";
  var form = document.getElementById("scale-form");
  if (!form || !window.fetch) { return; }
  var verdict = document.getElementById("verdict");
  var timer = null;
  function badge(ok) {
    var span = document.createElement("span");
    span.className = "badge verdict-" + (ok ? "passed" : "failed");
    span.textContent = verdict.getAttribute(ok ? "data-pass-word" : "data-fail-word");
    return span;
  }
  function render(live) {
    form.querySelectorAll("[data-out]").forEach(function (cell) {
      var p = live.points[cell.getAttribute("data-out")];
      var k = cell.getAttribute("data-k");
      cell.textContent = "";
      if (!p) { return; }
      if (k === "passed") { cell.appendChild(badge(p.passed)); }
      else { cell.textContent = (k === "mpe" ? "±" : "") + p[k]; }
    });
    form.querySelectorAll("[data-test]").forEach(function (span) {
      var t = span.getAttribute("data-test");
      span.textContent = "";
      if (t in live.tests) { span.appendChild(badge(live.tests[t])); }
    });
    form.querySelectorAll("[data-error-for]").forEach(function (p) {
      var name = p.getAttribute("data-error-for");
      var message = live.errors[name] || "";
      p.textContent = message;
      var input = document.getElementById(name);
      if (input) {
        if (message) { input.setAttribute("aria-invalid", "true"); }
        else { input.removeAttribute("aria-invalid"); }
      }
    });
    verdict.textContent = "";
    var strong = document.createElement("strong");
    if (live.passed === null) { verdict.textContent = verdict.getAttribute("data-incomplete"); return; }
    strong.className = live.passed ? "pass" : "fail";
    strong.textContent = verdict.getAttribute(live.passed ? "data-pass" : "data-fail");
    verdict.appendChild(strong);
  }
  var sent = 0;
  function check() {
    var mine = ++sent;  // only the answer to the newest readings is shown
    fetch(form.getAttribute("data-check-url"), {method: "POST", body: new FormData(form),
                                                credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (live) { if (live && mine === sent) { render(live); } })
      .catch(function () {});
  }
  form.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 150);
  });
  form.addEventListener("change", function () { window.clearTimeout(timer); check(); });
})();

// Results: under each result field, what the desk reads it as (ND: not detected, below
// the detection limit; "< 20": cannot be judged against ≤ 10 ...) before it is saved.
(function () {
  var fields = document.querySelectorAll("input[data-read-url]");
  if (!fields.length || !window.fetch) { return; }
  fields.forEach(function (field) {
    var out = document.getElementById(field.getAttribute("data-read-out"));
    var timer = null, asked = 0;
    function ask() {
      var mine = ++asked;  // an older, slower answer never overwrites a newer one
      var url = field.getAttribute("data-read-url") + "?raw=" + encodeURIComponent(field.value);
      fetch(url, {credentials: "same-origin"})
        .then(function (r) { return r.json(); })
        .then(function (a) {
          if (mine !== asked) { return; }
          out.textContent = a.error || a.understood || "";
          out.classList.toggle("error", !!a.error);
        })
        .catch(function () {});
    }
    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 250);
    });
    if (field.value && fields.length <= 20) { ask(); }  // a full grid asks as it is typed in
  });
})();

// The worklist grid, as in a spreadsheet: Enter moves down the column (Shift+Enter up)
// rather than sending the form; after the last row it goes to the save button.
(function () {
  "use strict";
  document.querySelectorAll("table.result-grid").forEach(function (table) {
    table.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter" || ev.target.tagName !== "INPUT") { return; }
      ev.preventDefault();
      var cell = ev.target.closest("td");
      var row = cell.parentElement;
      var column = Array.prototype.indexOf.call(row.children, cell);
      var rows = Array.prototype.slice.call(table.tBodies[0].rows);
      var target = rows[rows.indexOf(row) + (ev.shiftKey ? -1 : 1)];
      var next = target && target.children[column] && target.children[column].querySelector("input");
      if (next) {
        next.focus();
        next.select();
      } else if (!ev.shiftKey) {
        table.closest("form").querySelector("button[type=submit]").focus();
      }
    });
  });
})();

// Booking: choose a day first, then one of its times (without JavaScript every day's
// times are listed under the day). No time is chosen for the visitor.
(function () {
  "use strict";
  var form = document.getElementById("slot-picker");
  if (!form) { return; }
  var days = form.querySelector(".day-picker");
  var times = form.querySelectorAll(".time-picker");
  days.hidden = false;
  form.querySelectorAll(".step-word").forEach(function (s) { s.hidden = false; });
  function show(day) {
    times.forEach(function (set) {
      var shown = set.getAttribute("data-day") === day;
      set.hidden = !shown;
      if (!shown) { set.querySelectorAll("input").forEach(function (i) { i.checked = false; }); }
    });
  }
  var chosen = days.querySelector("input:checked");
  show(chosen ? chosen.value : null);
  days.addEventListener("change", function (ev) {
    if (ev.target.name === "day") {
      show(ev.target.value);
      var first = form.querySelector(".time-picker:not([hidden]) input");
      if (first) { first.focus(); }
    }
  });
})();
