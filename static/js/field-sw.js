/* BANTAR field kit: the service worker (served at /sw.js by scoring.field_views, which
   puts `var CONFIG = {...}` in front of this file: the release, texts, a few URLs).

   What it does, and why:
   - Caches, per release and per user, the pages a juror needs without a signal: every
     page of the list (by path: /penilaian/halaman/<n>/), every assigned RT's scoring page, its thumbnails, the guide, the outbox page; and the
     static files (per release, shared). "Prepare" (a message from the list page) fetches
     GET /penilaian/kit/ and brings the cache up to date.
   - Serves those pages network first, but never keeps a juror on a weak link waiting more
     than NETWORK_WAIT_MS for a page the tablet already has; offline, from the cache.
   - A new release keeps serving the previous release's copies until its own kit is
     complete; only then are the old caches deleted. It never touches IndexedDB, where the
     outbox lives: queued changes survive every update.
   - Logging out (the form's POST, or a message from the page) deletes the user's caches:
     heads of RT's names and phones must not stay on a shared tablet. A page that says
     another user (or nobody) is logged in does the same for the previous user.
   The outbox itself is sent by the pages (static/js/field.js), not from here.
*/
"use strict";

var VERSION = CONFIG.version;
var PREFIX = "bantar-";
var STATIC_CACHE = PREFIX + VERSION + "-static";
var META_CACHE = PREFIX + "meta"; // who the pages said is logged in: a user pk, nothing more
var KIT_STATE = "/__bantar__/kit.json";
var USER_KEY = "/__bantar__/user";
var NETWORK_WAIT_MS = 4000;
var LOGOUT_WAIT_MS = 3000;
var CLEANUP_WAIT_MS = 10000;
var FILTER_WAIT_MS = 30000;  // a filtered list (?cari=...): its answer, unless the link fails
var PARALLEL = 3;

function userCache(user, version) { return PREFIX + (version || VERSION) + "-u" + user; }
function isUserCache(name, user) { return name.indexOf(PREFIX) === 0 && /-u\d+$/.test(name) && (user === undefined || name.slice(-("-u" + user).length) === "-u" + user); }

// The juror's list by pages (/penilaian/, /penilaian/halaman/<n>/): the kit keeps each one.
var LIST_PAGE = /^\/penilaian\/(?:halaman\/\d+\/)?$/;
var PERSONAL = [LIST_PAGE, /^\/penilaian\/\d+\/$/, /^\/penilaian\/kotak-keluar\/$/, /^\/panduan\/$/, /^\/panduan\/cek-mandiri\/$/, /^\/bukti\/\d+\/thumb\/$/,
  /^\/penilaian\/\d+\/foto-lomba\/\d+\/thumb\/$/]; // a re-visit's award photos (coaching)
function isPersonal(path) { return PERSONAL.some(function (pattern) { return pattern.test(path); }); }
// The scripts' catalogue (/jsi18n/<language>/<version>.js) is a static file too: its URL
// changes with its content.
function isStatic(path) { return path.indexOf("/static/") === 0 || path.indexOf("/jsi18n/") === 0 || path === "/manifest.webmanifest"; }

/* --- who is logged in (kept in a cache so that a restarted worker still knows) ------- */
var knownUser;
function currentUser() {
  if (knownUser !== undefined) { return Promise.resolve(knownUser); }
  return caches.open(META_CACHE).then(function (cache) { return cache.match(USER_KEY); })
    .then(function (hit) { return hit ? hit.json() : { user: null }; })
    .then(function (data) { knownUser = data.user ? String(data.user) : null; return knownUser; });
}
function rememberUser(user) {
  knownUser = user ? String(user) : null;
  return caches.open(META_CACHE).then(function (cache) {
    return cache.put(USER_KEY, new Response(JSON.stringify({ user: knownUser }), { headers: { "Content-Type": "application/json" } }));
  });
}
function deleteCaches(test) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(test).map(function (name) { return caches.delete(name); }));
  });
}
/* Removes every personal copy except those of `keep` (a user pk, or null for nobody). */
function forgetOthers(keep) {
  return deleteCaches(function (name) { return isUserCache(name) && !(keep && isUserCache(name, keep)); });
}
function hello(user) {
  user = user ? String(user) : null;
  return currentUser().then(function (known) {
    var work = [];
    if (!user || (known && known !== user)) { work.push(forgetOthers(user)); }
    if (known !== user) { work.push(rememberUser(user)); }
    return Promise.all(work);
  });
}
function logout() {
  return Promise.all([forgetOthers(null), rememberUser(null)]);
}

