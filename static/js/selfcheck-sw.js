/* The self-check kept offline in a visitor's browser (issue 16.1): a service worker of its own,
   scoped to /panduan/cek-mandiri/ and registered only where nobody is logged in and no field kit
   controls the page (a juror's tablet keeps the self-check in its kit, static/js/field-sw.js).
   It keeps the page and the files the page loads in one cache per release: the page network
   first (a fresh copy whenever there is a connection), the files cache first. It keeps nothing
   personal: the answers stay in the page's localStorage and the link's fragment.
   CONFIG (version, page) is prepended by coaching.views.selfcheck_sw. */
/* global CONFIG */
"use strict";

var PREFIX = "bantar-selfcheck-";
var CACHE = PREFIX + CONFIG.version;
var ASSET = /(?:src|href)="(\/(?:static|jsi18n)\/[^"?#]+)"/g;

function keepPage(cache, response) {
  return response.clone().text().then(function (html) {
    var assets = [], found;
    ASSET.lastIndex = 0;
    while ((found = ASSET.exec(html))) { if (assets.indexOf(found[1]) < 0) { assets.push(found[1]); } }
    return cache.put(CONFIG.page, response).then(function () { return cache.addAll(assets); });
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return fetch(CONFIG.page, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) { throw new Error("self-check " + response.status); }
      return keepPage(cache, response);
    });
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf(PREFIX) === 0 && name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (url.pathname === CONFIG.page) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return keepPage(cache, copy); }).catch(function () { return null; });
      }
      return response;
    }).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(CONFIG.page); })
        .then(function (hit) { return hit || Response.error(); });
    }));
    return;
  }
  if (/^\/(static|jsi18n)\//.test(url.pathname)) {
    event.respondWith(caches.open(CACHE).then(function (cache) { return cache.match(url.pathname); })
      .then(function (hit) { return hit || fetch(request); }));
  }
});
