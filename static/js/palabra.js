// Palabra's only script: ticks countdowns and waiting times between server pushes (the
// server sends timestamps, never ticks; we correct our clock from the server's time that
// comes with each push), keeps regions in version order, keeps what a person entered through
// a swap, tells a phone that its participant is next, and watches the live socket's health.
// No framework, no inline handlers.
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
  // ---- What a person entered survives every swap ----
  // A region comes whole (a push, or an answer to a request): what a person typed, ticked,
  // chose or opened in the region it replaces is carried into the new one, and the focus and
  // the caret come back. A control is the person's once they changed it (and for as long as
  // it differs from what the server drew), until a request of its own form succeeds: then the
  // server's state wins. A control that a swap takes away (its form gone while the list is
  // closed) comes back as the person left it when a later swap brings it back.
  var CONTROLS = "input:not([type=hidden]), textarea, select, details";
  var FOCUSABLE = "input, textarea, select, button, a[href], summary, [tabindex]";
  var touched = new WeakSet();
  var takenAway = new Map(); // region id -> Map(key -> state) of controls a swap left out
  var refocus = null; // what had the focus in a region being swapped, and its caret

  function touch(control) {
    if (control.type === "radio" && control.name) {
      var scope = control.form || control.closest("[id]") || document;
      scope.querySelectorAll("input[type=radio]").forEach(function (radio) {
        if (radio.name === control.name) touched.add(radio);
      });
    }
    touched.add(control);
  }
  ["input", "change"].forEach(function (type) {
    document.addEventListener(
      type,
      function (event) {
        if (event.target.matches && event.target.matches(CONTROLS)) touch(event.target);
      },
      true
    );
  });
  document.addEventListener(
    "click",
    function (event) {
      var summary = event.target.closest && event.target.closest("summary");
      if (summary && summary.parentElement.tagName === "DETAILS") touch(summary.parentElement);
    },
    true
  );
  document.addEventListener("reset", function (event) {
    event.target.querySelectorAll(CONTROLS).forEach(function (control) {
      touched.delete(control);
    });
  });

  function isChoice(control) {
    return control.type === "checkbox" || control.type === "radio";
  }

  // The same control in the region as drawn before and after: its id, or its form's action,
  // its name and (for a box or a button) its value; the n-th of a repeated key is told apart.
  function keysIn(root, selector) {
    var keys = new Map();
    var count = {};
    root.querySelectorAll(selector).forEach(function (element) {
      var key = element.id ? "#" + element.id : keyWithoutId(element);
      count[key] = (count[key] || 0) + 1;
      keys.set(key + "|" + count[key], element);
    });
    return keys;
  }

  function keyWithoutId(element) {
    var form = element.form || (element.closest && element.closest("form"));
    var scope = form ? form.id || form.getAttribute("action") || form.getAttribute("hx-post") : "";
    var name = element.getAttribute("name") || element.getAttribute("aria-label") || "";
    var value = isChoice(element) || element.tagName === "BUTTON" ? element.value : "";
    var link = element.getAttribute("href") || "";
    return [element.tagName, element.type || "", scope, name, value, link].join("|");
  }

  function drawnSelection(select) {
    var options = Array.from(select.options);
    if (select.multiple) {
      return options.filter(function (o) { return o.defaultSelected; }).map(function (o) { return o.value; });
    }
    var chosen = options.filter(function (o) { return o.defaultSelected; }).pop() || options[0];
    return chosen ? [chosen.value] : [];
  }

  // The person's state of a control, or null when it is what the server drew.
  function entered(control) {
    var state = touched.has(control) ? changed(control) : null;
    if (state) state.tag = control.tagName;
    return state;
  }

  function changed(control) {
    if (control.tagName === "DETAILS") return { open: control.open };
    if (control.tagName === "SELECT") {
      var selected = Array.from(control.selectedOptions).map(function (o) { return o.value; });
      return selected.join("\n") === drawnSelection(control).join("\n") ? null : { selected: selected };
    }
    if (isChoice(control)) {
      return control.checked === control.defaultChecked ? null : { checked: control.checked };
    }
    return control.value === control.defaultValue ? null : { value: control.value };
  }

  function restore(control, state) {
    if ("open" in state) control.open = state.open;
    else if ("selected" in state) {
      Array.from(control.options).forEach(function (option) {
        option.selected = state.selected.indexOf(option.value) >= 0;
      });
    } else if ("checked" in state) control.checked = state.checked;
    else control.value = state.value;
    touched.add(control);
  }

  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var region = event.detail.target;
    var fragment = event.detail.fragment;
    if (!event.detail.shouldSwap || !region || !region.id || !fragment) return;
    var kept = takenAway.get(region.id) || new Map();
    keysIn(region, CONTROLS).forEach(function (control, key) {
      var state = entered(control);
      if (state) kept.set(key, state);
      else kept.delete(key);
    });
    var incoming = keysIn(fragment, CONTROLS);
    kept.forEach(function (state, key) {
      var control = incoming.get(key);
      if (control && control.tagName === state.tag) {
        restore(control, state);
        kept.delete(key);
      }
    });
    if (kept.size) takenAway.set(region.id, kept);
    else takenAway.delete(region.id);
    var active = document.activeElement;
    if (active && active !== region && region.contains(active)) {
      keysIn(region, FOCUSABLE).forEach(function (element, key) {
        if (element !== active) return;
        refocus = { region: region.id, key: key, scrollTop: active.scrollTop };
        if (typeof active.selectionStart === "number") {
          refocus.selection = [active.selectionStart, active.selectionEnd, active.selectionDirection];
        }
      });
    }
  });
  document.addEventListener("htmx:oobAfterSwap", function () {
    var was = refocus;
    refocus = null;
    var region = was && document.getElementById(was.region);
    var element = region && keysIn(region, FOCUSABLE).get(was.key);
    if (!element || element === document.activeElement) return;
    element.focus({ preventScroll: true });
    if (was.selection && typeof element.setSelectionRange === "function") {
      element.setSelectionRange(was.selection[0], was.selection[1], was.selection[2]);
    }
    element.scrollTop = was.scrollTop;
  });

  // A request that succeeded made its form's state the server's: a swap no longer keeps it.
  function succeeded(event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    return status >= 200 && status < 300;
  }
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (!succeeded(event)) return;
    var source = event.detail.elt || event.target;
    var form = (source.closest && source.closest("form")) || source;
    form.querySelectorAll(CONTROLS).forEach(function (control) {
      touched.delete(control);
    });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (succeeded(event) && form.matches && form.matches("form[data-reset-on-success]")) {
      form.reset();
    }
  });

  // ---- "You are next" on the phone ----
  // While the phone's region carries data-next-title, the page's title says so; it goes back
  // when the state ends. Entering the state by a push or an answer vibrates once (where the
  // phone can); a page that opens already in it does not, the person is looking at it.
  var NEXT_VIBRATION_MS = [200, 100, 200];
  var nextShown = null; // the title the page had before; null while not next

  function showNext(mayVibrate) {
    var region = document.getElementById("p-my-turn");
    var title = region && region.dataset.nextTitle;
    if (title) {
      if (nextShown === null) {
        nextShown = document.title;
        if (mayVibrate && typeof navigator.vibrate === "function") navigator.vibrate(NEXT_VIBRATION_MS);
      }
      if (document.title !== title) document.title = title;
    } else if (nextShown !== null) {
      document.title = nextShown;
      nextShown = null;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    showNext(false);
  });
  ["htmx:afterSwap", "htmx:oobAfterSwap"].forEach(function (type) {
    document.addEventListener(type, function () {
      showNext(true);
    });
  });

  // ---- The socket's health ----
  // A dead network does not close a websocket for minutes: the page asks the server every
  // second (HEARTBEAT) and the server answers at once (ANSWER; app/live/connection.py). When
  // a question has waited a second and nothing came for two, the page says it is reconnecting
  // and disables its actions (within 2.2 s of the silence; a slow network's answers, or a
  // page whose timers slept in the background, are not taken for silence); a socket silent
  // for longer is dropped and a new one opened, whose first batch is the whole state.
  var HEARTBEAT = "ping";
  var ANSWER = "pong";
  var HEARTBEAT_MS = 1000;
  var ANSWER_MS = 1000; // an unanswered question this old,
  var QUIET_MS = 2000; // and nothing heard for this long: the page says so
  var SILENT_MS = 4000; // and after this long without an answer, a new socket
  var ACTIONS =
    "form[method=post] button, form[hx-post] button, form[method=post] input[type=submit]," +
    " button[hx-post], button[hx-put], button[hx-patch], button[hx-delete]";
  var live = { socket: null, wrapper: null, since: 0, heard: 0, asked: 0, pinged: 0 };

  // Reconnect soon (the extension's default waits up to a minute), spread over the room.
  htmx.config.wsReconnectDelay = function (retries) {
    return Math.min(3000, 500 * Math.pow(2, retries)) * (0.5 + Math.random() / 2);
  };
  var createSocket = htmx.createWebSocket;
  htmx.createWebSocket = function (url) {
    var socket = createSocket(url);
    live.socket = socket;
    live.since = live.heard = Date.now();
    live.asked = 0;
    socket.addEventListener("message", function () {
      if (socket !== live.socket) return;
      live.heard = Date.now();
      live.asked = 0;
      setOffline(false);
    });
    return socket;
  };

  function setOffline(offline) {
    var body = document.body;
    if (body.classList.contains("is-offline") === offline) return;
    body.classList.toggle("is-offline", offline);
    var banner = document.querySelector(".offline-banner");
    if (banner) banner.textContent = offline ? banner.dataset.message : "";
    if (offline) disableActions();
    else {
      document.querySelectorAll("[data-offline-disabled]").forEach(function (action) {
        action.disabled = false;
        delete action.dataset.offlineDisabled;
      });
    }
  }

  function disableActions() {
    document.querySelectorAll(ACTIONS).forEach(function (action) {
      if (action.disabled) return;
      action.disabled = true;
      action.dataset.offlineDisabled = "";
    });
  }

  function isOffline() {
    return document.body.classList.contains("is-offline");
  }

  // Drop a socket that stopped answering, and open a new one at once.
  function reconnect() {
    var socket = live.socket;
    if (!live.wrapper) return;
    live.socket = null;
    if (socket) {
      socket.onclose = null; // the extension would otherwise reopen it a second time
      socket.onerror = null;
      socket.close();
    }
    live.wrapper.reconnect();
  }

  function heartbeat() {
    var socket = live.socket;
    if (!socket) return;
    var now = Date.now();
    if (socket.readyState === WebSocket.CONNECTING) {
      if (now - live.since > QUIET_MS) setOffline(true);
      if (now - live.since > SILENT_MS) reconnect();
      return;
    }
    if (socket.readyState !== WebSocket.OPEN) return;
    if (live.asked && now - live.asked > ANSWER_MS && now - live.heard > QUIET_MS) {
      setOffline(true);
    }
    if (live.asked && now - live.asked > SILENT_MS) {
      reconnect();
      return;
    }
    if (now - live.pinged >= HEARTBEAT_MS) {
      socket.send(HEARTBEAT);
      live.pinged = now;
      if (!live.asked) live.asked = now;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    setInterval(heartbeat, 200);
  });
  document.addEventListener("htmx:wsOpen", function (event) {
    live.wrapper = event.detail.socketWrapper;
  });
  document.addEventListener("htmx:wsBeforeMessage", function (event) {
    if (event.detail.message === ANSWER) event.preventDefault(); // nothing to swap
  });
  document.addEventListener("htmx:wsClose", function (event) {
    var closing = event.detail && event.detail.event;
    if (!closing || closing.target !== live.socket) return;
    setOffline(true);
    // Closed by the server's policy (1008): this screen may no longer see the room (signed
    // out, a renewed projector link, phones signed out). Reload, so that the page says why
    // and where to go; at most once a minute, should the page itself still open.
    if (closing.code === 1008) {
      var last = Number(window.sessionStorage.getItem("palabra-reloaded") || 0);
      if (Date.now() - last > 60000) {
        window.sessionStorage.setItem("palabra-reloaded", String(Date.now()));
        window.location.reload();
      }
    } else if ([1006, 1011, 1012, 1013].indexOf(closing.code) < 0) {
      // The extension reopens only after those: after any other close, this page does.
      var wrapper = event.detail.socketWrapper;
      setTimeout(function () {
        if (live.socket === closing.target) wrapper.reconnect();
      }, htmx.config.wsReconnectDelay(0));
    }
  });
  window.addEventListener("offline", function () {
    setOffline(true);
  });
  // Back from the background (a phone's screen turned on again) or on a network again: ask
  // at once rather than at the next second.
  function askNow() {
    live.pinged = 0;
    heartbeat();
  }
  window.addEventListener("online", askNow);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") askNow();
  });
  // While offline, nothing is sent: an action that comes into view (or that a request in
  // flight enables again) is disabled too, and a request an action would still make is not
  // made.
  ["htmx:afterSwap", "htmx:oobAfterSwap", "htmx:afterRequest"].forEach(function (type) {
    document.addEventListener(type, function () {
      if (isOffline()) disableActions();
    });
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var verb = event.detail.requestConfig && event.detail.requestConfig.verb;
    if (isOffline() && verb && verb.toLowerCase() !== "get") event.preventDefault();
  });
  // A region that polls (data-poll-visible) asks nothing while its tab is hidden; it asks
  // again when the tab is shown (its hx-trigger says so).
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    if (document.hidden && elt && elt.hasAttribute("data-poll-visible")) event.preventDefault();
  });
})();
