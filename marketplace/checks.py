"""System checks for a deployment (``manage.py check --deploy``), registered by ``accounts.apps``."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


@register(deploy=True)
def site_url_check(app_configs=None, **kwargs) -> list[Warning]:
    """Warn when ``MARKETPLACE_SITE_URL``, the address every email links to (confirmation, password reset,
    unread messages, unsubscribe), is not a public https address: left at its development default, each
    link would point at the recipient's own machine."""
    parts = urlsplit(settings.MARKETPLACE_SITE_URL)
    if parts.scheme == "https" and parts.hostname and parts.hostname not in LOCAL_HOSTS:
        return []
    return [
        Warning(
            f"MARKETPLACE_SITE_URL is {settings.MARKETPLACE_SITE_URL!r}: links in emails would lead there.",
            hint="Set MARKETPLACE_SITE_URL to the site's public https address.",
            id="marketplace.W001",
        )
    ]