/* --- lifecycle ------------------------------------------------------------------------ */
self.addEventListener("install", function (event) {
  // No network needed to install: a release arriving on a weak link must not fail here,
  // and the previous release's copies keep serving until this one has its own.
  self.skipWaiting();
  event.waitUntil(Promise.resolve());
});
self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

/* --- answering requests --------------------------------------------------------------- */
/* A response this worker will neither read nor answer with: its body let go. Chromium counts
   a worker busy while a body it fetched stays open, and keeps a new release waiting meanwhile,
   skipWaiting() or not, for up to five minutes (kMaxLameDuckTime). Not the whole story: the
   release test (tests/browser/test_field_update.py) saw a release wait in 5 of 33 runs
   before this and in 2 of 34 after, with no event in flight in the old worker. */
function letGo(response) {
  if (response && response.body && !response.bodyUsed) { response.body.cancel().catch(function () { return null; }); }
  return null;
}
function cacheable(response) {
  return response && response.status === 200 && response.type === "basic" && !response.redirected;
}
/* This release's copy for the user first, then an older release's (kept until ours is complete). */
function matchPersonal(user, path) {
  return caches.keys().then(function (names) {
    var mine = names.filter(function (name) { return isUserCache(name, user); });
    mine.sort(function (a, b) { return (b === userCache(user)) - (a === userCache(user)); });
    return mine.reduce(function (found, name) {
      return found.then(function (hit) {
        return hit || caches.open(name).then(function (cache) { return cache.match(path); });
      });
    }, Promise.resolve(undefined));
  });
}
function matchStatic(request) {
  return caches.open(STATIC_CACHE).then(function (cache) { return cache.match(request); }).then(function (hit) {
    if (hit) { return hit; }
    return caches.keys().then(function (names) {
      var older = names.filter(function (name) { return name.indexOf(PREFIX) === 0 && /-static$/.test(name); });
      return older.reduce(function (found, name) {
        return found.then(function (got) { return got || caches.open(name).then(function (cache) { return cache.match(request); }); });
      }, Promise.resolve(undefined));
    });
  });
}
/* A page the worker writes itself, in every language of the portal one after the other: the
   worker cannot tell which one the juror reads (CONFIG.texts is Indonesian, CONFIG.otherTexts
   the others by language code). */
function htmlPage(kind) {
  var escape = function (text) { return String(text).replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; }); };
  var languages = [["id", CONFIG.texts]];
  Object.keys(CONFIG.otherTexts || {}).forEach(function (code) { languages.push([code, CONFIG.otherTexts[code]]); });
  var titles = languages.map(function (pair) { return pair[1][kind + "Title"]; });
  var sections = languages.map(function (pair) {
    var texts = pair[1];
    return '<section lang="' + escape(pair[0]) + '"><h1>' + escape(texts[kind + "Title"]) + "</h1><p>" + escape(texts[kind + "Body"]) + "</p>" +
      '<p><a href="' + escape(CONFIG.urls.list) + '">' + escape(texts.offlineList) + "</a></p></section>";
  });
  var html = '<!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>" + escape(titles.join(" · ")) + "</title></head><body>" +
    '<main class="field-offline" data-testid="field-offline">' + sections.join("") + "</main></body></html>";
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
function offlinePage() { return htmlPage("offline"); }

