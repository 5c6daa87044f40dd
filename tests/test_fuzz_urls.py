"""Every URL pattern × every parameter, with a NUL byte and with invalid UTF-8: never a server error.

PostgreSQL refuses NUL in text, so a NUL that reaches a query is a 500 there (SQLite stores it); the
suite runs on PostgreSQL in CI.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver

from chat import services
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db

NAMESPACES = {"accounts", "ads", "chat", "moderation"}
# Percent-encoded as a client would send them: a NUL inside a value, and bytes that are not UTF-8.
BAD_VALUES = ["a%00b", "%FF%FE"]
FORM = "application/x-www-form-urlencoded"
# Every query or form parameter a view reads.
PARAMETERS = [
    "q", "ad", "before", "after", "at", "message", "filter", "token", "user_key", "read_up_to", "active",
    "page", "next", "body", "amount", "reason", "details", "archived", "idempotency_key", "username",
    "password", "email", "display_name",
]  # fmt: skip


def patterns(resolver=None, prefix="", namespace=None):
    """Yield ``(route with {name} placeholders, converter names)`` for our apps' URL patterns."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from patterns(entry, prefix + str(entry.pattern), entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and (namespace in NAMESPACES or str(entry.pattern) == "healthz"):
            yield prefix + str(entry.pattern), list(entry.pattern.converters)


def fill(route: str, values: dict) -> str:
    for name in list(values):
        for converter in ("str", "int", "public_id", "path", "slug"):
            route = route.replace(f"<{converter}:{name}>", values[name])
        route = route.replace(f"<{name}>", values[name])
    return "/" + route.lstrip("^").rstrip("$")


@pytest.fixture
def world(db):
    buyer = UserFactory()
    ad = AdFactory()
    conversation, message = services.conversation_start(buyer=buyer, ad=ad, body="Hi")
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get_or_create(name="Moderators")[0])
    good = {
        "public_id": conversation.public_id,
        "ad_public_id": ad.public_id,
        "photo_id": "1",
        "variant": "full",
        "offer_id": "1",
        "action": "accept",
        "token": "x",
        "user_id": str(ad.owner_id),
        "uidb64": "MQ",
        "path": "x.jpg",
    }
    return {"buyer": buyer, "good": good}


def test_nul_and_invalid_utf8_anywhere_never_answer_5xx(client, world):
    client.raise_request_exception = False
    failures = []
    # Logging out would turn the rest of the run into login redirects.
    routes = [(route, converters) for route, converters in patterns() if route != "accounts/logout/"]
    assert len(routes) > 25
    for route, converters in routes:
        client.force_login(world["buyer"])
        good = fill(route, world["good"])
        requests = [("get", good, ""), ("post", good, "")]
        for name in converters:
            for bad in ("a%00b", "%FF", "%00"):
                requests += [
                    (method, fill(route, {**world["good"], name: bad}), "") for method in ("get", "post")
                ]
        for bad in BAD_VALUES:
            # Each parameter alone in a query (a view may stop at the first bad one), all of them in a form.
            requests += [("get", good, f"{parameter}={bad}") for parameter in PARAMETERS]
            requests.append(("post", good, "&".join(f"{parameter}={bad}" for parameter in PARAMETERS)))
        for method, url, query in requests:
            if method == "get":
                response = client.get(f"{url}?{query}" if query else url)
            else:
                response = client.post(url, data=query.encode(), content_type=FORM)
            if response.status_code >= 500:
                failures.append((method, url, query, response.status_code))
    assert failures == [], "\n".join(map(str, failures))


def test_a_nul_in_the_search_text_is_refused_with_a_reason(client, world):
    client.force_login(world["buyer"])
    response = client.get("/chat/search/?q=sofa%00")
    assert response.status_code == 400
    assert "contains a character that cannot be searched for" in response.content.decode()


def test_a_path_id_that_is_not_a_public_id_is_a_404_before_the_view(client, world):
    client.force_login(world["buyer"])
    for url in ("/ads/%00/", "/chat/a%00b/", "/chat/" + "x" * 11 + "/", "/ads/short/x/"):
        assert client.get(url).status_code == 404
