{% load static %}// Service worker (scope "/"): shows the Web Push notifications about new messages and opens the
// conversation when one is tapped. Payloads come from chat.delivery.web_push: {title, body, url, tag}.
"use strict";

self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { /* not ours: show a generic one */ }
  event.waitUntil(self.registration.showNotification(data.title || "New message", {
    body: data.body || "",
    tag: data.tag,            // one notification per conversation: a newer one replaces it
    renotify: Boolean(data.tag),
    icon: "{% static 'favicon.svg' %}",
    data: { url: data.url || "/chat/" }
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/chat/";
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if (windows[i].url === url && "focus" in windows[i]) return windows[i].focus();
    }
    return self.clients.openWindow(url);
  }));
});
