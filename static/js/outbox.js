// Optimistic sends and the offline outbox. Send on a text message (not an edit, no photos) puts it in
// the outbox (outbox-store.js, localStorage) with the composer's idempotency key, shows its bubble at once
// (outbox-bubbles.js) and clears the composer with a fresh key, so the next one can be typed. The outbox
// sends its messages one at a time, oldest first, each under its own key: a hidden form posts it like the
// composer would (htmx, synchronised with the polls on #conversation), and the answer's messages replace
// the bubble. Offline, they wait ("Will send when online") and go on the "online" event or the next
// page load; with no answer, or the server's 5xx, they are tried again later under the same key, so the
// server stores each once. A refusal (blocked, too long, rate limit) stays in place with its text.
import { autosize } from "./autosize.js";
import { pollNow } from "./polls.js";
import { scrollToBottom } from "./scroll.js";
import { sendErrorText } from "./send-errors.js";
import * as store from "./outbox-store.js";
import * as bubbles from "./outbox-bubbles.js";
import * as send from "./outbox-send.js";

let name = null;        // this user's outbox for this conversation (store.storageName)
let url = null;         // the conversation's send URL
let inFlight = null;    // the key being sent
let attempts = 0;       // failed attempts in a row, for the retry delay
let retryTimer = null;

function entries() { return store.readEntries(window.localStorage, name); }
function save(list) { return store.writeEntries(window.localStorage, name, list); }
function freshKey() { return store.newKey(function (bytes) { return window.crypto.getRandomValues(bytes); }); }

// Put the composer's message in the outbox; false (the composer then sends it as before) when the
// outbox cannot keep it.
function queue(form, textarea) {
  const key = form.querySelector("[name=idempotency_key]");
  const reply = form.querySelector("[name=reply_to]");
  const entry = store.newEntry(textarea.value, reply ? reply.value : "", key.value || freshKey());
  if (!save(store.added(entries(), entry))) return false;
  key.value = freshKey();
  textarea.value = "";
  textarea.removeAttribute("aria-invalid");
  textarea.removeAttribute("aria-describedby");
  form.querySelectorAll(".composer-context, .composer-error").forEach(function (node) { node.remove(); });
  form.className = "composer";
  autosize(textarea);
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
  bubbles.setState(entry, navigator.onLine ? "sending" : "waiting");
  scrollToBottom();
  window.setTimeout(flush, 0);  // after the composer's own request is called off
  return true;
}

// Send the oldest waiting message, if none is on its way.
function flush() {
  if (inFlight || !name) return;
  window.clearTimeout(retryTimer);
  const list = entries();
  const entry = store.nextToSend(list);
  if (!entry) return;
  list.forEach(function (e) { if (!e.error) bubbles.setState(e, navigator.onLine ? "sending" : "waiting"); });
  if (!navigator.onLine) return;
  inFlight = entry.key;
  send.post(url, entry);
}

function answered(event) {
  const form = event.detail.elt;
  const key = send.keyOf(form);
  if (key === null) return;
  const status = event.detail.xhr ? event.detail.xhr.status : 0;
  const refusal = send.refusalOf(form);
  const kind = store.answerKind(status, refusal !== undefined);
  form.remove();
  inFlight = null;
  const entry = entries().find(function (e) { return e.key === key; });
  if (kind === "sent") {
    attempts = 0;
    save(store.removed(entries(), key));
    if (!event.detail.xhr.responseText) pollNow(document.getElementById("conversation-poller"));
  } else if (kind === "refused") {
    const error = refusal || sendErrorText(status);
    save(store.failed(entries(), key, error));
    if (entry) bubbles.setState(entry, "failed", error);
  } else {
    if (entry) bubbles.setState(entry, navigator.onLine ? "retrying" : "waiting");
    if (navigator.onLine) retryTimer = window.setTimeout(flush, store.retryDelay(attempts++));
    return;
  }
  flush();
}

function act(event) {
  const button = event.target.closest && event.target.closest("[data-outbox-edit], [data-outbox-delete]");
  if (!button || !name) return;
  const key = button.getAttribute("data-outbox-edit") || button.getAttribute("data-outbox-delete");
  const entry = entries().find(function (e) { return e.key === key; });
  const textarea = document.querySelector("#composer textarea");
  const edit = button.hasAttribute("data-outbox-edit");
  if (edit && !textarea) return;  // nowhere to put the text (no composer: a block): it stays
  save(store.removed(entries(), key));
  const bubble = bubbles.find(key);
  if (bubble) bubble.remove();
  if (!entry || !edit) return;
  textarea.value = textarea.value ? textarea.value + "\n" + entry.body : entry.body;
  textarea.dispatchEvent(new Event("input", { bubbles: true }));
  textarea.focus();
}

function setUp() {
  const list = document.getElementById("message-list");
  if (!list || !list.hasAttribute("data-outbox-url") || !window.htmx) return;
  url = list.getAttribute("data-outbox-url");
  name = store.storageName(list.getAttribute("data-outbox-user"), url);
  // Messages left from before a reload: shown again, then sent (or refused again, in place).
  entries().forEach(function (e) { if (e.error) bubbles.setState(e, "failed", e.error); });
  flush();
}

export function start() {
  document.addEventListener("DOMContentLoaded", setUp);
  document.addEventListener("htmx:confirm", function (event) {
    const form = event.target;
    if (!name || form.id !== "composer" || form.hasAttribute("data-editing")) return;
    const file = form.querySelector(".composer-file");
    const textarea = form.querySelector("textarea");
    if ((file && file.files && file.files.length) || !textarea || !textarea.value.trim()) return;
    if (queue(form, textarea)) event.preventDefault();
  });
  send.start();
  document.addEventListener("htmx:afterRequest", answered);
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "message-list") bubbles.keepLast();
  });
  document.addEventListener("click", act);
  window.addEventListener("online", function () { attempts = 0; flush(); });
  window.addEventListener("offline", flush);
}
