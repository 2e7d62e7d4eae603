// A member's device polls the item on the table; a poll never wipes a position being entered.
document.body.addEventListener("htmx:beforeRequest", function (event) {
  var elt = event.detail.elt;
  if (!elt || elt.id !== "live-current") { return; }
  var form = elt.querySelector(".position-form");
  if (form && (form.contains(document.activeElement) || form.querySelector("input:checked"))) {
    event.preventDefault();
  }
});
// The item's place on a map (Leaflet, vendored): the site and the decisions in force nearby.
// The map element is kept across polls (hx-preserve, one id per item), so it is drawn once per
// item and the tiles are not fetched again every three seconds.
function pkLiveMaps() {
  if (typeof L === "undefined") { return; }
  document.querySelectorAll(".live-map:not([data-ready])").forEach(function (box) {
    box.setAttribute("data-ready", "1");
    var ll = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lon)];
    var map = L.map(box, { scrollWheelZoom: false }).setView(ll, 16);
    if (box.dataset.tileUrl) {
      L.tileLayer(box.dataset.tileUrl, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
    }
    L.marker(ll, { title: box.dataset.title || "" }).addTo(map);
    var related = [];
    try { related = JSON.parse(box.dataset.related || "[]"); } catch (e) { related = []; }
    related.forEach(function (r) {
      // Vector circles: shown even when the tile server cannot be reached.
      L.circleMarker([r[0], r[1]], { radius: 7, color: "#b35c00", className: "live-related" })
        .bindTooltip(r[2]).addTo(map);
    });
  });
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", pkLiveMaps);
} else { pkLiveMaps(); }
document.body.addEventListener("htmx:afterSettle", pkLiveMaps);
