from decimal import Decimal

from django import template
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma

register = template.Library()


@register.filter
def money(amount: Decimal | None) -> str:
    """Format a Decimal price: "$1,250" or "$19.99"; "Price on request" for None."""
    if amount is None:
        return "Price on request"
    symbol = getattr(settings, "MARKETPLACE_CURRENCY_SYMBOL", "$")
    if amount == amount.to_integral_value():
        return f"{symbol}{intcomma(int(amount))}"
    return f"{symbol}{intcomma(f'{amount:.2f}')}"
