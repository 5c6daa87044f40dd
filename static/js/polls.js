// Polls ([data-poll]) skip hidden tabs and run at once when the tab comes back (their trigger includes
// visibilitychange). Done here rather than with htmx's [!document.hidden] filter, which needs eval and
// so a weaker Content-Security-Policy.
// A poll asked for while a request is in flight is queued by htmx on the element, and dropped if that
// answer replaces the element (outerHTML, out of band): the second of two quick pushes would wait for the
// 30 s timer. Polls asked for and not yet sent are kept by id and run on the replacement once it settles.

// Run element's poll now (its trigger includes chat:poll).
export function pollNow(element) {
  if (element && window.htmx) window.htmx.trigger(element, "chat:poll");
}

export function start() {
  const asked = new Map();  // element id -> the element a poll was asked for on
  document.addEventListener("htmx:confirm", function (event) {
    const elt = event.target;
    if (!elt.hasAttribute || !elt.hasAttribute("data-poll")) return;
    if (document.hidden) event.preventDefault();
    else if (elt.id) asked.set(elt.id, elt);
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    const elt = event.target;
    if (elt.id && asked.get(elt.id) === elt) asked.delete(elt.id);
  });
  document.addEventListener("htmx:afterSettle", function () {
    asked.forEach(function (elt, id) {
      if (elt.isConnected) return;  // still queued on a live element: htmx sends it
      asked.delete(id);
      const replacement = document.getElementById(id);
      if (replacement && replacement.hasAttribute("data-poll")) pollNow(replacement);
    });
  });
}
