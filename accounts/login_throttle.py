"""Per-account login throttling that an attacker cannot turn into a lockout of the real user.

Policy (OWASP's "device cookies" scheme for slowing online guessing, Blocking Brute Force Attacks):
- every address is limited (``login_by_ip``), whatever account it tries;
- failed passwords for one account are counted across all addresses (``login_failures_by_account``:
  10 per 15 minutes); past that, attempts for the account from an unknown browser are refused until
  the window ends, at most 15 minutes, without checking the password;
- a browser that has logged into the account before carries a signed device cookie naming it, and is
  not held by that account limit (only by its address's), so a real user's own phone or laptop keeps
  working while someone else guesses; anyone can still reset the password by email.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

DEVICE_COOKIE = "known_device"
DEVICE_SALT = "accounts.known-device"
DEVICE_MAX_AGE_S = 365 * 24 * 3600
# Accounts remembered per browser (a shared family laptop).
DEVICE_MAX_ACCOUNTS = 5


def account_key(username: str) -> str:
    """Return an opaque key for the account named *username* (an email, compared case-insensitively):
    an HMAC, so neither the cache nor the cookie holds the address."""
    normalized = (username or "").strip().lower().encode()
    return hmac.new(settings.SECRET_KEY.encode(), normalized, hashlib.sha256).hexdigest()[:32]


def ratelimit_key(group: str, request: HttpRequest) -> str:
    """django-ratelimit key function: the account the login form names."""
    return account_key(request.POST.get("username", ""))


def _known_accounts(request: HttpRequest) -> list[str]:
    try:
        value = request.get_signed_cookie(DEVICE_COOKIE, salt=DEVICE_SALT, max_age=DEVICE_MAX_AGE_S)
    except (KeyError, signing.BadSignature):
        return []
    return [key for key in value.split(",") if key][:DEVICE_MAX_ACCOUNTS]


def is_known_device(request: HttpRequest, username: str) -> bool:
    """True when this browser has logged into *username*'s account before (valid signed cookie)."""
    return account_key(username) in _known_accounts(request)


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a successful login, add the account to this browser's device cookie (newest first)."""
    key = account_key(username)
    known = [key, *(other for other in _known_accounts(request) if other != key)][:DEVICE_MAX_ACCOUNTS]
    response.set_signed_cookie(
        DEVICE_COOKIE,
        ",".join(known),
        salt=DEVICE_SALT,
        max_age=DEVICE_MAX_AGE_S,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
