// Pishkhan: small progressive enhancements (no inline scripts: CSP forbids them).
(function () {
  "use strict";
  var FA = "۰۱۲۳۴۵۶۷۸۹", AR = "٠١٢٣٤٥٦٧٨٩";
  function toLatin(s) {
    return s.replace(/[۰-۹]/g, function (d) { return FA.indexOf(d); })
            .replace(/[٠-٩]/g, function (d) { return AR.indexOf(d); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    // Jalali date inputs and numeric inputs accept Persian digits: show them as typed,
    // the server normalises; here we only keep the caret position sane.
    document.querySelectorAll("input.jalali-date").forEach(function (el) {
      el.addEventListener("blur", function () { el.value = toLatin(el.value); });
    });
    // Forms marked data-once disable their submit button after the first submit.
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) {
          setTimeout(function () { b.disabled = true; }, 0);
        });
      });
    });
    // A request form keeps its idempotency key in its place in the tab's history: coming Back
    // to a form that was sent (the browser fetches it anew, with a new key) it gets the key it
    // was sent with, so sending it again answers with the case it made instead of making a
    // second one. A form opened afresh (a link, a reload) keeps the new key the server gave it.
    document.querySelectorAll("form[data-keep-key]").forEach(function (form) {
      var input = form.querySelector("input[name=idempotency_key]");
      if (!input) { return; }
      try {
        var nav = performance.getEntriesByType("navigation")[0];
        var state = history.state || {};
        if (nav && nav.type === "back_forward" && state.pishkhanKey) {
          input.value = state.pishkhanKey;
        } else {
          state.pishkhanKey = input.value;
          history.replaceState(state, "");
        }
      } catch (e) { /* an old browser: the server's key alone */ }
    });
    // Confirm dangerous actions.
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (ev) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); }
      });
    });
  });
})();

// The field app's offline copies (visits/queue.js, visits/sw.js) hold case data: the pages and
// photos kept for the 06:00 route, and the report queue. On logout (and on the login page, for a
// session that ran out) the cached pages go and reports already sent are removed; a report still
// waiting to be sent is never dropped silently: logout warns first and, if the person goes on,
// keeps it on the phone for their next login (queue.js sends only its owner's reports).
(function () {
  "use strict";
  var PREFIX = "pishkhan-visits-", DB = "pishkhan-visits", STORE = "reports";
  var EN = document.documentElement.lang === "en";
  function fa(n) { return EN ? String(n) : String(n).replace(/[0-9]/g, function (d) { return "۰۱۲۳۴۵۶۷۸۹"[d]; }); }
  function dbExists() {
    if (!window.indexedDB) { return Promise.resolve(false); }
    if (!indexedDB.databases) { return Promise.resolve(true); }
    return indexedDB.databases().then(function (list) {
      return list.some(function (d) { return d.name === DB; });
    }, function () { return true; });
  }
  // The reports still waiting (those marked sent are removed on the way).
  function unsent() {
    return dbExists().then(function (exists) {
      if (!exists) { return []; }
      return new Promise(function (resolve) {
        var req = indexedDB.open(DB, 1);
        req.onupgradeneeded = function () { req.result.createObjectStore(STORE, { keyPath: "key" }); };
        req.onerror = function () { resolve([]); };
        req.onsuccess = function () {
          var db = req.result, t = db.transaction(STORE, "readwrite"), store = t.objectStore(STORE), left = [];
          var all = store.getAll();
          all.onsuccess = function () {
            all.result.forEach(function (it) { if (it.sent) { store.delete(it.key); } else { left.push(it); } });
          };
          t.oncomplete = function () { db.close(); resolve(left); };
          t.onerror = function () { db.close(); resolve(left); };
        };
      });
    });
  }
  function dropCaches() {
    if (!("caches" in window)) { return Promise.resolve(); }
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf(PREFIX) === 0; })
        .map(function (n) { return caches.delete(n); }));
    });
  }
  function clear() { return Promise.all([unsent(), dropCaches()]).then(function (r) { return r[0]; }); }
  window.PishkhanOffline = { unsent: unsent, clear: clear };

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-logout]") || form.dataset.confirmed === "1") { return; }
    event.preventDefault();
    function go() { form.dataset.confirmed = "1"; form.submit(); }
    var Q = window.PishkhanQueue;
    var sending = Q && navigator.onLine ? Q.flush().catch(function () { return null; }) : Promise.resolve();
    sending.then(unsent).then(function (left) {
      var mine = left.filter(function (it) { return !it.owner || !Q || !Q.owner || it.owner === Q.owner; });
      if (mine.length) {
        var n = fa(mine.length);
        var ok = window.confirm(EN
          ? n + " visit report(s) have not reached the server yet and exist only on this phone. If you log out now they stay on this phone and are sent after you log in again. To send them now, press Cancel and connect to the internet. Log out?"
          : n + " گزارش بازدید هنوز به سامانه نرسیده و فقط روی همین گوشی است. اگر اکنون خارج شوید، روی گوشی می‌ماند و پس از ورود دوبارهٔ شما فرستاده می‌شود. برای فرستادن همین حالا «انصراف» را بزنید و به اینترنت وصل شوید. خارج می‌شوید؟");
        if (!ok) { return; }
      }
      return dropCaches().then(go, go);
    }).catch(go);
  }, true);

  if (document.querySelector("form[data-clear-offline]")) { clear(); }
})();
