"""Scam signals in message text, English and Russian, shown to the recipient as a short note.

The note is advice next to the message, never a verdict: the message is delivered and stored exactly as
written. ``scam_signals(text, context=...)`` returns categories (keys of ``NOTES``); ``safety_notes``
turns them into notes in the reader's language, each with a "Why am I seeing this?" link to its section
of the help page (``chat:safety_help``, anchor = category). Rules live in ``chat.safety.rules`` (text),
``numbers`` (phones, cards, IBANs) and ``links`` (hosts):

- ``contact``: a phone number in a phone layout (a price range such as "11,000-11-800" or "11 000-11 800"
  is not one), an email address, a messenger (WhatsApp, Telegram, Viber, Signal, WeChat…, and Russian
  spellings: «ватсап», «вотсап», «вацап», «телеграм», «в телеге», «в тг», «вайбер»).
- ``payment``: off-site payment or prepayment (PayPal, Zelle, Western Union, gift cards, crypto, "pay
  upfront"; «предоплата», «на карту», «по номеру телефона», СБП, «оплата вперёд»).
- ``deposit``: money to hold or reserve the item (a money word and a holding word together; the
  apartment's ordinary "deposit is one month's rent" does not match).
- ``overpayment``: cashier's/certified cheques, money orders, "refund the difference", «верните разницу».
- ``code_request``: asking for an SMS/verification/one-time code («код из смс», «код подтверждения»).
- ``card_details``: asking for a card number, CVV/CVC, expiry, or a 13–19-digit number passing Luhn.
- ``link``: any link to a host other than the site's own (MARKETPLACE_SITE_URL, ALLOWED_HOSTS).
- ``courier``: a courier/delivery company/agent plus paying for it by link, upfront or to a card
  (paying on delivery, «при получении», does not match).
- ``bank_account``: an IBAN whose ISO 13616 mod-97 checksum holds.

Context (``SignalContext``, optional) adds to the text, never removes: a bare money mention ("deposit",
«залог», «предоплата») from a sender whose account is under MARKETPLACE_SCAM_NEW_ACCOUNT_DAYS days old,
or in the first messages of the conversation, or whose text went word for word to 2 other conversations
within a day (``repeat_rule``), gets a ``deposit`` note too; and a strong signal (``code_request``,
``card_details``, ``overpayment``, a look-alike or shortened link) in such a context makes ``scam_level``
"hold": the recipient sees the warning with the message folded behind "Show message".

Measured with ``.venv/bin/python bench/scam_eval.py`` (text alone, no context; the full confusion
table per family and the set's history are in ``bench/scam_eval/README.md``). False positives: of 12,943
CraigslistBargain turns (en) and 384 Russian negotiation messages (ru). Recall: held-out positives.

    ==================  ============================  ============================
    figure              before (984e73c, English)     after
    ==================  ============================  ============================
    FPR en / ru         113 = 0.873 % / 3 = 0.781 %   10 = 0.077 % / 0 = 0.000 %
    recall en held-out  27/67 = 40.3 %                70/79 = 88.6 % (12 more held out, round 3)
    recall ru held-out  4/62 = 6.5 %                  65/66 = 98.5 % (4 more, round 3)
    below 95 % (after)  —                             en overpayment 11/15, courier 11/16;
                                                      ru prepayment 13/14
    ==================  ============================  ============================

The 10 English false positives are real contact details exchanged (4), PayPal/wire transfer offered by a
buyer (3), "pay for the shipping then I can send it out" (1), a site name (1) and "pay $150 more than" (1).
Known misses: numbers written as words, text in images, handles split by spaces ("tele gram"),
Ukrainian/other languages, a scam written politely without any money, code, link or contact word.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from chat.safety import links, rules

NOTES = {
    "contact": _("Keep the conversation here: outside the chat we can't help you if something goes wrong."),
    "payment": _("Don't pay in advance or outside the marketplace: such payments can't be reversed."),
    "deposit": _("A deposit to “hold” an item for a stranger is a common scam. Pay only after you see it."),
    "overpayment": _("Never refund an “overpayment”: the first payment bounces and your refund is lost."),
    "code_request": _("Never share codes from SMS or your bank: they let someone into your account."),
    "card_details": _("Never give your card number, expiry date or CVV: you don't need them to get paid."),
    "link": _("This link leads off the marketplace. Don't enter card details or codes on pages from links."),
    "courier": _("Fake couriers ask you to pay delivery through a link. Pay only on delivery, in person."),
    "bank_account": _("This message has bank details. Don't send money for an item you haven't seen."),
}
STRONG = {"code_request", "card_details", "overpayment"}
# Context defaults, overridable as settings.MARKETPLACE_SCAM_NEW_ACCOUNT_DAYS / MARKETPLACE_SCAM_EARLY_S
# (kept here: marketplace/settings.py is at its 400-line limit). A sender's account younger than this
# many days, or a message in the conversation's first EARLY_S seconds, is a risky context.
NEW_ACCOUNT_DAYS = 14
EARLY_S = 3600
# The same text in 2 other conversations within a day: a copy-paste campaign, not a reply (a seller's
# "still available" to two buyers carries no signal, so it never gets a note from this alone).
REPEAT_WINDOW_S = 24 * 3600
REPEAT_CONVERSATIONS = 2


@dataclass(frozen=True)
class SignalContext:
    """What is known about a message besides its text: the sender's account age in days (None:
    unknown), whether it is among the first messages of its conversation, whether the sender is the
    buyer, and whether the same text went to several conversations."""

    sender_account_days: float | None = None
    early_in_conversation: bool = False
    sender_is_buyer: bool | None = None
    repeated: bool = False

    def risky(self, *, new_account_days: float) -> bool:
        young = self.sender_account_days is not None and self.sender_account_days < new_account_days
        return young or self.early_in_conversation or self.repeated


def _new_account_days() -> float:
    from django.conf import settings

    return getattr(settings, "MARKETPLACE_SCAM_NEW_ACCOUNT_DAYS", NEW_ACCOUNT_DAYS)


def repeat_rule() -> tuple[int, int]:
    """(window in seconds, other conversations): text sent word for word to at least that many other
    conversations within the window is ``SignalContext.repeated``; settings
    MARKETPLACE_SCAM_REPEAT_WINDOW_S / MARKETPLACE_SCAM_REPEAT_CONVERSATIONS override the defaults."""
    from django.conf import settings

    return (
        getattr(settings, "MARKETPLACE_SCAM_REPEAT_WINDOW_S", REPEAT_WINDOW_S),
        getattr(settings, "MARKETPLACE_SCAM_REPEAT_CONVERSATIONS", REPEAT_CONVERSATIONS),
    )


@dataclass(frozen=True)
class TextSignals:
    """What the text alone says (``read_text``): its categories, whether it mentions money at all
    (``rules.MONEY_MENTION``), and whether a link in it is a look-alike or shortened one."""

    categories: frozenset[str]
    money: bool = False
    lookalike_link: bool = False

    def context_matters(self) -> bool:
        """True when the sender's context could change the outcome (there is a signal or a money word)."""
        return bool(self.categories) or self.money


