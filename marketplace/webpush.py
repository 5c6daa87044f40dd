"""Web Push transport (pywebpush: VAPID signing, RFC 8291 aes128gcm encryption) and VAPID keys.

Keys come from the environment: MARKETPLACE_VAPID_PUBLIC_KEY (base64url, the uncompressed P-256 point
browsers take as ``applicationServerKey``), MARKETPLACE_VAPID_PRIVATE_KEY (base64url, raw 32 bytes) and
MARKETPLACE_VAPID_SUBJECT (a ``mailto:`` or ``https:`` contact the push services may use, RFC 8292).
``manage.py generate_vapid_keys`` makes a pair. Without keys Web Push is off.
"""

from __future__ import annotations

import json
import logging

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from py_vapid import Vapid01
from py_vapid.utils import b64urlencode
from pywebpush import WebPushException, webpush

logger = logging.getLogger(__name__)

# A push that could not be delivered within this many seconds is dropped by the push service: a
# notification about a chat message is worth little after a day; the email covers it.
TTL_S = 24 * 3600
# Seconds to wait for the push service.
TIMEOUT_S = 10
# The push service's answers meaning "this subscription is gone": delete it (RFC 8030 §7.3).
GONE = {404, 410}


def configured() -> bool:
    """Return True when VAPID keys are set (read at call time)."""
    return bool(settings.MARKETPLACE_VAPID_PUBLIC_KEY and settings.MARKETPLACE_VAPID_PRIVATE_KEY)


def generate_keys() -> tuple[str, str]:
    """Return a new VAPID key pair ``(public, private)``, both base64url without padding."""
    vapid = Vapid01()
    vapid.generate_keys()
    public = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = vapid.private_key.private_numbers().private_value.to_bytes(32, "big")
    return b64urlencode(public), b64urlencode(private)


def send(*, endpoint: str, p256dh: str, auth: str, payload: dict) -> int:
    """Encrypt *payload* (a JSON-able dict) for one subscription and POST it to its push service.

    Returns the push service's HTTP status (201 when accepted; 404/410 mean the subscription is gone),
    or 0 when it could not be reached. Never raises for a push service's answer or a network error."""
    try:
        response = webpush(
            subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
            data=json.dumps(payload),
            vapid_private_key=settings.MARKETPLACE_VAPID_PRIVATE_KEY,
            # A new dict each time: pywebpush writes "aud" and "exp" into it.
            vapid_claims={"sub": settings.MARKETPLACE_VAPID_SUBJECT},
            ttl=TTL_S,
            timeout=TIMEOUT_S,
        )
    except WebPushException as error:
        status = error.response.status_code if error.response is not None else 0
        if status not in GONE:
            logger.warning("push service refused a notification: %s", error)
        return status
    except Exception:  # noqa: BLE001 - network errors of any kind: the email is the fallback
        logger.warning("push service unreachable", exc_info=True)
        return 0
    return response.status_code
