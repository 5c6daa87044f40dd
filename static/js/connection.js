// The chat page while the network is down: a banner says so (#offline-banner, a status region that is
// always there and empty while online, so screen readers hear it appear), and the other person's
// presence ("online", "last seen …") is hidden rather than left showing what was true when the
// connection went: it comes back from a fresh answer only (the presence poll's own URL), never from
// the stale one. Messages sent meanwhile wait in the outbox (outbox.js).
import { gettext } from "./i18n.js";

// The banner's text for online (a boolean: navigator.onLine).
export function bannerText(online) {
  return online ? "" : gettext("You're offline. Messages you send will go when the connection is back.");
}

function presence() { return document.querySelector("#participant-status[data-hx-get]"); }

function refreshPresence() {
  const status = presence();
  if (!status || !status.hidden || !window.htmx) return;
  // The answer replaces the element (outerHTML) with one that is not hidden.
  window.htmx.ajax("GET", status.getAttribute("data-hx-get"), { source: status, target: status, swap: "outerHTML" })
    .catch(function () { /* still no answer: the presence poll tries again */ });
}

function update(banner) {
  const online = navigator.onLine;
  banner.textContent = bannerText(online);
  banner.classList.toggle("is-shown", !online);
  const status = presence();
  if (!online && status) status.hidden = true;
  if (online) refreshPresence();
}

function setUp() {
  const main = document.querySelector(".chat-main");
  if (!main) return;
  const banner = document.createElement("p");
  banner.id = "offline-banner";
  banner.className = "offline-banner";
  banner.setAttribute("role", "status");
  main.insertBefore(banner, main.firstChild);
  window.addEventListener("online", function () { update(banner); });
  window.addEventListener("offline", function () { update(banner); });
  // Open while offline: said once the region exists (a region filled as it is added may go unheard).
  if (!navigator.onLine) window.setTimeout(function () { update(banner); }, 100);
}

export function start() {
  document.addEventListener("DOMContentLoaded", setUp);
}
