// Route page of the field app: keeps each visit's report page (with its photos) on the phone
// and shows which reports still wait in the offline queue.
(function () {
  "use strict";
  function init() {
    var Q = window.PishkhanQueue, t = Q.t;
    var banner = document.getElementById("queue-banner");
    var links = Array.prototype.map.call(document.querySelectorAll("a[data-offline]"), function (a) { return a.href; });
    var ready = document.getElementById("offline-ready");
    Q.keepForOffline([location.href].concat(links)).then(function () {
      if (ready && navigator.onLine) {
        ready.textContent = t("مسیر امروز، پرونده‌ها و فرم گزارش روی گوشی ذخیره شد؛ بی‌اینترنت هم باز می‌شوند.",
                              "Today's route, cases and report form are saved on the phone; they open without signal.");
        ready.classList.remove("d-none");
        ready.dataset.ready = "1";
      }
    });
    function render() {
      Q.all().then(function (items) {
        document.querySelectorAll(".visit-card .queued").forEach(function (el) { el.remove(); });
        var waiting = 0;
        items.forEach(function (item) {
          var card = document.querySelector(".visit-card[data-visit='" + item.visit + "']");
          if (!item.failed) { waiting += 1; }
          if (!card) { return; }
          var badge = document.createElement("span");
          badge.className = "badge queued " + (item.failed ? "text-bg-danger" : "text-bg-warning");
          badge.textContent = item.failed ? t("گزارش فرستاده نشد", "Report refused") : t("در صف ارسال", "Queued");
          card.querySelector(".card-body > div").appendChild(badge);
        });
        banner.classList.toggle("d-none", waiting === 0);
        banner.textContent = waiting ? t(waiting.toLocaleString("fa-IR") + " گزارش روی گوشی در صف ارسال است؛ با برگشتن اینترنت خودکار فرستاده می‌شود.",
                                          waiting + " report(s) queued on the phone; they are sent when the connection returns.") : "";
      });
    }
    render();
    document.addEventListener("pk-queue", function (e) {
      if (e.detail.sent.length) { window.location.reload(); return; }
      render();
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
