from django import template

from ads import presenters, selectors
from marketplace.money import format_money

register = template.Library()

register.filter("money", format_money)


@register.inclusion_tag(presenters.FAVOURITE_TEMPLATE, takes_context=True)
def favourite_button(context, ad):
    """The heart of *ad* for the request's user (see ``presenters.favourite_context``). Uses the ad's
    ``is_favourite`` annotation when its selector made one; otherwise one query per request for all the
    user's favourites, shared by every card on the page."""
    request = context["request"]
    saved = getattr(ad, "is_favourite", None)
    if saved is None and request.user.is_authenticated and ad.owner_id != request.user.pk:
        if not hasattr(request, "_favourite_ad_ids"):
            request._favourite_ad_ids = selectors.favourite_ad_ids(user=request.user)
        saved = ad.pk in request._favourite_ad_ids
    return presenters.favourite_context(
        ad=ad, user=request.user, saved=saved, next_url=request.get_full_path()
    )
