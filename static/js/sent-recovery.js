// The message was stored but the answer could not be rendered (chat.views.messages sends chat:sent):
// clear the composer, take the fresh idempotency key (the old one would find the stored message) and let
// the poll bring the message.
import { pollNow } from "./polls.js";

export function start() {
  document.addEventListener("chat:sent", function (event) {
    const composer = document.getElementById("composer");
    if (!composer) return;
    composer.reset();
    const key = composer.querySelector("[name=idempotency_key]");
    if (key && event.detail && event.detail.key) key.value = event.detail.key;
    pollNow(document.getElementById("conversation-poller"));
  });
}
