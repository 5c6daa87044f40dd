"""Formatting of amounts in the site currency, shared by templates and services (notices, offers)."""

from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext


def format_money(amount: Decimal | None) -> str:
    """Format a Decimal amount for the active language: "$1,250" or "$19.99" in English, "1 250 $" in
    Russian; "Price on request" for None.

    The symbol is MARKETPLACE_CURRENCY_SYMBOL.
    """
    if amount is None:
        return gettext("Price on request")
    places = 0 if amount == amount.to_integral_value() else 2
    number = number_format(amount, decimal_pos=places, use_l10n=True, force_grouping=True)
    # Where the symbol goes is the language's: "$1,250" in English, "1 250 $" in Russian.
    return pgettext("money", "%(symbol)s%(amount)s") % {
        "symbol": settings.MARKETPLACE_CURRENCY_SYMBOL,
        "amount": number,
    }
