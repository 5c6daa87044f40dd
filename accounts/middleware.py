from django.conf import settings
from django.core.cache import cache
from django.utils import timezone


def last_seen_cache_key(user_id: int) -> str:
    return f"accounts:last-seen-written:{user_id}"


class LastSeenMiddleware:
    """Refresh ``User.last_seen_at`` at most once per MARKETPLACE_ONLINE_WINDOW_S seconds per user.

    The gate is an atomic ``cache.add`` so concurrent requests (several server processes when the cache
    is Redis) write at most once per window; every other request costs no database write.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from accounts import services

            # The key lives for one window: the first request after it expires writes again. An open chat
            # polls every 30 s, so an active user is rewritten within 30 s of the window and stays "online".
            if cache.add(last_seen_cache_key(user.pk), 1, timeout=settings.MARKETPLACE_ONLINE_WINDOW_S):
                services.user_touch_last_seen(user=user, now=timezone.now())
        return self.get_response(request)
