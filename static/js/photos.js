// Photos in the composer: say what is attached, refuse more than the limit before uploading, and show
// the progress of a large upload until its answer comes.
import { interpolate, ngettext } from "./i18n.js";

const PROGRESS_FROM_BYTES = 200000;  // smaller uploads are over before a bar would mean anything

// For count chosen photos of at most max: the input's validity message ("" when valid) and the note
// shown next to it.
export function photosNote(count, max) {
  if (count > max) {
    return {
      validity: interpolate(ngettext("Choose at most %s photo.", "Choose at most %s photos.", max), [max]),
      note: interpolate(ngettext("Too many photos: choose at most %s.", "Too many photos: choose at most %s.", max), [max])
    };
  }
  return { validity: "", note: count ? interpolate(ngettext("%s photo attached", "%s photos attached", count), [count]) : "" };
}

function showChosenFiles(input) {
  const label = input.closest("form").querySelector(".composer-files");
  if (!label) return;
  const shown = photosNote(input.files ? input.files.length : 0, parseInt(input.getAttribute("data-max-files") || "5", 10));
  input.setCustomValidity(shown.validity);
  label.textContent = shown.note;
}

export function start() {
  document.addEventListener("change", function (event) {
    if (event.target.matches(".composer-file")) showChosenFiles(event.target);
  });
  document.addEventListener("htmx:xhr:progress", function (event) {
    const form = event.target.closest && event.target.closest("#composer");
    if (!form || !event.detail.lengthComputable || event.detail.total < PROGRESS_FROM_BYTES) return;
    const progress = form.querySelector(".composer-progress");
    progress.hidden = false;
    progress.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });
  // The server re-renders the composer itself (empty, out of band, after a send; with the reason and the
  // typed text after a refusal); only the progress bar is left to hide.
  document.addEventListener("htmx:afterRequest", function (event) {
    const form = event.detail.elt;
    const progress = form && form.id === "composer" && form.querySelector(".composer-progress");
    if (progress) progress.hidden = true;
  });
}
