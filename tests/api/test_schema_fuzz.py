"""Schemathesis against the live OpenAPI schema (/api/v1/schema/), authenticated with a device token: every
operation, generated inputs (about half aimed at a real conversation, message, offer or ad of the user),
and every answer checked: no 5xx, a documented status code and content type, a body that matches the
schema, and schema-violating input refused with a 4xx. Bounded: MAX_EXAMPLES per operation (FUZZ_EXAMPLES
in the environment for a longer run), no deadline (CI machines vary)."""

import os
import zlib

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts import services as account_services
from chat import services
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 12))
# What every answer must satisfy, and the negative-data check: input the schema calls invalid is a 4xx.
# Not the positive-data check: the services refuse schema-valid input by rule (an offer on a reserved ad,
# a review before the gate opens, an amount of "abc"); those refusals are 4xx in the documented shape,
# which these checks do verify.
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


# Cases run per operation, printed at the end of the module (``pytest -s`` shows it).
CALLS: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def report_calls():
    yield
    print(f"\nschemathesis: {len(CALLS)} operations, {sum(CALLS.values())} cases")


@pytest.fixture
def api_schema(db):
    # Called straight through WSGI, every request would close the database connection at its end (as
    # in production), and with it the test's transaction; Django's own test client unhooks this too.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    loaded = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    # No undeclared parameters in the negative cases: the API ignores unknown query parameters on purpose
    # (as the site ignores unknown filters), so adding one never makes a request invalid.
    loaded.config.generation.update(allow_extra_parameters=False)
    yield loaded
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def world(db, token_client):
    """A user with a conversation as buyer (an offer in it) and one as seller, and their token."""
    user = UserFactory()
    other = UserFactory()
    ad = AdFactory(owner=other, price=500)
    bought, _ = services.conversation_start(buyer=user, ad=ad, body="Is it available?")
    services.message_send(conversation=bought, sender=other, body="Yes")
    offer = services.offer_make(conversation=bought, user=other, amount="450")
    sold, _ = services.conversation_start(buyer=other, ad=AdFactory(owner=user, price=80), body="Hello")
    _row, token = account_services.api_token_create(user=user, device="fuzz")
    return {
        "user": user,
        "token": token,
        "public_id": [bought.public_id, sold.public_id, ad.public_id],
        "message_id": list(bought.messages.values_list("id", flat=True)),
        "offer_id": [offer.id],
    }


def _aim(case, world) -> None:
    """Point about half the generated path parameters at the user's real objects."""
    for name, real in (
        ("public_id", world["public_id"]),
        ("message_id", world["message_id"]),
        ("offer_id", world["offer_id"]),
    ):
        value = (case.path_parameters or {}).get(name)
        number = zlib.crc32(str(value).encode())
        if value is not None and number % 2 == 0:
            case.path_parameters[name] = real[number % len(real)]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
    derandomize=True,
)
def test_every_operation_answers_within_its_schema(case, world):
    CALLS[case.operation.label] = CALLS.get(case.operation.label, 0) + 1
    _aim(case, world)
    token = world["token"]
    if case.path in ("/api/v1/auth/logout/", "/api/v1/auth/devices/{public_id}/"):
        # These sign a device out: each case signs in a fresh user, so the rest keep their token.
        _row, token = account_services.api_token_create(user=UserFactory(), device="fuzz, signed out")
    # REMOTE_ADDR as gunicorn sets it (the rate limits key on it); the WSGI test client sets none.
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"}, checks=CHECKS, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    )
