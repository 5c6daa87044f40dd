// Quick replies ([data-quick-reply]) fill the composer; the person still chooses to send.
import { autosize } from "./autosize.js";

export function start() {
  document.addEventListener("click", function (event) {
    const button = event.target.closest && event.target.closest("[data-quick-reply]");
    if (!button) return;
    const textarea = document.querySelector(button.getAttribute("data-target") || "#composer textarea");
    if (!textarea) return;
    event.preventDefault();
    textarea.value = button.getAttribute("data-quick-reply");
    autosize(textarea);
    textarea.focus();
  });
}
