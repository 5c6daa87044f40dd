"""Signing up and resetting a password, the way both front doors do it (the site's forms in
``accounts.views``, the API's ``accounts.api.signup``): the rate limits go through the request gate
(``marketplace.requests.guarded``), charged per client address, and the answers never tell whether an
address has an account."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpRequest

from accounts import services
from marketplace.ratelimits import RateLimited, check_rate_limit
from marketplace.requests import Outcome, guarded


@dataclass
class AddressCharge:
    """A named rule (``settings.MARKETPLACE_RATE_LIMITS``) counted per client address, even for a
    logged-in client (sign-up and reset mails are what a script would send from many accounts)."""

    rule: str

    def take(self, request: HttpRequest) -> None:
        check_rate_limit(request, self.rule, key="ip")

    def settle(self, result) -> None:
        pass


def signup_guarded(request: HttpRequest, *, cleaned: dict, language: str, next_url: str = "") -> Outcome:
    """Sign up with SignupForm's *cleaned* data (``email``, ``display_name``, ``password1``) through
    the request gate: ``signup_by_ip`` refuses (``rate_limited``, with the wait); over
    ``signup_email_by_address`` the answer is the same and no email is sent
    (``services.user_signup``, which also hides whether the address was free)."""
    email = cleaned["email"]

    def call(_key):
        try:
            check_rate_limit(request, "signup_email_by_address", key=lambda group, request: email)
            send_email = True
        except RateLimited:
            send_email = False
        return services.user_signup(
            email=email,
            password=cleaned["password1"],
            display_name=cleaned["display_name"],
            language=language,
            next_url=next_url,
            send_email=send_email,
        )

    return guarded(request, rule=AddressCharge("signup_by_ip"), call=call)


def password_reset_guarded(request: HttpRequest, *, form: PasswordResetForm) -> Outcome:
    """Mail the reset link of a valid PasswordResetForm *form* (Django's own email, the same as the
    site's "Forgot your password?") through the request gate, charged to ``password_reset_by_ip``.
    Nothing tells whether the address has an account (Django sends nothing then)."""

    def call(_key):
        form.save(request=request, use_https=request.is_secure())
        return True

    return guarded(request, rule=AddressCharge("password_reset_by_ip"), call=call)
