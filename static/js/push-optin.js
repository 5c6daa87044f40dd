// Web Push opt-in on the chat page ("Notify me of new messages on this device", [data-push-optin], there
// only when the server has VAPID keys): registers the service worker, asks for permission only on the
// person's click, and sends the subscription to the server. Without it (or without JavaScript) unread
// messages still go by email.
import { csrfHeaders } from "./csrf.js";
import { gettext } from "./i18n.js";

// The bytes of a base64url text (the VAPID public key), padding optional.
export function base64UrlToBytes(text) {
  const padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  const raw = atob(padded);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}

function sendSubscription(box, subscription) {
  const headers = csrfHeaders();
  headers["Content-Type"] = "application/json";
  return window.fetch(box.getAttribute("data-url"), {
    method: "POST", headers: headers, credentials: "same-origin", body: JSON.stringify(subscription.toJSON())
  }).then(function (response) {
    if (!response.ok) return response.json().then(function (body) { throw new Error(body.message); });
  });
}

function offer(box, registration) {
  const status = box.querySelector(".push-optin-status");
  const button = box.querySelector("button");
  box.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") throw new Error(gettext("Notifications are blocked for this site in your browser."));
      return registration.pushManager.subscribe({
        userVisibleOnly: true, applicationServerKey: base64UrlToBytes(box.getAttribute("data-key"))
      });
    }).then(function (subscription) {
      return sendSubscription(box, subscription);
    }).then(function () {
      button.hidden = true;
      status.textContent = gettext("Done: this device will be notified of new messages while you are away.");
    }).catch(function (error) {
      button.disabled = false;
      // The browser's own errors (private windows, blocked push) are not worth quoting.
      status.textContent = error instanceof DOMException
        ? gettext("This browser cannot show notifications from here (in a private window, or with notifications blocked). Unread messages still reach you by email.")
        : gettext("Notifications could not be turned on:") + " " + (error.message || gettext("please try again."));
    });
  });
}

function setUpPushOptIn() {
  const box = document.querySelector("[data-push-optin]");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
  if (Notification.permission === "denied") return;
  navigator.serviceWorker.register("/sw.js").then(function (registration) {
    return registration.pushManager.getSubscription().then(function (existing) {
      if (!existing) offer(box, registration);  // else this device already gets notifications
    });
  }).catch(function () { /* no service worker (private window, old browser): the email remains */ });
}

export function start() {
  document.addEventListener("DOMContentLoaded", setUpPushOptIn);
}