function staticFirst(request) {
  return matchStatic(request).then(function (hit) {
    if (hit) { return hit; }
    return fetch(request).then(function (response) {
      if (cacheable(response)) {
        var copy = response.clone();
        caches.open(STATIC_CACHE).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    });
  });
}
/* `keep`: whether the answer is the copy of `path`. A filtered list (?cari=...) is not: it
   would replace the page's whole copy; offline it is answered with that whole copy, which
   then says that filters need a signal (field-list.js). */
function personal(event, path, keep) {
  var request = event.request;
  return currentUser().then(function (user) {
    var network = fetch(request).then(function (response) {
      if (user && keep !== false && cacheable(response)) {
        var copy = response.clone();
        return caches.open(userCache(user)).then(function (cache) { return cache.put(path, copy); }).then(function () { return response; });
      }
      return response;
    });
    var cached = user ? matchPersonal(user, path) : Promise.resolve(undefined);
    return cached.then(function (hit) {
      if (!hit) { return network.catch(function () { return request.mode === "navigate" ? offlinePage() : Response.error(); }); }
      event.waitUntil(network.catch(function () { return null; }));
      // A weak link: the tablet's copy after NETWORK_WAIT_MS, the network's if it is quicker.
      // A filtered list is not that copy: its answer is waited for longer (a search on a slow
      // link still shows), the unfiltered copy only when the link fails or stays silent.
      var patience = keep === false ? FILTER_WAIT_MS : NETWORK_WAIT_MS;
      var wait = new Promise(function (resolve) { setTimeout(function () { resolve(null); }, patience); });
      return Promise.race([network, wait]).then(function (answer) {
        if (!answer) { network.then(letGo, function () { return null; }); }
        return answer || hit;
      }, function () { return hit; });
    });
  });
}
/* The logout goes to the server once the tablet forgot the juror, or after LOGOUT_WAIT_MS if
   the storage stalls (seen under load: the tap then did nothing for a minute); the forgetting
   goes on, and the logged-out page forgets the prepared pages again. */
function logoutThrough(event) {
  var forgotten = logout().catch(function () { return null; });
  event.waitUntil(forgotten);
  var wait = new Promise(function (resolve) { setTimeout(resolve, LOGOUT_WAIT_MS); });
  return Promise.race([forgotten, wait]).then(function () {
    return fetch(event.request).catch(function () {
      return htmlPage("logout");
    });
  });
}
self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && url.pathname === CONFIG.urls.logout) {
    event.respondWith(logoutThrough(event));
    return;
  }
  if (request.method !== "GET") { return; }
  if (isStatic(url.pathname)) { event.respondWith(staticFirst(request)); return; }
  // A competition's guide (/panduan/?kompetisi=<pk>) is a page of its own (issue 14).
  if (isPersonal(url.pathname)) {
    var filtered = LIST_PAGE.test(url.pathname) && url.search !== "";
    event.respondWith(personal(event, url.pathname + (url.pathname === "/panduan/" ? url.search : ""), !filtered));
  }
});

/* --- preparing the day ---------------------------------------------------------------- */
function broadcast(message) {
  return self.clients.matchAll({ type: "window" }).then(function (clients) {
    clients.forEach(function (client) { client.postMessage(message); });
  });
}
function readState(user) {
  return caches.open(userCache(user)).then(function (cache) { return cache.match(KIT_STATE); })
    .then(function (hit) { return hit ? hit.json() : null; });
}
function writeState(user, state) {
  return caches.open(userCache(user)).then(function (cache) {
    return cache.put(KIT_STATE, new Response(JSON.stringify(state), { headers: { "Content-Type": "application/json" } }));
  });
}
/* The newest state among this user's caches: this release's, else an older one's. */
function anyState(user) {
  return readState(user).then(function (state) {
    if (state) { return state; }
    return caches.keys().then(function (names) {
      var older = names.filter(function (name) { return isUserCache(name, user) && name !== userCache(user); });
      return Promise.all(older.map(function (name) {
        return caches.open(name).then(function (cache) { return cache.match(KIT_STATE); }).then(function (hit) { return hit ? hit.json() : null; });
      })).then(function (states) {
        return states.filter(Boolean).sort(function (a, b) { return (b.refreshed_at || 0) - (a.refreshed_at || 0); })[0] || null;
      });
    });
  });
}
/* Fetches `path` into `cache`; answers the body's size, or throws. A weak link drops
   requests: a failed one is tried again twice (after 1 s and 3 s) before it counts. */
function fetchInto(cache, path, attempt) {
  attempt = attempt || 0;
  return fetch(path, { credentials: "same-origin", cache: "no-store" }).then(function (response) {
    if (!cacheable(response)) { letGo(response); throw new Error(path + ": " + response.status); }
    return response.clone().blob().then(function (blob) {
      return cache.put(path, response).then(function () { return { size: blob.size, blob: blob }; });
    });
  }).catch(function (error) {
    if (attempt >= 2) { throw error; }
    return new Promise(function (resolve) { setTimeout(resolve, attempt ? 3000 : 1000); })
      .then(function () { return fetchInto(cache, path, attempt + 1); });
  });
}
var STATIC_IN_PAGE = /(?:src|href)="(\/(?:static|jsi18n)\/[^"?#]+)"/g;
function staticsIn(blob) {
  return blob.text().then(function (text) {
    var found = [], match;
    STATIC_IN_PAGE.lastIndex = 0;
    while ((match = STATIC_IN_PAGE.exec(text))) { found.push(match[1].replace(/&amp;/g, "&")); }
    return found;
  });
}
function pool(tasks, size) {
  var index = 0, results = [];
  function worker() {
    if (index >= tasks.length) { return Promise.resolve(); }
    var mine = index++;
    return tasks[mine]().then(function (value) { results[mine] = value; }, function (error) { results[mine] = { error: String(error) }; }).then(worker);
  }
  var workers = [];
  for (var i = 0; i < Math.min(size, tasks.length); i++) { workers.push(worker()); }
  return Promise.all(workers).then(function () { return results; });
}

