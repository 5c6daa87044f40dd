// The chat's progressive enhancement: every page also works without JavaScript. One concern per module,
// each started here; for the same event their listeners run in this order (the scroller reaches the
// bottom before the composer takes focus; Reply and Edit place focus before the focus keeper looks).
// Loaded as a module (deferred): it runs after htmx and the /jsi18n/ catalogue, before htmx processes
// the page on DOMContentLoaded.
import * as timezone from "./timezone.js";
import * as scroll from "./scroll.js";
import * as initialFocus from "./initial-focus.js";
import * as offerForm from "./offer-form.js";
import * as polls from "./polls.js";
import * as enterSends from "./enter-sends.js";
import * as autosize from "./autosize.js";
import * as charactersLeft from "./characters-left.js";
import * as confirm from "./confirm.js";
import * as quickReplies from "./quick-replies.js";
import * as photos from "./photos.js";
import * as sentRecovery from "./sent-recovery.js";
import * as messageMenu from "./message-menu.js";
import * as menus from "./menus.js";
import * as quotes from "./quotes.js";
import * as tabTitle from "./tab-title.js";
import * as composerModes from "./composer-modes.js";
import * as focus from "./focus.js";
import * as sendErrors from "./send-errors.js";
import * as announcer from "./announcer.js";
import * as pushOptIn from "./push-optin.js";
import * as typing from "./typing.js";
import * as searchForm from "./search-form.js";
import * as presence from "./presence.js";
import * as sound from "./sound.js";
import * as conversationSearch from "./conversation-search.js";
import * as outbox from "./outbox.js";
import * as connection from "./connection.js";

// The typing indicator needs the live stream (body[data-push]); it starts first, as its own script did.
if (document.body.hasAttribute("data-push")) typing.start();
[
  timezone, scroll, initialFocus, offerForm, polls, enterSends, autosize, charactersLeft, confirm, quickReplies,
  photos, sentRecovery, messageMenu, menus, quotes, tabTitle, composerModes, focus, sendErrors, announcer,
  pushOptIn, searchForm, presence, sound, conversationSearch, outbox, connection
].forEach(function (module) { module.start(); });
