/* BANTAR field kit, on every page: the outbox, its sync, the service worker, logging out.

   - The outbox (IndexedDB "bantar-outbox") holds every change a juror makes: levels and
     notes, photos (as Blobs), photo deletions and sheet submissions. Each has a client id
     and its owner (the user pk of the page that made it). A change leaves the outbox only
     when the server answered it: applied or duplicate (then a short "journal" record keeps
     what the server now holds, so a page cached earlier still shows it), or refused (then
     it stays, marked, with the server's message, until the juror dismisses it).
   - Sync: score, note, submit and photo-delete changes go in batches to
     POST /penilaian/sinkron/ (many per request); photos one per request to the photo
     endpoint, whole, with the same client id when retried. A submission waits for its
     sheet's photos. Lost connections, server errors and an expired session keep
     everything; retries back off (2 s doubling to 60 s) and start again at once when the
     browser says it is online. One tab sends at a time (Web Locks).
   - Owners: a page sends only its own user's items, and only once it knows the session
     is that user's. The session's CSRF secret (the csrftoken cookie) changes at every
     login; a page rendered in the current secret's generation, or an answer from the
     server, tells whose it is. A tab left open by juror A after juror B logged in on the
     same tablet therefore sends nothing.
   - Logging out clears this user's prepared pages (through the service worker and
     directly) and the journal; the outbox keeps the items for their owner.
*/
(function () {
  "use strict";
  var body = document.body;
  var F = window.BantarField = {};
  F.user = body.dataset.user || null;
  F.userName = body.dataset.userName || "";
  F.isJuror = body.dataset.field === "1";
  var SYNC_URL = body.dataset.syncUrl || "/penilaian/sinkron/";
  var KIT_URL = body.dataset.kitUrl || "/penilaian/kit/";
  var MAX_CHANGES = 500, MAX_BYTES = 900 * 1024; // under the server's 500 changes and 1 MB
  var RETRY_FIRST = 2000, RETRY_MAX = 60000;

  /* --- small helpers ------------------------------------------------------------------- */
  F.uuid4 = function () {
    // crypto.randomUUID needs https; getRandomValues works on the city's intranet too.
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  };
  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + name + "=([^;]+)"));
    return match ? decodeURIComponent(match[1]) : "";
  }
  F.csrfToken = function () { return cookie("csrftoken"); };
  var listeners = {};
  F.on = function (type, callback) { (listeners[type] = listeners[type] || []).push(callback); };
  function emit(type, detail) { (listeners[type] || []).forEach(function (callback) { try { callback(detail); } catch (e) { console.error(e); } }); }
  var channel = window.BroadcastChannel ? new BroadcastChannel("bantar-outbox") : null;
  function tellTabs(message) { if (channel) { channel.postMessage(message); } }
  if (channel) {
    channel.onmessage = function (event) {
      var data = event.data || {};
      if (data.type === "outbox") { emit("outbox", { remote: true }); }
      if (data.type === "sync") { emit("sync", data.detail); }
    };
  }

  /* --- IndexedDB: outbox, journal, meta ------------------------------------------------- */
  var memory = { outbox: {}, journal: {}, meta: {} }; // where IndexedDB is missing
  var dbPromise = new Promise(function (resolve) {
    if (!window.indexedDB) { resolve(null); return; }
    var request = indexedDB.open("bantar-outbox", 2);
    request.onupgradeneeded = function (event) {
      var db = request.result, tx = request.transaction;
      if (event.oldVersion < 1) { db.createObjectStore("outbox", { keyPath: "client_id" }); }
      if (event.oldVersion < 2) {
        db.createObjectStore("journal", { keyPath: "client_id" });
        db.createObjectStore("meta", { keyPath: "key" });
        if (event.oldVersion >= 1) {
          // Items queued by the first version of the scoring page: they name their URL and
          // sheet, not their entry or owner. Nothing is dropped; the owner is adopted below.
          tx.objectStore("outbox").openCursor().onsuccess = function (cursorEvent) {
            var cursor = cursorEvent.target.result;
            if (!cursor) { return; }
            var item = cursor.value, match = /\/penilaian\/(\d+)\//.exec(item.url || "");
            item.entry = match ? parseInt(match[1], 10) : null;
            item.owner = item.owner || null;
            item.state = item.state || "waiting";
            item.created = item.created || item.seq || Date.now();
            cursor.update(item);
            cursor.continue();
          };
        }
      }
    };
    request.onsuccess = function () {
      var db = request.result;
      db.onversionchange = function () { db.close(); };
      resolve(db);
    };
    request.onerror = function () { resolve(null); };
    request.onblocked = function () { console.warn("bantar-outbox: an older tab keeps the database open"); };
  });
  function run(storeName, mode, work) {
    return dbPromise.then(function (db) {
      if (!db) { return work(null); }
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(storeName, mode);
        var result = work(tx.objectStore(storeName));
        tx.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
      });
    });
  }
  function put(storeName, value, key) {
    return run(storeName, "readwrite", function (os) {
      if (os) { return os.put(value); }
      memory[storeName][key] = value;
    });
  }
  function del(storeName, key) {
    return run(storeName, "readwrite", function (os) { if (os) { return os.delete(key); } delete memory[storeName][key]; });
  }
  function all(storeName) {
    return run(storeName, "readonly", function (os) {
      return os ? os.getAll() : Object.keys(memory[storeName]).map(function (k) { return memory[storeName][k]; });
    }).then(function (items) { return items || []; });
  }
  function getOne(storeName, key) {
    return run(storeName, "readonly", function (os) { return os ? os.get(key) : memory[storeName][key]; });
  }
  F.meta = function (key) { return getOne("meta", key).then(function (row) { return row ? row.value : undefined; }); };
  F.setMeta = function (key, value) { return put("meta", { key: key, value: value }, key); };

  /* --- the outbox ------------------------------------------------------------------------ */
  var sequence = Date.now();
  function bySeq(a, b) { return (a.seq || 0) - (b.seq || 0); }
  F.items = function () { return all("outbox").then(function (items) { return items.sort(bySeq); }); };
  F.mine = function (entry) {
    return F.items().then(function (items) {
      return items.filter(function (item) {
        return item.owner === F.user && (entry === undefined || String(item.entry) === String(entry));
      });
    });
  };
  F.waiting = function (entry) {
    return F.mine(entry).then(function (items) { return items.filter(function (item) { return item.state === "waiting"; }); });
  };
  F.get = function (id) { return getOne("outbox", id); };
  F.add = function (item) {
    item.client_id = item.client_id || F.uuid4();
    item.owner = F.user;
    item.owner_name = F.userName;
    item.seq = ++sequence;
    item.created = Date.now();
    item.state = "waiting";
    return put("outbox", item, item.client_id).then(function () {
      changed();
      F.schedule(600);
      return item;
    });
  };
  F.update = function (id, changes) {
    return F.get(id).then(function (item) {
      if (!item) { return null; }
      Object.keys(changes).forEach(function (key) { item[key] = changes[key]; });
      return put("outbox", item, id).then(function () { changed(); return item; });
    });
  };
  F.remove = function (id) { return del("outbox", id).then(function () { changed(); }); };
  function changed() { emit("outbox", {}); tellTabs({ type: "outbox" }); }

  /* The journal: what the server holds since a cached page was rendered. */
  F.journal = function (entry) {
    return all("journal").then(function (rows) {
      return rows.filter(function (row) { return row.owner === F.user && String(row.entry) === String(entry); })
        .sort(function (a, b) { return a.server_time - b.server_time || a.seq - b.seq; });
    });
  };
  function journalAdd(item, result, serverTime, extra) {
    var row = { client_id: item.client_id, owner: item.owner, entry: item.entry, kind: item.kind, seq: item.seq,
      indicator: item.indicator, value: item.value, note: item.note, photo: item.photo, server_time: serverTime,
      sheet_status: result && result.sheet_status, scored: result && result.scored };
    Object.keys(extra || {}).forEach(function (key) { row[key] = extra[key]; });
    return put("journal", row, row.client_id);
  }
  function journalPrune() {
    var old = Date.now() - 3 * 24 * 3600 * 1000;
    return all("journal").then(function (rows) {
      return Promise.all(rows.filter(function (row) { return row.server_time < old; }).map(function (row) { return del("journal", row.client_id); }));
    });
  }
  function journalForget(owner) {
    return all("journal").then(function (rows) {
      return Promise.all(rows.filter(function (row) { return owner === undefined || row.owner === owner; })
        .map(function (row) { return del("journal", row.client_id); }));
    });
  }

  /* --- the device and the session's owner ----------------------------------------------- */
  var devicePromise = null;
  F.device = function () {
    if (!devicePromise) {
      devicePromise = F.meta("device").then(function (id) {
        if (id) { return id; }
        id = F.uuid4();
        return F.setMeta("device", id).then(function () { return id; });
      });
    }
    return devicePromise;
  };
  var CSRF_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  /* Django masks the secret in every form's token (mask + cipher); this undoes it. */
  function unmask(token) {
    if (!token || token.length !== 64) { return token || ""; }
    var mask = token.slice(0, 32), cipher = token.slice(32), secret = "";
    for (var i = 0; i < 32; i++) {
      var x = CSRF_CHARS.indexOf(cipher[i]), y = CSRF_CHARS.indexOf(mask[i]);
      secret += CSRF_CHARS[(x - y + CSRF_CHARS.length) % CSRF_CHARS.length];
    }
    return secret;
  }
  function pageSecret() {
    var input = document.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? unmask(input.value) : "";
  }
  /* Whose session the cookie is: a user pk, null (nobody), or undefined (not known yet). */
  F.sessionOwner = function () {
    var secret = F.csrfToken();
    if (!secret) { return Promise.resolve(undefined); }
    return F.meta("session").then(function (known) {
      if (known && known.secret === secret) { return known.user; }
      if (F.user && pageSecret() === secret) {
        // This page was rendered since the last login: the session is its user's.
        return F.setMeta("session", { secret: secret, user: F.user }).then(function () { return F.user; });
      }
      return probeSession(secret);
    });
  };
  function probeSession(secret) {
    return fetch(KIT_URL + "?siapa=1", { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!json || !response.ok) { return response.redirected || response.status === 401 ? null : undefined; }
        return response.json().then(function (data) {
          var user = data.user ? String(data.user) : null;
          return F.setMeta("session", { secret: secret, user: user }).then(function () { return user; });
        });
      }, function () { return undefined; });
  }

  /* --- sending ---------------------------------------------------------------------------- */
  var status = { phase: "idle", session: "ok", lastOk: null, lastError: "", retryAt: null, online: navigator.onLine !== false };
  F.status = function () { return status; };
  function setStatus(changes) {
    Object.keys(changes).forEach(function (key) { status[key] = changes[key]; });
    emit("state", status);
  }
  F.meta("lastOk:" + F.user).then(function (value) { if (value) { setStatus({ lastOk: value }); } });

  function Retry(message) { this.message = message; }
  function SessionEnded(message) { this.message = message; }
  function isJson(response) { return (response.headers.get("Content-Type") || "").indexOf("application/json") === 0; }
  function post(url, options, timeoutMs) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, timeoutMs) : null;
    options.method = "POST";
    options.credentials = "same-origin";
    if (controller) { options.signal = controller.signal; }
    return fetch(url, options).then(function (response) {
      clearTimeout(timer);
      return response;
    }, function (error) {
      clearTimeout(timer);
      // The browser's own words ("TypeError: Failed to fetch") mean nothing to a juror.
      throw new Retry(gettext("Server tidak terjangkau") + " (" + (error && error.name || "error") + ")");
    });
  }
  function headers(device, outbox, extra) {
    var result = { "X-CSRFToken": F.csrfToken(), "X-Bantar-Device": device, "X-Bantar-Outbox": String(outbox) };
    Object.keys(extra || {}).forEach(function (key) { result[key] = extra[key]; });
    return result;
  }
  function change(item) {
    if (item.kind === "score") {
      return { client_id: item.client_id, kind: "score", entry: item.entry, indicator: item.indicator, value: item.value, note: item.note || "" };
    }
    if (item.kind === "submit") { return { client_id: item.client_id, kind: "submit", entry: item.entry }; }
    return { client_id: item.client_id, kind: "photo_delete", photo: item.photo };
  }
  function answerError(response) {
    if (!isJson(response)) { return Promise.resolve(interpolate(gettext("Server menjawab %(status)s"), { status: response.status }, true)); }
    return response.json().then(function (data) { return data.error || String(response.status); }, function () { return String(response.status); });
  }
  function chunks(items) {
    var groups = [], current = [], bytes = 0;
    items.forEach(function (item) {
      var size = JSON.stringify(change(item)).length * 3 + 8; // UTF-8 worst case
      if (current.length && (current.length >= MAX_CHANGES || bytes + size > MAX_BYTES)) { groups.push(current); current = []; bytes = 0; }
      current.push(item); bytes += size;
    });
    if (current.length) { groups.push(current); }
    return groups;
  }
  function sendBatch(items, device, waitingCount) {
    var payload = JSON.stringify({ device: device, outbox: waitingCount, changes: items.map(change) });
    return post(SYNC_URL, { headers: headers(device, waitingCount, { "Content-Type": "application/json" }), body: payload }, 30000 + payload.length / 5)
      .then(function (response) {
        if (response.status === 401) { return answerError(response).then(function (text) { throw new SessionEnded(text); }); }
        if (!response.ok || !isJson(response)) { return answerError(response).then(function (text) { throw new Retry(text); }); }
        return response.json();
      })
      .then(function (answer) {
        var serverTime = Date.parse(answer.server_time) || Date.now();
        var byId = {};
        items.forEach(function (item) { byId[item.client_id] = item; });
        return (answer.results || []).reduce(function (chain, result) {
          var item = byId[result.client_id];
          if (!item) { return chain; }
          return chain.then(function () { return settle(item, result, serverTime); });
        }, Promise.resolve()).then(function () { return (answer.results || []).length; });
      });
  }
  function settle(item, result, serverTime, extra) {
    progressed = true;
    touchedEntries[item.entry] = true;
    if (result.status === "applied" || result.status === "duplicate") {
      return journalAdd(item, result, serverTime, extra).then(function () { return del("outbox", item.client_id); })
        .then(function () { emit("result", { item: item, result: result }); });
    }
    return F.update(item.client_id, { state: "refused", error: result.error || "", refused_at: Date.now() })
      .then(function () { emit("result", { item: item, result: result }); });
  }
  var uploading = {}; // client ids of the photos on their way right now
  /* The juror deletes a photo not yet sent: at once if it is only on the tablet; if it is on its
     way, it is marked, and deleted on the server as soon as the upload's answer names it. */
  F.cancelPhoto = function (id) {
    if (uploading[id]) { return F.update(id, { deleted: true }); }
    return F.remove(id);
  };
  function sendPhoto(item, device, waitingCount) {
    uploading[item.client_id] = true;
    return uploadPhoto(item, device, waitingCount).finally(function () { delete uploading[item.client_id]; });
  }
  function uploadPhoto(item, device, waitingCount) {
    var form = new FormData();
    form.append("client_id", item.client_id);
    form.append("indicator", item.indicator || "");
    form.append("photo", item.blob, "foto.jpg");
    ["taken_at", "latitude", "longitude"].forEach(function (name) {
      if (item[name] !== null && item[name] !== undefined) { form.append(name, item[name]); }
    });
    var size = item.blob ? item.blob.size : 0;
    // A weak link carries about 5 KB/s at worst before the upload counts as lost.
    return post(item.url, { headers: headers(device, waitingCount), body: form }, 30000 + size / 5).then(function (response) {
      if (response.status === 401) { return answerError(response).then(function (text) { throw new SessionEnded(text); }); }
      if (isJson(response) && response.ok) {
        return response.json().then(function (answer) {
          return F.get(item.client_id).then(function (now) {
            var extra = { photo: answer.id, thumb: answer.thumb, web: answer.web, delete_url: answer.delete };
            var result = { status: response.status === 201 ? "applied" : "duplicate" };
            return settle(item, result, Date.now(), extra).then(function () {
              // Deleted by the juror while it was on its way: delete it on the server too.
              if (now && now.deleted) { return F.add({ kind: "photo_delete", entry: item.entry, entry_label: item.entry_label, photo: answer.id }); }
              // Warm the cache with the thumbnail, so the sheet shows it offline; not waited
              // for: on a weak link the next photo's upload need not queue behind it.
              fetch(answer.thumb, { credentials: "same-origin" }).catch(function () { return null; });
            });
          });
        });
      }
      if (isJson(response) && response.status >= 400 && response.status < 500) {
        return answerError(response).then(function (text) { return settle(item, { status: "refused", error: text }); });
      }
      if (response.status === 413) { return settle(item, { status: "refused", error: response.status + " " + response.statusText }); }
      return answerError(response).then(function (text) { throw new Retry(text); });
    });
  }
  function round() {
    return Promise.all([F.device(), F.sessionOwner()]).then(function (got) {
      var device = got[0], owner = got[1];
      if (owner === null) { throw new SessionEnded(""); }
      if (owner === undefined) { throw new Retry(""); }
      if (owner !== F.user) { return "foreign"; } // another juror's session: send nothing
      return F.waiting().then(function (items) {
        var live = items.filter(function (item) { return !(item.kind === "photo" && item.deleted); });
        var cancelled = items.filter(function (item) { return item.kind === "photo" && item.deleted && !uploading[item.client_id]; });
        if (!live.length) { return Promise.all(cancelled.map(function (item) { return F.remove(item.client_id); })).then(function () { return "empty"; }); }
        setStatus({ phase: "sending" });
        var photoEntries = {};
        live.forEach(function (item) { if (item.kind === "photo") { photoEntries[item.entry] = true; } });
        var first = live.filter(function (item) { return item.kind !== "photo" && !(item.kind === "submit" && photoEntries[item.entry]); });
        var photos = live.filter(function (item) { return item.kind === "photo"; });
        var count = live.length;
        var chain = chunks(first).reduce(function (previous, group) {
          return previous.then(function () { return sendBatch(group, device, count).then(function (n) { count -= n; }); });
        }, Promise.resolve());
        photos.forEach(function (photo) {
          chain = chain.then(function () { return sendPhoto(photo, device, count).then(function () { count -= 1; }); });
        });
        return chain.then(function () { return "again"; }); // held submissions and new changes: once more
      });
    });
  }
  // The backoff grows only while nothing gets through: on a weak link that drops one
  // request in three, every answered request starts it again from RETRY_FIRST.
  var syncing = null, timer = null, retryDelay = RETRY_FIRST, rounds = 0, progressed = false;
  var touchedEntries = {};
  /* The prepared copies of the list and of the sheets the server just answered for. */
  function refreshCopies() {
    var entries = Object.keys(touchedEntries);
    touchedEntries = {};
    if (!entries.length) { return; }
    var paths = [body.dataset.listUrl || "/penilaian/"].concat(entries.map(function (id) { return "/penilaian/" + id + "/"; }));
    F.sw({ type: "refresh", user: F.user, paths: paths }, 60000).catch(function () { return null; });
  }
  function withLock(work) {
    if (navigator.locks && navigator.locks.request) {
      return navigator.locks.request("bantar-sync", { ifAvailable: true }, function (lock) { return lock ? work() : "busy"; });
    }
    return work();
  }
  F.sync = function () {
    if (!F.user) { return Promise.resolve("anonymous"); }
    if (syncing) { return syncing; }
    clearTimeout(timer);
    rounds = 0;
    progressed = false;
    syncing = withLock(function loop() {
      return round().then(function (outcome) {
        if (outcome === "again" && ++rounds < 20) { return loop(); }
        return outcome;
      });
    }).then(function (outcome) {
      if (outcome === "busy") { timer = setTimeout(F.sync, 3000); return outcome; }
      retryDelay = RETRY_FIRST;
      var patch = { phase: "idle", retryAt: null, lastError: "" };
      if (outcome !== "foreign") { patch.session = "ok"; }
      if (outcome === "again" || outcome === "empty") {
        patch.lastOk = Date.now();
        F.setMeta("lastOk:" + F.user, patch.lastOk);
      }
      if (outcome === "foreign") { patch.session = "foreign"; }
      setStatus(patch);
      tellTabs({ type: "sync", detail: { ok: true } });
      refreshCopies();
      return outcome;
    }, function (error) {
      var ended = error instanceof SessionEnded;
      if (!ended && !(error instanceof Retry)) { console.error(error); }
      if (progressed) { retryDelay = RETRY_FIRST; }
      var wait = Math.round(retryDelay * (0.8 + Math.random() * 0.4));
      retryDelay = Math.min(retryDelay * 2, RETRY_MAX);
      timer = setTimeout(F.sync, wait);
      setStatus({ phase: ended ? "login" : "waiting", session: ended ? "ended" : status.session,
        lastError: (error && error.message) || "", retryAt: Date.now() + wait });
      return ended ? "login" : "retry";
    }).finally(function () { syncing = null; });
    return syncing;
  };
  /* Soon, not at once: taps a second apart travel together. */
  F.schedule = function (delay) {
    clearTimeout(timer);
    timer = setTimeout(F.sync, delay || 0);
  };
  window.addEventListener("online", function () { retryDelay = RETRY_FIRST; setStatus({ online: true }); F.sync(); });
  window.addEventListener("offline", function () { setStatus({ online: false }); });
  document.addEventListener("visibilitychange", function () { if (document.visibilityState === "visible") { F.schedule(200); } });

  /* --- storage ---------------------------------------------------------------------------- */
  F.storage = function () {
    if (!navigator.storage) { return Promise.resolve({ persisted: false, supported: false }); }
    var persist = navigator.storage.persisted ? navigator.storage.persisted() : Promise.resolve(false);
    return persist.then(function (already) {
      if (already || !navigator.storage.persist) { return already; }
      return navigator.storage.persist();
    }).then(function (persisted) {
      var estimate = navigator.storage.estimate ? navigator.storage.estimate() : Promise.resolve({});
      return estimate.then(function (space) {
        return { persisted: !!persisted, supported: true, quota: space.quota || 0, usage: space.usage || 0 };
      });
    }, function () { return { persisted: false, supported: true }; });
  };

  /* --- the service worker -------------------------------------------------------------------- */
  F.sw = function (message, timeoutMs) {
    if (!("serviceWorker" in navigator)) { return Promise.reject(new Error("no service worker")); }
    return navigator.serviceWorker.getRegistration("/").then(function (registration) {
      // The registration's active worker first: right after a release took over, the page's
      // `controller` may still name the previous worker, which no longer answers.
      var worker = (registration && registration.active) || navigator.serviceWorker.controller ||
        (registration && (registration.waiting || registration.installing));
      if (!worker) { throw new Error("no service worker"); }
      return new Promise(function (resolve, reject) {
        var port = new MessageChannel();
        var timer = setTimeout(function () { reject(new Error("timeout")); }, timeoutMs || 10000);
        port.port1.onmessage = function (event) { clearTimeout(timer); resolve(event.data); };
        worker.postMessage(message, [port.port2]);
      });
    });
  };
  F.clearPersonal = function () {
    if (!window.caches) { return Promise.resolve(); }
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) { return /^bantar-.*-u\d+$/.test(name); }).map(function (name) { return caches.delete(name); }));
    });
  };
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.addEventListener("message", function (event) { emit("sw", event.data || {}); });
    navigator.serviceWorker.addEventListener("controllerchange", function () {
      F.sw({ type: "hello", user: F.user }).catch(function () { return null; });
      emit("controllerchange", {});
    });
    if (F.isJuror && body.dataset.swUrl) {
      F.registration = navigator.serviceWorker.register(body.dataset.swUrl, { scope: "/" }).then(function (registration) {
        // A new release takes over at once (its install asks for it; this asks again for a
        // release left waiting), and serves the old release's copies until it has its own.
        function skip() { if (registration.waiting) { registration.waiting.postMessage({ type: "skip" }); } }
        registration.addEventListener("updatefound", function () {
          var worker = registration.installing;
          if (worker) { worker.addEventListener("statechange", function () { if (worker.state === "installed") { skip(); } }); }
        });
        skip();
        return registration;
      }).catch(function (error) {
        console.warn("service worker", error); return null;
      });
    }
    F.sw({ type: "hello", user: F.user }).catch(function () { return null; });
  }
  if (!F.user) {
    // The server says nobody is logged in here: no one's prepared pages may stay.
    F.clearPersonal();
    journalForget();
  }

  /* --- logging out ------------------------------------------------------------------------------ */
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.action || new URL(form.action, location.href).pathname !== (body.dataset.logoutUrl || "/accounts/logout/")) { return; }
    if (form.dataset.cleared) { return; }
    event.preventDefault();
    form.dataset.cleared = "1";
    var token = form.querySelector('input[name="csrfmiddlewaretoken"]');
    if (token && F.csrfToken()) { token.value = F.csrfToken(); } // a cached page's token may be stale
    // Logging out never waits on the tablet's storage for long: if the caches or IndexedDB
    // stall (seen with a second tab just opened or closed), the form goes after 4 s anyway;
    // the service worker clears the prepared pages again on the logout request, and the next
    // page without a session forgets them too (`!F.user` above).
    var sent = false;
    var done = function () { if (!sent) { sent = true; form.submit(); } };
    setTimeout(done, 4000);
    Promise.all([
      F.sw({ type: "logout" }, 2000).catch(function () { return null; }),
      F.clearPersonal(),
      journalForget(F.user),
      F.setMeta("session", null)
    ]).then(done, done);
  }, true);

  /* --- start ------------------------------------------------------------------------------------ */
  function adoptLegacy() {
    // Items from the first scoring page have no owner: the juror who opens the field kit first
    // takes them, as that page would have sent them under any juror's session.
    if (!F.user || !F.isJuror) { return Promise.resolve(); }
    return F.items().then(function (items) {
      return Promise.all(items.filter(function (item) { return !item.owner; }).map(function (item) {
        return F.update(item.client_id, { owner: F.user, owner_name: F.userName });
      }));
    });
  }
  F.ready = adoptLegacy().then(journalPrune).then(function () {
    if (F.user) { F.schedule(300); }
  });
})();