var preparing = null;
function prepare(user, force) {
  if (preparing) { return preparing; }
  preparing = doPrepare(user, force).finally(function () { preparing = null; });
  return preparing;
}
function doPrepare(user, force) {
  var kit;
  return fetch(CONFIG.urls.kit, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok || response.redirected || (response.headers.get("Content-Type") || "").indexOf("application/json") !== 0) {
        letGo(response);
        throw new Error("kit " + response.status);
      }
      return response.json();
    })
    .then(function (data) {
      kit = data;
      if (String(kit.user) !== String(user)) { throw new Error("kit for another user"); }
      return Promise.all([hello(kit.user), readState(kit.user), caches.open(userCache(kit.user)), caches.open(STATIC_CACHE)]);
    })
    .then(function (opened) {
      var previous = opened[1] || { entries: {} }, mine = opened[2], shared = opened[3];
      var state = { version: VERSION, user: kit.user, language: kit.language, generated_at: kit.generated_at, refreshed_at: Date.now(), complete: false,
        order: kit.entries.map(function (entry) { return entry.id; }), entries: {}, pages: previous.pages || {}, bytes: 0 };
      var statics = {};
      var total = kit.entries.length + kit.urls.length, done = 0;
      function progress() { done++; broadcast({ type: "kit-progress", done: done, total: total }); }
      function ensureStatic(path) {
        if (statics[path]) { return statics[path]; }
        statics[path] = shared.match(path).then(function (hit) {
          if (hit) { return hit.clone().blob().then(function (blob) { return blob.size; }); }
          return fetchInto(shared, path).then(function (got) { return got.size; });
        });
        return statics[path];
      }
      function pageTask(path) {
        return function () {
          if (isStatic(path)) { return ensureStatic(path).then(function (size) { progress(); return size; }); }
          return fetchInto(mine, path).then(function (got) {
            state.pages[path] = { cached_at: Date.now(), bytes: got.size };
            return staticsIn(got.blob).then(function (found) { return Promise.all(found.map(ensureStatic)); })
              .then(function () { progress(); return got.size; });
          });
        };
      }
      function entryTask(entry) {
        return function () {
          var before = previous.entries[entry.id];
          // A page prepared in another language than the juror reads now is fetched again.
          var same = before && before.ok && previous.language === kit.language && before.updated === entry.updated && before.status === entry.status &&
            JSON.stringify(before.assets) === JSON.stringify(entry.assets) && !force;
          var page = same ? mine.match(entry.url).then(function (hit) { if (!hit) { throw new Error("gone"); } return { size: before.page_bytes, reused: true }; })
            : Promise.reject(new Error("refresh"));
          return page.catch(function () {
            return fetchInto(mine, entry.url).then(function (got) {
              return staticsIn(got.blob).then(function (found) { return Promise.all(found.map(ensureStatic)); }).then(function () { return got; });
            });
          }).then(function (got) {
            return Promise.all(entry.assets.map(function (asset) {
              return mine.match(asset).then(function (hit) {
                if (hit) { return hit.clone().blob().then(function (blob) { return blob.size; }); }
                return fetchInto(mine, asset).then(function (image) { return image.size; });
              });
            })).then(function (sizes) {
              var bytes = got.size + sizes.reduce(function (a, b) { return a + b; }, 0);
              state.entries[entry.id] = { url: entry.url, list: entry.list, label: entry.label, updated: entry.updated, status: entry.status,
                assets: entry.assets, ok: true, page_bytes: got.size, bytes: bytes,
                cached_at: got.reused ? before.cached_at : Date.now() };
              progress();
              return bytes;
            });
          }).catch(function (error) {
            state.entries[entry.id] = { url: entry.url, list: entry.list, label: entry.label, updated: entry.updated, status: entry.status,
              assets: entry.assets, ok: false, error: String(error), cached_at: before && before.ok ? before.cached_at : null };
            progress();
            throw error;
          });
        };
      }
      var tasks = kit.urls.map(pageTask).concat(kit.entries.map(entryTask));
      return pool(tasks, PARALLEL).then(function (results) {
        var failed = results.filter(function (value) { return value && value.error; }).length;
        return Promise.all(Object.keys(statics).map(function (path) { return statics[path].catch(function () { failed++; return 0; }); }))
          .then(function (staticSizes) {
            state.bytes = staticSizes.reduce(function (a, b) { return a + (b || 0); }, 0);
            Object.keys(state.entries).forEach(function (id) { state.bytes += state.entries[id].bytes || 0; });
            Object.keys(state.pages).forEach(function (path) { state.bytes += state.pages[path].bytes || 0; });
            state.complete = failed === 0;
            state.failed = failed;
            // The state is answered after CLEANUP_WAIT_MS even if Cache Storage stalls on the
            // clean-up (seen under load: every RT fetched, "20/20", and no answer for minutes).
            var cleaned = cleanUp(mine, state, kit);
            var late = new Promise(function (resolve) { setTimeout(function () { resolve(state); }, CLEANUP_WAIT_MS); });
            return Promise.race([cleaned, late]);
          });
      });
    })
    .then(function (state) { broadcast({ type: "kit", state: state }); return state; });
}
/* RTs no longer assigned leave the cache; a complete kit lets older releases go. */
function cleanUp(mine, state, kit) {
  var keep = {};
  kit.urls.forEach(function (path) { keep[path] = true; });
  kit.entries.forEach(function (entry) { keep[entry.url] = true; entry.assets.forEach(function (asset) { keep[asset] = true; }); });
  keep[KIT_STATE] = true;
  return mine.keys().then(function (requests) {
    return Promise.all(requests.map(function (request) {
      var url = new URL(request.url), path = url.pathname + url.search;
      return keep[path] ? null : mine.delete(request);
    }));
  }).then(function () { return writeState(kit.user, state); }).then(function () {
    if (!state.complete) { return state; }
    return deleteCaches(function (name) {
      return name.indexOf(PREFIX) === 0 && name !== META_CACHE && name !== STATIC_CACHE && name !== userCache(kit.user);
    }).then(function () { return state; });
  });
}

