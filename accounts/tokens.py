"""Signed tokens for links that authenticate one narrow action without a login."""

from django.core import signing

UNSUBSCRIBE_SALT = "accounts.unsubscribe-unread-emails"


def unsubscribe_token(user_id: int) -> str:
    """Return the signed token of the one-click unsubscribe link for *user_id* (no expiry)."""
    return signing.dumps(user_id, salt=UNSUBSCRIBE_SALT, compress=False)


def user_id_from_unsubscribe_token(token: str) -> int | None:
    """Return the user id signed into *token*, or None when it is forged or malformed."""
    try:
        return int(signing.loads(token, salt=UNSUBSCRIBE_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
