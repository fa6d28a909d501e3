// Palabra's only script: ticks countdowns and waiting times between server pushes.
// The server sends timestamps (never ticks); we correct our clock from the server's time
// that comes with each push. No framework, no inline handlers.
(function () {
  "use strict";
  var offsetMs = 0; // server clock minus this device's clock

  function readServerClock() {
    var clock = document.getElementById("server-clock");
    if (clock && clock.dataset.serverNow) {
      offsetMs = Number(clock.dataset.serverNow) - Date.now();
      delete clock.dataset.serverNow; // read once, on arrival
    }
  }

  function seconds(ms, roundUp) {
    return roundUp ? Math.ceil(ms / 1000) : Math.floor(ms / 1000);
  }

  function clockText(totalSeconds, prefix) {
    var mm = Math.floor(totalSeconds / 60);
    var ss = String(totalSeconds % 60).padStart(2, "0");
    return prefix + mm + ":" + ss;
  }

  function remainingText(ms) {
    return ms < 0 ? clockText(seconds(-ms, false), "+") : clockText(seconds(ms, true), "");
  }

  function tick() {
    var now = Date.now() + offsetMs;
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var remaining = Number(el.dataset.remainingMs);
      if (el.dataset.running === "true" && el.dataset.deadlineMs) {
        remaining = Number(el.dataset.deadlineMs) - now;
      }
      var text = remainingText(remaining);
      if (el.textContent !== text) el.textContent = text;
      el.classList.toggle("is-overtime", remaining < 0);
      el.classList.toggle("is-warning", remaining >= 0 && remaining <= 30000);
    });
    document.querySelectorAll("[data-since-ms]").forEach(function (el) {
      var text = clockText(seconds(Math.max(0, now - Number(el.dataset.sinceMs)), false), "");
      if (el.textContent !== text) el.textContent = text;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    readServerClock();
    tick();
    setInterval(tick, 250);
  });
  document.addEventListener("htmx:wsAfterMessage", function () {
    readServerClock();
    tick();
  });
  document.addEventListener("htmx:afterSwap", tick);
  // Every region carries the version of the state it shows. A socket's batch opens with the
  // server clock stamped with the version it completes: regions it leaves out are current at
  // that version too. An answer can arrive after a newer push (or the other way round):
  // never let a region older than what is shown, or than the socket's state, replace it.
  var socketVersion = 0;
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var fragment = event.detail.fragment;
    var incoming = fragment && fragment.firstElementChild;
    var current = event.detail.target;
    if (!incoming || !current || !incoming.dataset || !current.dataset) return;
    if (incoming.dataset.version === undefined) return;
    var next = Number(incoming.dataset.version);
    if (incoming.id === "server-clock") {
      socketVersion = Math.max(socketVersion, next);
      return;
    }
    var shown = current.dataset.version;
    if (next < socketVersion || (shown !== undefined && next < Number(shown))) {
      event.detail.shouldSwap = false;
    }
  });
  // A push never closes what a person opened: an open <details> with an id stays open in
  // the region that replaces it (the original of a translated topic, "Codes and links").
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var fragment = event.detail.fragment;
    if (!fragment || !fragment.querySelector) return;
    event.detail.target.querySelectorAll("details[open][id]").forEach(function (open) {
      var incoming = fragment.querySelector("#" + CSS.escape(open.id));
      if (incoming) incoming.setAttribute("open", "");
    });
  });
  document.addEventListener("htmx:wsOpen", function () {
    document.body.classList.remove("is-offline");
  });
  document.addEventListener("htmx:wsClose", function (event) {
    document.body.classList.add("is-offline");
    // Closed by the server's policy (1008): this screen may no longer see the room (signed
    // out, a renewed projector link, phones signed out). Reload, so that the page says why
    // and where to go; at most once a minute, should the page itself still open.
    var closing = event.detail && event.detail.event;
    if (closing && closing.code === 1008) {
      var last = Number(window.sessionStorage.getItem("palabra-reloaded") || 0);
      if (Date.now() - last > 60000) {
        window.sessionStorage.setItem("palabra-reloaded", String(Date.now()));
        window.location.reload();
      }
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (event.detail.successful && form.matches && form.matches("form[data-reset-on-success]")) {
      form.reset();
    }
  });
})();
