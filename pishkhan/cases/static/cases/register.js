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
// The service suggested from the text is chosen only when the operator presses its button.
document.addEventListener("click", function (e) {
  var btn = e.target.closest("[data-suggested-service]");
  if (!btn) { return; }
  var select = document.querySelector("#register-form select[name=service]");
  if (select) { select.value = btn.getAttribute("data-suggested-service"); select.dispatchEvent(new Event("change")); }
});
