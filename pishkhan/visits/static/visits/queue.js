// Field app: installs the service worker, keeps the day's pages on the phone, and queues visit
// reports (with their photos) in IndexedDB until they reach the server — exactly once: each
// report carries its report_key, and the server answers a key it has filed with "filed".
(function () {
  "use strict";
  var EN = document.documentElement.lang === "en";
  function t(fa, en) { return EN ? en : fa; }
  var DB = "pishkhan-visits", STORE = "reports";
  function meta(name) { var el = document.querySelector("meta[name=" + name + "]"); return el ? el.getAttribute("content") : ""; }
  // The cache the service worker keeps (its version is named in sw.js; the page is told).
  var CACHE = meta("pishkhan-sw-cache") || "pishkhan-visits-v1";
  var OWNER = meta("pishkhan-user");
  // The CSRF token of this session: a report queued before a logout and a new login carries
  // the old one (Django rotates it at login).
  function csrf(item) {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return (m && m[1]) || (input && input.value) || item.csrf;
  }

  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), store = t.objectStore(STORE), out = work(store);
        t.oncomplete = function () { db.close(); resolve(out && out.result !== undefined ? out.result : out); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }
  var Queue = {
    put: function (item) { return tx("readwrite", function (s) { s.put(item); }); },
    remove: function (key) { return tx("readwrite", function (s) { s.delete(key); }); },
    all: function () { return tx("readonly", function (s) { return s.getAll(); }); }
  };

  var flushing = null;
  // Send every queued report once; resolves to {sent: [...], failed: [...], waiting: n}.
  function flush() {
    if (flushing) { return flushing; }
    flushing = Queue.all().then(function (items) {
      var result = { sent: [], failed: [], waiting: 0 };
      return items.reduce(function (chain, item) {
        return chain.then(function () {
          if (item.failed) { result.failed.push(item); return null; }
          // Queued by another person on this phone: kept for them, never sent with this login.
          if (item.owner && OWNER && item.owner !== OWNER) { result.waiting += 1; return null; }
          var body = new FormData();
          // The token goes in the header, from this session (the form's copy may be stale).
          item.fields.forEach(function (pair) { if (pair[0] !== "csrfmiddlewaretoken") { body.append(pair[0], pair[1]); } });
          item.files.forEach(function (f) { body.append("photos", f.blob, f.name); });
          return fetch(item.url, {
            method: "POST", body: body, credentials: "same-origin",
            headers: { "X-CSRFToken": csrf(item), "X-Pishkhan-Queue": "1", "Accept": "application/json" }
          }).then(function (r) {
            var json = (r.headers.get("content-type") || "").indexOf("json") !== -1;
            if (r.ok && json) { return Queue.remove(item.key).then(function () { result.sent.push(item); }); }
            if (r.status === 400 && json) {
              return r.json().then(function (data) {
                item.failed = true; item.errors = data.errors || {};
                result.failed.push(item);
                return Queue.put(item);
              });
            }
            result.waiting += 1;  // logged out, server error: try again later
            item.lastError = r.status; return Queue.put(item);
          }, function () { result.waiting += 1; });
        });
      }, Promise.resolve()).then(function () { return result; });
    }).finally(function () { flushing = null; });
    return flushing.then(function (result) {
      document.dispatchEvent(new CustomEvent("pk-queue", { detail: result }));
      return result;
    });
  }

  // Keep the day's pages, their photos and assets on the phone (from the route page, online).
  function keepForOffline(urls) {
    if (!("caches" in window) || !navigator.onLine) { return Promise.resolve(); }
    return caches.open(CACHE).then(function (cache) {
      var own = [];
      document.querySelectorAll("link[rel=stylesheet][href], script[src], img[src]").forEach(function (el) {
        own.push(el.href || el.src);
      });
      return Promise.all(own.concat(urls).map(function (u) {
        return fetch(u, { credentials: "same-origin" }).then(function (r) {
          if (!r.ok || r.redirected) { return null; }
          var page = (r.headers.get("content-type") || "").indexOf("text/html") !== -1;
          var stored = cache.put(u, r.clone());
          if (!page) { return stored; }
          return r.text().then(function (html) {  // the report page's own photos and scripts
            var doc = new DOMParser().parseFromString(html, "text/html"), more = [];
            doc.querySelectorAll("script[src], img[src], link[rel=stylesheet][href]").forEach(function (el) {
              more.push(new URL(el.getAttribute("src") || el.getAttribute("href"), u).href);
            });
            return Promise.all(more.map(function (m) { return cache.add(m).catch(function () { return null; }); }));
          });
        }).catch(function () { return null; });
      }));
    });
  }

  function register() {
    var meta = document.querySelector("meta[name=pishkhan-sw]");
    if (!meta || !("serviceWorker" in navigator)) { return; }
    var url = meta.getAttribute("content");
    navigator.serviceWorker.register(url, { scope: url.replace(/sw\.js$/, "") }).catch(function () { return null; });
  }

  window.PishkhanQueue = { owner: OWNER, put: Queue.put, remove: Queue.remove, all: Queue.all, flush: flush, keepForOffline: keepForOffline, t: t };
  register();
  window.addEventListener("online", function () { flush(); });
  function start() {
    flush();
    setInterval(function () { if (navigator.onLine) { flush(); } }, 30000);
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
