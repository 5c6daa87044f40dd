// The typing indicator of an open conversation, with the live stream only (body[data-push]; base.html
// loads this module only then): pings while the person types, at most every 3 s; the other side shows
// "typing…" for 6 s after the last ping, or until their message arrives.
import { csrfHeaders } from "./csrf.js";

const PING_EVERY_MS = 3000;
const SHOWN_MS = 6000;

// Whether to ping at now (ms) for text typed, the last ping having gone at lastPing (ms).
export function pingDue(text, lastPing, now) { return Boolean(text.trim()) && now - lastPing >= PING_EVERY_MS; }

function clearTyping() {
  const indicator = document.getElementById("typing-indicator");
  if (indicator) indicator.textContent = "";
}

export function start() {
  let lastPing = 0;
  let shownUntilTimer = null;
  document.addEventListener("input", function (event) {
    const textarea = event.target;
    if (!textarea.matches("#composer textarea[data-typing-url]") || !document.body.hasAttribute("data-push")) return;
    if (!pingDue(textarea.value, lastPing, Date.now())) return;
    lastPing = Date.now();
    window.fetch(textarea.getAttribute("data-typing-url"), { method: "POST", headers: csrfHeaders(), credentials: "same-origin" })
      .catch(function () { /* a hint: nothing to do if it does not arrive */ });
  });
  // The event carries no text: the page says "typing…" in its own language (data-typing-text), and not
  // through a live region, so screen readers do not hear it before every message.
  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    if (event.target.id !== "typing-indicator") return;
    event.preventDefault();
    event.target.textContent = event.target.getAttribute("data-typing-text");
    window.clearTimeout(shownUntilTimer);
    shownUntilTimer = window.setTimeout(clearTyping, SHOWN_MS);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    const xhr = event.detail.xhr;
    if (event.detail.target && event.detail.target.id === "message-list" && xhr &&
        xhr.responseText.indexOf("message--other") !== -1) clearTyping();
  });
}
