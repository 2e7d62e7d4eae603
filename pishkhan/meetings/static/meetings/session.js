// Meeting mode keyboard: Ctrl+Enter saves the item being edited; Alt+Down / Alt+Up jump items.
document.addEventListener("keydown", function (event) {
  var form = event.target.closest && event.target.closest("form.decision-form");
  if (event.ctrlKey && event.key === "Enter" && form) {
    event.preventDefault();
    form.requestSubmit();
    return;
  }
  if (event.altKey && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
    var cards = Array.prototype.slice.call(document.querySelectorAll(".item-card"));
    var current = event.target.closest ? event.target.closest(".item-card") : null;
    var index = cards.indexOf(current);
    var next = cards[event.key === "ArrowDown" ? index + 1 : Math.max(index - 1, 0)];
    if (next) {
      event.preventDefault();
      var field = next.querySelector("textarea, input:not([type=hidden])");
      if (field) { field.focus(); next.scrollIntoView({ block: "start" }); }
    }
  }
});
// After htmx swaps an item in, keep the keyboard where it was: focus the next item's text.
document.body.addEventListener("htmx:afterSwap", function (event) {
  var card = event.detail.target;
  if (card && card.querySelector && card.querySelector("[data-decided]")) {
    var next = card.nextElementSibling;
    var field = next && next.querySelector && next.querySelector("textarea");
    if (field) { field.focus(); }
  }
});
