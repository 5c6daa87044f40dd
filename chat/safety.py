"""Scam signals in message text: off-platform contact and payment pushes, shown to the recipient as a note.

The note is advice next to the message, never a verdict: the message is delivered and shown exactly as
written, whatever matches. Rules (case-insensitive), one category each:

- ``contact``: a phone number (8–15 digits, optionally ``+``/``00``, with spaces, dots, dashes or
  brackets between them), an email address, or a messenger name or link (WhatsApp, wa.me, Telegram, t.me,
  Signal, Viber, WeChat, Kik, Snapchat, Line).
- ``payment``: PayPal (incl. paypal.me), Western Union, MoneyGram, Zelle, Venmo, Cash App, Revolut, Wise,
  gift cards, bank/wire transfer, deposit, crypto/bitcoin/BTC/USDT.
- ``courier``: courier, delivery/shipping agent, DHL, FedEx, UPS, "shipping company" - the fake
  delivery-payment link scam.
- ``bank_account``: an IBAN-like string (2 letters, 2 check digits, 11–30 letters/digits) whose mod-97
  checksum is valid (ISO 13616), so ordinary codes and serial numbers rarely match.

Known false positives: a serial or order number of 8+ digits reads as a phone number; "I won't pay by
PayPal" or "no deposit needed" still trigger ``payment``; "UPS" in "ups and downs"; a seller's honest
"I can ship with DHL". Known false negatives: numbers written in words or split by letters ("zero seven
nine…", "0 7 9 1 x"), obfuscated handles ("tele gram", "what's app" with other spellings), links behind
URL shorteners, images of text, and languages other than English. Tuned for recall: a needless note costs
a glance; a missed one may cost a buyer their money.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d\s().\-]{6,22}\d(?!\w)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
MESSENGER = re.compile(
    r"\b(?:whats\s?app|wa\.me|telegram|t\.me/|signal\s+(?:me|app|number)|viber|we\s?chat|kik|snapchat|"
    r"line\s+id)\b",
    re.IGNORECASE,
)
PAYMENT = re.compile(
    r"\b(?:paypal(?:\.me)?|western\s+union|money\s?gram|zelle|venmo|cash\s?app|revolut|wise\s+transfer|"
    r"gift\s?cards?|bank\s+transfer|wire\s+transfer|deposit|crypto|bitcoin|btc|usdt)\b",
    re.IGNORECASE,
)
COURIER = re.compile(
    r"\b(?:courier|(?:delivery|shipping)\s+(?:agent|company)|dhl|fedex|ups)\b",
    re.IGNORECASE,
)
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30}\b", re.IGNORECASE)

NOTES = {
    "contact": _(
        "Keep the conversation here: scammers move chats to phone, email or messengers, where we "
        "can't help you."
    ),
    "payment": _(
        "Never pay outside the marketplace: bank transfers, payment links, gift cards and crypto "
        "can't be reversed."
    ),
    "courier": _(
        "Be careful with courier or delivery offers that ask you to pay or enter card details through a link."
    ),
    "bank_account": _(
        "This message contains bank account details. Don't send a deposit for an item you haven't seen."
    ),
}


def _phone_like(text: str) -> bool:
    for match in PHONE.finditer(text):
        digits = sum(character.isdigit() for character in match.group())
        if 8 <= digits <= 15:
            return True
    return False


def _iban_checksum_ok(candidate: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters to 10..35, mod 97 == 1."""
    compact = candidate.replace(" ", "").upper()
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(character, 36)) for character in rearranged)
    return int(digits) % 97 == 1


def _iban_like(text: str) -> bool:
    return any(_iban_checksum_ok(match.group()) for match in IBAN.finditer(text))


def scam_signals(text: str) -> tuple[str, ...]:
    """Return the categories of off-platform contact/payment pushes found in *text* (keys of ``NOTES``).

    Pure function over the text as stored; an empty tuple means no note. See the module docstring for the
    rules and their known false positives and negatives.
    """
    found = []
    if _phone_like(text) or EMAIL.search(text) or MESSENGER.search(text):
        found.append("contact")
    if PAYMENT.search(text):
        found.append("payment")
    if COURIER.search(text):
        found.append("courier")
    if _iban_like(text):
        found.append("bank_account")
    return tuple(found)


def safety_notes(text: str) -> list[str]:
    """Return the recipient-facing notes for *text*, one per category found (may be empty)."""
    return [NOTES[category] for category in scam_signals(text)]
