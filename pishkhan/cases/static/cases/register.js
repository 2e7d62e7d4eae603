// Operator intake: the letter's number and date are asked only for letters.
(function () {
  "use strict";
  function init() {
    var form = document.getElementById("register-form");
    if (!form) { return; }
    var channel = form.querySelector("select[name=channel]");
    var boxes = Array.prototype.map.call(form.querySelectorAll("[data-letter-only]"), function (el) {
      return el.closest(".mb-3");
    });
    function sync() {
      var letter = channel.value === "letter";
      boxes.forEach(function (box) { if (box) { box.hidden = !letter; } });
    }
    channel.addEventListener("change", sync);
    sync();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
