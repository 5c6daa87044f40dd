// The ad search form (form[data-search-form]) with live results: htmx sends it on every change and pushes
// the URL. Empty filters are left out of the request, so the pushed (shareable) URL holds only what is set.
// (The back button asks the server for the page again: the form says data-hx-history="false", because a
// snapshot htmx takes on leaving a URL already holds what was typed for the next one.)

// The names in entries ([name, value] pairs) whose every value is empty: they are left out.
export function emptyNames(entries) {
  const filled = new Set();
  const seen = new Set();
  for (const [name, value] of entries) {
    seen.add(name);
    if (typeof value !== "string" || value.trim() !== "") filled.add(name);
  }
  return [...seen].filter(function (name) { return !filled.has(name); });
}

export function start() {
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.matches("form[data-search-form]")) return;
    const data = event.detail.formData;
    emptyNames([...data.entries()]).forEach(function (name) { data.delete(name); });
  });
}
