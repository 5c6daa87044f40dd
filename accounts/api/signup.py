"""API: signing up (with email confirmation) and resetting a forgotten password, for apps. The forms, the
rate limits and the emails are the site's (``accounts.forms``, ``accounts.signup``, Django's password
reset): the links in the emails open the site, and an app that handles them (a universal link / app link)
sends their token here instead."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from accounts import services
from accounts.forms import SignupForm
from accounts.models import User
from accounts.signup import password_reset_guarded, signup_guarded
from accounts.tokens import email_verification_read
from marketplace import api
from marketplace.api import ErrorSerializer

ACCEPTED = OpenApiResponse(description="Accepted: an email is on its way if the address allows it.")
PUBLIC_REFUSALS = {400: ErrorSerializer, 429: ErrorSerializer}
INVALID_LINK = _("This link is invalid or has expired: ask for a new one.")


class SignupSerializer(serializers.Serializer):
    email = api.EmailField(max_length=254)
    display_name = api.CharField(max_length=60)
    password = api.CharField(max_length=128, help_text="Checked by the site's password rules.")
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, help_text="Of the emails.")


class TokenOnlySerializer(serializers.Serializer):
    token = api.CharField(max_length=500, help_text="The token at the end of the emailed link.")


class VerifiedSerializer(serializers.Serializer):
    email = serializers.EmailField()
    verified = serializers.BooleanField()


class ResetRequestSerializer(serializers.Serializer):
    email = api.EmailField(max_length=254)


class ResetConfirmSerializer(serializers.Serializer):
    uid = api.CharField(max_length=64, help_text="The `<uidb64>` part of the emailed link.")
    token = api.CharField(max_length=100, help_text="The `<token>` part of the emailed link.")
    new_password = api.CharField(max_length=128)


# The site forms' two password fields are one in the API.
FIELD_NAMES = {
    "password1": "password",
    "password2": "password",
    "new_password1": "new_password",
    "new_password2": "new_password",
}


def _form_refusal(form) -> ValidationError:
    """A form's errors as the API's 400 ``invalid`` with ``fields`` named as the API's."""
    fields: dict[str, list] = {}
    for name, errors in form.errors.as_data().items():
        fields.setdefault(FIELD_NAMES.get(name, name), []).extend(errors)
    error = ValidationError(fields)
    error.code = "invalid"
    return error


def _public(view):
    return permission_classes([AllowAny])(authentication_classes([])(view))


@extend_schema(request=SignupSerializer, responses={202: ACCEPTED, **PUBLIC_REFUSALS}, auth=[])
@api_view(["POST"])
@_public
def signup(request):
    """Sign up: the same answer (202) whether or not the address already has an account.

    A free address gets an unconfirmed account and a confirmation link; a taken one gets a note to log in
    instead (nothing here tells them apart). The password is checked by the site's rules (400 with
    ``fields``); over ``signup_by_ip`` 429 with Retry-After. Log in with ``POST auth/login/`` at once;
    sending messages waits for the confirmation (``POST auth/verification/confirm/``)."""
    data = SignupSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    fields = data.validated_data
    password = fields["password"]
    form = SignupForm(
        {
            "email": fields["email"],
            "display_name": fields["display_name"],
            "password1": password,
            "password2": password,
        }
    )
    if not form.is_valid():
        raise _form_refusal(form)
    language = fields.get("language") or translation.get_language() or ""
    signup_guarded(request, cleaned=form.cleaned_data, language=language).answer()
    return Response(status=status.HTTP_202_ACCEPTED)


@extend_schema(
    request=TokenOnlySerializer, responses={200: VerifiedSerializer, 400: ErrorSerializer}, auth=[]
)
@api_view(["POST"])
@_public
def verification_confirm(request):
    """Confirm an email address with the token of the confirmation link (``/accounts/confirm/<token>/``).

    Answers the address, verified; a repeat answers the same. 400 ``invalid_link`` for an expired, forged
    or outdated token (the address changed since); ``POST auth/verification/resend/`` mails a new one."""
    data = TokenOnlySerializer(data=request.data)
    data.is_valid(raise_exception=True)
    try:
        user_id, email = email_verification_read(
            data.validated_data["token"], max_age_s=settings.MARKETPLACE_EMAIL_VERIFICATION_TTL_S
        )
    except signing.BadSignature:  # SignatureExpired is one
        raise ValidationError(INVALID_LINK, code="invalid_link") from None
    user = services.user_email_verify(user_id=user_id, email=email)
    if user is None:
        raise ValidationError(INVALID_LINK, code="invalid_link")
    return Response({"email": user.email, "verified": True})


@extend_schema(request=ResetRequestSerializer, responses={202: ACCEPTED, **PUBLIC_REFUSALS}, auth=[])
@api_view(["POST"])
@_public
def password_reset(request):
    """Mail a password reset link: 202 whether or not the address has an account (none is sent then).

    The email is the site's "Forgot your password?" one; its link ends ``/<uid>/<token>/``, which
    ``POST auth/password/reset/confirm/`` takes. Over ``password_reset_by_ip`` 429 with Retry-After."""
    data = ResetRequestSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    form = PasswordResetForm({"email": data.validated_data["email"]})
    if not form.is_valid():
        raise _form_refusal(form)
    password_reset_guarded(request, form=form).answer()
    return Response(status=status.HTTP_202_ACCEPTED)


@extend_schema(
    request=ResetConfirmSerializer,
    responses={204: OpenApiResponse(description="The password is changed."), 400: ErrorSerializer},
    auth=[],
)
@api_view(["POST"])
@_public
def password_reset_confirm(request):
    """Set a new password with the emailed link's ``uid`` and ``token`` (Django's reset tokens: one use,
    PASSWORD_RESET_TIMEOUT). 400 ``invalid_link`` for a bad or used link; 400 with ``fields`` for a
    password the site's rules refuse. Every device token of the account is revoked (whoever knew the old
    password may hold one), as the site's reset does; log in again with ``POST auth/login/``."""
    data = ResetConfirmSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    fields = data.validated_data
    try:
        user = User.objects.get(pk=int(urlsafe_base64_decode(fields["uid"]).decode()))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError, User.DoesNotExist):
        user = None
    if user is None or not default_token_generator.check_token(user, fields["token"]):
        raise ValidationError(INVALID_LINK, code="invalid_link")
    password = fields["new_password"]
    form = SetPasswordForm(user, {"new_password1": password, "new_password2": password})
    if not form.is_valid():
        raise _form_refusal(form)
    form.save()
    services.api_tokens_revoke_all(user=user)
    return Response(status=status.HTTP_204_NO_CONTENT)
