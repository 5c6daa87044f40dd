"""The JSON API's plumbing shared by every app's endpoints: one error shape, the Idempotency-Key header,
rate limits as 429, keyset cursors. The apps' ``api`` modules build on it; it imports none of them."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from marketplace import idempotency
from marketplace.ratelimits import RateLimited

IDEMPOTENCY_HEADER = "Idempotency-Key"
# Levels of arrays and objects a JSON body may nest; every body the API takes is an object of scalars
# or of one level of lists, so this is generous. Python's parser itself gives up near 1,000.
JSON_MAX_DEPTH = 16


class ErrorSerializer(serializers.Serializer):
    """Every refusal: ``code`` for programs (the services' ValidationError codes, or ``not_found``,
    ``not_authenticated``, ``permission_denied``, ``invalid``, ``rate_limited``), ``message`` for people,
    and for invalid input ``fields`` (field name → messages)."""

    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class JSONTypesOnly:
    """An input field that takes only its JSON type from a JSON body: DRF's own fields also turn ``0`` into
    ``"0"``, ``"5"`` into 5 and ``"yes"`` into True, which the schema (and a generated client) says is
    invalid. Form bodies (a QueryDict, all text) keep DRF's conversions."""

    json_types: tuple[type, ...] = ()

    def to_internal_value(self, data):
        from_json = not isinstance(getattr(self.root, "initial_data", None), QueryDict)
        wrong_bool = isinstance(data, bool) and bool not in self.json_types
        if from_json and (wrong_bool or not isinstance(data, self.json_types)):
            self.fail("invalid")
        return super().to_internal_value(data)


class CharField(JSONTypesOnly, serializers.CharField):
    json_types = (str,)


class EmailField(JSONTypesOnly, serializers.EmailField):
    json_types = (str,)


class IntegerField(JSONTypesOnly, serializers.IntegerField):
    json_types = (int,)


class BooleanField(JSONTypesOnly, serializers.BooleanField):
    json_types = (bool,)


# Service refusals answered with another status than 400: an Idempotency-Key reused with a different
# request is 422, as Stripe answers it (the request was well formed; it conflicts with the key's first).
# A block (either side's) is 403, RFC 9110 §15.5.4: the request is understood and well formed, this user
# may not do it, and repeating it will not help; 400 stays for what the request itself gets wrong. A photo
# over MARKETPLACE_PHOTO_MAX_BYTES is 413 (content too large, §15.5.14), as a body over
# DATA_UPLOAD_MAX_MEMORY_SIZE is (``too_large``, see ``exception_handler``).
STATUS_OF_CODE = {
    "idempotency_key_mismatch": status.HTTP_422_UNPROCESSABLE_ENTITY,
    "blocked": status.HTTP_403_FORBIDDEN,
    "blocked_by_you": status.HTTP_403_FORBIDDEN,
    "file_too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
}

# The API's own text for refusals whose site text speaks of a form or a page ("Reload the page"): an app
# has neither, it has the Idempotency-Key header.
APP_MESSAGES = {
    "bad_idempotency_key": _(
        "The Idempotency-Key header must be 16–64 characters of A–Z, a–z, 0–9, “_” and “-”; nothing was sent."
    ),
    "idempotency_key_mismatch": _(
        "This Idempotency-Key was already used for a different request, so this one was not stored: "
        "send it with a new key."
    ),
    "idempotency_key_reused": _(
        "This Idempotency-Key was already used to start another conversation: use a new key."
    ),
}
TOO_LARGE = _("The request body is larger than the %(limit)s MB the API accepts.")


class PayloadTooLarge(exceptions.APIException):
    """413 ``too_large``: a body over DATA_UPLOAD_MAX_MEMORY_SIZE (JSON, or a multipart's text fields)."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self):
        super().__init__(TOO_LARGE % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024) or 1})

# The refusals every authenticated endpoint may answer, for its schema (``extend_schema(responses=…)``).
REFUSALS = {code: ErrorSerializer for code in (400, 401, 403, 404, 429)}


class BadJSON(ValueError):
    """A JSON body this site refuses before any view sees it (see ``load_json_object``)."""


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser (the REST_FRAMEWORK parser) refusing, as ParseError (400 ``parse_error``), what
    it would hand on to a view or the database to fail there with a 500 (see ``check_json_object``)."""

    def parse(self, stream, media_type=None, parser_context=None):
        # DRF reads a JSON body from the request stream, past Django's DATA_UPLOAD_MAX_MEMORY_SIZE check.
        request = (parser_context or {}).get("request")
        if request is not None and _content_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            raise PayloadTooLarge
        try:
            return check_json_object(super().parse(stream, media_type, parser_context))
        except RecursionError:
            raise exceptions.ParseError(f"JSON parse error - {TOO_DEEP}") from None
        except BadJSON as error:
            raise exceptions.ParseError(f"JSON parse error - {error}") from None


TOO_DEEP = "the body is nested too deeply."


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def load_json_object(raw: bytes | str):
    """Return the JSON object in *raw* (a request body). Raises BadJSON (a ValueError) for anything
    ``check_json_object`` refuses and ValueError for text that is not JSON, so the caller answers 400."""
    try:
        return check_json_object(json.loads(raw))
    except RecursionError:
        raise BadJSON(TOO_DEEP) from None