def read_text(text: str) -> TextSignals:
    """Run the text rules over *text* once (the costly part; ``assess`` then weighs the context)."""
    categories = frozenset(rules.text_categories(text))
    lookalike = "link" in categories and any(links.lookalike(host) for host in links.foreign_hosts(text))
    money = bool(rules.MONEY_MENTION.search(text))
    return TextSignals(categories=categories, money=money, lookalike_link=lookalike)


def assess(signals: TextSignals, *, context: SignalContext | None = None) -> tuple[tuple[str, ...], str]:
    """Return (categories in ``NOTES`` order, level) for a text's *signals* in *context*: level is ""
    (no signal), "note" (show the notes) or "hold" (fold the message behind the warning)."""
    risky = context is not None and context.risky(new_account_days=_new_account_days())
    found = set(signals.categories)
    if risky and signals.money:
        found.add("deposit")
    categories = tuple(category for category in NOTES if category in found)
    if not categories:
        return (), ""
    strong = bool(STRONG.intersection(found)) or signals.lookalike_link
    return categories, "hold" if strong and risky else "note"


def notes_for(categories: tuple[str, ...]) -> list[dict]:
    """The recipient-facing notes for *categories*: ``{"category", "text", "help_anchor"}`` each."""
    return [
        {"category": category, "text": NOTES[category], "help_anchor": category.replace("_", "-")}
        for category in categories
    ]


def scam_signals(text: str, *, context: SignalContext | None = None) -> tuple[str, ...]:
    """Return the scam categories found in *text* (keys of ``NOTES``, in that order); () means no note.

    Pure over *text* and *context*; see the module docstring for the rules and the context's effect.
    """
    return assess(read_text(text), context=context)[0]


def scam_level(text: str, *, context: SignalContext | None = None) -> str:
    """Return "" (no signal), "note" (show the note) or "hold" (fold the message behind the warning)."""
    return assess(read_text(text), context=context)[1]


def safety_notes(text: str, *, context: SignalContext | None = None) -> list[dict]:
    """Return the recipient-facing notes for *text*: ``{"category", "text", "help_anchor"}`` per category."""
    return notes_for(scam_signals(text, context=context))
