// Web Push opt-in on the chat page; without it (or without JavaScript) unread messages still go by email.
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };

  // Web Push opt-in ("Notify me of new messages on this device"): registers the service worker, asks
  // for permission only on the person's click, and sends the subscription to the server.
  function base64UrlToBytes(text) {
    var padded = (text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = window.atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  function setUpPushOptIn() {
    var box = document.querySelector("[data-push-optin]");
    if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return;
    if (Notification.permission === "denied") return;
    var status = box.querySelector(".push-optin-status");
    var button = box.querySelector("button");
    navigator.serviceWorker.register("/sw.js").then(function (registration) {
      return registration.pushManager.getSubscription().then(function (existing) {
        if (existing) return;  // this device already gets notifications
        box.hidden = false;
        button.addEventListener("click", function () {
          button.disabled = true;
          Notification.requestPermission().then(function (permission) {
            if (permission !== "granted") throw new Error(gettext("Notifications are blocked for this site in your browser."));
            return registration.pushManager.subscribe({
              userVisibleOnly: true, applicationServerKey: base64UrlToBytes(box.getAttribute("data-key"))
            });
          }).then(function (subscription) {
            var headers = JSON.parse(document.body.getAttribute("data-hx-headers") || "{}");
            headers["Content-Type"] = "application/json";
            return window.fetch(box.getAttribute("data-url"), {
              method: "POST", headers: headers, credentials: "same-origin", body: JSON.stringify(subscription.toJSON())
            }).then(function (response) {
              if (!response.ok) return response.json().then(function (body) { throw new Error(body.message); });
            });
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
      });
    }).catch(function () { /* no service worker (private window, old browser): the email remains */ });
  }
  document.addEventListener("DOMContentLoaded", setUpPushOptIn);
})();
