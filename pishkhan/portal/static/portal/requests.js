/* Request form: Leaflet map picker (fills the hidden lat/lon fields) and a single submit. */
(function () {
  "use strict";
  function init() {
    var form = document.getElementById("request-form") || document.querySelector("form[data-map-form]");
    if (!form) return;
    form.addEventListener("submit", function () {
      var btn = form.querySelector("[data-once]");
      if (btn) { setTimeout(function () { btn.disabled = true; }, 0); }
    });
    var box = document.getElementById("request-map");
    if (!box || typeof L === "undefined") return;
    box.hidden = false;
    var latInput = form.querySelector("[data-map-lat]");
    var lonInput = form.querySelector("[data-map-lon]");
    var status = document.getElementById("map-status");
    var lat = parseFloat(latInput.value || box.dataset.lat || "35.7");
    var lon = parseFloat(lonInput.value || box.dataset.lon || "51.4");
    var map = L.map(box).setView([lat, lon], 14);
    if (box.dataset.tileUrl) {
      L.tileLayer(box.dataset.tileUrl, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
    }
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
      latInput.value = latlng.lat.toFixed(6);
      lonInput.value = latlng.lng.toFixed(6);
      if (status) { status.textContent = document.documentElement.lang === "en" ? "Location recorded." : "موقعیت ثبت شد."; }
    }
    if (latInput.value && lonInput.value) { place(L.latLng(lat, lon)); }
    map.on("click", function (e) { place(e.latlng); });
    var locate = document.getElementById("map-locate");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (pos) {
          var ll = L.latLng(pos.coords.latitude, pos.coords.longitude);
          map.setView(ll, 17);
          place(ll);
        });
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
