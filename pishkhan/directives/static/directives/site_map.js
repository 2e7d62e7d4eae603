// Directive page: a small map of each site (the citizen's point).
(function () {
  "use strict";
  function init() {
    if (typeof L === "undefined") { return; }
    document.querySelectorAll(".site-map").forEach(function (box) {
      var ll = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
      var map = L.map(box, { scrollWheelZoom: false }).setView(ll, 16);
      if (box.dataset.tileUrl) { L.tileLayer(box.dataset.tileUrl, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map); }
      L.marker(ll).addTo(map);
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
