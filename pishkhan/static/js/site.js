// Pishkhan: small progressive enhancements (no inline scripts: CSP forbids them).
(function () {
  "use strict";
  var FA = "۰۱۲۳۴۵۶۷۸۹", AR = "٠١٢٣٤٥٦٧٨٩";
  function toLatin(s) {
    return s.replace(/[۰-۹]/g, function (d) { return FA.indexOf(d); })
            .replace(/[٠-٩]/g, function (d) { return AR.indexOf(d); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    // Jalali date inputs and numeric inputs accept Persian digits: show them as typed,
    // the server normalises; here we only keep the caret position sane.
    document.querySelectorAll("input.jalali-date").forEach(function (el) {
      el.addEventListener("blur", function () { el.value = toLatin(el.value); });
    });
    // Forms marked data-once disable their submit button after the first submit.
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function () {
        form.querySelectorAll("button[type=submit]").forEach(function (b) {
          setTimeout(function () { b.disabled = true; }, 0);
        });
      });
    });
    // Confirm dangerous actions.
    document.querySelectorAll("[data-confirm]").forEach(function (el) {
      el.addEventListener("click", function (ev) {
        if (!window.confirm(el.getAttribute("data-confirm"))) { ev.preventDefault(); }
      });
    });
  });
})();
