// The typing indicator of an open conversation (with the live stream only; moved out of site.js).
(function () {
  "use strict";

  // The CSRF header htmx sends (body[data-hx-headers]), for the few requests made with fetch.
  function csrfHeaders() { return JSON.parse(document.body.getAttribute("data-hx-headers") || "{}"); }

  // Typing indicator (only with the live stream, body[data-push]): pings while the person types, at most
  // every 3 s; the other side shows "typing…" for 6 s after the last ping, or until their message arrives.
  var lastTypingPing = 0;
  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (!textarea.matches("#composer textarea[data-typing-url]") || !document.body.hasAttribute("data-push")) return;
    if (!textarea.value.trim() || Date.now() - lastTypingPing < 3000) return;
    lastTypingPing = Date.now();
    window.fetch(textarea.getAttribute("data-typing-url"), { method: "POST", headers: csrfHeaders(), credentials: "same-origin" })
      .catch(function () { /* a hint: nothing to do if it does not arrive */ });
  });
  var typingTimer = null;
  function clearTyping() {
    var indicator = document.getElementById("typing-indicator");
    if (indicator) indicator.textContent = "";
  }
  // The event carries no text: the page says "typing…" in its own language (data-typing-text), and not
  // through a live region, so screen readers do not hear it before every message.
  document.addEventListener("htmx:sseBeforeMessage", function (event) {
    if (event.target.id !== "typing-indicator") return;
    event.preventDefault();
    event.target.textContent = event.target.getAttribute("data-typing-text");
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(clearTyping, 6000);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var xhr = event.detail.xhr;
    if (event.detail.target && event.detail.target.id === "message-list" && xhr &&
        xhr.responseText.indexOf("message--other") !== -1) clearTyping();
  });
})();
