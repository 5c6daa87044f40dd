// Reply and Edit (and their Cancel) bring the composer back in that mode: the message's menu closes and
// the text box gets the focus, the caret at the end.
import { autosize } from "./autosize.js";

export function start() {
  document.addEventListener("htmx:afterSettle", function (event) {
    const source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.elt.id !== "composer" || !source || !source.matches(".message-action, .composer-context-cancel")) return;
    const menu = source.closest("details");
    if (menu) menu.open = false;
    const textarea = event.detail.elt.querySelector("textarea");
    if (!textarea) return;
    autosize(textarea);
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  });
}
