"""Fixtures for the JSON API: a client authenticated with a device token."""

import pytest
from rest_framework.test import APIClient

from accounts import services as account_services


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def token_client():
    """``token_client(user)``: an APIClient sending ``Authorization: Token …`` for *user*."""

    def make(user, device="Test phone"):
        client = APIClient()
        _row, token = account_services.api_token_create(user=user, device=device)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make
