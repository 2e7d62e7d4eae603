// Visit report: check-in with the phone's position; the form is kept as a draft in
// localStorage (restored after a reload or a lost connection) until the report is filed.
// Filing goes through the offline queue (queue.js): without signal the report, its photos
// and its key wait on the phone and are sent once the signal returns.
(function () {
  "use strict";
  function csrf() {
    var el = document.querySelector("input[name=csrfmiddlewaretoken]");
    return el ? el.value : "";
  }
  function init() {
    var Q = window.PishkhanQueue, t = Q.t;
    var form = document.getElementById("report-form");
    if (!form) { return; }
    var key = form.dataset.draftKey;
    var fields = form.querySelectorAll("[data-draft]");
    var lat = form.querySelector("input[name=checkin_lat]");
    var lon = form.querySelector("input[name=checkin_lon]");
    var at = form.querySelector("input[name=checkin_at]");
    var reportKey = form.querySelector("input[name=report_key]");
    var note = document.getElementById("queue-note");

    function save() {
      var draft = {};
      fields.forEach(function (f) {
        if (f.type === "radio") { if (f.checked) { draft[f.dataset.draft] = f.value; } }
        else if (f.type !== "file") { draft[f.dataset.draft] = f.value; }
      });
      if (lat && lat.value) { draft.checkin_lat = lat.value; draft.checkin_lon = lon.value; }
      if (at && at.value) { draft.checkin_at = at.value; }
      draft.report_key = reportKey.value;
      try { localStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* storage full or denied */ }
    }
    function restore() {
      var raw = null;
      try { raw = localStorage.getItem(key); } catch (e) { return; }
      if (!raw) { return; }
      var draft = JSON.parse(raw);
      if (draft.report_key) { reportKey.value = draft.report_key; }  // one key per report, whatever page copy
      if (form.dataset.bound === "1") { return; }
      fields.forEach(function (f) {
        var v = draft[f.dataset.draft];
        if (v === undefined || f.type === "file") { return; }
        if (f.type === "radio") { f.checked = (f.value === v); } else { f.value = v; }
      });
      if (draft.checkin_lat && lat) { lat.value = draft.checkin_lat; lon.value = draft.checkin_lon; }
      if (draft.checkin_at && at) { at.value = draft.checkin_at; }
      document.getElementById("draft-note").classList.remove("d-none");
    }
    restore();
    save();
    form.addEventListener("input", save);
    form.addEventListener("change", save);

    function show(msg, kind) {
      note.className = "alert alert-" + (kind || "warning");
      note.textContent = msg;
    }
    function showErrors(errors) {
      var lines = [];
      Object.keys(errors).forEach(function (k) { lines = lines.concat(errors[k]); });
      show(t("گزارش ثبت نشد: ", "The report was not filed: ") + lines.join(" "), "danger");
    }

    // ---- check-in
    var btn = document.getElementById("checkin-btn");
    var box = document.getElementById("checkin-box");
    var status = document.getElementById("checkin-status");
    var bare = document.getElementById("checkin-bare");
    function post(position) {
      var body = new URLSearchParams();
      if (position) {
        body.set("lat", position.coords.latitude);
        body.set("lon", position.coords.longitude);
        lat.value = position.coords.latitude;
        lon.value = position.coords.longitude;
      }
      at.value = new Date().toISOString();
      save();
      fetch(box.dataset.url, { method: "POST", body: body, headers: { "X-CSRFToken": csrf() }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) { box.innerHTML = html; })
        .catch(function () { status.textContent = t("ارتباط برقرار نشد؛ زمان و موقعیت حضور با گزارش فرستاده می‌شود.", "No connection; the check-in will be sent with the report."); });
    }
    if (btn) {
      btn.addEventListener("click", function () {
        status.textContent = t("در حال گرفتن موقعیت…", "Getting location…");
        if (!navigator.geolocation) { post(null); return; }
        navigator.geolocation.getCurrentPosition(post, function (err) {
          if (err.code === 1) {  // PERMISSION_DENIED: nothing is recorded until the manager chooses
            status.textContent = t(
              "اجازهٔ دسترسی به موقعیت مکانی داده نشده است؛ حضور ثبت نشد. دسترسی «مکان» را در تنظیمات مرورگر برای این سایت روشن کنید و دوباره بزنید، یا حضور را بدون موقعیت ثبت کنید (برای دبیر علامت می‌خورد).",
              "Location permission was denied; the check-in was not recorded. Allow location for this site in the browser settings and try again, or check in without a location (the secretary is told).");
            status.className = "small text-danger mt-1";
            if (bare) { bare.classList.remove("d-none"); }
          } else {
            status.textContent = t("موقعیت پیدا نشد؛ دوباره بزنید یا حضور را بدون موقعیت ثبت کنید.", "No position found; try again or check in without a location.");
            if (bare) { bare.classList.remove("d-none"); }
          }
        }, { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 });
      });
    }
    if (bare) { bare.addEventListener("click", function () { bare.classList.add("d-none"); post(null); }); }

    // ---- filing, through the queue
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var maxBytes = parseInt(form.dataset.maxBytes || "0", 10);
      var photos = form.querySelector("input[name=photos]");
      var files = Array.prototype.slice.call(photos.files || []);
      var big = files.filter(function (f) { return maxBytes && f.size > maxBytes; });
      if (big.length) {
        show(t("عکس «" + big[0].name + "» بیش از " + Math.round(maxBytes / 1048576) + " مگابایت است؛ عکس کوچک‌تری بگیرید یا آن را کنار بگذارید. چیزی فرستاده نشد.",
               "Photo \"" + big[0].name + "\" is larger than " + Math.round(maxBytes / 1048576) + " MB; nothing was sent."), "danger");
        return;
      }
      if (!form.querySelector("[name=findings]").value.trim() || !form.querySelector("[name=recommendation]:checked")) {
        show(t("یافته‌های بازدید و پیشنهاد را بنویسید؛ گزارش هنوز ثبت نشده است.", "Write the findings and choose a recommendation; nothing was sent yet."), "danger");
        return;
      }
      var pairs = [];
      new FormData(form).forEach(function (value, name) { if (name !== "photos") { pairs.push([name, value]); } });
      var item = { key: reportKey.value, url: form.action || location.href, visit: form.dataset.visit, csrf: csrf(), owner: Q.owner,
                   fields: pairs, files: files.map(function (f) { return { name: f.name, type: f.type, blob: f }; }),
                   queuedAt: new Date().toISOString() };
      var submit = form.querySelector("[type=submit]");
      submit.disabled = true;
      Q.put(item).then(function () {
        show(t("گزارش روی گوشی ذخیره شد و در صف ارسال است؛ با برگشتن اینترنت خودکار فرستاده می‌شود.", "The report is saved on the phone and queued; it is sent when the connection returns."));
        return Q.flush();
      }).catch(function () {
        submit.disabled = false;
        show(t("ذخیرهٔ گزارش روی گوشی ممکن نشد؛ دوباره بزنید.", "Could not save the report on the phone; try again."), "danger");
      });
    });
    document.addEventListener("pk-queue", function (e) {
      var mine = function (it) { return it.key === reportKey.value; };
      if (e.detail.sent.some(mine)) {
        try { localStorage.removeItem(key); } catch (err) { /* ignore */ }
        show(t("گزارش بازدید فرستاده و ثبت شد.", "The visit report was filed."), "success");
        window.location.href = form.dataset.doneUrl;
      }
      var failed = e.detail.failed.filter(mine)[0];
      if (failed) {
        Q.remove(failed.key);
        form.querySelector("[type=submit]").disabled = false;
        showErrors(failed.errors || {});
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
