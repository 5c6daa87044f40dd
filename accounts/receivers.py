"""Signal receivers of the accounts app, connected in ``AccountsConfig.ready``."""

from django.contrib.auth.signals import user_logged_out

from marketplace import pushpin


def end_live_streams(sender, request, user, **kwargs) -> None:
    """Logging out ends the user's live streams (``marketplace.pushpin``): a stream opened with this session
    must not keep delivering events. Their other devices reconnect at once and are let in again by their
    own sessions."""
    if user is not None:
        pushpin.close(pushpin.user_channel(user.pk))


def connect() -> None:
    user_logged_out.connect(end_live_streams, dispatch_uid="accounts.end_live_streams")
