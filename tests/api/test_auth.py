"""API: logging in for a device token (rate limited like the form), devices, signing out, CSRF."""

import pytest
from django.test import Client

from accounts import services as account_services
from accounts.models import ApiToken
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/api/v1/auth/login/"


def test_login_returns_a_token_that_authenticates(api, buyer):
    response = api.post(
        LOGIN, {"email": buyer.email, "password": TEST_PASSWORD, "device": "Pixel 8"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["device"]["device"] == "Pixel 8" and body["user"]["public_id"] == buyer.public_id
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    devices = api.get("/api/v1/auth/devices/").json()
    assert [(d["device"], d["current"]) for d in devices] == [("Pixel 8", True)]
    assert ApiToken.objects.get().digest != body["token"]  # only the digest is stored


def test_a_wrong_password_is_refused_without_saying_which_part(api, buyer):
    for email in (buyer.email, "nobody@example.com"):
        response = api.post(LOGIN, {"email": email, "password": "wrong"}, format="json")
        assert response.status_code == 400
        assert response.json() == {
            "code": "invalid_login",
            "message": "Enter a correct email address and password.",
        }


def test_login_is_rate_limited_like_the_form(api, buyer, settings):
    settings.MARKETPLACE_RATE_LIMITS = {
        **settings.MARKETPLACE_RATE_LIMITS,
        "login_failures_by_account": [(900, 3)],
    }
    for _ in range(3):
        api.post(LOGIN, {"email": buyer.email, "password": "wrong"}, format="json")
    response = api.post(LOGIN, {"email": buyer.email, "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()["code"] == "rate_limited"


def test_bad_login_input_is_a_400_with_fields(api):
    response = api.post(LOGIN, {"email": "not an email"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and set(body["fields"]) == {"email", "password"}


def test_revoking_a_device_signs_it_out(token_client, buyer):
    phone, laptop = token_client(buyer, "Phone"), token_client(buyer, "Laptop")
    devices = phone.get("/api/v1/auth/devices/").json()
    laptop_id = next(d["public_id"] for d in devices if d["device"] == "Laptop")
    assert phone.delete(f"/api/v1/auth/devices/{laptop_id}/").status_code == 204
    assert laptop.get("/api/v1/unread/").status_code == 401
    assert phone.post("/api/v1/auth/logout/").status_code == 204
    assert phone.get("/api/v1/unread/").status_code == 401
    other = token_client(UserFactory())
    assert other.delete(f"/api/v1/auth/devices/{laptop_id}/").status_code == 404


def test_the_session_works_but_writes_need_the_csrf_token(client, buyer, conversation):
    client.force_login(buyer)
    assert client.get("/api/v1/unread/").json() == {"unread_conversations": 0}
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(buyer)
    response = strict.post(f"/api/v1/conversations/{conversation.public_id}/read/")
    assert response.status_code == 403 and "CSRF" in response.json()["message"]


def test_anonymous_requests_get_401_with_the_error_shape(api):
    response = api.get("/api/v1/conversations/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_profile_page_lists_and_signs_out_app_devices(client, token_client, buyer):
    phone = token_client(buyer, "Bea's iPhone")
    client.force_login(buyer)
    page = client.get("/accounts/profile/").content.decode()
    assert "Bea&#x27;s iPhone" in page and "Apps signed in" in page
    token = ApiToken.objects.get(user=buyer)
    response = client.post(f"/accounts/devices/{token.public_id}/revoke/")
    assert response.status_code == 302 and not ApiToken.objects.exists()
    assert phone.get("/api/v1/unread/").status_code == 401


def test_sending_is_rate_limited_with_retry_after(token_client, buyer, conversation, settings):
    settings.MARKETPLACE_RATE_LIMITS = {**settings.MARKETPLACE_RATE_LIMITS, "message_by_user": [(60, 2)]}
    client = token_client(buyer)
    url = f"/api/v1/conversations/{conversation.public_id}/messages/send/"
    codes = [client.post(url, {"body": f"m{i}"}, format="json").status_code for i in range(3)]
    assert codes == [201, 201, 429]
    refused = client.post(url, {"body": "again"}, format="json")
    assert refused.json()["code"] == "rate_limited" and int(refused["Retry-After"]) > 0


@pytest.mark.parametrize("prefix", ["Bearer", "bearer", "Token"])
def test_the_token_is_taken_with_the_bearer_prefix_generated_clients_send(api, buyer, prefix):
    _row, token = account_services.api_token_create(user=buyer, device="Generated client")
    api.credentials(HTTP_AUTHORIZATION=f"{prefix} {token}")
    assert api.get("/api/v1/auth/devices/").status_code == 200


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer wrong-token"])
def test_a_malformed_or_unknown_bearer_token_is_401(api, header):
    api.credentials(HTTP_AUTHORIZATION=header)
    response = api.get("/api/v1/auth/devices/")
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_too_many_devices_lists_them_and_a_login_can_sign_one_out(api, token_client, buyer):
    """The way out of ``too_many_devices`` needs no working device: the password is the re-auth."""
    oldest = token_client(buyer, device="Old phone")
    for index in range(account_services.API_TOKENS_PER_USER - 1):
        account_services.api_token_create(user=buyer, device=f"Phone {index}")
    login = {"email": buyer.email, "password": TEST_PASSWORD, "device": "New phone"}

    full = api.post(LOGIN, login, format="json")
    assert full.status_code == 409 and full.json()["code"] == "too_many_devices"
    devices = full.json()["devices"]
    assert len(devices) == account_services.API_TOKENS_PER_USER
    old = next(device for device in devices if device["device"] == "Old phone")
    wrong = api.post(
        LOGIN, {**login, "password": "wrong", "sign_out_device": old["public_id"]}, format="json"
    )
    assert wrong.status_code == 400 and oldest.get("/api/v1/unread/").status_code == 200

    signed_in = api.post(LOGIN, {**login, "sign_out_device": old["public_id"]}, format="json")

    assert signed_in.status_code == 201 and signed_in.json()["device"]["device"] == "New phone"
    assert oldest.get("/api/v1/unread/").status_code == 401
