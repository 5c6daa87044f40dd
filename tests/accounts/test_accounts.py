from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from tests.conftest import make_image_bytes
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_signup_creates_an_unverified_user_without_logging_in(client):
    response = client.post(
        reverse("accounts:signup") + "?next=/chat/",
        {
            "email": "New@Example.com",
            "display_name": "  Nia  ",
            "password1": "a-Long-pass-phrase-77",
            "password2": "a-Long-pass-phrase-77",
            "next": "/chat/",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:signup_done")
    user = User.objects.get()
    assert (user.email, user.display_name, user.email_verified_at) == ("new@example.com", "Nia", None)
    assert "_auth_user_id" not in client.session


def test_signup_uses_the_password_validators_and_does_not_reveal_duplicates(client):
    UserFactory(email="taken@example.com")
    response = client.post(
        reverse("accounts:signup"),
        {"email": "TAKEN@example.com", "display_name": "X", "password1": "123", "password2": "123"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "already exists" not in body
    assert "This password is too short." in body
    assert User.objects.count() == 1


def test_signup_keeps_an_offsite_next_out_of_the_email(client, committed):
    with committed():
        client.post(
            reverse("accounts:signup"),
            {
                "email": "a@example.com",
                "display_name": "A",
                "password1": "a-Long-pass-phrase-77",
                "password2": "a-Long-pass-phrase-77",
                "next": "https://evil.example/",
            },
        )
    assert len(mail.outbox) == 1 and "evil.example" not in mail.outbox[0].body


def test_login_with_email_and_logout_by_post(client):
    user = UserFactory(email="sam@example.com")
    response = client.post(
        reverse("accounts:login"), {"username": "sam@example.com", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("chat:list")).wsgi_request.user == user
    assert client.get(reverse("accounts:logout")).status_code == 405
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("chat:list")).status_code == 302


def test_password_reset_sends_a_link(client):
    UserFactory(email="forgetful@example.com")
    client.post(reverse("accounts:password_reset"), {"email": "forgetful@example.com"})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body


def test_last_seen_is_written_at_most_once_per_window(client):
    user = UserFactory()
    client.force_login(user)
    client.get(reverse("ads:list"))
    user.refresh_from_db()
    first = user.last_seen_at
    assert first is not None and timezone.now() - first < timedelta(seconds=5)
    # Later requests within five minutes do not write again.
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("chat:list"))
    assert not any(q["sql"].startswith("UPDATE") for q in captured.captured_queries)
    user.refresh_from_db()
    assert user.last_seen_at == first


def test_online_means_seen_within_five_minutes():
    now = timezone.now()
    user = User(last_seen_at=now - timedelta(minutes=4))
    assert user.is_online(now=now)
    user.last_seen_at = now - timedelta(minutes=6)
    assert not user.is_online(now=now)
    assert not User(last_seen_at=None).is_online()


def test_profile_avatar_is_reencoded(login):
    user = UserFactory()
    avatar = SimpleUploadedFile(
        "me.webp", make_image_bytes("WEBP", size=(1200, 900)), content_type="image/webp"
    )
    response = login(user).post(reverse("accounts:profile"), {"display_name": "Me", "avatar": avatar})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Me" and user.avatar.name.endswith(".jpg")
    assert max(user.avatar.width, user.avatar.height) == 256


def test_moderators_group_has_exactly_the_moderation_permissions():
    codenames = set(Group.objects.get(name="Moderators").permissions.values_list("codename", flat=True))
    assert codenames == {
        "view_user",
        "view_category",
        "view_ad",
        "change_ad",
        "view_adphoto",
        "view_conversation",
        "view_conversationparticipant",
        "view_offer",
        # Moderation: the report queue, held messages and the audit log. No view_message: conversations
        # are read through a report or the logged "view conversation" action.
        "view_report",
        "change_report",
        "view_heldmessage",
        "change_heldmessage",
        "view_moderationaction",
    }


def test_make_moderator_command():
    user = UserFactory(email="mod@example.com")
    call_command("make_moderator", "MOD@example.com")
    user.refresh_from_db()
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name="Moderators").exists()
    with pytest.raises(CommandError):
        call_command("make_moderator", "nobody@example.com")


def test_login_ignores_the_email_letter_case(client):
    UserFactory(email="sam@example.com")
    response = client.post(
        reverse("accounts:login"), {"username": "Sam@Example.COM", "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
