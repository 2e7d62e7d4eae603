// Service worker of the field-visit app (scope /office/visits/). Written for Pishkhan.
// Pages under the scope: network first, the last copy when there is no signal. Everything
// else the pages load (styles, scripts, fonts, photos): the cached copy first. Reports are
// not sent from here: the page's IndexedDB queue (queue.js) sends them when it is online.
"use strict";
var CACHE = "pishkhan-visits-v1";  // queue.js stores into the same cache

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf("pishkhan-visits-") === 0 && n !== CACHE;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

function isPage(request) {
  return request.mode === "navigate" || (request.headers.get("accept") || "").indexOf("text/html") !== -1;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (isPage(request)) {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    }).catch(function () {
      // ignoreVary: the pages vary on Cookie and the copies were stored from the route page.
      return caches.match(request, { ignoreVary: true }).then(function (hit) {
        return hit || caches.match(self.registration.scope + "today/", { ignoreSearch: true, ignoreVary: true }).then(function (today) {
          return today || new Response(
            "<!doctype html><meta charset=utf-8><html lang=fa dir=rtl><body style='font-family:sans-serif;padding:1rem'>" +
            "<p>اتصال اینترنت برقرار نیست و این صفحه پیش‌تر روی گوشی ذخیره نشده است.</p></body></html>",
            { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
        });
      });
    }));
    return;
  }
  event.respondWith(caches.match(request, { ignoreVary: true }).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok && url.pathname.indexOf("/static/") === 0) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
      }
      return response;
    });
  }));
});
