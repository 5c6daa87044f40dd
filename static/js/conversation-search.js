// Search in one conversation: the menu's form ([data-conversation-search]) fetches the matches panel
// instead of reloading the page, then "Earlier match" / "Later match" (and the matches' links) jump to each
// match, loading earlier pages as needed (quotes.js showMessage). Without JavaScript the form loads the
// conversation with ?q= and the same panel, whose links open the page that ends with each match.
import { plainClick, showMessage } from "./quotes.js";
import { gettext, interpolate } from "./i18n.js";

let current = -1;

function matchLinks() {
  return Array.from(document.querySelectorAll("#conversation-matches [data-match-id]"));
}

function showPosition(links) {
  const position = document.querySelector("#conversation-matches [data-search-position]");
  if (!position) return;
  position.textContent = interpolate(gettext("%s of %s"), [current + 1, links.length]);
  links.forEach(function (link, index) {
    if (index === current) link.setAttribute("aria-current", "true");
    else link.removeAttribute("aria-current");
  });
}

// Jump to match *index* (0: the latest); the list is newest first.
export function jump(index) {
  const links = matchLinks();
  if (!links.length) return;
  current = Math.max(0, Math.min(links.length - 1, index));
  showPosition(links);
  const link = links[current];
  showMessage(link.getAttribute("data-match-id"), link.href);
}

async function search(form) {
  const query = form.elements.q.value.trim();
  if (!query) return false;
  const url = form.getAttribute("data-conversation-search") + "?q=" + encodeURIComponent(query);
  let response;
  try {
    response = await fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" });
  } catch (error) {
    return false;
  }
  if (!response.ok) return false;
  const panel = document.getElementById("conversation-matches");
  if (!panel) return false;
  panel.outerHTML = await response.text();
  const menu = form.closest("details");
  if (menu) menu.removeAttribute("open");
  current = -1;
  if (matchLinks().length) jump(0);
  return true;
}

export function start() {
  document.addEventListener("submit", function (event) {
    const form = event.target.closest && event.target.closest("[data-conversation-search]");
    if (!form) return;
    event.preventDefault();
    search(form).then(function (done) { if (!done) form.submit(); });
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest) return;
    const step = event.target.closest("#conversation-matches [data-search-step]");
    if (step) { jump(current + Number(step.getAttribute("data-search-step"))); return; }
    const link = event.target.closest("#conversation-matches [data-match-id]");
    if (link && plainClick(event)) {
      event.preventDefault();
      jump(matchLinks().indexOf(link));
      return;
    }
    const close = event.target.closest("#conversation-matches [data-search-close]");
    if (close && plainClick(event) && !new URL(window.location.href).searchParams.has("q")) {
      event.preventDefault();
      const panel = document.getElementById("conversation-matches");
      panel.hidden = true;
      panel.replaceChildren();
    }
  });
}
