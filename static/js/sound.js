// A short sound for a new message in another conversation or a background tab: only when the user turned
// it on in the chat settings (body[data-chat-sound] = the sound's URL), never as autoplay (the first
// click or key press on the page, or ticking the setting itself, unlocks the audio element).
// How many times it played is kept in body[data-chat-sound-played] (the browser tests read it).

const MIN_GAP_MS = 2000;

// The unread count to compare: the list rows' own counts where the chat list is on the page (a second
// message in an already-unread conversation counts), else the header badge's unread conversations.
export function unreadTotal(rowCounts, badgeCount) {
  if (rowCounts.length) return rowCounts.reduce(function (sum, count) { return sum + count; }, 0);
  return badgeCount;
}

// Ring when the total went up, and not again within MIN_GAP_MS of the last ring.
export function shouldRing(previous, now, sinceLastMs) {
  return now > previous && sinceLastMs >= MIN_GAP_MS;
}

function currentTotal() {
  const rows = Array.from(document.querySelectorAll("#conversation-list [data-unread]"));
  const badge = document.getElementById("unread-badge");
  return unreadTotal(
    rows.map(function (row) { return parseInt(row.getAttribute("data-unread"), 10) || 0; }),
    badge ? parseInt(badge.getAttribute("data-count") || "0", 10) : 0
  );
}

function player(url) {
  const audio = new Audio(url);
  audio.preload = "auto";
  let lastRing = -Infinity;
  return {
    unlock: function () { audio.load(); },
    ring: function (force) {
      const now = Date.now();
      if (!force && now - lastRing < MIN_GAP_MS) return;
      lastRing = now;
      const played = parseInt(document.body.getAttribute("data-chat-sound-played") || "0", 10) + 1;
      document.body.setAttribute("data-chat-sound-played", String(played));
      audio.currentTime = 0;
      const promise = audio.play();
      // Refused (no gesture yet on this page): stay quiet; the next message tries again.
      if (promise && promise.catch) promise.catch(function () {});
    },
  };
}

// The open conversation in a hidden tab: the other person's messages appended to it ring too (the list
// counts none of them: a delivering poll reads them).
function watchOpenConversation(sound) {
  const list = document.getElementById("message-list");
  if (!list || !window.MutationObserver) return;
  let newest = 0;
  list.querySelectorAll("[data-message-id]").forEach(function (row) {
    newest = Math.max(newest, parseInt(row.getAttribute("data-message-id"), 10) || 0);
  });
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      record.addedNodes.forEach(function (node) {
        if (node.nodeType !== 1 || !node.hasAttribute("data-message-id")) return;
        const id = parseInt(node.getAttribute("data-message-id"), 10) || 0;
        if (id <= newest) return;
        newest = id;
        if (document.hidden && !node.classList.contains("message--own")) sound.ring(false);
      });
    });
  }).observe(list, { childList: true });
}

function listen(url) {
  const sound = player(url);
  let total = currentTotal();
  let sinceRing = -Infinity;
  ["pointerdown", "keydown"].forEach(function (type) {
    document.addEventListener(type, sound.unlock, { once: true, capture: true });
  });
  document.addEventListener("htmx:afterSettle", function () {
    const now = currentTotal();
    if (shouldRing(total, now, Date.now() - sinceRing)) {
      sinceRing = Date.now();
      sound.ring(true);
    }
    total = now;
  });
  watchOpenConversation(sound);
}

// On the chat settings page: ticking "Play a sound" plays it once, so the user hears what they chose
// (and that click is the gesture browsers ask for).
function previewOnSettings() {
  const box = document.querySelector("[data-chat-settings] input[name=chat_sound]");
  const url = document.querySelector("[data-chat-settings]")?.getAttribute("data-sound-url");
  if (!box || !url) return;
  const sound = player(url);
  box.addEventListener("change", function () { if (box.checked) sound.ring(true); });
}

export function start() {
  document.addEventListener("DOMContentLoaded", function () {
    const url = document.body.getAttribute("data-chat-sound");
    if (url) listen(url);
    previewOnSettings();
  });
}
