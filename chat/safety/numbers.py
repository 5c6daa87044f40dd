"""Numbers in message text that carry a scam signal: phone numbers (not price ranges), card numbers (Luhn)
and IBANs (ISO 13616 mod 97)."""

from __future__ import annotations

import re

# Phone layouts, each anchored on its own shape so a price range ("11,000-11-800", "11 000-11 800",
# "7 000-8 500") does not read as one: international with +/00, Russian 8/7 + 10 digits, North American
# (3-3-4, area code optionally in brackets), UK mobile 0xxxx xxxxxx, or 10–11 digits written solid.
PHONE = re.compile(
    r"(?<![\w+])(?<!\d\s)(?<!\d-)(?:"
    r"(?:\+|00)\d[\d\s().\-]{8,18}\d"
    r"|[78][\s\-]*\(?\d{3}\)?[\s\-]*\d{3}[\s\-]*\d{2}[\s\-]*\d{2}"
    r"|\(\d{3}\)\s?\d{3}[\s.\-]\d{4}"
    r"|\d{3}[\s.\-]\d{3}[\s.\-]\d{4}"
    r"|0\d{4}\s\d{6}"
    r"|\d{10,11}"
    r")(?![\w])"
)
# 13–19 digits, optionally in groups of 4 (the last shorter) separated by one space or dash.
CARD = re.compile(r"(?<![\d\w])\d{4}(?:[ \-]?\d{4}){2}[ \-]?\d{1,7}(?![\d\w])")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]){11,30}\b", re.IGNORECASE)


def phone_like(text: str) -> bool:
    """Return True if *text* holds a phone number in one of the layouts above (10–15 digits)."""
    for match in PHONE.finditer(text):
        digits = sum(character.isdigit() for character in match.group())
        if 10 <= digits <= 15:
            return True
    return False


def luhn_ok(digits: str) -> bool:
    """Return True if the digit string passes the Luhn (mod 10) check used by every payment card."""
    total = 0
    for position, character in enumerate(reversed(digits)):
        value = int(character)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def card_number_like(text: str) -> bool:
    """Return True if *text* holds 13–19 digits that pass the Luhn check and are not all one digit."""
    for match in CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn_ok(digits):
            return True
    return False


def _iban_checksum_ok(candidate: str) -> bool:
    """ISO 13616 check: move the first four characters to the end, letters to 10..35, mod 97 == 1."""
    compact = candidate.replace(" ", "").upper()
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(character, 36)) for character in rearranged)
    return int(digits) % 97 == 1


def iban_like(text: str) -> bool:
    """Return True if *text* holds an IBAN-shaped string whose mod-97 checksum is valid."""
    return any(_iban_checksum_ok(match.group()) for match in IBAN.finditer(text))
