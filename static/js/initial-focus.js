// Where focus starts on an open conversation: the offer form when the page opens it (a refused offer, a
// counter-offer link), else the composer, on wide screens or when it holds text (on a phone, focus would
// pop the keyboard up over the messages).
import { autosize } from "./autosize.js";
import { openOfferForm } from "./offer-form.js";

function keyboardWelcome(textarea) {
  return window.matchMedia("(min-width: 768px)").matches || Boolean(textarea.value);
}

export function start() {
  document.addEventListener("DOMContentLoaded", function () {
    const opened = document.querySelector("#offer-maker-details[open]");
    if (opened && openOfferForm()) return;
    const textarea = document.querySelector("#composer textarea");
    if (textarea && document.querySelector(".chat-layout--active")) {
      autosize(textarea);
      if (keyboardWelcome(textarea)) textarea.focus();
    }
  });
  // A redirect to "#message-N" (after starting a conversation) lets the browser move focus to the
  // fragment once the page has loaded; give it back to the composer unless the person moved it.
  window.addEventListener("load", function () {
    const textarea = document.querySelector("#composer textarea");
    const active = document.activeElement;
    if (!textarea || !/^#message-\d+$/.test(window.location.hash)) return;
    if (!keyboardWelcome(textarea)) return;
    if (active === document.body || (active && active.matches(".skip-link"))) textarea.focus();
  });
}
