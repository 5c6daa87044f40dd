// Enter sends, Shift+Enter is a new line (not while an IME is composing text), in [data-enter-sends].

// Whether a keydown (key, shiftKey, isComposing) asks to send rather than type.
export function asksToSend(event) {
  return event.key === "Enter" && !event.shiftKey && !event.isComposing;
}

export function start() {
  document.addEventListener("keydown", function (event) {
    const target = event.target;
    if (!asksToSend(event) || !target.matches("[data-enter-sends]")) return;
    event.preventDefault();
    const file = target.form && target.form.querySelector(".composer-file");
    const hasPhotos = file && file.files && file.files.length > 0;
    if ((target.value.trim() || hasPhotos) && target.form && !target.disabled) target.form.requestSubmit();
  });
}
