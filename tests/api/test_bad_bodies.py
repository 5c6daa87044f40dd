"""Malformed JSON bodies on every API operation that takes one: a 400 with ``{code, message}``, never a 500.

The operations come from the OpenAPI schema (drf-spectacular's generator), so a new endpoint that takes
a JSON body is covered without touching this file. Each is aimed at real objects of the caller (their
conversation, their message, a review of them) so the body is actually read."""

import json

import pytest
from drf_spectacular.generators import SchemaGenerator

from ads import saved_searches
from chat import services
from chat.models import Review
from tests.chat.test_services_reputation import review, talked
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db

# A lone surrogate, as JSON escapes it: json.loads accepts it, UTF-8 (and the database) cannot encode it.
BAD_BODIES = {
    "deep_array": b"[" * 50_000,
    "deep_object": b'{"body":' * 50_000,
    "nested_too_deep": b'{"body":' + b"[" * 200 + b"]" * 200 + b"}",
    "top_level_array": b'["Hello"]',
    "top_level_string": b'"Hello"',
    "top_level_number": b"42",
    "top_level_null": b"null",
    "top_level_true": b"true",
    "surrogate_in_text": (
        rb'{"body": "x\ud800", "reason": "spam", "text": "x\ud800", "device": "x\ud800", '
        rb'"email": "a@b.example", "password": "x\ud800", "emoji": "x\ud800", "amount": "10"}'
    ),
    "surrogate_in_reason": rb'{"reason": "\ud800", "details": "\ud800"}',
    "surrogate_in_key": rb'{"\udc00": 1}',
    "surrogate_in_list": rb'{"body": ["\ud800"]}',
    "invalid_utf8": b'{"body": "\xed\xa0\x80"}',
    "not_json": b'{"body": ',
    "nan": b'{"amount": NaN}',
}


def json_operations() -> list[tuple[str, str]]:
    """``(method, path template)`` of every operation whose request body may be JSON."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "application/json" in (operation.get("requestBody") or {}).get("content", {})
    ]


@pytest.fixture
def world(token_client):
    """The caller (a buyer) with a conversation two days old in which both wrote reviews, their own
    message, an ad of someone else's, and a client with their device token."""
    buyer, seller = UserFactory(), UserFactory()
    ad = AdFactory(owner=seller, price=500)
    conversation = talked(buyer, ad)
    review(conversation, buyer)
    of_buyer = review(conversation, seller)
    assert Review.objects.filter(pk=of_buyer.pk).exists()
    message = services.message_send(conversation=conversation, sender=buyer, body="Mine")
    return {
        "client": token_client(buyer),
        "{public_id}": {
            "ads": AdFactory(owner=seller).public_id,
            "conversations": conversation.public_id,
            "saved-searches": saved_searches.saved_search_create(user=buyer, query="q=sofa").public_id,
            "favourites": ad.public_id,
            "my": AdFactory(owner=buyer).public_id,
        },
        "{message_id}": message.id,
        "{review_id}": of_buyer.id,
        "{reply_id}": services.quick_reply_add(user=buyer, text="Mine")["id"],
    }


def url_for(template: str, world) -> str:
    url = template.replace("{message_id}", str(world["{message_id}"]))
    url = url.replace("{review_id}", str(world["{review_id}"]))
    url = url.replace("{reply_id}", str(world["{reply_id}"]))
    kind = url.split("/")[3]  # /api/v1/<kind>/{public_id}/…
    return url.replace("{public_id}", str(world["{public_id}"].get(kind, "")))


def test_the_schema_lists_the_json_operations():
    operations = json_operations()
    assert ("POST", "/api/v1/auth/login/") in operations
    assert ("POST", "/api/v1/conversations/{public_id}/messages/send/") in operations
    assert len(operations) >= 10


@pytest.mark.parametrize("kind", BAD_BODIES)
@pytest.mark.parametrize(("method", "template"), json_operations())
def test_a_malformed_json_body_is_a_400_with_a_code(world, method, template, kind):
    response = world["client"].generic(
        method, url_for(template, world), BAD_BODIES[kind], content_type="application/json"
    )
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == "parse_error" and body["message"]


def test_the_unauthenticated_login_refuses_deep_nesting_too(api):
    response = api.generic("POST", "/api/v1/auth/login/", b"[" * 50_000, content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "parse_error"


def test_a_good_body_still_works(world):
    url = url_for("/api/v1/conversations/{public_id}/messages/send/", world)
    response = world["client"].generic(
        "POST", url, json.dumps({"body": "Still fine ✓ 😀"}), content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["body"] == "Still fine ✓ 😀"
