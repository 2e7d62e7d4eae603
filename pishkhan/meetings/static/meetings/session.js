// Meeting mode keyboard. Items: j / k (or Alt+Down / Alt+Up) next and previous, Enter opens the
// item's form in place, x marks it for the consent list; in a form Ctrl+Enter saves it.
function pkItems() {
  return Array.prototype.slice.call(document.querySelectorAll(".item-row, .item-card"));
}
function pkFocus(el) {
  if (!el) { return; }
  var field = el.classList.contains("item-card") ? el.querySelector("textarea") : null;
  (field || el).focus();
  el.scrollIntoView({ block: "nearest" });
}
document.addEventListener("keydown", function (event) {
  var target = event.target;
  var form = target.closest && target.closest("form.decision-form");
  if (event.ctrlKey && event.key === "Enter" && form) {
    event.preventDefault();
    form.requestSubmit();
    return;
  }
  var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) && target.type !== "checkbox";
  var items = pkItems();
  var current = target.closest ? target.closest(".item-row, .item-card") : null;
  var index = items.indexOf(current);
  var down = (!typing && event.key === "j") || (event.altKey && event.key === "ArrowDown");
  var up = (!typing && event.key === "k") || (event.altKey && event.key === "ArrowUp");
  if (down || up) {
    event.preventDefault();
    pkFocus(items[down ? index + 1 : Math.max(index - 1, 0)]);
    return;
  }
  if (!typing && current && current.classList.contains("item-row")) {
    if (event.key === "Enter") {
      var open = current.querySelector(".item-open");
      if (open) { event.preventDefault(); open.click(); }
    } else if (event.key === "x") {
      var box = current.querySelector(".consent-box");
      if (box && !box.disabled) { event.preventDefault(); box.checked = !box.checked; }
    }
  }
});
// After htmx swaps an item in: an opened form gets the keyboard; a saved item passes it on.
document.body.addEventListener("htmx:afterSwap", function (event) {
  var card = event.detail.target;
  if (!card || !card.id || card.id.indexOf("item-") !== 0) { return; }
  var swapped = document.getElementById(card.id);
  if (!swapped) { return; }
  if (swapped.querySelector("[data-decided]") && swapped.querySelector("[role=status]")) {
    var items = pkItems();
    pkFocus(items[items.indexOf(swapped) + 1]);
  } else {
    pkFocus(swapped);
  }
});
