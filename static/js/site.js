// Progressive enhancement for the chat; every page also works without this file.
(function () {
  "use strict";
  // Translations from Django's JavaScript catalog (/jsi18n/, loaded first); English if it is missing.
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values) {
    return text.replace(/%s/g, function () { return values.shift(); });
  };

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

  function autosize(textarea) {  // empty, as tall as its placeholder (it wraps with large text); CSS caps it
    var empty = !textarea.value;
    textarea.style.height = "auto";
    if (empty) textarea.value = textarea.placeholder;
    var height = textarea.scrollHeight + 2;  // and the borders
    if (empty) textarea.value = "";
    textarea.style.height = height + "px";
  }
  // The offer form, opened at its amount: by a card's "Counter-offer", or on load after a refused offer.
  function openOfferForm() {
    var details = document.getElementById("offer-maker-details");
    var amount = document.getElementById("offer-amount");
    if (!details || !amount) return false;
    details.open = true;
    amount.focus();
    return true;
  }

  document.addEventListener("DOMContentLoaded", function () {
    scrollToBottom();
    var opened = document.querySelector("#offer-maker-details[open]");
    if (opened && openOfferForm()) return;
    var textarea = document.querySelector("#composer textarea");
    if (textarea && document.querySelector(".chat-layout--active")) {
      autosize(textarea);
      if (window.matchMedia("(min-width: 768px)").matches || textarea.value) textarea.focus();
    }
  });
  // A redirect to "#message-N" (after starting a conversation) lets the browser move focus to the
  // fragment once the page has loaded; give it back to the composer unless the person moved it.
  window.addEventListener("load", function () {
    var textarea = document.querySelector("#composer textarea");
    var active = document.activeElement;
    if (!textarea || !/^#message-\d+$/.test(window.location.hash)) return;
    if (!window.matchMedia("(min-width: 768px)").matches && !textarea.value) return;  // no keyboard popping up
    if (active === document.body || (active && active.matches(".skip-link"))) textarea.focus();
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-counter-offer]");
    if (link && openOfferForm()) event.preventDefault();
  });

  // Polls ([data-poll]) skip hidden tabs and run at once when the tab comes back (their trigger includes
  // visibilitychange). Done here rather than with htmx's [!document.hidden] filter, which needs eval and
  // so a weaker Content-Security-Policy.
  // A poll asked for while a request is in flight is queued by htmx on the element, and dropped if that
  // answer replaces the element (outerHTML, out of band): the second of two quick pushes would wait for the
  // 30 s timer. Polls asked for and not yet sent are kept by id and run on the replacement once it settles.
  var pollsAsked = new Map();
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.target;
    if (!elt.hasAttribute || !elt.hasAttribute("data-poll")) return;
    if (document.hidden) event.preventDefault();
    else if (elt.id) pollsAsked.set(elt.id, elt);
  });
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.target;
    if (elt.id && pollsAsked.get(elt.id) === elt) pollsAsked.delete(elt.id);
  });
  document.addEventListener("htmx:afterSettle", function () {
    pollsAsked.forEach(function (elt, id) {
      if (elt.isConnected) return;  // still queued on a live element: htmx sends it
      pollsAsked.delete(id);
      var replacement = document.getElementById(id);
      if (replacement && replacement.hasAttribute("data-poll")) htmx.trigger(replacement, "chat:poll");
    });
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
  // Near the length limit (maxlength), say how much is left, before the browser silently stops typing.
  function showCharactersLeft(textarea) {
    var counter = document.getElementById("composer-count");
    var limit = parseInt(textarea.getAttribute("maxlength"), 10);
    if (!counter || !limit) return;
    var left = limit - textarea.value.length;
    var text = interpolate(ngettext("%s character left", "%s characters left", left), [left]);
    counter.hidden = left > 400;
    counter.classList.toggle("is-at-limit", left <= 0);
    counter.firstChild.textContent = left > 400 ? "" : text;
    var step = left <= 0 ? 0 : left <= 100 ? 100 : left <= 400 ? 400 : null;
    if (step !== null && counter.getAttribute("data-step") !== String(step)) counter.lastChild.textContent = text;
    counter.setAttribute("data-step", step === null ? "" : String(step));
  }
  document.addEventListener("input", function (event) {
    if (!event.target.matches("#composer textarea")) return;
    autosize(event.target);
    showCharactersLeft(event.target);
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
      // Own sends always scroll down (not saving an edit of an older message); polls and reactions only
      // when the reader is already at the bottom.
      var elt = event.detail.requestConfig.elt;
      stickToBottom = (elt.id === "composer" && !elt.hasAttribute("data-editing")) || nearBottom(el);
    } else if (target && target.id === "load-earlier") {
      keepFromBottom = el.scrollHeight - el.scrollTop;
    }
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var el = scroller();
    var target = event.detail.target;
    if (!el || !target) return;
    if (target.id === "message-list" && stickToBottom) {
      scrollToBottom();
    } else if (keepFromBottom !== null) {
      el.scrollTop = el.scrollHeight - keepFromBottom;  // older messages went on top: stay on the same one
      keepFromBottom = null;
    }
  });

  // A swap that replaces the focused element (the list poll re-rendering the row in focus) must not drop
  // focus to <body>: remember what had it, by id or by link target, and give focus back to its
  // replacement once the swap settles, unless focus went somewhere else meanwhile.
  var focusKey = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    if (!active || active === document.body) return;
    focusKey = active.id ? "#" + CSS.escape(active.id)
      : active.getAttribute("href") ? active.tagName.toLowerCase() + '[href="' + CSS.escape(active.getAttribute("href")) + '"]'
      : null;
  });
  var earlierLoaded = false;
  document.addEventListener("htmx:beforeSwap", function (event) {
    earlierLoaded = Boolean(event.detail.target && event.detail.target.id === "load-earlier");
  });
  document.addEventListener("htmx:afterSettle", function () {
    var key = focusKey;
    focusKey = null;
    if (!key || (document.activeElement && document.activeElement !== document.body)) return;
    // "Load earlier messages" replaced itself: the next such button if there is more, else the messages.
    var again = earlierLoaded ? document.querySelector("#load-earlier a") || scroller() : document.querySelector(key);
    earlierLoaded = false;
    if (again) again.focus({ preventScroll: true });
  });

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

  // The server re-renders the composer itself (empty, out of band, after a send; with the reason and the
  // typed text after a refusal); only the upload progress bar is left to hide.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    var progress = form && form.id === "composer" && form.querySelector(".composer-progress");
    if (progress) progress.hidden = true;
  });

  // The message was stored but the answer could not be rendered (chat.views.messages): clear the composer,
  // take the fresh key (the old one would find the stored message) and let the poll bring the message.
  document.addEventListener("chat:sent", function (event) {
    var composer = document.getElementById("composer");
    if (!composer) return;
    composer.reset();
    var key = composer.querySelector("[name=idempotency_key]");
    if (key && event.detail && event.detail.key) key.value = event.detail.key;
    var poller = document.getElementById("conversation-poller");
    if (poller && window.htmx) window.htmx.trigger(poller, "chat:poll");
  });

  // Edit and Delete end with the edit window (the server refuses them after it): the menu of a message
  // opened later than that does not offer them.
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (!menu.matches || !menu.matches(".message-actions") || !menu.open) return;
    // Above the message by default; below it when the top of the scroller would cut it off.
    var scrollerTop = scroller() ? scroller().getBoundingClientRect().top : 0;
    menu.classList.remove("opens-down");
    var panel = menu.querySelector(".message-actions-panel");
    if (panel && panel.getBoundingClientRect().top < scrollerTop) menu.classList.add("opens-down");
    var row = menu.closest("[data-editable-until]");
    if (row && Date.parse(row.getAttribute("data-editable-until")) <= Date.now()) {
      menu.querySelectorAll(".js-editable").forEach(function (item) { item.hidden = true; });
    }
  }, true);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    // Every <details> menu (message actions, conversation and account menus, the offer form) closes on
    // Escape and gives focus back to its summary.
    var menu = event.target.closest && event.target.closest("details[open]");
    if (!menu) return;
    menu.open = false;
    menu.querySelector("summary").focus();
  });

  // A reply's quote: scroll to the original if it is on the page, else load earlier pages (keyset, as
  // "Load earlier messages" does) until it is, and after a few pages open the page that ends with it.
  function flash(row) {
    row.scrollIntoView({ block: "center" });
    row.classList.add("is-highlighted");
    window.setTimeout(function () { row.classList.remove("is-highlighted"); }, 2000);
  }
  function findQuoted(id, link, pagesLeft) {
    var row = document.getElementById("message-" + id);
    if (row) { flash(row); return; }
    var earlier = document.querySelector("#load-earlier a");
    if (!earlier || pagesLeft <= 0 || !window.htmx) { window.location.href = link.href; return; }
    window.htmx.ajax("GET", earlier.getAttribute("data-hx-get"), { target: "#load-earlier", swap: "outerHTML" })
      .then(function () { findQuoted(id, link, pagesLeft - 1); });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quote-of]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    findQuoted(link.getAttribute("data-quote-of"), link, 5);
  });

  // Tab title: "(2) Chats · Marketplace" from the header badge's count, kept in step with every swap.
  function showUnreadInTitle() {
    var badge = document.getElementById("unread-badge");
    var base = document.title.replace(/^\(\d+\+?\) /, "");
    var count = badge ? parseInt(badge.getAttribute("data-count") || "0", 10) : 0;
    document.title = count > 0 ? "(" + (count > 99 ? "99+" : count) + ") " + base : base;
  }
  document.addEventListener("DOMContentLoaded", showUnreadInTitle);
  document.addEventListener("htmx:afterSettle", showUnreadInTitle);

  // Photos: say what is attached, refuse more than the limit before uploading, show upload progress.
  function showChosenFiles(input) {
    var label = input.closest("form").querySelector(".composer-files");
    if (!label) return;
    var count = input.files ? input.files.length : 0;
    var max = parseInt(input.getAttribute("data-max-files") || "5", 10);
    input.setCustomValidity(count > max
      ? interpolate(ngettext("Choose at most %s photo.", "Choose at most %s photos.", max), [max]) : "");
    label.textContent = count > max
      ? interpolate(ngettext("Too many photos: choose at most %s.", "Too many photos: choose at most %s.", max), [max])
      : count ? interpolate(ngettext("%s photo attached", "%s photos attached", count), [count]) : "";
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
  // A message re-rendered by a reaction, an edit or a poll keeps the focus where it was: on the same
  // button, or on the message's menu when the button is gone or hidden in the closed menu.
  // Recorded when a swap starts from inside a message, and not wiped by another swap (a poll) landing
  // between that swap and its settle; kept for a second only, so it never pulls focus back later.
  var messageFocusKey = null;
  var focusMessage = null;
  var focusRecordedAt = 0;
  document.addEventListener("htmx:beforeSwap", function () {
    var active = document.activeElement;
    var row = active && active.closest ? active.closest("[data-message-id]") : null;
    if (!row) return;
    messageFocusKey = active.getAttribute("data-focus");
    focusMessage = row.getAttribute("data-message-id");
    focusRecordedAt = Date.now();
  });
  // Shown on screen: laid out, and not inside a closed menu (Chromium lays out a closed <details>'s
  // content with content-visibility, so offsetParent alone does not tell).
  function shown(el) {
    var menu = el.closest("details");
    return Boolean(el.offsetParent) && (!menu || menu.open || el.parentElement === menu && el.tagName === "SUMMARY");
  }
  function restoreFocus() {
    if (!focusMessage || Date.now() - focusRecordedAt > 1000) { focusMessage = null; return false; }
    if (document.activeElement && document.activeElement !== document.body) return false;
    var target = messageFocusKey && document.querySelector('[data-focus="' + messageFocusKey + '"]');
    if (!target || !shown(target)) {
      var row = document.getElementById("message-" + focusMessage);
      target = row && row.querySelector(".message-actions-toggle");
    }
    messageFocusKey = focusMessage = null;
    if (target && shown(target)) { target.focus(); return true; }
    return false;
  }

  // Reply and Edit bring the composer in that mode: the text box gets the focus, the caret at the end.
  document.addEventListener("htmx:afterSettle", function (event) {
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (event.detail.elt.id !== "composer" || !source || !source.matches(".message-action, .composer-context-cancel")) return;
    var menu = source.closest("details");
    if (menu) menu.open = false;
    var textarea = event.detail.elt.querySelector("textarea");
    if (!textarea) return;
    autosize(textarea);
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (restoreFocus()) return;
    var composer = document.getElementById("composer");
    if (composer && (event.detail.elt === composer || event.detail.elt.id === "message-list")) {
      var textarea = composer.querySelector("textarea");
      if (textarea && document.activeElement === document.body) textarea.focus();
    }
  });
  // A send that did not arrive, or an answer the composer cannot show: keep the text and say why in place.
  var SEND_ERRORS = {
    0: gettext("Not sent: check your connection and press Send again. Your text is kept."),
    400: gettext("Not sent: the message could not be read. Your text is kept; please try again."),
    403: gettext("Not sent: your session expired. Reload the page (your text is kept until then) and send again."),
    404: gettext("Not sent: this conversation is no longer available to you."),
    413: gettext("Not sent: the photos are too large together. Choose fewer or smaller photos."),
    429: gettext("Not sent: you're sending too fast. Wait a moment and press Send again. Your text is kept.")
  };
  function showSendError(event) {
    var form = event.detail.elt;
    if (!form || form.id !== "composer") return;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    var text = SEND_ERRORS[status] || (status >= 500
      ? gettext("Not sent: something went wrong on our side. Your text is kept; please try again in a moment.")
      : SEND_ERRORS[0]);
    var error = form.querySelector(".composer-error");
    if (!error) {
      error = document.createElement("p");
      error.className = "form-error composer-error";
      error.setAttribute("role", "alert");
      form.appendChild(error);
    }
    error.textContent = text;
  }
  document.addEventListener("htmx:sendError", showSendError);
  document.addEventListener("htmx:responseError", showSendError);
})();
