// What screen readers hear of a conversation: the other person's new messages, once each, through
// #message-announcer. New means an id above every one the page has shown: "Load earlier" adds older ids,
// re-rendered (edited, reacted) messages keep theirs, and one's own messages are not announced.
import { gettext } from "./i18n.js";

const LINES_KEPT = 5;

// The words said for a message: its text, else its offer, else that it is a photo ("" for none).
function said(node) {
  const body = node.querySelector(".message-body, .system-note");
  const offer = node.querySelector(".offer-amount");
  if (body) return body.textContent;
  if (offer) return gettext("Offer") + " " + offer.textContent;
  return node.querySelector(".message-photos") ? gettext("Photo") : "";
}

// One announced line: "Name: text" with the text's white space collapsed; no name for system notes.
export function announcement(name, text) {
  return (name ? name + ": " : "") + text.replace(/\s+/g, " ").trim();
}

function watchForNewMessages() {
  const list = document.getElementById("message-list");
  const announcer = document.getElementById("message-announcer");
  if (!list || !announcer || !window.MutationObserver) return;
  let newest = 0;
  list.querySelectorAll("[data-message-id]").forEach(function (row) {
    newest = Math.max(newest, parseInt(row.getAttribute("data-message-id"), 10) || 0);
  });
  // The name's own text, without the "Verified" badge after it.
  let name = document.querySelector(".participant-name");
  if (name && name.firstChild) name = name.firstChild;
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1 || !node.hasAttribute("data-message-id")) return;
        const id = parseInt(node.getAttribute("data-message-id"), 10) || 0;
        if (id <= newest) return;
        newest = id;
        if (node.classList.contains("message--own")) return;
        const line = document.createElement("p");
        const who = node.classList.contains("message--system") || !name ? "" : name.textContent.trim();
        line.textContent = announcement(who, said(node));
        announcer.appendChild(line);
        while (announcer.childNodes.length > LINES_KEPT) announcer.removeChild(announcer.firstChild);
      });
    });
  }).observe(list, { childList: true });
}

export function start() {
  document.addEventListener("DOMContentLoaded", watchForNewMessages);
}
