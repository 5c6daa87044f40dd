"""System notices in a conversation ("Sam accepted the offer of $250."), shown in each reader's language.

A notice is stored as a code and its parameters (``Message.notice``, ``Message.notice_params``) and
rendered when shown, so a Russian reader reads it in Russian; ``Message.body`` keeps the English text for
search, moderators and older clients. Amounts are stored as Decimal strings and formatted for the
reader's locale (``marketplace.money.format_money``).
"""

from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from marketplace.money import format_money
from marketplace.sentences import sentence_format

NOTICES = {
    "offer": _("Offer: %(amount)s"),
    "counter_offer": _("Counter-offer: %(amount)s"),
    "offer_accepted": _("%(name)s accepted the offer of %(amount)s."),
    "offer_declined": _("%(name)s declined the offer of %(amount)s."),
    "offer_withdrawn": _("%(name)s withdrew the offer of %(amount)s."),
    "offer_expired": _("The offer of %(amount)s expired."),
    "told_reserved": _("This item has been reserved for another buyer."),
    "told_sold": _("This item has been sold."),
    "told_available": _("This item is available again."),
    "told_removed": _("This ad was removed. Offers about it are closed."),
    "deal_reserved": _("%(seller)s reserved this item for %(buyer)s."),
    "deal_sold": _("%(seller)s marked this item as sold to %(buyer)s."),
    "deal_released": _("%(seller)s released the reservation. The item is on sale again."),
    # The seller's away message (chat.services.replies): their own words, introduced in the reader's language.
    "away": _("Automatic reply from %(name)s: %(text)s"),
}


def notice_params(**params) -> dict:
    """Return *params* as stored in ``Message.notice_params``: JSON values, Decimal amounts as strings."""
    return {key: str(value) if isinstance(value, Decimal) else value for key, value in params.items()}


def notice_text(code: str, params: dict) -> str:
    """Return notice *code* (a key of NOTICES) with *params* in the active language, with no doubled full
    stop after a name ("sold to Sam Jr."); KeyError for an unknown code."""
    values = dict(params)
    if "amount" in values:
        values["amount"] = format_money(Decimal(values["amount"]))
    return sentence_format(NOTICES[code], values)


def notice_text_in_english(code: str, params: dict) -> str:
    """Return the notice as ``Message.body`` stores it (English, whatever the sender's language)."""
    with translation.override("en"):
        return notice_text(code, params)


def status_change_text(deal) -> str:
    """Return the sentence telling the seller how many other conversations about the ad a *deal* told
    (``chat.services.deals.DealOutcome``), or "" when none were."""
    told = deal.conversations_told
    if not told:
        return ""
    return ngettext(
        "%(count)d other conversation about it was told.",
        "%(count)d other conversations about it were told.",
        told,
    ) % {"count": told}
