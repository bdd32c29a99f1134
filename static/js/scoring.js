/* Scoring page: every change is saved at once through an outbox that survives a
   lost connection, an expired session and a reload.

   - A tap or a note becomes a change with its own client id, stored in IndexedDB
     (the "outbox") before anything is sent. Changes are sent one by one, in order.
   - A change leaves the outbox only when the server answered it (saved, or refused
     with a JSON reason). A lost connection, a server error or an expired session
     keeps it, and it is sent again later. The server applies each client id once.
   - Photos are downscaled here (long edge 2048 px, JPEG 0.8) and queued the same way.
*/
(function () {
  "use strict";
  var root = document.getElementById("scoring");
  if (!root) { return; }
  var texts = document.getElementById("scoring-texts").dataset;
  var sheet = root.dataset.sheet;
  var locked = root.dataset.locked === "1";
  var total = parseInt(root.dataset.total, 10);
  var stateBadge = document.getElementById("sync-state");
  var messages = document.getElementById("scoring-messages");
  var MAX_EDGE = 2048, QUALITY = 0.8;
  var sending = false, retryTimer = null, retryDelay = 2000, sequence = Date.now();

  /* --- ids and cookies ------------------------------------------------------- */
  function uuid4() {
    // crypto.randomUUID needs https; getRandomValues works on the city's intranet too.
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }
  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* --- the outbox (IndexedDB, or memory where IndexedDB is missing) ----------- */
  var memory = [];
  var dbPromise = new Promise(function (resolve) {
    if (!window.indexedDB) { resolve(null); return; }
    var request = indexedDB.open("bantar-outbox", 1);
    request.onupgradeneeded = function () {
      request.result.createObjectStore("outbox", { keyPath: "client_id" });
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { resolve(null); };
  });
  function store(mode, work) {
    return dbPromise.then(function (db) {
      if (!db) { return work(null); }
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("outbox", mode);
        var result = work(tx.objectStore("outbox"));
        tx.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
      });
    });
  }
  function outboxAdd(item) {
    return store("readwrite", function (os) { if (os) { return os.put(item); } memory.push(item); });
  }
  function outboxRemove(id) {
    return store("readwrite", function (os) {
      if (os) { return os.delete(id); }
      memory = memory.filter(function (item) { return item.client_id !== id; });
    });
  }
  function outboxItems() {
    return store("readonly", function (os) { return os ? os.getAll() : memory.slice(); }).then(function (items) {
      return (items || []).filter(function (item) { return item.sheet === sheet; })
        .sort(function (a, b) { return a.seq - b.seq; });
    });
  }

  /* --- changes not yet answered by the server (set at once, before any async work) --- */
  function pending(delta) {
    root.dataset.pending = Math.max(0, (parseInt(root.dataset.pending || "0", 10) + delta));
  }

  /* --- what the juror sees ---------------------------------------------------- */
  function setState(state, count) {
    stateBadge.dataset.state = state;
    var label = texts[state] || texts.saved;
    stateBadge.textContent = label.replace("%(count)s", count || 0);
    if (state === "login") {
      var link = document.createElement("a");
      link.href = root.dataset.loginUrl; link.target = "_blank"; link.className = "link-light ms-1";
      link.textContent = "↗"; stateBadge.appendChild(link);
    }
  }
  function showError(text) {
    var alert = document.createElement("div");
    alert.className = "alert alert-danger py-2"; alert.setAttribute("role", "alert"); alert.textContent = text;
    messages.appendChild(alert);
    setTimeout(function () { alert.remove(); }, 12000);
  }
  function card(code) { return root.querySelector('.score-card[data-indicator="' + code + '"]'); }
  function markLevel(code, value) {
    var target = card(code);
    if (!target) { return; }
    if (value) { target.dataset.value = value; } else { delete target.dataset.value; }
    target.querySelectorAll(".level-option").forEach(function (button) {
      button.setAttribute("aria-checked", String(button.dataset.value === String(value)));
    });
    updateCounts();
  }
  function updateCounts() {
    var scored = root.querySelectorAll(".score-card[data-value]").length;
    document.getElementById("scored-count").textContent = scored;
    root.querySelectorAll("[data-pillar-count]").forEach(function (badge) {
      var pillar = badge.dataset.pillarCount;
      var cards = root.querySelectorAll('.score-card[data-pillar="' + pillar + '"]');
      var done = root.querySelectorAll('.score-card[data-pillar="' + pillar + '"][data-value]');
      badge.textContent = done.length + "/" + cards.length;
    });
    var submit = document.getElementById("submit-sheet");
    if (submit) { submit.disabled = scored < total; }
  }

  /* --- sending ------------------------------------------------------------------ */
  function request(item) {
    var headers = { "X-CSRFToken": csrfToken() };
    var body;
    if (item.kind === "photo") {
      body = new FormData();
      body.append("client_id", item.client_id);
      body.append("indicator", item.indicator || "");
      body.append("photo", item.blob, "foto.jpg");
      ["taken_at", "latitude", "longitude"].forEach(function (name) {
        if (item[name] !== null && item[name] !== undefined) { body.append(name, item[name]); }
      });
    } else {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify({ client_id: item.client_id, indicator: item.indicator, value: item.value, note: item.note });
    }
    return fetch(item.url, { method: "POST", headers: headers, body: body, credentials: "same-origin" });
  }
  function isJson(response) {
    return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
  }
  function later(items) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(pump, retryDelay);
    retryDelay = Math.min(retryDelay * 2, 15000);
    return items;
  }
  function pump() {
    if (sending) { return Promise.resolve(); }
    sending = true;
    return outboxItems().then(function next(items) {
      root.dataset.queued = items.length;
      if (!items.length) { setState("saved"); retryDelay = 2000; return; }
      var item = items[0];
      setState("sending", items.length);
      return request(item).then(function (response) {
        if (response.status === 401) { setState("login", items.length); return later(); }
        if (!isJson(response) || response.status >= 500) { setState("waiting", items.length); return later(); }
        return response.json().then(function (answer) {
          retryDelay = 2000;
          if (!response.ok) { showError(answer.error || response.statusText); onRefused(item); }
          else { onSaved(item, answer); }
          return outboxRemove(item.client_id).then(function () { pending(-1); }).then(outboxItems).then(next);
        });
      }, function () {
        setState("waiting", items.length);
        return later();
      });
    }).finally(function () { sending = false; });
  }
  function onSaved(item, answer) {
    if (item.kind === "photo") {
      var pending = root.querySelector('[data-pending="' + item.client_id + '"]');
      if (pending) { pending.replaceWith(photoFigure(answer.thumb, answer.delete, answer.id)); }
    }
  }
  function onRefused(item) {
    if (item.kind === "photo") {
      var pending = root.querySelector('[data-pending="' + item.client_id + '"]');
      if (pending) { pending.remove(); }
    }
  }
  function enqueue(item) {
    item.sheet = sheet;
    item.seq = ++sequence;
    return outboxAdd(item).then(function () {
      return outboxItems();
    }).then(function (items) {
      root.dataset.queued = items.length; // stored on the tablet, safe from a closed tab
      // A known problem (offline, logged out) stays on the badge; only the count changes.
      var current = stateBadge.dataset.state;
      if (current === "saved") { current = navigator.onLine === false ? "waiting" : "sending"; }
      setState(current, items.length);
      return pump();
    });
  }

  /* --- scores ------------------------------------------------------------------- */
  function sendScore(code) {
    pending(1);
    var target = card(code);
    return enqueue({
      client_id: uuid4(),
      kind: "score",
      url: root.dataset.scoreUrl,
      indicator: code,
      value: target.dataset.value ? parseInt(target.dataset.value, 10) : null,
      note: target.querySelector(".score-note").value
    });
  }
  root.addEventListener("click", function (event) {
    var button = event.target.closest(".level-option");
    if (!button || locked) { return; }
    var code = button.closest(".score-card").dataset.indicator;
    markLevel(code, button.dataset.value);
    sendScore(code);
  });
  var noteTimers = {};
  root.addEventListener("input", function (event) {
    if (!event.target.classList.contains("score-note")) { return; }
    var code = event.target.closest(".score-card").dataset.indicator;
    clearTimeout(noteTimers[code]);
    noteTimers[code] = setTimeout(function () { sendScore(code); }, 900);
  });

  /* --- pillars -------------------------------------------------------------------- */
  root.querySelectorAll(".pillar-tab").forEach(function (tab) {
    tab.addEventListener("click", function () {
      root.querySelectorAll(".pillar-tab").forEach(function (other) {
        other.classList.toggle("active", other === tab);
        other.setAttribute("aria-selected", String(other === tab));
      });
      root.querySelectorAll(".pillar-section").forEach(function (section) {
        section.hidden = section.dataset.pillar !== tab.dataset.pillar;
      });
      window.scrollTo({ top: 0 });
    });
  });

  /* --- photos --------------------------------------------------------------------- */
  function downscale(file) {
    if (!window.createImageBitmap) { return Promise.resolve(file); }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, MAX_EDGE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
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
  function photoFigure(src, deleteUrl, id, pendingId) {
    var figure = document.createElement("figure");
    figure.className = "photo-thumb mb-0" + (pendingId ? " pending" : "");
    var image = document.createElement("img");
    image.src = src; image.width = 96; image.height = 72; image.alt = "";
    figure.appendChild(image);
    if (pendingId) {
      figure.dataset.pending = pendingId;
      var label = document.createElement("span");
      label.className = "pending-label"; label.textContent = texts.photoPending;
      figure.appendChild(label);
    } else {
      figure.dataset.photo = id;
      var remove = document.createElement("button");
      remove.type = "button"; remove.className = "btn btn-sm btn-light photo-delete";
      remove.dataset.url = deleteUrl; remove.textContent = "✕";
      figure.appendChild(remove);
    }
    return figure;
  }
  function queuePhoto(file, code) {
    pending(1);
    var taken = file.lastModified ? new Date(file.lastModified).toISOString() : null;
    return Promise.all([downscale(file), position()]).then(function (done) {
      var blob = done[0], coords = done[1];
      var id = uuid4();
      var strip = root.querySelector('.photos[data-indicator="' + code + '"]');
      var figure = photoFigure(URL.createObjectURL(blob), null, null, id);
      figure.dataset.bytes = blob.size; // what the upload will weigh after downscaling
      strip.appendChild(figure);
      return enqueue({
        client_id: id, kind: "photo", url: root.dataset.photoUrl, indicator: code, blob: blob,
        taken_at: taken,
        latitude: coords ? coords.latitude.toFixed(6) : null,
        longitude: coords ? coords.longitude.toFixed(6) : null
      });
    });
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
    if (!button || !window.confirm(texts.deleteConfirm)) { return; }
    fetch(button.dataset.url, { method: "POST", headers: { "X-CSRFToken": csrfToken() }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (answer) {
          if (response.ok) { button.closest(".photo-thumb").remove(); } else { showError(answer.error); }
        });
      }, function () { showError(texts.offlineDelete); });
  });

  /* --- submitting --------------------------------------------------------------- */
  var submitForm = document.getElementById("submit-form");
  if (submitForm) {
    submitForm.addEventListener("submit", function (event) {
      if (stateBadge.dataset.state !== "saved") {
        event.preventDefault();
        event.stopImmediatePropagation();
        delete submitForm.dataset.sent;
        showError(texts.pendingSubmit);
        pump();
      }
    }, true);
  }

  /* --- start: show what is still waiting from an earlier visit, then send it ---- */
  window.addEventListener("online", function () { retryDelay = 2000; pump(); });
  outboxItems().then(function (items) {
    pending(items.length);
    items.forEach(function (item) {
      if (item.kind === "score") {
        var target = card(item.indicator);
        if (target) { target.querySelector(".score-note").value = item.note || ""; }
        markLevel(item.indicator, item.value);
      } else {
        var strip = root.querySelector('.photos[data-indicator="' + item.indicator + '"]');
        if (strip) { strip.appendChild(photoFigure(URL.createObjectURL(item.blob), null, null, item.client_id)); }
      }
    });
    updateCounts();
    if (items.length) { pump(); }
  });
  updateCounts();
})();
