// Day route map: numbered markers in visit order, a line from the start point.
(function () {
  "use strict";
  function init() {
    // a filed report's draft is no longer needed
    document.querySelectorAll(".visit-card[data-status=reported]").forEach(function (card) {
      try { localStorage.removeItem("visit-draft-" + card.dataset.visit); } catch (e) { /* ignore */ }
    });
    var el = document.getElementById("route-map");
    var dataEl = document.getElementById("route-data");
    if (!el || !dataEl || typeof L === "undefined") { return; }
    var data = JSON.parse(dataEl.textContent);
    var map = L.map(el, { scrollWheelZoom: false });
    if (data.tiles) {
      L.tileLayer(data.tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
    }
    var line = [];
    if (data.start) {
      line.push(data.start);
      L.marker(data.start, { icon: L.divIcon({ className: "route-marker route-start", html: "⌂", iconSize: [26, 26] }) })
        .addTo(map).bindPopup("شروع");
    }
    data.points.forEach(function (p) {
      var ll = [p.lat, p.lon];
      line.push(ll);
      L.marker(ll, { icon: L.divIcon({ className: "route-marker", html: String(p.order), iconSize: [26, 26] }) })
        .addTo(map).bindPopup(p.time + " — " + p.title);
    });
    if (line.length > 1) { L.polyline(line, { color: "#0b5d5b", weight: 3 }).addTo(map); }
    if (line.length) { map.fitBounds(L.latLngBounds(line).pad(0.2)); } else { map.setView([35.7, 51.4], 12); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
