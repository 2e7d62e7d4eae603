/* The mayor's 12-week trend (data from the json_script #desk-chart-data; CSP: no inline JS).
   A week without a meeting is null: Chart.js leaves a gap instead of drawing a zero. */
(function () {
  "use strict";
  var el = document.getElementById("desk-chart-data");
  var canvas = document.getElementById("desk-trend");
  if (!el || !canvas || typeof Chart === "undefined") return;
  var data = JSON.parse(el.textContent);
  var fa = (document.documentElement.lang || "fa").indexOf("fa") === 0;
  var rtl = document.documentElement.dir === "rtl";
  var nf = new Intl.NumberFormat(fa ? "fa-IR" : "en-US");
  var font = { family: "Vazirmatn, system-ui, sans-serif" };
  window.pishkhanDeskChart = new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { type: "line", label: fa ? "درصد به‌موقع" : "On time (%)", data: data.kept, yAxisID: "pct", spanGaps: false, borderColor: "#198754", backgroundColor: "#198754" },
        { type: "bar", label: fa ? "مصوبات" : "Decisions", data: data.decided, yAxisID: "n", backgroundColor: "rgba(13,110,253,.45)" }
      ]
    },
    options: {
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { legend: { labels: { font: font } } },
      scales: {
        x: { reverse: rtl, ticks: { font: font } },
        pct: { position: rtl ? "right" : "left", beginAtZero: true, max: 100, ticks: { font: font, callback: function (v) { return nf.format(v) + (fa ? "٪" : "%"); } } },
        n: { position: rtl ? "left" : "right", beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { font: font, precision: 0, callback: function (v) { return nf.format(v); } } }
      }
    }
  });
})();
