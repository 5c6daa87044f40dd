from django.utils.functional import SimpleLazyObject

from chat import selectors


def unread_badge(request):
    """Expose the header badge (``selectors.unread_badge``) to logged-in pages, lazily: it costs its one
    query only on pages that show it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"badge": SimpleLazyObject(lambda: selectors.unread_badge(user=user))}
