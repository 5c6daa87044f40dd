"""Error pages themselves never fail (found by the crawler, tests/crawler)."""

import pytest
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_404_from_a_csrf_exempt_view_with_an_unparseable_multipart_body_is_a_404():
    # The 404 page's own CSRF check parsed the body and raised MultiPartParserError: a 500 before the fix.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(UserFactory())
    client.cookies["csrftoken"] = secret = "a" * 32
    response = client.generic(
        "POST",
        "/accounts/unsubscribe/forged-token/",
        b"whatever",
        content_type="multipart/form-data",
        headers={"X-CSRFToken": secret},
    )
    assert response.status_code == 404
    assert "<html" in response.content.decode()
