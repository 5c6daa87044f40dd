"""The served OpenAPI schema is a contract a generator can build on (marketplace/openapi.py): JSON bodies
(multipart only where a file is sent), no free-form objects, named enums with readable members, the
bearer scheme, declared ETag / Retry-After / 304 / 401 / 429 / 202, and the wire rules as constraints.
tests/api/test_generated_clients.py drives the generated clients themselves."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def _objects(node, where=""):
    """Every schema object (with its location) below *node*."""
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            yield where, node
        for key, value in node.items():
            yield from _objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, f"{where}/{index}")


def test_request_bodies_are_json_and_multipart_only_with_a_file(schema):
    media = {
        (path, method): sorted(operation["requestBody"]["content"])
        for path, method, operation in _operations(schema)
        if "requestBody" in operation
    }
    multipart = {key for key, types in media.items() if "multipart/form-data" in types}
    photos_only = ("/api/v1/my/ads/{public_id}/photos/", "post")  # a file is all it takes: no JSON form
    assert multipart == {("/api/v1/conversations/{public_id}/messages/send/", "post"), photos_only}
    assert media.pop(photos_only) == ["multipart/form-data"]
    assert all(types[0] == "application/json" for types in media.values())


def test_no_object_is_free_form(schema):
    loose = [
        where
        for where, node in _objects(schema["components"]["schemas"])
        if not node.get("properties") and not isinstance(node.get("additionalProperties"), dict)
    ]
    assert loose == []


def test_enums_are_named_and_reactions_have_member_names(schema):
    components = schema["components"]["schemas"]
    assert {"AdStatus", "OfferStatus", "ReportReason", "MessageKind", "ParticipantRole"} <= set(components)
    assert components["ReactionEmoji"]["x-enum-varnames"] == ["THUMBS_UP", "HEART", "LAUGH", "WOW", "THANKS"]
    assert components["Message"]["properties"]["offer"]["oneOf"][0] == {"$ref": "#/components/schemas/Offer"}


def test_the_token_scheme_is_bearer(schema):
    scheme = schema["components"]["securitySchemes"]["deviceToken"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")


def test_responses_declare_their_headers_and_statuses(schema):
    changes = schema["paths"]["/api/v1/conversations/{public_id}/changes/"]["get"]
    assert {"200", "304", "401"} <= set(changes["responses"])
    assert "ETag" in changes["responses"]["200"]["headers"]
    send = schema["paths"]["/api/v1/conversations/{public_id}/messages/send/"]["post"]
    assert send["responses"]["429"]["headers"]["Retry-After"]["required"] is True
    resend = schema["paths"]["/api/v1/auth/verification/resend/"]["post"]
    assert "202" in resend["responses"]
    for _path, _method, operation in _operations(schema):
        if operation["security"]:
            assert "401" in operation["responses"], operation["operationId"]


def test_the_wire_rules_are_constraints(schema):
    send = schema["paths"]["/api/v1/conversations/{public_id}/messages/send/"]["post"]
    key = next(p for p in send["parameters"] if p["name"] == "Idempotency-Key")
    assert key["schema"]["pattern"] == "^[A-Za-z0-9_-]{16,64}$"
    ads = schema["paths"]["/api/v1/ads/"]["get"]
    parameters = {p["name"]: p["schema"] for p in ads["parameters"]}
    assert parameters["posted"]["enum"] == [1, 7, 30]
    assert parameters["sort"]["enum"] == ["newest", "price_asc", "price_desc", "relevance"]
    assert parameters["photos"]["type"] == "boolean" and "page" not in parameters
    search = schema["paths"]["/api/v1/search/"]["get"]
    q = next(p for p in search["parameters"] if p["name"] == "q")["schema"]
    assert (q["minLength"], q["maxLength"]) == (1, 200)
    photos = schema["components"]["schemas"]["SendPhotosRequest"]["properties"]["photos"]
    assert photos["maxItems"] == 5