/* After a sync the server holds more than the prepared copies show: fetch those pages again
   (only pages this user's kit already holds), so that the list and the sheets opened offline
   later show what was sent. */
function refresh(user, paths) {
  return currentUser().then(function (known) {
    if (!user || String(user) !== known) { return 0; }
    return Promise.all([caches.open(userCache(known)), anyState(known)]).then(function (opened) {
      var cache = opened[0], state = opened[1], wanted = {};
      // An RT's page of the list shows its progress too: refresh that page with it.
      paths.forEach(function (path) {
        wanted[path] = true;
        var match = /^\/penilaian\/(\d+)\/$/.exec(path), info = match && state && state.entries[match[1]];
        if (info && info.list) { wanted[info.list] = true; }
      });
      return Promise.all(Object.keys(wanted).filter(isPersonal).map(function (path) {
        return matchPersonal(known, path).then(function (hit) {
          return hit ? fetchInto(cache, path).then(function () { return 1; }, function () { return 0; }) : 0;
        });
      }));
    }).then(function (done) { return done.reduce(function (a, b) { return a + b; }, 0); });
  });
}

/* --- messages from the pages -------------------------------------------------------- */
self.addEventListener("message", function (event) {
  var data = event.data || {};
  var port = event.ports && event.ports[0];
  function answer(value) { if (port) { port.postMessage(value); } }
  var work;
  if (data.type === "skip") {
    // A new release that waits: the page asks again (Chrome may not retry by itself once
    // the old release had work in flight at the first try).
    work = self.skipWaiting().then(function () { return { ok: true, version: VERSION }; });
  } else if (data.type === "hello") {
    work = hello(data.user || null).then(function () { return { ok: true, version: VERSION }; });
  } else if (data.type === "logout") {
    work = logout().then(function () { return { ok: true }; });
  } else if (data.type === "prepare") {
    work = prepare(data.user, !!data.force).then(function (state) { return { ok: true, state: state }; },
      function (error) { return anyState(data.user).then(function (state) { return { ok: false, error: String(error), state: state }; }); });
  } else if (data.type === "refresh") {
    work = refresh(data.user, data.paths || []).then(function (count) { return { ok: true, refreshed: count }; });
  } else if (data.type === "status") {
    work = anyState(data.user).then(function (state) { return { ok: true, version: VERSION, state: state }; });
  } else if (data.type === "version") {
    work = Promise.resolve({ ok: true, version: VERSION });
  } else {
    return;
  }
  event.waitUntil(work.then(answer, function (error) { answer({ ok: false, error: String(error) }); }));
});
