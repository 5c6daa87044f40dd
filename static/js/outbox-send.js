// How the outbox posts one message: a hidden form like the composer (the conversation's send URL, the
// page's cursors, htmx synchronised with the polls on #conversation), under the entry's own idempotency
// key. The answer's new messages replace the entry's bubble; the empty composer in it is left out (the
// person may be typing the next message); a refusal (the composer re-rendered with the reason) is kept
// on the form for outbox.js instead of being swapped in.
import * as bubbles from "./outbox-bubbles.js";

const INCLUDE = "#message-cursor, #message-change-seq, #message-earliest, #offers-shown";

function fromHtml(html) {
  const template = document.createElement("template");
  template.innerHTML = html;
  return template.content;
}

// The key an outbox form sends under; null for any other element.
export function keyOf(elt) {
  if (!elt || !elt.matches || !elt.matches(".outbox-send")) return null;
  return elt.querySelector("[name=idempotency_key]").value;
}

// The server's reason for refusing the outbox form's message: undefined when it did not refuse in
// place ("" when it did without saying why).
export function refusalOf(form) { return form.outboxRefusal; }

// Post entry ({key, body, replyTo}) to url.
export function post(url, entry) {
  const form = document.createElement("form");
  form.hidden = true;
  form.className = "outbox-send";
  [["data-hx-post", url], ["data-hx-target", "#message-list"], ["data-hx-swap", "beforeend"],
   ["data-hx-include", INCLUDE], ["data-hx-sync", "#conversation:queue all"]].forEach(function (pair) {
    form.setAttribute(pair[0], pair[1]);
  });
  [["idempotency_key", entry.key], ["body", entry.body], ["reply_to", entry.replyTo]].forEach(function (pair) {
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = pair[0];
    input.value = pair[1];
    form.appendChild(input);
  });
  // A stored message whose answer could not be rendered: the composer is not the one to reset.
  form.addEventListener("chat:sent", function (event) { event.stopPropagation(); });
  document.getElementById("conversation").appendChild(form);
  window.htmx.process(form);
  window.htmx.trigger(form, "submit");
}

function beforeSwap(event) {
  const form = event.detail.requestConfig && event.detail.requestConfig.elt;  // detail.elt is the target
  const key = keyOf(form);
  if (key === null) return;
  const xhr = event.detail.xhr;
  if (xhr.getResponseHeader("HX-Retarget")) {
    event.detail.shouldSwap = false;
    const error = fromHtml(xhr.responseText).querySelector(".composer-error");
    form.outboxRefusal = error ? error.textContent.trim() : "";
    return;
  }
  if (!event.detail.shouldSwap) return;
  const content = fromHtml(event.detail.serverResponse);
  const composer = content.getElementById("composer");
  if (composer) composer.remove();
  const holder = document.createElement("div");
  holder.appendChild(content);
  event.detail.serverResponse = holder.innerHTML;
  const bubble = bubbles.find(key);
  if (bubble) bubble.remove();
}

export function start() {
  document.addEventListener("htmx:beforeSwap", beforeSwap);
}
