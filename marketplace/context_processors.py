from django.conf import settings

from marketplace import pushpin


def marketplace(request):
    """Expose the poll interval (seconds) to every template, and ``push_stream``: True when the page
    should open the user's live event stream (a logged-in user, push on, and the page served through
    Pushpin, which alone can hold the stream), and ``vapid_public_key`` for the Web Push opt-in."""
    user = getattr(request, "user", None)
    return {
        "poll_interval_s": settings.MARKETPLACE_POLL_INTERVAL_S,
        "push_stream": bool(user is not None and user.is_authenticated and pushpin.proxied(request)),
        # Web Push: the key browsers subscribe with ("" = off).
        "vapid_public_key": settings.MARKETPLACE_VAPID_PUBLIC_KEY
        if settings.MARKETPLACE_VAPID_PRIVATE_KEY
        else "",
    }
