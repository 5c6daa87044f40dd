// A reply's quote ([data-quote-of]): scroll to the original if it is on the page, else load earlier pages
// (keyset, as "Load earlier messages" does) until it is, and after a few pages open the page that ends
// with it (the link's own href, which is also what it does without JavaScript).

const PAGES_TO_LOAD = 5;
const HIGHLIGHT_MS = 2000;

// Whether a click is a plain one (a modified click opens the link as the browser would).
export function plainClick(event) { return !event.ctrlKey && !event.metaKey && !event.shiftKey; }

function flash(row) {
  row.scrollIntoView({ block: "center" });
  row.classList.add("is-highlighted");
  window.setTimeout(function () { row.classList.remove("is-highlighted"); }, HIGHLIGHT_MS);
}

// Show message *id* (loading earlier pages as needed) or open *href*; also used by in-conversation search.
export function showMessage(id, href, pagesLeft = PAGES_TO_LOAD) {
  const row = document.getElementById("message-" + id);
  if (row) { flash(row); return; }
  const earlier = document.querySelector("#load-earlier a");
  if (!earlier || pagesLeft <= 0 || !window.htmx) { window.location.href = href; return; }
  window.htmx.ajax("GET", earlier.getAttribute("data-hx-get"), { target: "#load-earlier", swap: "outerHTML" })
    .then(function () { showMessage(id, href, pagesLeft - 1); });
}

export function start() {
  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest("[data-quote-of]");
    if (!link || !plainClick(event)) return;
    event.preventDefault();
    showMessage(link.getAttribute("data-quote-of"), link.href);
  });
}
