// Focus survives swaps. A swap that replaces the focused element must not drop focus to <body>; when a
// swap starts, two things are noted:
//  - the focused element, by id or by link target (a conversation row the list poll re-renders, the
//    "Load earlier messages" button);
//  - inside a message (re-rendered by a reaction, an edit or a poll), its button (data-focus) and the
//    message. Not wiped by another swap (a poll) landing between that swap and its settle, and kept for
//    a second only, so it never pulls focus back later.
// When the swap settles, and only if focus fell to <body>, the element gets it back, else the same button
// or the message's menu (when the button is gone or hidden in the closed menu), else the composer after
// a swap of the composer or of the message list.
import { scroller } from "./scroll.js";

const MESSAGE_FOCUS_KEPT_MS = 1000;

// A selector for element's replacement: by id, or by tag and link target; null when it has neither.
export function selectorFor(tagName, id, href, escape) {
  if (id) return "#" + escape(id);
  if (href) return tagName.toLowerCase() + '[href="' + escape(href) + '"]';
  return null;
}

// Whether a message's focus noted at notedAt (ms) is still to be given back at now (ms).
export function stillFresh(notedAt, now) { return now - notedAt <= MESSAGE_FOCUS_KEPT_MS; }

// Shown on screen: laid out, and not inside a closed menu (Chromium lays out a closed <details>'s
// content with content-visibility, so offsetParent alone does not tell).
function shown(el) {
  const menu = el.closest("details");
  return Boolean(el.offsetParent) && (!menu || menu.open || el.parentElement === menu && el.tagName === "SUMMARY");
}

function focusFellToBody() { return !document.activeElement || document.activeElement === document.body; }

export function start() {
  let elementKey = null;
  let earlierLoaded = false;
  let message = null;  // {id, button: its data-focus, notedAt: ms}

  document.addEventListener("htmx:beforeSwap", function (event) {
    const active = document.activeElement;
    if (active && active !== document.body) {
      elementKey = selectorFor(active.tagName, active.id, active.getAttribute("href"), CSS.escape);
    }
    earlierLoaded = Boolean(event.detail.target && event.detail.target.id === "load-earlier");
    const row = active && active.closest ? active.closest("[data-message-id]") : null;
    if (row) message = { id: row.getAttribute("data-message-id"), button: active.getAttribute("data-focus"), notedAt: Date.now() };
  });

  function restoreElement() {
    const key = elementKey;
    elementKey = null;
    if (!key || !focusFellToBody()) return;
    // "Load earlier messages" replaced itself: the next such button if there is more, else the messages.
    const again = earlierLoaded ? document.querySelector("#load-earlier a") || scroller() : document.querySelector(key);
    earlierLoaded = false;
    if (again) again.focus({ preventScroll: true });
  }

  function restoreInMessage() {
    if (!message || !stillFresh(message.notedAt, Date.now())) { message = null; return false; }
    if (!focusFellToBody()) return false;
    let target = message.button && document.querySelector('[data-focus="' + message.button + '"]');
    if (!target || !shown(target)) {
      const row = document.getElementById("message-" + message.id);
      target = row && row.querySelector(".message-actions-toggle");
    }
    message = null;
    if (target && shown(target)) { target.focus(); return true; }
    return false;
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    restoreElement();
    if (restoreInMessage()) return;
    const composer = document.getElementById("composer");
    if (composer && (event.detail.elt === composer || event.detail.elt.id === "message-list")) {
      const textarea = composer.querySelector("textarea");
      if (textarea && document.activeElement === document.body) textarea.focus();
    }
  });
}
