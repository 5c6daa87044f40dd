// Presence by push: closing the site tells the server at once, so the people with a conversation open
// with this user see "last seen" within a second instead of after the 5-minute online window.
// A `pagehide` beacon (navigator.sendBeacon: the one request a closing page may still send) posts to
// body[data-presence-away] with the CSRF token in the form body (a beacon cannot set headers). Moving to
// another page of the site is not leaving it: a same-origin link or form the page itself follows sets a
// flag and no beacon goes (the next page shows the user online anyway). Coming back needs nothing here:
// the first request after it writes "last seen" and tells the watchers.
import { csrfHeaders } from "./csrf.js";

let staying = false;

function sameOrigin(url) {
  try { return new URL(url, location.href).origin === location.origin; } catch (error) { return false; }
}

// A click the page follows itself: not handled by htmx or a script (defaultPrevented), no modifier or
// new-tab target, a same-origin link.
function onClick(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  const link = event.target.closest && event.target.closest("a[href]");
  if (link && !link.target && !link.hasAttribute("download") && sameOrigin(link.href)) staying = true;
}

function onSubmit(event) {
  if (!event.defaultPrevented && sameOrigin(event.target.action || location.href)) staying = true;
}

function onPageHide() {
  if (staying) return;
  const url = document.body.getAttribute("data-presence-away");
  const token = csrfHeaders()["X-CSRFToken"];
  if (!url || !token || !navigator.sendBeacon) return;
  const body = new FormData();
  body.append("csrfmiddlewaretoken", token);
  navigator.sendBeacon(url, body);
}

export function start() {
  if (!document.body.hasAttribute("data-presence-away")) return;
  // Bubbling to window: htmx and the page's own handlers have had their say (defaultPrevented).
  window.addEventListener("click", onClick);
  window.addEventListener("submit", onSubmit);
  window.addEventListener("pagehide", onPageHide);
  // Back from the back-forward cache: a new visit, nothing followed yet.
  window.addEventListener("pageshow", function () { staying = false; });
}
