/* Relaydesk desk: keyboard shortcuts, tabs, error flashes and live ticket updates.
   No inline scripts (CSP); htmx does the requests. */
(function () {
  "use strict";

  function showFlash(text, kind) {
    var area = document.getElementById("flash");
    if (!area) return;
    var line = document.createElement("p");
    line.className = "flash flash-" + kind;
    line.textContent = text;
    area.replaceChildren(line);
  }

  function typingIn(element) {
    return element.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(element.tagName);
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
    // The list's "select all on this page" box ticks every row box of the bulk form.
    if (event.target.matches("[data-select-all]")) {
      var boxes = document.querySelectorAll('input[form="' + event.target.dataset.selectAll + '"][name="ticket"]');
      boxes.forEach(function (box) { box.checked = event.target.checked; });
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.ctrlKey || event.metaKey) && event.key === "Enter" && target.form &&
        target.form.id === "composer") {
      event.preventDefault();
      target.form.requestSubmit();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey || typingIn(target)) return;
    var field = document.querySelector('[data-shortcut="' + CSS.escape(event.key) + '"]');
    if (field && !field.disabled && !field.closest("fieldset[disabled]")) {
      event.preventDefault();
      var details = field.closest("details");
      if (details) details.open = true;
      field.focus();
    }
  });

  /* The composer's knowledge-base box: put an article's title and link where the cursor is. */
  document.addEventListener("click", function (event) {
    var insert = event.target.closest("[data-kb-insert]");
    var body = insert && document.querySelector("#composer textarea");
    if (!body) return;
    var text = insert.dataset.kbInsert;
    var start = body.selectionStart, end = body.selectionEnd;
    body.setRangeText((start > 0 ? "\n" : "") + text + "\n", start, end, "end");
    body.focus();
  });

  /* The composer's canned responses: the server fills the placeholders for this ticket; the
     text goes where the cursor is. Enter in the search box takes the first match. */
  function insertCanned(button) {
    var body = document.querySelector("#composer textarea");
    if (!body) return;
    fetch(button.dataset.cannedUrl, {credentials: "same-origin"}).then(function (response) {
      if (!response.ok) throw new Error(response.statusText);
      return response.text();
    }).then(function (text) {
      var start = body.selectionStart, end = body.selectionEnd;
      body.setRangeText(text, start, end, "end");
      body.focus();
    }).catch(function () { showFlash(document.documentElement.dataset.errorText || "The request failed.", "error"); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-canned-url]");
    if (button) insertCanned(button);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || event.target.id !== "canned-lookup-q") return;
    event.preventDefault();
    var first = document.querySelector("#canned-lookup-results [data-canned-url]");
    if (first) insertCanned(first);
  });

  document.addEventListener("click", function (event) {
    var tab = event.target.closest("[data-tab]");
    if (!tab) return;
    tab.parentElement.querySelectorAll("[data-tab]").forEach(function (other) {
      var selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    });
  });

  document.addEventListener("htmx:responseError", function (event) {
    var message = document.documentElement.dataset.errorText || "The request failed.";
    try {
      var page = new DOMParser().parseFromString(event.detail.xhr.responseText, "text/html");
      var reason = page.querySelector("[data-error-message]");
      if (reason) message = reason.textContent.trim();
    } catch (ignored) { /* keep the generic message */ }
    showFlash(message, "error");
  });

  document.addEventListener("htmx:sendError", function () {
    showFlash(document.documentElement.dataset.offlineText || "The server cannot be reached.",
              "error");
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (event.detail.successful) {
      var flash = document.getElementById("flash");
      if (flash) flash.replaceChildren();
    }
  });

  /* Live ticket page: refresh the conversation (and the panel when nobody is editing it). */
  var ticket = document.getElementById("ticket");
  if (!ticket || !window.WebSocket) return;
  var url = ticket.dataset.url;
  var attempts = 0;
  var pending = null;

  /* Each part is its own request source: htmx queues requests per source and keeps only the
     last waiting one, so parts sharing one source would drop each other. */
  function refresh(part) {
    window.htmx.ajax("GET", url + "?part=" + part,
      { source: "#" + part, target: "#" + part, swap: "outerHTML" });
  }

  /* The conversation always; the other parts (the desk's panel, the portal's facts and
     rating) unless the person is typing in them, then the live bar says there is news. */
  function changed() {
    clearTimeout(pending);
    pending = setTimeout(function () {
      refresh("conversation");
      (ticket.dataset.liveParts || "panel").split(" ").forEach(function (part) {
        var element = document.getElementById(part);
        var bar = document.getElementById("live-bar");
        if (element && !element.contains(document.activeElement)) refresh(part);
        else if (bar) bar.hidden = false;
      });
    }, 300);
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + ticket.dataset.livePath);
    socket.addEventListener("open", function () { attempts = 0; });
    socket.addEventListener("message", function (event) {
      var data = JSON.parse(event.data);
      if (data.type === "ticket.changed") changed();
    });
    socket.addEventListener("close", function (event) {
      if (event.code === 4403 || attempts >= 8) return;
      attempts += 1;
      setTimeout(connect, Math.min(30000, 1000 * Math.pow(2, attempts)));
    });
  }
  connect();
})();

/* SLA countdowns: each [data-sla-due] counts down every 30 s and turns amber at its at-risk
   instant and red at its due time, without a request. The server rendered the same text. */
(function () {
  "use strict";

  function format(ms) {
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440);
    var rest = minutes % 1440;
    var text = days ? days + "d " + Math.floor(rest / 60) + "h"
      : Math.floor(rest / 60) + "h " + String(rest % 60).padStart(2, "0") + "m";
    if (minutes < 60) text = minutes + "m";
    return (ms < 0 ? "\u2212" : "") + text;
  }

  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-sla-due]").forEach(function (clock) {
      var due = Date.parse(clock.dataset.slaDue);
      var risk = clock.dataset.slaRisk ? Date.parse(clock.dataset.slaRisk) : due;
      var state = now >= due ? "breached" : now >= risk ? "at_risk" : "on_track";
      clock.classList.remove("sla-breached", "sla-at_risk", "sla-on_track");
      clock.classList.add("sla-" + state);
      var time = clock.querySelector("time");
      if (time) time.textContent = format(due - now);
    });
  }

  setInterval(tick, 30000);
  document.addEventListener("htmx:afterSettle", tick);
})();
