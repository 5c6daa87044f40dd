"""Device tokens in the Authorization header: ``Token <token>`` (django-rest-knox's own prefix, what the
site's docs show) or ``Bearer <token>`` (what OpenAPI's ``http``/``bearer`` scheme makes generated clients
send, openapi-python-client's and openapi-fetch's defaults among them)."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from knox import auth
from rest_framework import exceptions
from rest_framework.authentication import get_authorization_header

PREFIXES = (b"token", b"bearer")


class TokenAuthentication(auth.TokenAuthentication):
    """knox's TokenAuthentication taking either prefix (case-insensitive); 401 answers still name
    ``Token`` in WWW-Authenticate."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() not in PREFIXES:
            return None  # no header, or one for another scheme: the next authenticator's turn
        if len(words) != 2:
            raise exceptions.AuthenticationFailed()  # a prefix with no token, or a token with spaces
        return self.authenticate_credentials(words[1])


class TokenScheme(OpenApiAuthenticationExtension):
    """The schema's name for it: HTTP bearer, so generators send ``Authorization: Bearer …``."""

    target_class = "accounts.api.authentication.TokenAuthentication"
    name = "deviceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A device token from POST /auth/login/, as `Bearer <token>` or `Token <token>`.",
        }
