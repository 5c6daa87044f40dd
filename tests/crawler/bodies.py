"""Request bodies for the crawler: a valid one built from the view's form class (or the API's OpenAPI schema),
an empty one, and malformed ones (broken encodings, a broken multipart, JSON nested past any parser's depth,
lone surrogates, wrong top-level types)."""

import secrets
from decimal import Decimal

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.forms import LoginForm, ProfileForm, PushSubscriptionForm, SignupForm
from ads.forms import AdForm
from chat.forms import (
    ChatSettingsForm,
    ConversationLabelsForm,
    LabelForm,
    MessageEditForm,
    MessageForm,
    ReactionForm,
    ReviewForm,
    StartConversationForm,
)
from chat.forms_replies import AwaySettingsForm
from chat.moderation.forms import ReportForm
from marketplace.forms import MultiplePhotoField
from tests.conftest import make_image_bytes
from tests.factories import TEST_PASSWORD

# The form each HTML route validates, and the fields its template adds (keys, cursors, choices).
FORMS = {
    "chat:send": (MessageForm, lambda: {"idempotency_key": secrets.token_urlsafe(16), "after": "0"}),
    "chat:start": (StartConversationForm, lambda: {"idempotency_key": secrets.token_urlsafe(16)}),
    "chat:message_edit": (MessageEditForm, lambda: {"body": "Edited by the crawler"}),
    "chat:message_react": (ReactionForm, lambda: {"add": "👍"}),
    "chat:review": (ReviewForm, dict),
    "chat:settings": (ChatSettingsForm, dict),
    "chat:label_create": (LabelForm, lambda: {"name": f"crawl {secrets.token_hex(3)}"}),
    "chat:labels": (ConversationLabelsForm, lambda: {"new_label": f"crawl {secrets.token_hex(3)}"}),
    "chat:settings_away": (AwaySettingsForm, lambda: {"enabled": "on", "text": "Away this week."}),
    "moderation:report": (ReportForm, lambda: {"idempotency_key": secrets.token_urlsafe(16)}),
    "moderation:ad_report": (ReportForm, lambda: {"idempotency_key": secrets.token_urlsafe(16)}),
    "moderation:review_report": (ReportForm, lambda: {"idempotency_key": secrets.token_urlsafe(16)}),
    "ads:create": (AdForm, lambda: {"price": "120"}),
    "ads:edit": (AdForm, lambda: {"price": "95"}),
    "accounts:signup": (SignupForm, lambda: {"email": f"new-{secrets.token_hex(4)}@example.com"}),
    "accounts:login": (LoginForm, lambda: {"username": "user1@example.com", "password": TEST_PASSWORD}),
    "admin:login": (LoginForm, lambda: {"username": "user1@example.com", "password": TEST_PASSWORD}),
    "accounts:profile": (ProfileForm, dict),
    "accounts:push_subscribe": (
        PushSubscriptionForm,
        lambda: {
            "endpoint": "https://fcm.googleapis.com/fcm/send/" + secrets.token_hex(8),
            "p256dh": "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1Xbjha"
            "zAkj7I99e8QcYP7DkM",
            "auth": "tBHItJI5svbpez7KI4CCXg",
        },
    ),
    "accounts:password_change": (
        auth_forms.PasswordChangeForm,
        lambda: {
            "old_password": TEST_PASSWORD,
            "new_password1": "A-new pass 8472",
            "new_password2": "A-new pass 8472",
        },
    ),
    "accounts:password_reset": (auth_forms.PasswordResetForm, lambda: {"email": "user1@example.com"}),
    "accounts:password_reset_confirm": (auth_forms.SetPasswordForm, dict),
}
# Routes whose view reads a few named fields and no form class.
FIELDS = {
    "chat:offer_make": lambda: {"amount": "185", "idempotency_key": secrets.token_urlsafe(16)},
    "chat:offer_act": dict,
    "chat:archive": lambda: {"archived": "1"},
    "chat:settings_quick_replies": lambda: {"reply_0": "Pickup after 6 pm."},
    "chat:mute": lambda: {"muted": "1"},
    "chat:pin": lambda: {"pinned": "1"},
    "chat:label_delete": dict,
    "chat:hide": dict,
    "chat:block": dict,
    "chat:mark_unread": dict,
    "chat:typing": dict,
    "chat:message_delete": lambda: {"after": "0"},
    "chat:composer": dict,
    "ads:mark_sold": dict,
    "ads:reactivate": dict,
    "ads:remove": dict,
    "ads:favourite": lambda: {"saved": "1", "next": "/favourites/"},
    "ads:saved_search_create": lambda: {"query": f"q=crawler{secrets.token_hex(3)}", "channel": "daily"},
    "ads:saved_search_update": dict,
    "ads:saved_search_delete": dict,
    "ads:saved_search_open": dict,
    "ads:saved_search_unsubscribe": dict,
    "notifications:unsubscribe": dict,
    "accounts:set_language": lambda: {"language": "ru"},
    "accounts:push_remove": dict,
    "accounts:api_token_revoke": dict,
    "accounts:unblock": dict,
    "accounts:presence_away": dict,
    "accounts:unsubscribe": dict,
    "accounts:logout": dict,
    "accounts:verification_resend": dict,
    "accounts:email_confirm": dict,
    "admin:moderation_report_act": dict,
    "notifications:open": dict,
    "notifications:mark_all_read": dict,
    "notifications:settings": lambda: {"favourite_price_drop__centre": "on", "review_prompt__email": "on"},
    "media": dict,
}


