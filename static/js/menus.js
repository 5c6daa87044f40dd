// Every <details> menu (message actions, conversation and account menus, the offer form) closes on
// Escape and gives focus back to its summary.

export function start() {
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    const menu = event.target.closest && event.target.closest("details[open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });
}
