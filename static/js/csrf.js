// The CSRF header htmx sends (body[data-hx-headers]), for the few requests made with fetch.

export function csrfHeaders() { return JSON.parse(document.body.getAttribute("data-hx-headers") || "{}"); }