def jpeg(name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_image_bytes(size=(32, 24)), content_type="image/jpeg")


def field_value(name: str, field: forms.Field):
    """A valid value for *field*, by its type (choices take the first real choice)."""
    if isinstance(field, MultiplePhotoField | forms.ImageField | forms.FileField):
        return jpeg()
    if isinstance(field, forms.BooleanField):
        return "on"
    if isinstance(field, forms.ModelChoiceField):
        first = field.queryset.first()
        return str(first.pk) if first else ""
    if isinstance(field, forms.ChoiceField):
        values = [str(value) for value, _ in field.choices if value not in ("", None)]
        return values[0] if values else ""
    if isinstance(field, forms.DecimalField | forms.IntegerField):
        return str(field.min_value if field.min_value is not None else Decimal("100"))
    if isinstance(field, forms.EmailField):
        return f"crawler-{secrets.token_hex(4)}@example.com"
    if isinstance(field, forms.URLField):
        return "https://example.com/"
    if "password" in name:
        return "A-new pass 8472"
    if isinstance(field, forms.CharField):
        text = "Crawler says hello"
        return text[: field.max_length] if field.max_length else text
    return ""


def html_valid(route_name: str) -> dict | None:
    """A valid form body for *route_name*, or None when the crawler does not know its form."""
    if route_name in FORMS:
        form_class, extras = FORMS[route_name]
        try:
            form = form_class()
        except TypeError:
            form = form_class(None)
        data = {name: field_value(name, field) for name, field in form.fields.items()}
        return {**data, **extras()}
    if route_name in FIELDS:
        return FIELDS[route_name]()
    return None


FORM = "application/x-www-form-urlencoded"
# (label, content type, raw body): what a broken client or an attacker sends to any POST route.
MALFORMED = [
    ("bad percent-encoding", FORM, b"body=%ZZ%FF%00&amount=%E0%A4&=&&&idempotency_key=%C0%AF"),
    (
        "broken multipart",
        "multipart/form-data; boundary=xyz",
        b"--xyz\r\nContent-Disposition: form-data\r\n\r\n",
    ),
    ("multipart without boundary", "multipart/form-data", b"whatever"),
]
JSON_MALFORMED = [
    ("deeply nested JSON", b"[" * 50_000),
    ("not JSON", b"{'body': 'single quotes'"),
    ("top-level array", b'["hello"]'),
    ("top-level string", b'"hello"'),
    ("top-level number", b"42"),
    ("top-level null", b"null"),
    (
        "lone surrogate",
        b'{"body": "\\ud800", "reason": "\\ud800", "details": "\\ud800", "amount": "\\ud800"}',
    ),
    ("wrong types", b'{"body": {"a": 1}, "amount": [1], "reason": 5, "email": null, "password": false}'),
]


def schema_example(schema: dict, components: dict, depth: int = 0):
    """A valid instance of an OpenAPI *schema* (resolving ``$ref`` in *components*), or None."""
    if depth > 8:
        return None
    if "$ref" in schema:
        return schema_example(components[schema["$ref"].rsplit("/", 1)[1]], components, depth + 1)
    for combinator in ("allOf", "oneOf", "anyOf"):
        if combinator in schema:
            parts = [schema_example(s, components, depth + 1) for s in schema[combinator]]
            if combinator == "allOf" and all(isinstance(p, dict) for p in parts):
                return {k: v for part in parts for k, v in part.items()}
            return next((p for p in parts if p is not None), None)
    if "enum" in schema:
        return next((value for value in schema["enum"] if value is not None), None)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {
            name: schema_example(sub, components, depth + 1)
            for name, sub in props.items()
            if not sub.get("readOnly")
        }
    if kind == "array":
        item = schema_example(schema.get("items", {}), components, depth + 1)
        return [] if item is None else [item]
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 100
    if kind == "boolean":
        return False
    if kind == "string":
        fmt = schema.get("format", "")
        if fmt == "email":
            return "user1@example.com"
        if fmt == "decimal" or schema.get("pattern", "").startswith("^-?\\d"):
            return "185.00"
        if fmt == "binary":
            return None
        return "Crawler says hello"[: schema.get("maxLength", 200)]
    return None


def api_valid(name: str, operation: dict, components: dict) -> dict | None:
    """A JSON body for an API *operation* from its schema, with the few values the schema cannot say."""
    content = operation.get("requestBody", {}).get("content", {})
    schema = (content.get("application/json") or next(iter(content.values()), {})).get("schema")
    body = schema_example(schema, components) if schema else {}
    body = body if isinstance(body, dict) else {}
    if name == "api-login":
        body.update(email="user1@example.com", password=TEST_PASSWORD)
    if "amount" in body:
        body["amount"] = "185.00"
    if "reason" in body:
        body["reason"] = "spam"
    for stars in ("reliability", "friendliness"):
        if stars in body:
            body[stars] = 4
    return {key: value for key, value in body.items() if value is not None}
