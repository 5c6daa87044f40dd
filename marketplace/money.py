"""Formatting of amounts in the site currency, shared by templates and services (notices, offers)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma


def format_money(amount: Decimal | None) -> str:
    """Format a Decimal amount: "$1,250" or "$19.99"; "Price on request" for None.

    The symbol is MARKETPLACE_CURRENCY_SYMBOL.
    """
    if amount is None:
        return "Price on request"
    symbol = settings.MARKETPLACE_CURRENCY_SYMBOL
    if amount == amount.to_integral_value():
        return f"{symbol}{intcomma(int(amount))}"
    return f"{symbol}{intcomma(f'{amount:.2f}')}"
