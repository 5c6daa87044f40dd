"""Signed tokens for links that authenticate one narrow action without a login."""

from django.core import signing

from marketplace import unsubscribe

UNSUBSCRIBE_SALT = "accounts.unsubscribe-unread-emails"


def unsubscribe_token(user_id: int) -> str:
    """Return the signed token of the one-click unsubscribe link for *user_id* (no expiry)."""
    return unsubscribe.sign(user_id, salt=UNSUBSCRIBE_SALT)


def user_id_from_unsubscribe_token(token: str) -> int:
    """Return the user id signed into *token*; raise Http404 when it is forged or malformed."""
    return unsubscribe.read_user_id(token, salt=UNSUBSCRIBE_SALT)


EMAIL_VERIFICATION_SALT = "accounts.email-verification"


def email_verification_token(*, user_id: int, email: str) -> str:
    """Return the signed, timestamped token of the link that confirms *email* for user *user_id*.

    The address is signed in, so a link mailed before the address changed confirms nothing.
    """
    return signing.dumps([user_id, email], salt=EMAIL_VERIFICATION_SALT, compress=False)


def email_verification_read(token: str, *, max_age_s: int) -> tuple[int, str]:
    """Return ``(user id, email)`` signed into *token* by ``email_verification_token``.

    Raises ``signing.SignatureExpired`` when it is older than *max_age_s* seconds and
    ``signing.BadSignature`` (its base class) when it is forged, cut short or malformed.
    """
    value = signing.loads(token, salt=EMAIL_VERIFICATION_SALT, max_age=max_age_s)
    try:
        user_id, email = value
        return int(user_id), str(email)
    except (TypeError, ValueError):
        raise signing.BadSignature("Not an email verification token.") from None
