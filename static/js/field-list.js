/* The juror's list of RTs: prepares the day for offline use and says how ready it is.

   Opening the list with a connection asks the service worker to prepare the kit
   (static/js/field-sw.js, "prepare"): every assigned RT's scoring page, thumbnails, the
   guide, the outbox page and the static files, and every page of the list. The list then
   shows, per RT of the page, whether it opens offline and since when; for the whole team,
   how many RTs are ready and the kit's total size; and a button to refresh now. It also
   asks the browser to keep the site's storage (navigator.storage.persist) and warns when
   that is refused or space runs low.
*/
(function () {
  "use strict";
  // Dates and numbers as the page's language writes them (the catalogue says which).
  var LOCALE = pgettext("BCP 47 locale of dates and numbers", "id-ID");
  var F = window.BantarField;
  var box = document.getElementById("kit-status");
  if (!box || !F) { return; }
  var texts = document.getElementById("field-list-texts").dataset;
  var summary = document.getElementById("kit-summary");
  var detail = document.getElementById("kit-detail");
  var button = document.getElementById("kit-refresh");
  var LOW_SPACE = 50 * 1024 * 1024;

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] !== undefined ? values[key] : ""; });
  }
  function size(bytes) {
    if (bytes >= 1024 * 1024) { return (bytes / 1024 / 1024).toLocaleString(LOCALE, { maximumFractionDigits: 1 }) + " MB"; }
    return Math.max(1, Math.round(bytes / 1024)).toLocaleString(LOCALE) + " KB";
  }
  function when(ms) {
    var moment = new Date(ms), today = new Date();
    var clock = moment.toLocaleTimeString(LOCALE, { hour: "2-digit", minute: "2-digit" });
    if (moment.toDateString() === today.toDateString()) { return clock; }
    return moment.toLocaleDateString(LOCALE, { day: "numeric", month: "short" }) + " " + clock;
  }
  function items() { return document.querySelectorAll(".rt-item[data-entry]"); }

  function show(state, failed) {
    // The whole team's RTs, as the kit names them: the list shows one page of them (issue 19).
    var order = (state && state.order) || [], ready = 0, total = order.length;
    order.forEach(function (id) { if (state.entries[id] && state.entries[id].ok) { ready++; } });
    items().forEach(function (item) {
      var id = item.dataset.entry, info = state && state.entries && state.entries[id];
      var label = item.querySelector(".rt-ready");
      if (info && info.ok) {
        item.dataset.ready = "ready";
        label.textContent = format(texts.rtReady, { time: when(info.cached_at) });
      } else if (info && info.cached_at) {
        item.dataset.ready = "stale";
        label.textContent = format(texts.rtStale, { time: when(info.cached_at) });
      } else {
        item.dataset.ready = "missing";
        label.textContent = texts.rtMissing;
      }
    });
    if (!state) {
      box.dataset.state = failed ? "failed" : "none";
      summary.textContent = texts.none;
      detail.textContent = failed ? texts.failed : "";
      return;
    }
    var complete = state.complete && ready === total;
    box.dataset.state = complete ? "ready" : (failed ? "failed" : "partial");
    summary.textContent = format(complete ? texts.ready : texts.partial, { ready: ready, total: total, size: size(state.bytes || 0) });
    detail.textContent = format(texts.refreshed, { time: when(state.refreshed_at) }) + (failed ? " · " + texts.failed : "");
    box.dataset.bytes = state.bytes || 0;
  }
  function prepare(force) {
    box.dataset.state = "working";
    button.disabled = true;
    return F.sw({ type: "prepare", user: F.user, force: !!force }, 180000).then(function (answer) {
      show(answer.state, !answer.ok);
    }, function () {
      return status(true);
    }).finally(function () { button.disabled = false; });
  }
  function status(failed) {
    return F.sw({ type: "status", user: F.user }, 5000).then(function (answer) { show(answer.state, failed); },
      function () { show(null, failed); });
  }
  F.on("sw", function (message) {
    if (message.type === "kit-progress") {
      box.dataset.state = "working";
      summary.textContent = format(texts.working, { done: message.done, total: message.total });
    }
  });
  button.addEventListener("click", function () { prepare(true); });

  /* What still waits on this tablet, per RT. */
  function waiting() {
    return F.mine().then(function (all) {
      var per = {}, open = 0;
      all.forEach(function (item) {
        if (item.state !== "waiting" && item.state !== "refused") { return; }
        per[item.entry] = (per[item.entry] || 0) + 1;
        open++;
      });
      document.querySelectorAll("[data-waiting-for]").forEach(function (label) {
        var count = per[label.dataset.waitingFor] || 0;
        label.hidden = !count;
        label.textContent = format(texts.rtWaiting, { count: count });
      });
      var badge = document.getElementById("outbox-count");
      badge.hidden = !open;
      badge.textContent = open;
    });
  }
  F.on("outbox", waiting);
  waiting();

  /* A filtered list asked with no signal: the tablet has the pages without filters only. */
  var asked = new URLSearchParams(location.search);
  if (box.dataset.filtered !== "1" && ["cari", "kelurahan", "status"].some(function (name) { return asked.get(name); })) {
    document.getElementById("filter-offline").hidden = false;
  }

  /* A copy from the tablet (no signal, or a slow one): say from when. */
  var copy = document.getElementById("list-copy");
  var rendered = parseInt(copy.dataset.rendered, 10) * 1000;
  if (Date.now() - rendered > 120000) {
    copy.hidden = false;
    copy.textContent = format(texts.listCopy, { time: when(rendered) });
  }

  /* Storage the browser may not clear, and space for photos. */
  F.storage().then(function (storage) {
    var warning = document.getElementById("storage-warning"), lines = [];
    if (storage.supported && !storage.persisted) { lines.push(texts.notPersisted); }
    if (storage.quota && storage.quota - storage.usage < LOW_SPACE) { lines.push(format(texts.lowSpace, { free: size(storage.quota - storage.usage) })); }
    warning.hidden = !lines.length;
    warning.textContent = lines.join(" ");
    box.dataset.persisted = storage.persisted ? "1" : "0";
  });

  if (!("serviceWorker" in navigator)) {
    box.dataset.state = "nosw";
    summary.textContent = texts.noSw;
    button.hidden = true;
    return;
  }
  // The worker may still be installing on the very first visit: wait until it is active.
  navigator.serviceWorker.ready.then(function () {
    return status(false);
  }).then(function () {
    if (navigator.onLine !== false) { return prepare(false); }
  });
  // A new release took over: it fetches its own copies (the old ones serve until then).
  F.on("controllerchange", function () { if (navigator.onLine !== false) { prepare(false); } });
  window.addEventListener("online", function () { prepare(false); });
})();
