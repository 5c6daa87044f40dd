from django.conf import settings


def marketplace(request):
    """Expose the poll interval (seconds) to every template."""
    return {"poll_interval_s": settings.MARKETPLACE_POLL_INTERVAL_S}
