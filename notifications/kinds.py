"""The kinds of notification: what each one says (in the reader's language, from stored parameters) and
which channels it uses unless the user chose otherwise.

A notification stores its kind and a small dict of parameters, never a rendered sentence: the centre,
the API, Web Push and email render ``text`` with the reader's active language at read time. Adding a kind
is one entry in ``KINDS`` (and its Russian msgstr).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from marketplace.money import format_money


@dataclass(frozen=True)
class Kind:
    """One kind: its settings label, the sentence it renders (``params`` → text in the active
    language) and its default channels (centre, email, Web Push)."""

    label: object
    render: Callable[[dict], str]
    centre: bool = True
    email: bool = False
    push: bool = True


def _p(params: dict, key: str) -> str:
    return str(params.get(key, ""))


def _money(params: dict, key: str) -> str:
    """An amount stored as a Decimal string, formatted for the reader's locale ("" when absent)."""
    try:
        return format_money(Decimal(str(params[key])))
    except (KeyError, InvalidOperation):
        return ""


def _saved_search(params: dict) -> str:
    count = int(params.get("count") or 0)
    return ngettext("%(count)s new ad for “%(name)s”", "%(count)s new ads for “%(name)s”", count) % {
        "count": count,
        "name": _p(params, "name"),
    }


KINDS: dict[str, Kind] = {
    "offer_received": Kind(
        _("Offers received"),
        lambda p: (
            gettext("%(name)s offered %(amount)s for “%(title)s”")
            % {"name": _p(p, "name"), "amount": _money(p, "amount"), "title": _p(p, "title")}
        ),
        push=False,  # the offer card is a chat message: the chat's own Web Push covers it
    ),
    "counter_offer_received": Kind(
        _("Counter-offers received"),
        lambda p: (
            gettext("%(name)s made a counter-offer of %(amount)s for “%(title)s”")
            % {"name": _p(p, "name"), "amount": _money(p, "amount"), "title": _p(p, "title")}
        ),
        push=False,  # the offer card is a chat message: the chat's own Web Push covers it
    ),
    "deal_reserved": Kind(
        _("Ads reserved for you"),
        lambda p: gettext("“%(title)s” is reserved for you") % {"title": _p(p, "title")},
        email=True,
    ),
    "deal_sold": Kind(
        _("Ads sold to you"),
        lambda p: gettext("“%(title)s” is sold to you") % {"title": _p(p, "title")},
        email=True,
    ),
    "favourite_price_drop": Kind(
        _("Price drops of favourites"),
        lambda p: (
            gettext("Price drop: “%(title)s” now costs %(price)s (was %(previous)s)")
            % {"title": _p(p, "title"), "price": _money(p, "price"), "previous": _money(p, "previous")}
        ),
    ),
    "favourite_reserved": Kind(
        _("Favourites reserved"),
        lambda p: gettext("“%(title)s” from your favourites is reserved") % {"title": _p(p, "title")},
        push=False,
    ),
    "favourite_sold": Kind(
        _("Favourites sold"),
        lambda p: gettext("“%(title)s” from your favourites is sold") % {"title": _p(p, "title")},
        push=False,
    ),
    "favourite_back_on_sale": Kind(
        _("Favourites back on sale"),
        lambda p: gettext("“%(title)s” from your favourites is on sale again") % {"title": _p(p, "title")},
    ),
    "favourite_removed": Kind(
        _("Favourites removed"),
        lambda p: gettext("“%(title)s” from your favourites was removed") % {"title": _p(p, "title")},
        push=False,
    ),
    # Pushed by the saved search itself when its channel is "instant" (ads.search_alerts.announce_matches).
    "saved_search_match": Kind(_("Saved search matches"), _saved_search, push=False),
    "review_prompt": Kind(
        _("Review reminders"),
        lambda p: (
            gettext("How did it go with %(name)s? Review your deal for “%(title)s”")
            % {"name": _p(p, "name"), "title": _p(p, "title")}
        ),
        push=False,
    ),
    "moderation_ad_removed": Kind(
        _("Moderation decisions"),
        lambda p: gettext("A moderator removed your ad “%(title)s”") % {"title": _p(p, "title")},
        email=True,
    ),
}


def text(kind: str, params: dict) -> str:
    """Return the sentence for a notification of *kind* with *params*, in the active language; an
    unknown kind (one removed since) renders as a generic line, never an error."""
    entry = KINDS.get(kind)
    if entry is None:
        return gettext("Something happened on the marketplace")
    return entry.render(params or {})


# The kinds as choices, for the API's enum (``NotificationKind`` in marketplace.openapi).
KIND_CHOICES = [(kind, kind) for kind in KINDS]
