// The ad search form (form[data-search-form]) with live results: htmx sends it on every change and pushes
// the URL. Two things make that URL and the back button right:
// - empty filters are left out of the request, so the pushed (shareable) URL holds only what is set;
// - before htmx keeps the page for the back button, the form's current values are written into its
//   attributes: htmx keeps the page's HTML, and typed values live only in properties.

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

// Write each control's current value into its attributes, so a copy of the HTML shows the same state.
export function keepValues(form) {
  for (const control of form.elements) {
    if (control.type === "checkbox" || control.type === "radio") {
      control.toggleAttribute("checked", control.checked);
    } else if (control.tagName === "SELECT") {
      for (const option of control.options) option.toggleAttribute("selected", option.selected);
    } else if (control.tagName === "INPUT" && control.type !== "hidden") {
      control.setAttribute("value", control.value);
    }
  }
}

export function start() {
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.matches("form[data-search-form]")) return;
    const data = event.detail.formData;
    emptyNames([...data.entries()]).forEach(function (name) { data.delete(name); });
  });
  document.body.addEventListener("htmx:beforeHistorySave", function () {
    document.querySelectorAll("form[data-search-form]").forEach(keepValues);
  });
}
