// The composer's text box grows with its text; CSS caps it.

// Empty, it is as tall as its placeholder (which wraps with large text).
export function autosize(textarea) {
  const empty = !textarea.value;
  textarea.style.height = "auto";
  if (empty) textarea.value = textarea.placeholder;
  const height = textarea.scrollHeight + 2;  // and the borders
  if (empty) textarea.value = "";
  textarea.style.height = height + "px";
}

export function start() {
  document.addEventListener("input", function (event) {
    if (event.target.matches("#composer textarea")) autosize(event.target);
  });
}
