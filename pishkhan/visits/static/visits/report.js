// Visit report: check-in with the phone's position; the form is kept as a draft in
// localStorage (restored after a reload or a lost connection) until the report is filed.
(function () {
  "use strict";
  function csrf() {
    var el = document.querySelector("input[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  }
  function init() {
    var form = document.getElementById("report-form");
    if (!form) { return; }
    var key = form.dataset.draftKey;
    var fields = form.querySelectorAll("[data-draft]");
    var lat = form.querySelector("input[name=checkin_lat]");
    var lon = form.querySelector("input[name=checkin_lon]");

    function save() {
      var draft = {};
      fields.forEach(function (f) {
        if (f.type === "radio") { if (f.checked) { draft[f.dataset.draft] = f.value; } }
        else { draft[f.dataset.draft] = f.value; }
      });
      if (lat && lat.value) { draft.checkin_lat = lat.value; draft.checkin_lon = lon.value; }
      try { localStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* storage full or denied */ }
    }
    function restore() {
      var raw = null;
      try { raw = localStorage.getItem(key); } catch (e) { return; }
      if (!raw || form.dataset.bound === "1") { return; }
      var draft = JSON.parse(raw);
      fields.forEach(function (f) {
        var v = draft[f.dataset.draft];
        if (v === undefined) { return; }
        if (f.type === "radio") { f.checked = (f.value === v); } else { f.value = v; }
      });
      if (draft.checkin_lat && lat) { lat.value = draft.checkin_lat; lon.value = draft.checkin_lon; }
      document.getElementById("draft-note").classList.remove("d-none");
    }
    restore();
    form.addEventListener("input", save);
    form.addEventListener("change", save);

    var btn = document.getElementById("checkin-btn");
    var box = document.getElementById("checkin-box");
    var status = document.getElementById("checkin-status");
    function post(position) {
      var body = new URLSearchParams();
      if (position) {
        body.set("lat", position.coords.latitude);
        body.set("lon", position.coords.longitude);
        lat.value = position.coords.latitude;
        lon.value = position.coords.longitude;
        save();
      }
      fetch(box.dataset.url, { method: "POST", body: body, headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) { box.innerHTML = html; })
        .catch(function () { status.textContent = "ارتباط برقرار نشد؛ موقعیت با گزارش فرستاده می‌شود."; });
    }
    if (btn) {
      btn.addEventListener("click", function () {
        status.textContent = "در حال گرفتن موقعیت…";
        if (!navigator.geolocation) { post(null); return; }
        navigator.geolocation.getCurrentPosition(post, function () { post(null); },
          { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
