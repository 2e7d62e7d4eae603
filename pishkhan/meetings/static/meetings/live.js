// A member's device polls the item on the table; a poll never wipes a position being entered.
document.body.addEventListener("htmx:beforeRequest", function (event) {
  var elt = event.detail.elt;
  if (!elt || elt.id !== "live-current") { return; }
  var form = elt.querySelector(".position-form");
  if (form && (form.contains(document.activeElement) || form.querySelector("input:checked"))) {
    event.preventDefault();
  }
});
