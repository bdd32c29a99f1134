/* The scoring page: taps, notes, photos and the submission become outbox items
   (static/js/field.js), with or without a connection, and the page always shows the
   sheet as the juror left it.

   What the page shows = the HTML (the server's state when it was rendered; offline, the
   copy the service worker prepared) + the journal (what the server accepted since then)
   + the outbox (what is still waiting on this tablet, and what the server refused, with
   its reason). So a reload, a closed tab or a discarded tab loses nothing.

   - A tap or a note is an item with its own client id, stored before anything is sent.
   - Photos are downscaled here (long edge 2048 px, JPEG 0.8) and stored as Blobs.
   - "Kirim lembar nilai" queues a submission like any other change; the sheet waits,
     locked for editing, until the server answers; a refusal reopens it with the reason.
*/
(function () {
  "use strict";
  // Dates and numbers as the page's language writes them (the catalogue says which).
  var LOCALE = pgettext("BCP 47 locale of dates and numbers", "id-ID");
  var root = document.getElementById("scoring");
  var F = window.BantarField;
  if (!root || !F) { return; }
  var texts = document.getElementById("scoring-texts").dataset;
  var entry = root.dataset.entry;
  var entryLabel = root.dataset.entryLabel;
  var total = parseInt(root.dataset.total, 10);
  var renderedAt = parseInt(root.dataset.rendered, 10) * 1000;
  var badge = document.getElementById("sync-state");
  var messages = document.getElementById("scoring-messages");
  var submitForm = document.getElementById("submit-form");
  var MAX_EDGE = 2048, QUALITY = 0.8;
  // The journal is read from a little before the page was rendered: a change committed
  // while the server was rendering shows twice rather than not at all.
  var JOURNAL_MARGIN = 5000;
  var lock = root.dataset.locked === "1" ? "submitted" : null; // null | "pending" | "submitted"
  var submitItem = null; // the waiting submission, if any
  var unsaved = 0; // taps and notes not yet written to IndexedDB

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] !== undefined ? values[key] : ""; });
  }
  function card(code) { return root.querySelector('.score-card[data-indicator="' + code + '"]'); }
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }
  function showError(text, where) {
    var alert = el("div", "alert alert-danger py-2 d-flex justify-content-between align-items-start gap-2");
    alert.setAttribute("role", "alert");
    alert.appendChild(el("span", "", text));
    var close = el("button", "btn btn-sm btn-outline-dark btn-tap", texts.dismiss);
    close.type = "button";
    close.addEventListener("click", function () { alert.remove(); });
    alert.appendChild(close);
    (where || messages).appendChild(alert);
    return alert;
  }

  /* --- levels, notes, counts ------------------------------------------------------------ */
  function markLevel(code, value) {
    var target = card(code);
    if (!target) { return; }
    if (value) { target.dataset.value = value; } else { delete target.dataset.value; }
    target.querySelectorAll(".level-option").forEach(function (button) {
      button.setAttribute("aria-checked", String(button.dataset.value === String(value)));
    });
    fillDescriptors(target);
  }
  function setNote(code, note) {
    var target = card(code);
    if (target) { target.querySelector(".score-note").value = note || ""; }
  }
  function missing() {
    return Array.prototype.filter.call(root.querySelectorAll(".score-card"), function (target) { return !target.dataset.value; })
      .map(function (target) { return target.dataset.indicator; });
  }
  function updateCounts() {
    var scored = root.querySelectorAll(".score-card[data-value]").length;
    document.getElementById("scored-count").textContent = scored;
    root.querySelectorAll("[data-pillar-count]").forEach(function (count) {
      var pillar = count.dataset.pillarCount;
      var cards = root.querySelectorAll('.score-card[data-pillar="' + pillar + '"]');
      var done = root.querySelectorAll('.score-card[data-pillar="' + pillar + '"][data-value]');
      count.textContent = done.length + "/" + cards.length;
    });
    var submit = document.getElementById("submit-sheet");
    var list = document.getElementById("missing");
    if (!submit || !list) { return; }
    var codes = missing();
    submit.disabled = scored < total || !!lock;
    list.hidden = !codes.length;
    list.textContent = "";
    if (codes.length) {
      list.appendChild(el("span", "me-1 fw-semibold", texts.missing));
      codes.forEach(function (code) {
        var link = el("a", "btn btn-outline-danger btn-tap me-1 mb-1 missing-link", code);
        link.href = "#kartu-" + code;
        link.dataset.indicator = code;
        list.appendChild(link);
      });
    }
  }

  /* --- the badge: the truth about this tablet's outbox ------------------------------------- */
  var counts = { mine: 0, entry: 0, refused: 0 };
  var generation = 0;
  function refresh() {
    var mine = ++generation;
    return F.mine().then(function (items) {
      if (mine !== generation) { return; }
      var waiting = items.filter(function (item) { return item.state === "waiting"; });
      counts.mine = waiting.length;
      counts.entry = waiting.filter(function (item) { return String(item.entry) === entry; }).length;
      counts.refused = items.filter(function (item) { return item.state === "refused"; }).length;
      root.dataset.queued = counts.entry; // stored on the tablet, safe from a closed tab
      root.dataset.pending = counts.entry + unsaved;
      var outbox = document.getElementById("outbox-count");
      outbox.hidden = !(counts.mine + counts.refused);
      outbox.textContent = counts.mine + counts.refused;
      showState();
    });
  }
  function showState() {
    var status = F.status();
    var waiting = counts.mine + unsaved;
    var state;
    if (status.session === "foreign") { state = "foreign"; }
    else if (waiting && status.phase === "login") { state = "login"; }
    else if (waiting && status.phase === "sending") { state = "sending"; }
    else if (waiting && (navigator.onLine === false || status.phase === "waiting")) { state = "waiting"; }
    else if (waiting) { state = "sending"; }
    else if (counts.refused) { state = "refused"; } // nothing waits, but not all was accepted
    else { state = navigator.onLine === false ? "offline" : "saved"; }
    badge.dataset.state = state;
    // A long and a short wording: the phone's header keeps the RT's name readable.
    badge.textContent = "";
    var count = state === "refused" ? counts.refused : waiting;
    var key = state === "refused" ? "refusedState" : state; // texts.refused prefixes messages
    badge.appendChild(el("span", "sync-long", format(texts[key] || texts.saved, { count: count })));
    badge.appendChild(el("span", "sync-short", format(texts[key + "Short"] || texts[key] || texts.saved, { count: count })));
    var login = document.getElementById("login-link");
    if (state === "login" && !login) {
      login = el("a", "btn btn-light btn-tap login-link", texts.loginLink);
      login.id = "login-link"; login.href = root.dataset.loginUrl; login.target = "_blank"; login.rel = "opener";
      badge.after(login);
    } else if (state !== "login" && login) { login.remove(); }
  }
  function touched() {
    // Set at once, before any asynchronous work: the page never claims "saved" in between.
    unsaved += 1;
    root.dataset.pending = counts.entry + unsaved;
    showState();
  }
  function stored() { unsaved = Math.max(0, unsaved - 1); return refresh(); }

  /* --- locking: submitted, or waiting to be --------------------------------------------------- */
  function setLock(mode) {
    lock = mode;
    root.dataset.locked = mode ? "1" : "0";
    root.querySelectorAll(".level-option, .score-note").forEach(function (control) { control.disabled = !!mode; });
    root.querySelectorAll(".photo-button, .photo-delete").forEach(function (control) { control.hidden = !!mode; });
    if (submitForm) { submitForm.hidden = !!mode; }
    document.getElementById("submit-waiting").hidden = mode !== "pending";
    var box = document.getElementById("sheet-locked-box");
    if (mode === "submitted" && !box.querySelector('[data-testid="sheet-locked"]')) {
      var done = el("div", "alert alert-success mt-2", texts.lockedNow);
      done.dataset.testid = "sheet-locked";
      box.appendChild(done);
    }
    if (mode !== "submitted") { box.textContent = ""; }
    document.getElementById("submit-done").hidden = mode !== "submitted";
    document.getElementById("next-rt").hidden = !mode;
    if (mode) { nextRt(); }
    updateCounts();
  }
  function nextRt() {
    var link = document.getElementById("next-rt");
    F.sw({ type: "status", user: F.user }, 3000).then(function (answer) {
      var state = answer && answer.state;
      if (!state || !state.order) { return; }
      var order = state.order.map(String), here = order.indexOf(entry);
      var rest = order.slice(here + 1).concat(order.slice(0, Math.max(here, 0)));
      return F.waiting().then(function (items) {
        var queued = {};
        items.forEach(function (item) { if (item.kind === "submit") { queued[item.entry] = true; } });
        var next = rest.filter(function (id) {
          var info = state.entries[id];
          return info && info.status !== "submitted" && !queued[id];
        })[0];
        if (next) {
          link.href = state.entries[next].url;
          link.textContent = format(texts.nextRt, { rt: state.entries[next].label });
        } else {
          link.href = root.dataset.listUrl;
          link.textContent = texts.allDone;
        }
      });
    }).catch(function () { return null; });
  }

  /* --- what the journal and the outbox add to the HTML --------------------------------------- */
  function photoFigure(options) {
    var figure = el("figure", "photo-thumb mb-0");
    var image = el("img");
    image.src = options.src; image.width = 96; image.height = 72; image.alt = "";
    figure.appendChild(image);
    var remove = el("button", "btn btn-light photo-delete", "✕");
    remove.type = "button";
    remove.setAttribute("aria-label", texts.deleteConfirm);
    if (options.pending) {
      figure.classList.add("pending");
      figure.dataset.pending = options.pending;
      figure.appendChild(el("span", "pending-label", texts.photoPending));
      remove.dataset.pending = options.pending;
    } else {
      figure.dataset.photo = options.id;
      remove.dataset.photo = options.id;
    }
    if (lock) { remove.hidden = true; }
    figure.appendChild(remove);
    return figure;
  }
  function strip(code) { return root.querySelector('.photos[data-indicator="' + code + '"]'); }
  function addFigure(code, figure) { var target = strip(code); if (target) { target.appendChild(figure); } }
  function markDeleting(photo, on) {
    var figure = root.querySelector('figure[data-photo="' + photo + '"]');
    if (!figure) { return; }
    figure.classList.toggle("deleting", on);
    var label = figure.querySelector(".pending-label");
    if (on && !label) { figure.appendChild(el("span", "pending-label", texts.photoDeleting)); }
    if (!on && label) { label.remove(); }
    var remove = figure.querySelector(".photo-delete");
    if (remove) { remove.hidden = on || !!lock; }
  }
  function applyJournal(row) {
    if (row.kind === "score") { markLevel(row.indicator, row.value); setNote(row.indicator, row.note); }
    else if (row.kind === "photo") {
      if (!root.querySelector('figure[data-photo="' + row.photo + '"]')) { addFigure(row.indicator, photoFigure({ src: row.thumb, id: row.photo })); }
    } else if (row.kind === "photo_delete") {
      var gone = root.querySelector('figure[data-photo="' + row.photo + '"]');
      if (gone) { gone.remove(); }
    } else if (row.kind === "submit" && row.sheet_status !== "draft") { setLock("submitted"); }
  }
  function applyItem(item) {
    if (item.state === "refused") { showRefused(item); return; }
    if (item.kind === "score") { markLevel(item.indicator, item.value); setNote(item.indicator, item.note); }
    else if (item.kind === "photo" && !item.deleted) {
      addFigure(item.indicator, photoFigure({ src: URL.createObjectURL(item.blob), pending: item.client_id }));
    } else if (item.kind === "photo_delete") { markDeleting(item.photo, true); }
    else if (item.kind === "submit") { submitItem = item; if (lock !== "submitted") { setLock("pending"); } }
  }
  function showRefused(item) {
    var alert;
    if (item.kind === "submit") {
      alert = showError(texts.refusedSubmit + " " + (item.error || ""));
    } else if (item.kind === "photo_delete") {
      alert = showError(texts.refused + " " + (item.error || ""));
    } else {
      var box = card(item.indicator) && card(item.indicator).querySelector(".card-error");
      if (box) { box.hidden = false; }
      alert = showError(item.indicator + " · " + texts.refused + " " + (item.error || ""), box);
    }
    alert.dataset.refused = item.client_id;
    // Closing the message takes the refused item out of the outbox: the juror has seen it.
    alert.querySelector("button").addEventListener("click", function () { F.remove(item.client_id).then(refresh); });
  }

  /* --- answers from the server while the page is open --------------------------------------------- */
  F.on("result", function (detail) {
    var result = detail.result;
    var accepted = result.status === "applied" || result.status === "duplicate";
    var item = Object.assign({}, detail.item, accepted ? {} : { state: "refused", error: result.error || "" });
    if (String(item.entry) !== entry) { refresh(); return; }
    if (item.kind === "photo") {
      var pendingFigure = root.querySelector('[data-pending="' + item.client_id + '"]');
      if (pendingFigure && pendingFigure.tagName === "FIGURE") { pendingFigure.remove(); }
      if (accepted) {
        F.journal(entry).then(function (rows) {
          rows.filter(function (row) { return row.client_id === item.client_id; }).forEach(applyJournal);
        });
      } else { showRefused(item); }
    } else if (item.kind === "photo_delete") {
      if (accepted) { var gone = root.querySelector('figure[data-photo="' + item.photo + '"]'); if (gone) { gone.remove(); } }
      else { markDeleting(item.photo, false); showRefused(item); }
    } else if (item.kind === "submit") {
      submitItem = null;
      if (accepted && result.sheet_status !== "draft") { setLock("submitted"); }
      else { setLock(null); showRefused(item); }
    } else if (!accepted) { showRefused(item); }
    refresh();
  });
  F.on("outbox", function () { refresh(); });
  F.on("state", showState);
  window.addEventListener("online", showState);
  window.addEventListener("offline", showState);

  /* --- scores and notes ----------------------------------------------------------------------- */
  function queueScore(code) {
    var target = card(code);
    return F.add({
      kind: "score", entry: parseInt(entry, 10), entry_label: entryLabel, indicator: code,
      value: target.dataset.value ? parseInt(target.dataset.value, 10) : null,
      note: target.querySelector(".score-note").value
    }).then(stored, stored);
  }
  root.addEventListener("click", function (event) {
    var button = event.target.closest(".level-option");
    if (!button || lock) { return; }
    var code = button.closest(".score-card").dataset.indicator;
    touched();
    markLevel(code, button.dataset.value);
    updateCounts();
    queueScore(code);
  });
  var noteTimers = {};
  root.addEventListener("input", function (event) {
    if (!event.target.classList.contains("score-note") || lock) { return; }
    var code = event.target.closest(".score-card").dataset.indicator;
    if (!noteTimers[code]) { touched(); }
    clearTimeout(noteTimers[code]);
    noteTimers[code] = setTimeout(function () { delete noteTimers[code]; queueScore(code); }, 900);
  });
  // A note typed just before the tab closes is stored at once.
  window.addEventListener("pagehide", function () {
    Object.keys(noteTimers).forEach(function (code) { clearTimeout(noteTimers[code]); delete noteTimers[code]; queueScore(code); });
  });

  /* --- pillars, and the way to the end of the sheet ------------------------------------------------- */
  var tabs = Array.prototype.slice.call(root.querySelectorAll(".pillar-tab"));
  function showPillar(code, focus) {
    tabs.forEach(function (tab) {
      tab.classList.toggle("active", tab.dataset.pillar === code);
      tab.setAttribute("aria-selected", String(tab.dataset.pillar === code));
    });
    root.querySelectorAll(".pillar-section").forEach(function (section) { section.hidden = section.dataset.pillar !== code; });
    // A jump, not a smooth scroll: the new pillar starts at once at its first indicator.
    if (focus) { focus.scrollIntoView({ block: "center", behavior: "instant" }); } else { window.scrollTo({ top: 0, behavior: "instant" }); }
  }
  tabs.forEach(function (tab) { tab.addEventListener("click", function () { showPillar(tab.dataset.pillar); }); });
  var sections = root.querySelectorAll(".pillar-section");
  root.querySelectorAll(".next-pillar").forEach(function (button) {
    var next = sections[parseInt(button.dataset.next, 10)];
    button.textContent = format(texts.nextPillar, { pillar: next.dataset.pillarName });
    button.addEventListener("click", function () { showPillar(next.dataset.pillar); });
  });
  root.addEventListener("click", function (event) {
    var link = event.target.closest(".missing-link");
    if (!link) { return; }
    event.preventDefault();
    var target = card(link.dataset.indicator);
    showPillar(target.dataset.pillar, target);
    var first = target.querySelector(".level-option");
    if (first) { first.focus({ preventScroll: true }); }
  });

  /* --- compact view for phones -------------------------------------------------------------------- */
  var toggle = document.getElementById("view-toggle");
  function setCompact(on) {
    root.classList.toggle("compact", on);
    toggle.setAttribute("aria-pressed", String(on));
    toggle.textContent = on ? texts.full : texts.compact;
    root.querySelectorAll(".score-card").forEach(fillDescriptors);
  }
  var saved = null;
  try { saved = localStorage.getItem("bantar-compact"); } catch (e) { saved = null; }
  // Phones start compact, tablets full; the juror's own choice wins.
  setCompact(saved === null ? window.matchMedia("(max-width: 600px)").matches : saved === "1");
  toggle.addEventListener("click", function () {
    var on = !root.classList.contains("compact");
    setCompact(on);
    try { localStorage.setItem("bantar-compact", on ? "1" : "0"); } catch (e) { /* private mode */ }
  });
  /* The chosen level's descriptor and its neighbours', or all five before a choice. */
  function fillDescriptors(target) {
    var panel = target.querySelector(".level-descriptors");
    if (!panel || panel.hidden) { return; }
    var value = parseInt(target.dataset.value || "0", 10);
    panel.textContent = "";
    target.querySelectorAll(".level-option").forEach(function (button) {
      var level = parseInt(button.dataset.value, 10);
      if (value && Math.abs(level - value) > 1) { return; }
      var row = el("p", "mb-1" + (level === value ? " chosen" : ""));
      row.appendChild(el("strong", "", level + " · " + button.querySelector(".level-name").textContent + ": "));
      var text = button.querySelector(".level-text"), marked = text.querySelector("[lang]");
      var descriptor = el("span", "", text.textContent);
      if (marked) { descriptor.lang = marked.lang; } // official Indonesian on an English page
      row.appendChild(descriptor);
      panel.appendChild(row);
    });
  }
  root.addEventListener("click", function (event) {
    var button = event.target.closest(".descriptors-toggle");
    if (!button) { return; }
    var target = button.closest(".score-card");
    var panel = target.querySelector(".level-descriptors");
    panel.hidden = !panel.hidden;
    button.setAttribute("aria-expanded", String(!panel.hidden));
    button.textContent = panel.hidden ? texts.showDescriptors : texts.hideDescriptors;
    fillDescriptors(target);
  });

  /* --- photos --------------------------------------------------------------------------------------- */
  function downscale(file) {
    if (!window.createImageBitmap) { return Promise.resolve(file); }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
      var canvas = el("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) { bitmap.close(); }
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) { resolve(blob || file); }, "image/jpeg", QUALITY);
      });
    }, function () { return file; }); // HEIC and friends: the server decodes them
  }
  function position() {
    return new Promise(function (resolve) {
      if (!navigator.geolocation || !window.isSecureContext) { resolve(null); return; }
      navigator.geolocation.getCurrentPosition(function (p) { resolve(p.coords); }, function () { resolve(null); },
        { timeout: 3000, maximumAge: 60000 });
    });
  }
  /* A re-visit shows the award's photos of the indicator beside the new ones: how far from where
     the earlier photo was taken this one is, when both places are known (haversine, metres). */
  function metresBetween(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180, dphi = (lat2 - lat1) * rad, dlambda = (lon2 - lon1) * rad;
    var a = Math.pow(Math.sin(dphi / 2), 2) + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin(dlambda / 2), 2);
    return 2 * 6371008.8 * Math.asin(Math.min(1, Math.sqrt(a)));
  }
  function showDistances(code, coords) {
    if (!coords) { return; }
    root.querySelectorAll('.earlier-photos[data-indicator="' + code + '"] .earlier-photo[data-lat]').forEach(function (figure) {
      var metres = Math.round(metresBetween(parseFloat(figure.dataset.lat), parseFloat(figure.dataset.lon), coords.latitude, coords.longitude));
      figure.querySelector(".earlier-distance").textContent = format(texts.earlierDistance, { metres: metres });
    });
  }
  function queuePhoto(file, code) {
    touched();
    var taken = file.lastModified ? new Date(file.lastModified).toISOString() : null;
    return Promise.all([downscale(file), position()]).then(function (done) {
      var blob = done[0], coords = done[1];
      showDistances(code, coords);
      var id = F.uuid4();
      var figure = photoFigure({ src: URL.createObjectURL(blob), pending: id });
      figure.dataset.bytes = blob.size; // what the upload will weigh after downscaling
      addFigure(code, figure);
      return F.add({
        client_id: id, kind: "photo", entry: parseInt(entry, 10), entry_label: entryLabel, url: root.dataset.photoUrl,
        indicator: code, blob: blob, taken_at: taken,
        latitude: coords ? coords.latitude.toFixed(6) : null,
        longitude: coords ? coords.longitude.toFixed(6) : null
      });
    }).then(stored, function (error) { stored(); showError(String(error)); });
  }
  root.addEventListener("change", function (event) {
    if (!event.target.classList.contains("photo-input")) { return; }
    var input = event.target;
    Array.prototype.reduce.call(input.files, function (chain, file) {
      return chain.then(function () { return queuePhoto(file, input.dataset.indicator); });
    }, Promise.resolve()).then(function () { input.value = ""; });
  });
  root.addEventListener("click", function (event) {
    var button = event.target.closest(".photo-delete");
    if (!button || lock || !window.confirm(texts.deleteConfirm)) { return; }
    if (button.dataset.pending) {
      // Only on this tablet: gone at once, nothing to tell the server.
      button.closest("figure").remove();
      F.cancelPhoto(button.dataset.pending).then(refresh);
      return;
    }
    touched();
    markDeleting(button.dataset.photo, true);
    F.add({ kind: "photo_delete", entry: parseInt(entry, 10), entry_label: entryLabel, photo: parseInt(button.dataset.photo, 10) })
      .then(stored, stored);
  });

  /* --- submitting ------------------------------------------------------------------------------------ */
  if (submitForm) {
    submitForm.addEventListener("submit", function (event) {
      // Queued like every other change, also with a connection: one path, tested offline.
      event.preventDefault();
      event.stopImmediatePropagation();
      if (lock || missing().length) { updateCounts(); return; }
      touched();
      setLock("pending");
      F.add({ kind: "submit", entry: parseInt(entry, 10), entry_label: entryLabel }).then(function (item) {
        submitItem = item;
        return stored();
      }, stored);
    }, true);
  }
  document.getElementById("submit-cancel").addEventListener("click", function () {
    if (!submitItem) { return; }
    var id = submitItem.client_id;
    F.get(id).then(function (item) {
      if (!item || item.state !== "waiting") { return; }
      submitItem = null;
      return F.remove(id).then(function () { setLock(null); return refresh(); });
    });
  });

  /* --- start: the journal and the outbox over the HTML ------------------------------------------------ */
  if (Date.now() - renderedAt > 120000) {
    var copy = document.getElementById("offline-copy");
    var when = new Date(renderedAt);
    copy.textContent = "· " + format(texts.offlineCopy, { time: when.toLocaleString(LOCALE, { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" }) });
    copy.hidden = false;
  }
  touched(); // until the outbox has been read, nothing is known to be saved
  Promise.all([F.ready, F.journal(entry)]).then(function (got) {
    got[1].filter(function (row) { return row.server_time >= renderedAt - JOURNAL_MARGIN; }).forEach(applyJournal);
    return F.mine(entry);
  }).then(function (items) {
    items.forEach(applyItem);
    if (lock) { setLock(lock); }
    updateCounts();
  }).then(stored, function (error) { console.error(error); stored(); });
  updateCounts();
})();
