"""Web Push transport (pywebpush: VAPID signing, RFC 8291 aes128gcm encryption) and VAPID keys.

Keys come from the environment: MARKETPLACE_VAPID_PUBLIC_KEY (base64url, the uncompressed P-256 point
browsers take as ``applicationServerKey``), MARKETPLACE_VAPID_PRIVATE_KEY (base64url, raw 32 bytes) and
MARKETPLACE_VAPID_SUBJECT (a ``mailto:`` or ``https:`` contact the push services may use, RFC 8292).
``manage.py generate_vapid_keys`` makes a pair. Without keys Web Push is off.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import logging
import socket
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from py_vapid import Vapid01
from py_vapid.utils import b64urlencode
from pywebpush import WebPushException, webpush
from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

logger = logging.getLogger(__name__)

# A push that could not be delivered within this many seconds is dropped by the push service: a
# notification about a chat message is worth little after a day; the email covers it.
TTL_S = 24 * 3600
# Seconds to wait for the push service.
TIMEOUT_S = 10
# The push service's answers meaning "this subscription is gone": delete it (RFC 8030 §7.3).
GONE = {404, 410}
# What send() answers for an endpoint it will not connect to (see ``check_endpoint`` and
# ``check_addresses``): the subscription is deleted like a gone one.
REFUSED = -1
ENDPOINT_REFUSED = _("This browser's push service is not supported.")
KEYS_REFUSED = _("The subscription could not be read.")
# RFC 8291: the browser's key is an uncompressed P-256 point, its auth secret 16 random bytes.
P256_POINT_BYTES = 65
AUTH_BYTES = 16


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


def check_subscription(*, endpoint: str, p256dh: str, auth: str) -> None:
    """Raise ValidationError unless *endpoint* may be POSTed to (``check_endpoint``: code
    ``push_endpoint``) and *p256dh* (base64url) is a point on P-256 and *auth* (base64url) 16 bytes
    (code ``push_keys``): keys pywebpush cannot encrypt with would fail at every send."""
    check_endpoint(endpoint)
    try:
        point = _b64url_decode(p256dh)
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
        valid = len(point) == P256_POINT_BYTES and len(_b64url_decode(auth)) == AUTH_BYTES
    except ValueError:  # binascii.Error and cryptography's "not a point on the curve" are ValueErrors
        valid = False
    if not valid:
        raise ValidationError(KEYS_REFUSED, code="push_keys")


def _b64url_decode(value: str) -> bytes:
    if not isinstance(value, str) or not value.isascii():
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))
    except binascii.Error as error:
        raise ValueError("not base64url") from error


def check_endpoint(endpoint: str) -> str:
    """Return the host of push service URL *endpoint*, or raise ValidationError ``push_endpoint``.

    The URL is parsed by urllib3, the library pywebpush's requests connects with (a parser that reads
    ``https://127.0.0.1\\@fcm.googleapis.com/`` differently from the client would let an allowed name
    stand in front of any address), and must also read the same to ``urllib.parse``; it must be https
    on the default port with a host name in MARKETPLACE_WEBPUSH_HOSTS (or a subdomain), with no
    backslash, user info, IP literal, whitespace or non-ASCII character. The name's addresses are
    checked when sending (``check_addresses``). With MARKETPLACE_WEBPUSH_ALLOW_LOOPBACK (tests only)
    ``http://127.0.0.1:<port>/…`` passes too."""
    host = _endpoint_host(endpoint)
    if host is None:
        raise ValidationError(ENDPOINT_REFUSED, code="push_endpoint")
    return host


def _endpoint_host(endpoint) -> str | None:
    if not isinstance(endpoint, str) or not endpoint.isascii() or "\\" in endpoint:
        return None
    if any(ord(character) <= 0x20 or ord(character) == 0x7F for character in endpoint):
        return None
    try:
        url = parse_url(endpoint)
        other = urlsplit(endpoint)
        other_host, other_port = other.hostname, other.port
    except (LocationParseError, ValueError):
        return None
    host = (url.host or "").lower()
    if url.auth is not None or "@" in (url.netloc or "") or other.username is not None:
        return None
    if host != (other_host or "") or url.port != other_port:
        return None
    if settings.MARKETPLACE_WEBPUSH_ALLOW_LOOPBACK and url.scheme == "http" and host == "127.0.0.1":
        return host
    if url.scheme != "https" or url.port not in (None, 443) or _is_ip_literal(host):
        return None
    known = settings.MARKETPLACE_WEBPUSH_HOSTS
    return host if any(host == name or host.endswith("." + name) for name in known) else None


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def check_addresses(host: str) -> None:
    """Resolve *host* and raise ValidationError ``push_address`` unless every address is a public one:
    a name on an allowed domain may still resolve to a loopback, private (10/8, 192.168/16, fc00::/7),
    link-local (169.254.169.254, the cloud metadata service), shared or reserved address. Raises
    OSError (socket.gaierror) when the name does not resolve. With MARKETPLACE_WEBPUSH_ALLOW_LOOPBACK
    (tests only) loopback addresses pass.

    Checked just before pywebpush connects; requests resolves the name again, so a DNS answer changed
    in between (rebinding) is not caught here."""
    for *_rest, sockaddr in socket.getaddrinfo(host, 443, type=socket.SOCK_STREAM):
        address = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if address.version == 6 and address.ipv4_mapped is not None:
            address = address.ipv4_mapped
        loopback_allowed = settings.MARKETPLACE_WEBPUSH_ALLOW_LOOPBACK and address.is_loopback
        if not (address.is_global and not address.is_multicast) and not loopback_allowed:
            raise ValidationError(f"{host} resolves to {address}, not a public address.", code="push_address")


def send(*, endpoint: str, p256dh: str, auth: str, payload: dict) -> int:
    """Encrypt *payload* (a JSON-able dict) for one subscription and POST it to its push service.

    Returns the push service's HTTP status (201 when accepted; 404/410 mean the subscription is gone),
    REFUSED when *endpoint* fails ``check_endpoint`` or resolves to an address that is not public
    (``check_addresses``; nothing is sent), or 0 when it could not be reached. Never raises for a push
    service's answer or a network error."""
    try:
        check_addresses(check_endpoint(endpoint))
    except ValidationError as error:
        logger.warning("push endpoint refused, nothing sent: %s", " ".join(error.messages))
        return REFUSED
    except OSError:
        logger.warning("push service name did not resolve", exc_info=True)
        return 0
    # Redirects are not followed: one could lead anywhere, past the checks above (requests raises
    # TooManyRedirects, counted as unreachable).
    session = requests.Session()
    session.max_redirects = 0
    try:
        with session:
            response = webpush(
                subscription_info={"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}},
                data=json.dumps(payload),
                vapid_private_key=settings.MARKETPLACE_VAPID_PRIVATE_KEY,
                # A new dict each time: pywebpush writes "aud" and "exp" into it.
                vapid_claims={"sub": settings.MARKETPLACE_VAPID_SUBJECT},
                ttl=TTL_S,
                timeout=TIMEOUT_S,
                requests_session=session,
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
