"""Native push through Firebase Cloud Messaging's HTTP v1 API: the transport, which knows no app (as
``marketplace.web_push`` for browsers). ``chat.delivery.app_push`` decides who gets what.

Authentication is OAuth 2.0 with a service account (RFC 7523, the flow google-auth implements): a JWT
signed RS256 with the account's private key (PyJWT, already a dependency) is exchanged at the token
endpoint for an access token, kept until a minute before it expires. Settings (read at call time, with
the environment as the default, so settings.py stays as it is):

- ``MARKETPLACE_FCM_SERVICE_ACCOUNT``: path of the service-account JSON (``project_id``,
  ``client_email``, ``private_key``); empty = native push off.
- ``MARKETPLACE_FCM_TOKEN_URL``: the OAuth token endpoint (default: the JSON's ``token_uri``, else
  Google's).
- ``MARKETPLACE_FCM_SEND_URL``: the send endpoint, ``{project_id}`` filled in (default: FCM's).
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time

import jwt
import requests
from django.conf import settings

logger = logging.getLogger(__name__)

SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"
FCM_SEND_URL = "https://fcm.googleapis.com/v1/projects/{project_id}/messages:send"
TIMEOUT_S = 10
# FCM's answer for a registration token that is no longer valid (the app was uninstalled, …).
GONE = {404}
_lock = threading.Lock()
_access: dict[str, tuple[str, float]] = {}  # client_email -> (access token, expires at, monotonic)


def _setting(name: str, default: str = "") -> str:
    return getattr(settings, name, None) or os.environ.get(name, default)


def configured() -> bool:
    """Return True when a service account is configured (read at call time)."""
    return bool(_setting("MARKETPLACE_FCM_SERVICE_ACCOUNT"))


def _account() -> dict:
    with open(_setting("MARKETPLACE_FCM_SERVICE_ACCOUNT"), encoding="utf-8") as file:
        return json.load(file)


def access_token(account: dict) -> str:
    """Return an OAuth access token for service account *account* (its JSON as a dict), from the cache or
    a new JWT-bearer exchange. Raises requests' errors, or ValueError for an answer with no token."""
    with _lock:
        cached = _access.get(account["client_email"])
        if cached and cached[1] > time.monotonic():
            return cached[0]
    token_url = _setting("MARKETPLACE_FCM_TOKEN_URL", account.get("token_uri") or GOOGLE_TOKEN_URL)
    now = int(time.time())
    claims = {"iss": account["client_email"], "scope": SCOPE, "aud": token_url, "iat": now, "exp": now + 3600}
    headers = {"kid": account["private_key_id"]} if account.get("private_key_id") else None
    assertion = jwt.encode(claims, account["private_key"], algorithm="RS256", headers=headers)
    answer = requests.post(
        token_url,
        data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion},
        timeout=TIMEOUT_S,
    )
    answer.raise_for_status()
    body = answer.json()
    if not body.get("access_token"):
        raise ValueError("the token endpoint answered no access_token")
    expires_at = time.monotonic() + max(int(body.get("expires_in", 3600)) - 60, 0)
    with _lock:
        _access[account["client_email"]] = (body["access_token"], expires_at)
    return body["access_token"]


def send(*, token: str, notification: dict, data: dict, collapse: str) -> int:
    """Send one notification to FCM registration *token*; return the HTTP status (0 for a network
    error). *notification* is ``{"title", "body"}``; *data* string values for the app (the conversation's
    URL…); *collapse* replaces an earlier notification with the same key on the device (Android's tag,
    APNs' collapse id). 404 (``GONE``): the token is no longer valid. Never raises."""
    try:
        account = _account()
        bearer = access_token(account)
        url = _setting("MARKETPLACE_FCM_SEND_URL", FCM_SEND_URL).format(project_id=account["project_id"])
        message = {
            "token": token,
            "notification": notification,
            "data": {key: str(value) for key, value in data.items()},
            "android": {"collapse_key": collapse, "notification": {"tag": collapse}},
            "apns": {"headers": {"apns-collapse-id": collapse[:64]}},
        }
        answer = requests.post(
            url, json={"message": message}, headers={"Authorization": f"Bearer {bearer}"}, timeout=TIMEOUT_S
        )
    except (OSError, ValueError, KeyError, requests.RequestException):
        logger.warning("FCM send failed", exc_info=True)
        return 0
    if answer.status_code == 401:  # the access token was revoked early: the next send fetches another
        with _lock:
            _access.pop(account["client_email"], None)
    if answer.status_code >= 400 and answer.status_code not in GONE:
        logger.warning("FCM refused a message: %s %s", answer.status_code, answer.text[:200])
    return answer.status_code