def check_json_object(data):
    """Return parsed JSON *data* when it is what every request body here is: a JSON object, nesting at
    most JSON_MAX_DEPTH levels, every string (value or key) valid Unicode. Raises BadJSON otherwise: a
    top-level array or null would reach views that call ``.get``, and a lone surrogate (``"\\ud800"``,
    which JSON escapes allow) fails only at the database. Iterative: a recursive walk could itself run
    out of stack."""
    if not isinstance(data, dict):
        raise BadJSON("the body must be a JSON object.")
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise BadJSON("the body holds text that is not valid Unicode (a lone surrogate).") from None
        elif isinstance(value, dict | list):
            if depth > JSON_MAX_DEPTH:
                raise BadJSON(TOO_DEEP)
            items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
            pending.extend((item, depth + 1) for item in items)
    return data


def error_response(code: str, message: str, status_code: int, *, fields: dict | None = None, headers=None):
    """Return the API's error body ``{"code", "message"[, "fields"]}`` with *status_code*."""
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return Response(body, status=status_code, headers=headers)


def exception_handler(error, context):
    """DRF's EXCEPTION_HANDLER: the services' errors become 4xx in one shape, never a 500.

    Django ValidationError → 400 with its code (``invalid`` when it has none) and its messages joined
    (APP_MESSAGES' text for codes whose site text speaks of a page), or the status STATUS_OF_CODE gives
    its code; a body over DATA_UPLOAD_MAX_MEMORY_SIZE → 413 ``too_large``;
    PermissionDenied → 403 ``permission_denied``; Http404 → 404 ``not_found``; RateLimited → 429
    ``rate_limited`` with Retry-After (seconds); DRF's own errors keep their status with the same shape.
    """
    if isinstance(error, RateLimited):
        return error_response(
            "rate_limited",
            error.message,
            status.HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(error.retry_after_s)},
        )
    if isinstance(error, RequestDataTooBig):  # a multipart body's text fields, read by Django's parser
        error = PayloadTooLarge()
        return error_response(error.default_code, str(error.detail), error.status_code)
    if isinstance(error, DjangoValidationError):
        code = getattr(error, "code", None) or "invalid"
        status_code = STATUS_OF_CODE.get(code, status.HTTP_400_BAD_REQUEST)
        if code in APP_MESSAGES:
            return error_response(code, str(APP_MESSAGES[code]), status_code)
        fields = None
        if hasattr(error, "error_dict"):
            fields = {
                name: [str(m) for e in errors for m in e.messages]
                for name, errors in error.error_dict.items()
            }
        return error_response(code, " ".join(error.messages), status_code, fields=fields)
    if isinstance(error, Http404):
        return error_response("not_found", "Not found.", status.HTTP_404_NOT_FOUND)
    if isinstance(error, PermissionDenied):
        return error_response("permission_denied", str(error) or "Not allowed.", status.HTTP_403_FORBIDDEN)
    response = drf_exception_handler(error, context)
    if response is None:
        return None
    if isinstance(error, exceptions.ValidationError):
        detail = error.detail if isinstance(error.detail, dict) else {"non_field_errors": error.detail}
        fields = {
            name: [str(m) for m in (messages if isinstance(messages, list) else [messages])]
            for name, messages in detail.items()
        }
        message = " ".join(f"{name}: {' '.join(messages)}" for name, messages in fields.items())
        response.data = {"code": "invalid", "message": message, "fields": fields}
        return response
    # The other APIExceptions (401, 405, 406, 415): their default code, e.g. "not_authenticated".
    response.data = {"code": error.default_code, "message": str(error.detail)}
    return response


def idempotency_key(request) -> str | None:
    """Return the request's ``Idempotency-Key`` header (the same key space as the forms'
    ``idempotency_key``: 16–64 of ``[A-Za-z0-9_-]``), or None without one. Raises ValidationError
    ``bad_idempotency_key`` for a malformed value."""
    return idempotency.read_key({idempotency.FIELD: request.headers.get(IDEMPOTENCY_HEADER, "")})


def encode_cursor(moment: datetime, row_id: int) -> str:
    """An opaque keyset cursor for ``(moment, row_id)`` (URL-safe base64 of ``<µs since epoch>_<id>``)."""
    raw = f"{int(moment.timestamp() * 1_000_000)}_{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(value: str | None) -> str | None:
    """Return the ``<µs>_<id>`` text inside a cursor from ``encode_cursor``, None when absent. Raises
    ValidationError ``bad_cursor`` for anything else (a cursor is only ever one this API handed out)."""
    if not value:
        return None
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    micros, _, row_id = text.partition("_")
    if not (micros.isdigit() and row_id.isdigit()):
        raise DjangoValidationError("This cursor is not one the API gave out.", code="bad_cursor")
    return text


def query_int(request, name: str, *, minimum: int = 0, maximum: int = 2**62) -> int | None:
    """Return query parameter *name* as an int in [minimum, maximum], None when absent. Raises
    ValidationError ``invalid`` naming the field otherwise, an empty value too (the API is strict where
    the pages are lenient: a program sent it)."""
    raw = request.query_params.get(name)
    if raw is None:
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        raise DjangoValidationError(
            {name: [f"Enter a whole number from {minimum} to {maximum}."]}, code="invalid"
        )
    return value
