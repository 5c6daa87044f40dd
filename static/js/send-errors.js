// A send that did not arrive, or an answer the composer cannot show: keep the text and say why in place
// (the composer's .composer-error, an alert).
import { gettext } from "./i18n.js";

// What the composer says for an HTTP status (0: no answer at all).
export function sendErrorText(status) {
  switch (status) {
    case 400: return gettext("Not sent: the message could not be read. Your text is kept; please try again.");
    case 403: return gettext("Not sent: your session expired. Reload the page (your text is kept until then) and send again.");
    case 404: return gettext("Not sent: this conversation is no longer available to you.");
    case 413: return gettext("Not sent: the photos are too large together. Choose fewer or smaller photos.");
    case 429: return gettext("Not sent: you're sending too fast. Wait a moment and press Send again. Your text is kept.");
  }
  if (status >= 500) return gettext("Not sent: something went wrong on our side. Your text is kept; please try again in a moment.");
  return gettext("Not sent: check your connection and press Send again. Your text is kept.");
}

function showSendError(event) {
  const form = event.detail.elt;
  if (!form || form.id !== "composer") return;
  const text = sendErrorText(event.detail.xhr ? event.detail.xhr.status : 0);
  let error = form.querySelector(".composer-error");
  if (!error) {
    error = document.createElement("p");
    error.className = "form-error composer-error";
    error.setAttribute("role", "alert");
    form.appendChild(error);
  }
  error.textContent = text;
}

export function start() {
  document.addEventListener("htmx:sendError", showSendError);
  document.addEventListener("htmx:responseError", showSendError);
}
