// A message's menu (.message-actions) as it opens: above the message by default, below it when the top
// of the scroller would cut it off; and without Edit and Delete once the edit window is over (the server
// refuses them after it), for a menu opened later than that.
import { scroller } from "./scroll.js";

// Whether the edit window that ends at editableUntil (an ISO date) is over at now (ms).
export function editWindowOver(editableUntil, now) { return Date.parse(editableUntil) <= now; }

function place(menu) {
  const scrollerTop = scroller() ? scroller().getBoundingClientRect().top : 0;
  menu.classList.remove("opens-down");
  const panel = menu.querySelector(".message-actions-panel");
  if (panel && panel.getBoundingClientRect().top < scrollerTop) menu.classList.add("opens-down");
}

export function start() {
  document.addEventListener("toggle", function (event) {
    const menu = event.target;
    if (!menu.matches || !menu.matches(".message-actions") || !menu.open) return;
    place(menu);  // measured before Edit and Delete may go
    const row = menu.closest("[data-editable-until]");
    if (row && editWindowOver(row.getAttribute("data-editable-until"), Date.now())) {
      menu.querySelectorAll(".js-editable").forEach(function (item) { item.hidden = true; });
    }
  }, true);  // toggle does not bubble
}
