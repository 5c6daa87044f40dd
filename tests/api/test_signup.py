"""API parity for accounts: sign-up with email confirmation and password reset (request + confirm), by the
site's forms, emails and rate limits (``accounts.signup``, through the request gate)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import ApiToken, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NEW = {"email": "New.Person@Example.com", "display_name": "Nia", "password": "a long enough passphrase"}


def _link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def test_sign_up_then_confirm_with_the_emailed_token_then_log_in(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(reverse("api-signup"), NEW, format="json")
    assert answer.status_code == 202
    user = User.objects.get(email="new.person@example.com")
    assert not user.email_verified
    [message] = mail.outbox
    token = _link_path(message).split("/confirm/")[1].split("/")[0].split("?")[0]

    confirmed = api.post(reverse("api-verification-confirm"), {"token": token}, format="json")
    assert confirmed.status_code == 200
    assert confirmed.json() == {"email": "new.person@example.com", "verified": True}
    user.refresh_from_db()
    assert user.email_verified
    assert api.post(reverse("api-verification-confirm"), {"token": token}, format="json").status_code == 200
    login = {"email": NEW["email"], "password": NEW["password"], "device": "Phone"}
    assert api.post(reverse("api-login"), login, format="json").status_code == 201


def test_a_taken_address_gets_the_same_answer_and_a_note_not_an_account(
    api, django_capture_on_commit_callbacks
):
    UserFactory(email="new.person@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(reverse("api-signup"), NEW, format="json").status_code == 202
    assert User.objects.filter(email__iexact="new.person@example.com").count() == 1
    assert len(mail.outbox) == 1


def test_sign_up_refusals_come_from_the_site_form(api):
    weak = api.post(reverse("api-signup"), {**NEW, "password": "123"}, format="json")
    assert weak.status_code == 400 and "password" in weak.json()["fields"]
    blank = api.post(reverse("api-signup"), {**NEW, "display_name": "   "}, format="json")
    assert blank.status_code == 400 and "display_name" in blank.json()["fields"]
    forged = api.post(reverse("api-verification-confirm"), {"token": "forged:token"}, format="json")
    assert forged.status_code == 400 and forged.json()["code"] == "invalid_link"
    assert not User.objects.filter(email__iexact=NEW["email"]).exists()


def test_sign_up_is_rate_limited_per_address_through_the_gate(api, settings):
    settings.MARKETPLACE_RATE_LIMITS = {**settings.MARKETPLACE_RATE_LIMITS, "signup_by_ip": [(3600, 1)]}
    assert api.post(reverse("api-signup"), NEW, format="json").status_code == 202
    limited = api.post(reverse("api-signup"), {**NEW, "email": "other@example.com"}, format="json")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert not User.objects.filter(email="other@example.com").exists()


def test_password_reset_request_and_confirm(api):
    user = UserFactory(email="forgetful@example.com")
    assert (
        api.post(reverse("api-password-reset"), {"email": "forgetful@example.com"}, format="json").status_code
        == 202
    )
    assert (
        api.post(reverse("api-password-reset"), {"email": "nobody@example.com"}, format="json").status_code
        == 202
    )
    [message] = mail.outbox
    uid, token = _link_path(message).rstrip("/").split("/")[-2:]

    weak = {"uid": uid, "token": token, "new_password": "123"}
    refused = api.post(reverse("api-password-reset-confirm"), weak, format="json")
    assert refused.status_code == 400 and "new_password" in refused.json()["fields"]
    good = {"uid": uid, "token": token, "new_password": "a brand new passphrase"}
    assert api.post(reverse("api-password-reset-confirm"), good, format="json").status_code == 204
    user.refresh_from_db()
    assert user.check_password("a brand new passphrase")
    again = api.post(reverse("api-password-reset-confirm"), good, format="json")  # one use
    assert again.status_code == 400 and again.json()["code"] == "invalid_link"
    bad_uid = api.post(reverse("api-password-reset-confirm"), {**good, "uid": "!!"}, format="json")
    assert bad_uid.status_code == 400 and bad_uid.json()["code"] == "invalid_link"


def test_password_reset_is_rate_limited_on_both_front_doors(api, client, settings):
    settings.MARKETPLACE_RATE_LIMITS = {
        **settings.MARKETPLACE_RATE_LIMITS,
        "password_reset_by_ip": [(3600, 1)],
    }
    UserFactory(email="forgetful@example.com")
    assert (
        api.post(reverse("api-password-reset"), {"email": "forgetful@example.com"}, format="json").status_code
        == 202
    )
    limited = api.post(reverse("api-password-reset"), {"email": "forgetful@example.com"}, format="json")
    assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"
    site = client.post(reverse("accounts:password_reset"), {"email": "forgetful@example.com"})
    assert site.status_code == 429 and "Retry-After" in site
    assert len(mail.outbox) == 1


def test_an_invalid_link_is_refused_in_the_apps_language(api):
    answer = api.post(
        reverse("api-verification-confirm"), {"token": "forged"}, format="json", HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert answer.json()["message"] == "Ссылка недействительна или устарела: запросите новую."


def test_a_password_reset_signs_every_app_out_on_both_front_doors(api, client, token_client):
    user = UserFactory(email="forgetful@example.com")
    app = token_client(user)
    assert app.get(reverse("api-devices")).status_code == 200
    api.post(reverse("api-password-reset"), {"email": user.email}, format="json")
    uid, token = _link_path(mail.outbox[-1]).rstrip("/").split("/")[-2:]
    good = {"uid": uid, "token": token, "new_password": "a brand new passphrase"}
    assert api.post(reverse("api-password-reset-confirm"), good, format="json").status_code == 204
    assert app.get(reverse("api-devices")).status_code == 401

    # The site's "Set a new password" page does the same.
    token_client(user)
    client.post(reverse("accounts:password_reset"), {"email": user.email})
    link = _link_path(mail.outbox[-1])
    form_page = client.get(link, follow=True)  # Django swaps the token for a session key and redirects
    new = {"new_password1": "another new passphrase", "new_password2": "another new passphrase"}
    assert client.post(form_page.redirect_chain[-1][0], new).status_code == 302
    assert not ApiToken.objects.filter(user=user).exists()
