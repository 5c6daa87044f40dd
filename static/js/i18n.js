// Translations from Django's JavaScript catalogue (/jsi18n/, a classic script that runs before the
// modules); English when it is missing. Looked up at each call, so importing this needs no browser.

export function gettext(text) {
  return typeof globalThis.gettext === "function" ? globalThis.gettext(text) : text;
}

export function ngettext(one, many, count) {
  if (typeof globalThis.ngettext === "function") return globalThis.ngettext(one, many, count);
  return count === 1 ? one : many;
}

// Each %s in text takes the next of values, in order.
export function interpolate(text, values) {
  if (typeof globalThis.interpolate === "function") return globalThis.interpolate(text, values);
  let next = 0;
  return text.replace(/%s/g, function () { return String(values[next++]); });
}
