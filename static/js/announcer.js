// What screen readers hear of a conversation: the other person's new messages, once each.
(function () {
  "use strict";
  var gettext = window.gettext || function (text) { return text; };

  // Announce each new message from the other person once, through #message-announcer. New means an id
  // above every one the page has shown: "Load earlier" adds older ids, re-rendered (edited, reacted)
  // messages keep theirs, and one's own messages are not announced.
  function watchForNewMessages() {
    var list = document.getElementById("message-list");
    var announcer = document.getElementById("message-announcer");
    if (!list || !announcer || !window.MutationObserver) return;
    var newest = 0;
    list.querySelectorAll("[data-message-id]").forEach(function (row) {
      newest = Math.max(newest, parseInt(row.getAttribute("data-message-id"), 10) || 0);
    });
    // The name's own text, without the "Verified" badge after it.
    var name = document.querySelector(".participant-name");
    if (name && name.firstChild) name = name.firstChild;
    new MutationObserver(function (records) {
      records.forEach(function (record) {
        record.addedNodes.forEach(function (node) {
          if (node.nodeType !== 1 || !node.hasAttribute("data-message-id")) return;
          var id = parseInt(node.getAttribute("data-message-id"), 10) || 0;
          if (id <= newest) return;
          newest = id;
          if (node.classList.contains("message--own")) return;
          var body = node.querySelector(".message-body, .system-note");
          var offer = node.querySelector(".offer-amount");
          var said = body ? body.textContent : offer ? gettext("Offer") + " " + offer.textContent : node.querySelector(".message-photos") ? gettext("Photo") : "";
          var line = document.createElement("p");
          var who = node.classList.contains("message--system") || !name ? "" : name.textContent.trim() + ": ";
          line.textContent = who + said.replace(/\s+/g, " ").trim();
          announcer.appendChild(line);
          while (announcer.childNodes.length > 5) announcer.removeChild(announcer.firstChild);
        });
      });
    }).observe(list, { childList: true });
  }
  document.addEventListener("DOMContentLoaded", watchForNewMessages);
})();
