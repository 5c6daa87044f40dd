// The message scroller: it opens at the bottom, follows new messages while the reader is at the bottom
// (always after their own send), and keeps the reader's place when earlier messages load above.

export function scroller() { return document.getElementById("message-scroller"); }

// Within 80 px of the bottom (el: anything with scrollHeight, scrollTop and clientHeight, in px).
export function nearBottom(el) { return el.scrollHeight - el.scrollTop - el.clientHeight < 80; }

export function scrollToBottom() {
  const el = scroller();
  if (el) el.scrollTop = el.scrollHeight;
}

export function start() {
  let stickToBottom = false;
  let keepFromBottom = null;  // px from the bottom of the message in view, while earlier ones load
  document.addEventListener("DOMContentLoaded", scrollToBottom);
  document.addEventListener("htmx:beforeSwap", function (event) {
    const el = scroller();
    if (!el) return;
    const target = event.detail.target;
    if (target && target.id === "message-list") {
      // Own sends always scroll down (not saving an edit of an older message); polls and reactions only
      // when the reader is already at the bottom.
      const elt = event.detail.requestConfig.elt;
      stickToBottom = (elt.id === "composer" && !elt.hasAttribute("data-editing")) || nearBottom(el);
    } else if (target && target.id === "load-earlier") {
      keepFromBottom = el.scrollHeight - el.scrollTop;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    const el = scroller();
    const target = event.detail.target;
    if (!el || !target) return;
    if (target.id === "message-list" && stickToBottom) {
      scrollToBottom();
    } else if (keepFromBottom !== null) {
      el.scrollTop = el.scrollHeight - keepFromBottom;  // older messages went on top: stay on the same one
      keepFromBottom = null;
    }
  });
}
