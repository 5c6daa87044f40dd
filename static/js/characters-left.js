// Near the length limit (maxlength), say how much is left, before the browser silently stops typing.
// The count shows from 400 left; screen readers hear it (#composer-count's live part) only as it passes
// 400, 100 and 0.
import { interpolate, ngettext } from "./i18n.js";

// The step the count is at with left characters left: 400, 100 or 0; null above 400 (nothing shown).
export function countStep(left) {
  return left <= 0 ? 0 : left <= 100 ? 100 : left <= 400 ? 400 : null;
}

export function showCharactersLeft(textarea) {
  const counter = document.getElementById("composer-count");
  const limit = parseInt(textarea.getAttribute("maxlength"), 10);
  if (!counter || !limit) return;
  const left = limit - textarea.value.length;
  const text = interpolate(ngettext("%s character left", "%s characters left", left), [left]);
  const step = countStep(left);
  counter.hidden = step === null;
  counter.classList.toggle("is-at-limit", left <= 0);
  counter.firstChild.textContent = step === null ? "" : text;
  if (step !== null && counter.getAttribute("data-step") !== String(step)) counter.lastChild.textContent = text;
  counter.setAttribute("data-step", step === null ? "" : String(step));
}

export function start() {
  document.addEventListener("input", function (event) {
    if (event.target.matches("#composer textarea")) showCharactersLeft(event.target);
  });
}
