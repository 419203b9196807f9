// The lab calendar: FullCalendar (vendored, a plain global) over the desk's events feed.
// A manager drags a booking to another slot of its counter; the desk decides, and a
// refusal puts the booking back where it was.
(function () {
  "use strict";
  var el = document.getElementById("lab-calendar");
  if (!el || !window.FullCalendar || !window.fetch) { return; }
  var data = el.dataset;
  var status = document.getElementById("calendar-status");
  var filters = document.getElementById("calendar-filters");
  var COLOURS = {booking: "#0b5cad", due: "#9a6700", free: "#1a7f37"};

  function say(message, kind) {
    status.textContent = message;
    status.className = "notice " + kind;
    status.hidden = !message;
  }

  function chosen(name) {
    var field = filters && filters.elements[name];
    return field ? field.value : "";
  }

  // No time-zone plugin: the calendar runs in UTC, its times standing for Beijing wall
  // time (the feed sends wall times without an offset, and so do we), so a date's UTC
  // fields are the Beijing time.
  function wallTime(date) {
    return date.toISOString().slice(0, 19);
  }

  // "Now" and "today" as Beijing wall time, wherever the browser is.
  function beijingNow() {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "UTC",
    now: beijingNow, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23"
    }).formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + "T" +
      parts.hour + ":" + parts.minute + ":" + parts.second;
  }

  function send(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: JSON.stringify(body),
      headers: {"Content-Type": "application/json", "Accept": "application/json",
                "X-CSRFToken": data.csrf}
    }).then(function (r) {
      return r.json().catch(function () { return {}; })
        .then(function (answer) { return {ok: r.ok, answer: answer}; });
    });
  }

  var calendar = new FullCalendar.Calendar(el, {
    locale: data.locale,
    timeZone: "UTC",
    now: beijingNow,
    firstDay: 1,
    initialView: "timeGridWeek",
    initialDate: data.initialDate || undefined,
    headerToolbar: {left: "prev,next today", center: "title",
                    right: "dayGridMonth,timeGridWeek,timeGridDay"},
    slotMinTime: data.firstHour,
    slotMaxTime: data.lastHour,
    height: "auto",
    nowIndicator: true,
    editable: false,
    eventDurationEditable: false,
    eventTimeFormat: {hour: "2-digit", minute: "2-digit", hour12: false},
    slotLabelFormat: {hour: "2-digit", minute: "2-digit", hour12: false},
    // The toolbar's arrow icons are decoration: their buttons carry the words.
    datesSet: function () {
      el.querySelectorAll(".fc-icon").forEach(function (icon) { icon.setAttribute("aria-hidden", "true"); });
    },
    events: {
      url: data.eventsUrl,
      extraParams: function () { return {resource: chosen("resource"), analyst: chosen("analyst")}; },
      failure: function () { say(data.loadFailed, "error"); }
    },
    eventDataTransform: function (event) {
      var kind = (event.extendedProps || {}).kind;
      event.backgroundColor = event.borderColor = COLOURS[kind];
      return event;
    },
    eventDidMount: function (info) {
      var resource = info.event.extendedProps.resource;
      info.el.title = info.event.title + (resource ? " · " + resource : "");
      if (info.event.extendedProps.kind) { info.el.setAttribute("data-kind", info.event.extendedProps.kind); }
    },
    eventDrop: function (info) {
      var url = info.event.extendedProps.moveUrl;
      if (!url) { info.revert(); return; }
      say(data.moving, "info");
      send(url, {start: wallTime(info.event.start)}).then(function (result) {
        if (!result.ok) {
          info.revert();
          say(result.answer.message || data.failed, "error");
          return;
        }
        info.event.setProp("id", result.answer.id);
        info.event.setExtendedProp("moveUrl", result.answer.moveUrl);
        say(result.answer.message, "success");
        calendar.refetchEvents();  // the free places changed at both ends
      }).catch(function () {
        info.revert();
        say(data.failed, "error");
      });
    }
  });
  calendar.render();

  // The filters apply at once; the address keeps them for a reload or a shared link.
  if (filters) {
    var apply = function (ev) {
      if (ev) { ev.preventDefault(); }
      var params = new URLSearchParams(window.location.search);
      ["resource", "analyst"].forEach(function (name) {
        if (chosen(name)) { params.set(name, chosen(name)); } else { params.delete(name); }
      });
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
      calendar.refetchEvents();
    };
    filters.addEventListener("submit", apply);
    filters.addEventListener("change", apply);
  }
})();
