/* Transparency charts and map. Data comes from the json_script #stats-data (CSP: no inline JS). */
(function () {
  "use strict";
  var el = document.getElementById("stats-data");
  if (!el) return;
  var data = JSON.parse(el.textContent);
  var rtl = document.documentElement.dir === "rtl";
  var lang = document.documentElement.lang || "fa";
  var fa = lang.indexOf("fa") === 0;
  var nf = new Intl.NumberFormat(fa ? "fa-IR" : "en-US");
  function num(v) { return nf.format(v); }
  function weekLabel(iso) {
    var d = new Date(iso + "T12:00:00Z");
    try {
      return new Intl.DateTimeFormat(fa ? "fa-IR-u-ca-persian" : "en-US-u-ca-persian", { month: "short", day: "numeric", timeZone: "UTC" }).format(d);
    } catch (e) { return iso; }
  }
  var pct = fa ? "٪" : "%";
  var font = { family: "Vazirmatn, system-ui, sans-serif" };
  window.pishkhanCharts = [];

  function make(id, type, labels, datasets, opts) {
    var canvas = document.getElementById(id);
    if (!canvas || typeof Chart === "undefined") return;
    opts = opts || {};
    var horizontal = opts.indexAxis === "y";
    var valueAxis = horizontal ? "x" : "y";
    var categoryAxis = horizontal ? "y" : "x";
    var scales = {};
    scales[valueAxis] = { beginAtZero: true, max: opts.max, ticks: { font: font, callback: function (v) { return num(v) + (opts.suffix || ""); } } };
    scales[categoryAxis] = { ticks: { font: font, callback: function (v) { return this.getLabelForValue(v); } } };
    // RTL: time runs from right to left; horizontal bars grow from the right.
    scales.x.reverse = rtl;
    if (horizontal) scales.y.position = rtl ? "right" : "left";
    else scales.y.position = rtl ? "right" : "left";
    var chart = new Chart(canvas, {
      type: type,
      data: { labels: labels, datasets: datasets },
      options: {
        indexAxis: opts.indexAxis || "x",
        responsive: true,
        animation: false, // figures, not a show; also respects reduced-motion users
        maintainAspectRatio: false,
        locale: fa ? "fa-IR" : "en-US",
        scales: scales,
        plugins: {
          legend: { rtl: rtl, labels: { font: font } },
          tooltip: {
            rtl: rtl, textDirection: rtl ? "rtl" : "ltr", bodyFont: font, titleFont: font,
            callbacks: { label: function (ctx) { return (ctx.dataset.label ? ctx.dataset.label + ": " : "") + num(ctx.parsed[valueAxis]) + (opts.suffix || ""); } }
          }
        }
      }
    });
    window.pishkhanCharts.push(chart);
  }

  var weeks = data.weeks.map(weekLabel);
  var t = fa
    ? { received: "درخواست دریافتی", decided: "مصوبه", days: "روز تا تصمیم", onTime: "به‌موقع" }
    : { received: "Requests received", decided: "Decisions", days: "Days to decision", onTime: "On time" };
  make("chart-volume", "bar", weeks, [
    { label: t.received, data: data.received, backgroundColor: "#0b5d5b" },
    { label: t.decided, data: data.decided, backgroundColor: "#e0a526" }
  ]);
  make("chart-days", "line", weeks, [
    { label: t.days, data: data.decision_days, borderColor: "#0b5d5b", backgroundColor: "#0b5d5b", tension: 0.25 }
  ]);
  make("chart-departments", "bar", data.departments.map(function (r) { return r.name; }), [
    { label: t.onTime, data: data.departments.map(function (r) { return r.pct; }), backgroundColor: "#127a6f" }
  ], { indexAxis: "y", max: 100, suffix: pct });
  make("chart-districts", "bar", data.districts.map(function (r) { return r.name; }), [
    { label: t.onTime, data: data.districts.map(function (r) { return r.pct; }), backgroundColor: "#3d6fb6" }
  ], { max: 100, suffix: pct });

  var mapEl = document.getElementById("cases-map");
  if (mapEl && typeof L !== "undefined") {
    var map = L.map(mapEl, { scrollWheelZoom: false }).setView(data.center, 12);
    L.tileLayer(mapEl.dataset.tiles, { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(map);
    var max = data.map.reduce(function (m, c) { return Math.max(m, c.n); }, 1);
    var bounds = [];
    data.map.forEach(function (c) {
      // Vector circles: they still show when the tile server cannot be reached.
      L.circleMarker([c.lat, c.lon], { radius: 6 + 14 * Math.sqrt(c.n / max), color: "#084544", fillColor: "#0b5d5b", fillOpacity: 0.55, weight: 1 })
        .bindTooltip(num(c.n)).addTo(map);
      bounds.push([c.lat, c.lon]);
    });
    if (bounds.length > 1) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
    mapEl.dataset.markers = String(data.map.length);
  }
})();
