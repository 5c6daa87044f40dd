// The tab's title: "(2) Chats · Marketplace" from the header badge's count (#unread-badge[data-count]),
// kept in step with every swap.

// title with count unread in front ("99+" above 99), replacing any count already there; none for 0.
export function titleWithUnread(title, count) {
  const base = title.replace(/^\(\d+\+?\) /, "");
  return count > 0 ? "(" + (count > 99 ? "99+" : count) + ") " + base : base;
}

function showUnreadInTitle() {
  const badge = document.getElementById("unread-badge");
  const count = badge ? parseInt(badge.getAttribute("data-count") || "0", 10) : 0;
  document.title = titleWithUnread(document.title, count);
}

export function start() {
  document.addEventListener("DOMContentLoaded", showUnreadInTitle);
  document.addEventListener("htmx:afterSettle", showUnreadInTitle);
}
