// The outbox's bubbles: a message shown at the end of the conversation the moment Send is pressed
// (li.message--own.message--pending; no data-message-id, as it is not stored yet), with its state in
// words. The server's answer replaces it with the stored message; a refusal shows the reason in place,
// with the text, and Edit (back into the composer) and Delete.
import { gettext } from "./i18n.js";

// What a waiting message says in each state ("failed" shows the server's reason instead).
export function stateText(state) {
  switch (state) {
    case "sending": return gettext("Sending…");
    case "waiting": return gettext("Will send when online");
    case "retrying": return gettext("Not sent yet: trying again…");
  }
  return "";
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function find(key) { return document.getElementById("outbox-" + key); }

// The entry's bubble, made (at the end of the message list) if the page has none yet; null without a list.
export function show(entry) {
  const list = document.getElementById("message-list");
  if (!list) return null;
  let item = find(entry.key);
  if (item) return item;
  item = element("li", "message message--own message--pending");
  item.id = "outbox-" + entry.key;
  item.setAttribute("data-outbox-key", entry.key);
  const line = element("div", "message-line");
  const bubble = element("div", "bubble");
  bubble.appendChild(element("p", "message-body", entry.body));
  bubble.appendChild(element("span", "message-meta outbox-state"));
  line.appendChild(bubble);
  item.appendChild(line);
  list.appendChild(item);
  return item;
}

function actions(item) {
  const box = element("p", "outbox-actions");
  const edit = element("button", "link-button", gettext("Edit"));
  const remove = element("button", "link-button link-button--danger", gettext("Delete"));
  edit.type = remove.type = "button";
  edit.setAttribute("data-outbox-edit", item.getAttribute("data-outbox-key"));
  remove.setAttribute("data-outbox-delete", item.getAttribute("data-outbox-key"));
  box.append(edit, " ", remove);
  return box;
}

// Show state on the entry's bubble: "sending", "waiting", "retrying", or "failed" with error (the
// reason, said at once: role=alert).
export function setState(entry, state, error) {
  const item = show(entry);
  if (!item) return;
  const meta = item.querySelector(".outbox-state");
  const failed = state === "failed";
  item.classList.toggle("message--failed", failed);
  item.setAttribute("data-outbox-state", state);
  meta.textContent = failed ? error : stateText(state);
  if (failed) meta.setAttribute("role", "alert");
  else meta.removeAttribute("role");
  const old = item.querySelector(".outbox-actions");
  if (old) old.remove();
  if (failed) item.querySelector(".bubble").appendChild(actions(item));
}

// Waiting messages stay below the stored ones (a poll or an answer appends to the list).
export function keepLast() {
  const list = document.getElementById("message-list");
  if (list) list.querySelectorAll(":scope > .message--pending").forEach(function (item) { list.appendChild(item); });
}
