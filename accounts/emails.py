"""The emails sign-up sends: the confirmation link for a new address, and the "you already have an account"
note for one that is taken. Both go in the recipient's language (``User.language``, else the site's)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from accounts.tokens import email_verification_token


def _absolute(path: str, next_url: str = "") -> str:
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    return settings.MARKETPLACE_SITE_URL.rstrip("/") + path + query


def _confirm_url(user: User, next_url: str) -> str:
    token = email_verification_token(user_id=user.pk, email=user.email)
    return _absolute(reverse("accounts:email_confirm", args=[token]), next_url)


def send_verification_email(*, user: User, next_url: str = "") -> None:
    """Mail *user* the link that confirms their address (valid MARKETPLACE_EMAIL_VERIFICATION_TTL_S
    seconds); *next_url* (a local URL, checked again when used) is where the login after it goes."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "confirm_url": _confirm_url(user, next_url),
            "days": max(1, settings.MARKETPLACE_EMAIL_VERIFICATION_TTL_S // 86400),
        }
        EmailMessage(
            subject=gettext("Confirm your email address for Marketplace"),
            body=render_to_string("accounts/email/verify.txt", context),
            to=[user.email],
        ).send()


def send_existing_account_email(*, user: User, language: str = "", next_url: str = "") -> None:
    """Tell the owner of *user*'s address that someone (most likely they) tried to sign up with it again:
    links to log in and to reset the password, and, while the address is unconfirmed, to confirm it.
    In *user*'s language, else *language* (the sign-up page's), else the site's."""
    with translation.override(user.language or language or settings.LANGUAGE_CODE):
        context = {
            "user": user,
            "login_url": _absolute(reverse("accounts:login"), next_url),
            "reset_url": _absolute(reverse("accounts:password_reset")),
            "confirm_url": "" if user.email_verified else _confirm_url(user, next_url),
        }
        EmailMessage(
            subject=gettext("You already have a Marketplace account"),
            body=render_to_string("accounts/email/existing_account.txt", context),
            to=[user.email],
        ).send()
