// Progressive enhancement for the chat; every page also works without this file.
(function () {
  "use strict";

  // Render times in the visitor's time zone (read server-side by BrowserTimezoneMiddleware).
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; samesite=lax";
    }
  } catch (e) { /* old browser: server time zone is used */ }

  function scroller() { return document.getElementById("message-scroller"); }
  function nearBottom(el) { return el.scrollHeight - el.scrollTop - el.clientHeight < 80; }
  function scrollToBottom() { var el = scroller(); if (el) el.scrollTop = el.scrollHeight; }

  function autosize(textarea) {
    textarea.style.height = "auto";
    textarea.style.height = Math.min(textarea.scrollHeight, 160) + "px";
  }

  // Only one copy of a message or a day separator, whatever order polls and sends land in.
  function removeDuplicates() {
    var list = document.getElementById("message-list");
    if (!list) return;
    var seen = {};
    list.querySelectorAll(".message[id], .day-separator[data-day]").forEach(function (item) {
      var key = item.id || "day-" + item.getAttribute("data-day");
      if (seen[key]) item.remove(); else seen[key] = true;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    scrollToBottom();
    var textarea = document.querySelector("#composer textarea");
    if (textarea && document.querySelector(".chat-layout--active")) {
      autosize(textarea);
      if (window.matchMedia("(min-width: 768px)").matches || textarea.value) textarea.focus();
    }
  });

  // Enter sends, Shift+Enter is a new line (not while an IME is composing text).
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || !target.matches("[data-enter-sends]")) return;
    event.preventDefault();
    var file = target.form && target.form.querySelector(".composer-file");
    var hasPhotos = file && file.files && file.files.length > 0;
    if ((target.value.trim() || hasPhotos) && target.form && !target.disabled) target.form.requestSubmit();
  });
  document.addEventListener("input", function (event) {
    if (event.target.matches("#composer textarea")) autosize(event.target);
  });

  // Confirm destructive forms (without JavaScript they simply submit).
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) event.preventDefault();
  });

  var stickToBottom = false;
  var keepFromBottom = null;
  document.addEventListener("htmx:beforeSwap", function (event) {
    var el = scroller();
    if (!el) return;
    var target = event.detail.target;
    if (target && target.id === "message-list") {
      // Own sends always scroll down; polls only when the reader is already at the bottom.
      stickToBottom = event.detail.requestConfig.elt.id === "composer" || nearBottom(el);
    } else if (target && target.id === "load-earlier") {
      keepFromBottom = el.scrollHeight - el.scrollTop;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var el = scroller();
    var target = event.detail.target;
    if (!el || !target) return;
    removeDuplicates();
    if (target.id === "message-list" && stickToBottom) {
      scrollToBottom();
    } else if (keepFromBottom !== null) {
      el.scrollTop = el.scrollHeight - keepFromBottom;  // older messages went on top: stay on the same one
      keepFromBottom = null;
    }
  });

  // Read receipts: the poll says up to which message the other participant has read (0 when hidden).
  function applyReadState() {
    var state = document.getElementById("read-state");
    if (!state) return;
    var upTo = parseInt(state.getAttribute("data-read-up-to"), 10) || 0;
    document.querySelectorAll("#message-list .message--own").forEach(function (item) {
      var receipt = item.querySelector(".receipt");
      if (receipt && !receipt.classList.contains("is-read") && parseInt(item.getAttribute("data-message-id"), 10) <= upTo) {
        receipt.classList.add("is-read");
        receipt.textContent = "✓✓";
        receipt.title = "Read";
        receipt.setAttribute("aria-label", "Read");
      }
    });
  }
  document.addEventListener("htmx:afterSettle", applyReadState);

  // Quick replies fill the composer; the person still chooses to send.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-quick-reply]");
    if (!button) return;
    var textarea = document.querySelector(button.getAttribute("data-target") || "#composer textarea");
    if (!textarea) return;
    event.preventDefault();
    textarea.value = button.getAttribute("data-quick-reply");
    autosize(textarea);
    textarea.focus();
  });

  // A send that the server accepted clears the composer; a refused one comes back with the text kept.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || form.id !== "composer") return;
    var xhr = event.detail.xhr;
    var progress = form.querySelector(".composer-progress");
    if (progress) progress.hidden = true;
    if (event.detail.successful && !xhr.getResponseHeader("HX-Retarget")) {
      var textarea = form.querySelector("textarea");
      textarea.value = "";
      autosize(textarea);
      var error = form.querySelector(".composer-error");
      if (error) error.remove();
      var file = form.querySelector(".composer-file");
      if (file) { file.value = ""; showChosenFiles(file); }
    }
  });

  // Photos: say what is attached, refuse more than the limit before uploading, show upload progress.
  function showChosenFiles(input) {
    var label = input.closest("form").querySelector(".composer-files");
    if (!label) return;
    var count = input.files ? input.files.length : 0;
    var max = parseInt(input.getAttribute("data-max-files") || "5", 10);
    input.setCustomValidity(count > max ? "Choose at most " + max + " photos." : "");
    label.textContent = count > max ? "Too many photos: choose at most " + max + "."
      : count ? count + (count === 1 ? " photo attached" : " photos attached") : "";
  }
  document.addEventListener("change", function (event) {
    if (event.target.matches(".composer-file")) showChosenFiles(event.target);
  });
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.target.closest && event.target.closest("#composer");
    if (!form || !event.detail.lengthComputable || event.detail.total < 200000) return;
    var progress = form.querySelector(".composer-progress");
    progress.hidden = false;
    progress.value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var composer = document.getElementById("composer");
    if (composer && (event.detail.elt === composer || event.detail.elt.id === "message-list")) {
      var textarea = composer.querySelector("textarea");
      if (textarea && document.activeElement === document.body) textarea.focus();
    }
  });
  // Network failure or server error: keep the text, tell the user in place.
  function showSendError(event) {
    var form = event.detail.elt;
    if (!form || form.id !== "composer") return;
    var error = form.querySelector(".composer-error");
    if (!error) {
      error = document.createElement("p");
      error.className = "form-error composer-error";
      error.setAttribute("role", "alert");
      form.appendChild(error);
    }
    error.textContent = "Not sent: check your connection and press Send again. Your text is kept.";
  }
  document.addEventListener("htmx:sendError", showSendError);
  document.addEventListener("htmx:responseError", showSendError);
})();
