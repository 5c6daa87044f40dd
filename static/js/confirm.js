// Destructive forms ([data-confirm]) ask first; without JavaScript they simply submit.

export function start() {
  document.addEventListener("submit", function (event) {
    const message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });
}
