from django.conf import settings
from django.utils.functional import SimpleLazyObject


def marketplace(request):
    """Expose the poll interval (seconds) and, lazily, the header badge (``selectors.unread_badge``)."""
    context = {"poll_interval_s": settings.MARKETPLACE_POLL_INTERVAL_S}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from chat import selectors

        # Lazy: costs its one query only on pages that show the badge.
        context["badge"] = SimpleLazyObject(lambda: selectors.unread_badge(user=user))
    return context
