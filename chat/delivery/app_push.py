"""Native push to signed-in apps (``accounts.AppPushDevice``, FCM through ``marketplace.fcm``), sent by
the Web Push pass (``chat.delivery.web_push``) under its rules: the same rows due, the same "user away"
check (no page polled for MARKETPLACE_WEBPUSH_AFTER_S), the same notification (``payload_for``) and one
per conversation burst. Unlike Web Push's (RFC 8291, encrypted for the browser) an FCM payload is
readable by Google: it carries what a Web Push shows on a lock screen, no more."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import AppPushDevice
from marketplace import fcm


def configured() -> bool:
    """Return True when native push is configured (a service account)."""
    return fcm.configured()


def send_to_apps(*, user_id: int, payload: dict) -> int:
    """Send *payload* (``web_push.payload_for``: title, body, url, tag) to each of user *user_id*'s app
    devices; return how many FCM accepted. Tokens FCM answers 404 for are deleted. Does nothing when
    native push is off. Never raises (``fcm.send`` logs its failures)."""
    if not configured():
        return 0
    accepted = 0
    for device in AppPushDevice.objects.filter(user_id=user_id):
        status = fcm.send(
            token=device.token,
            notification={"title": payload["title"], "body": payload["body"]},
            data={"url": payload["url"], "tag": payload["tag"]},
            collapse=payload["tag"],
        )
        if status in fcm.GONE:
            AppPushDevice.objects.filter(pk=device.pk).delete()
        elif 200 <= status < 300:
            accepted += 1
            AppPushDevice.objects.filter(pk=device.pk).update(last_sent_at=timezone.now())
    return accepted
