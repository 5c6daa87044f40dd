// The tab's title: "(2) Chats · Marketplace" from the header's counts (the chat badge #unread-badge and the
// notification bell #notification-count, both [data-count]), kept in step with every swap.

// title with count unread in front ("99+" above 99), replacing any count already there; none for 0.
export function titleWithUnread(title, count) {
  const base = title.replace(/^\(\d+\+?\) /, "");
  return count > 0 ? "(" + (count > 99 ? "99+" : count) + ") " + base : base;
}

function countOf(id) {
  const badge = document.getElementById(id);
  return badge ? parseInt(badge.getAttribute("data-count") || "0", 10) || 0 : 0;
}

function showUnreadInTitle() {
  document.title = titleWithUnread(document.title, countOf("unread-badge") + countOf("notification-count"));
}

export function start() {
  document.addEventListener("DOMContentLoaded", showUnreadInTitle);
  document.addEventListener("htmx:afterSettle", showUnreadInTitle);
}
