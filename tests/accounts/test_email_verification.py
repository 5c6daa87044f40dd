"""Sign-up confirms the address by email without revealing which addresses have accounts; an unconfirmed
account may browse but not write (finding 11 of issue 23)."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import User
from accounts.tokens import email_verification_token
from chat import services as chat_services
from chat.errors import ERROR_MESSAGES
from chat.models import Conversation, Message, Offer
from tests.factories import TEST_PASSWORD, AdFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-Long-pass-phrase-77"
UNVERIFIED = str(ERROR_MESSAGES["email_unverified"])


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast) that counts how many passwords it hashed: the cost of a sign-up, whatever the outcome."""

    algorithm = "counting_md5"
    calls = 0

    def encode(self, password, salt):
        CountingHasher.calls += 1
        return super().encode(password, salt)


def without_per_request_values(content: bytes) -> str:
    """*content* without what differs on every response anyway: the CSP nonce and the CSRF token."""
    return re.sub(r'nonce="[^"]*"|[A-Za-z0-9]{64}', "", content.decode())


def sign_up(client, email, *, name="Nia", **extra):
    return client.post(
        reverse("accounts:signup"),
        {"email": email, "display_name": name, "password1": PASSWORD, "password2": PASSWORD},
        **extra,
    )


def signed_up_user(email="new@example.com", name="Nia") -> User:
    """An account as sign-up leaves it: unverified."""
    return services.user_signup(email=email, password=PASSWORD, display_name=name, send_email=False)


def link_in(message) -> str:
    """The path of the confirmation link in *message* (an EmailMessage)."""
    return re.search(r"https?://[^/\s]+(/accounts/confirm/[^\s?]+/)", message.body).group(1)


def test_signup_answers_a_new_and_a_taken_address_the_same(client, committed, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    UserFactory(email="taken@example.com", display_name="Owner")
    answers = []
    for email in ("fresh@example.com", "TAKEN@example.com"):
        CountingHasher.calls = 0
        client.cookies.clear()
        with committed():
            response = sign_up(client, email)
        page = client.get(response["Location"])
        answers.append(
            (
                response.status_code,
                response["Location"],
                page.status_code,
                without_per_request_values(page.content),
                CountingHasher.calls,
            )
        )
    assert answers[0] == answers[1]
    status, location, page_status, content, hashed = answers[0]
    assert (status, location, page_status, hashed) == (302, reverse("accounts:signup_done"), 200, 1)
    assert "Check your email" in content
    # The taken address's account is untouched; no second account with it.
    assert User.objects.filter(email="taken@example.com").get().display_name == "Owner"
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


def test_a_new_address_gets_a_confirmation_link_in_the_page_language(client, committed):
    client.cookies["django_language"] = "ru"
    with committed():
        sign_up(client, "nia@example.com")
    user = User.objects.get(email="nia@example.com")
    assert user.email_verified_at is None and user.language == "ru"
    [message] = mail.outbox
    assert message.to == ["nia@example.com"]
    assert message.subject == "Подтвердите адрес электронной почты на Marketplace"
    assert link_in(message).startswith("/accounts/confirm/")


def test_a_taken_address_gets_a_note_to_log_in_in_its_owners_language(client, committed):
    owner = UserFactory(email="taken@example.com", language="ru")
    with committed():
        sign_up(client, "taken@example.com")
    [message] = mail.outbox
    assert message.to == ["taken@example.com"]
    assert message.subject == "У вас уже есть аккаунт на Marketplace"
    assert reverse("accounts:login") in message.body and reverse("accounts:password_reset") in message.body
    assert "/accounts/confirm/" not in message.body  # already verified
    owner.refresh_from_db()
    assert owner.check_password(TEST_PASSWORD)


def test_a_taken_unconfirmed_address_gets_a_confirmation_link_with_the_note(client, committed):
    user = signed_up_user(email="slow@example.com")
    with committed():
        sign_up(client, "slow@example.com")
    [message] = mail.outbox
    assert message.subject == "You already have a Marketplace account"
    client.post(link_in(message))
    user.refresh_from_db()
    assert user.email_verified


def test_the_link_asks_first_then_verifies_once(client, committed):
    with committed():
        sign_up(client, "nia@example.com")
    link = link_in(mail.outbox[0])
    # Opening it (a person, or a mail scanner) only shows the button.
    page = client.get(link)
    assert page.status_code == 200 and ">Confirm</button>" in page.content.decode()
    assert User.objects.get(email="nia@example.com").email_verified_at is None
    done = client.post(link)
    assert done.status_code == 200 and "Your email address is confirmed." in done.content.decode()
    verified_at = User.objects.get(email="nia@example.com").email_verified_at
    assert verified_at is not None
    again = client.post(link)
    assert again.status_code == 200 and "Your email address is confirmed." in again.content.decode()
    assert client.get(link).content.decode().count(">Confirm</button>") == 0
    assert User.objects.get(email="nia@example.com").email_verified_at == verified_at


def test_an_expired_link_gives_a_clear_page(client):
    user = signed_up_user()
    four_days_ago = timezone.now().timestamp() - 4 * 86400
    with mock.patch("django.core.signing.time.time", return_value=four_days_ago):
        token = email_verification_token(user_id=user.pk, email=user.email)
    for method in (client.get, client.post):
        response = method(reverse("accounts:email_confirm", args=[token]))
        assert response.status_code == 400
        assert "This confirmation link has expired." in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


@pytest.mark.parametrize("mangle", ["tampered", "garbage", "address_changed", "not_a_pair"])
def test_a_broken_link_gives_a_clear_page_not_a_500(client, mangle):
    user = signed_up_user()
    token = email_verification_token(user_id=user.pk, email=user.email)
    if mangle == "tampered":
        token = (
            email_verification_token(user_id=user.pk + 1, email=user.email).split(":")[0]
            + token[token.index(":") :]
        )
    elif mangle == "garbage":
        token = "not-a-token"
    elif mangle == "address_changed":
        token = email_verification_token(user_id=user.pk, email="old@example.com")
    else:
        token = signing.dumps("x", salt="accounts.email-verification")
    for method in (client.get, client.post):
        response = method(reverse("accounts:email_confirm", args=[token]))
        assert response.status_code == 400
        assert "This confirmation link is not valid" in response.content.decode()
    user.refresh_from_db()
    assert user.email_verified_at is None


def test_an_unverified_user_can_log_in_and_browse_but_not_write_to_a_seller(client, ad):
    user = signed_up_user()
    assert (
        client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD}).status_code
        == 302
    )
    assert "Resend confirmation email" in client.get(ad.get_absolute_url()).content.decode()
    response = client.post(reverse("chat:start", args=[ad.public_id]), {"body": "Is it available?"})
    page = response.content.decode()
    assert response.status_code == 400
    assert UNVERIFIED.replace("“", "&ldquo;") in page or UNVERIFIED in page.replace("&ldquo;", "“").replace(
        "&rdquo;", "”"
    )
    assert reverse("accounts:verification_resend") in page and "Is it available?" in page
    assert not Conversation.objects.exists()


def test_an_unverified_seller_cannot_reply_or_make_an_offer_on_the_site(client, committed):
    seller = signed_up_user(email="seller@example.com")
    buyer = UserFactory()
    conversation, _message = chat_services.conversation_start(
        buyer=buyer, ad=AdFactory(owner=seller), body="Hi"
    )
    client.force_login(seller)
    send = client.post(reverse("chat:send", args=[conversation.public_id]), {"body": "Yes, it is"})
    assert send.status_code == 400 and "Confirm your email address before you write" in send.content.decode()
    offer = client.post(
        reverse("chat:offer_make", args=[conversation.public_id]), {"amount": "10"}, follow=True
    )
    assert "Confirm your email address before you write" in offer.content.decode()
    assert Message.objects.count() == 1 and not Offer.objects.exists()
    # Once confirmed, the same reply goes through.
    with committed():
        services.user_email_verify(user_id=seller.pk, email=seller.email)
    seller.refresh_from_db()
    client.force_login(seller)
    assert (
        client.post(reverse("chat:send", args=[conversation.public_id]), {"body": "Yes, it is"}).status_code
        == 302
    )
    assert Message.objects.count() == 2


def test_resend_mails_a_new_link_to_an_unverified_user_only_and_is_rate_limited(client, committed, settings):
    settings.MARKETPLACE_RATE_LIMITS = {
        **settings.MARKETPLACE_RATE_LIMITS,
        "verification_email_by_user": [(3600, 2)],
    }
    user = signed_up_user()
    client.force_login(user)
    url = reverse("accounts:verification_resend")
    with committed():
        response = client.post(url, {"next": "/chat/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/chat/"
    assert "We sent a new confirmation link to new@example.com." in response.content.decode()
    client.post(link_in(mail.outbox[0]))
    user.refresh_from_db()
    assert user.email_verified
    with committed():
        client.post(url)
        limited = client.post(url, follow=True)
    assert len(mail.outbox) == 1  # verified: nothing more to send
    assert "too often" in limited.content.decode()


def test_signup_mails_one_address_at_most_three_times_an_hour(client, committed):
    UserFactory(email="victim@example.com")
    for attempt in range(5):
        client.cookies.clear()
        with committed():
            response = sign_up(client, "victim@example.com", REMOTE_ADDR=f"10.0.0.{attempt}")
        assert response["Location"] == reverse("accounts:signup_done")
    assert len(mail.outbox) == 3


def test_the_verified_badge_shows_on_profiles_and_in_the_conversation_header(client, buyer, ad, conversation):
    client.force_login(buyer)
    profile = client.get(reverse("profiles:detail", args=[ad.owner.public_id])).content.decode()
    header = client.get(conversation.get_absolute_url()).content.decode()
    assert 'class="verified-badge"' in profile and 'class="verified-badge"' in header
    newcomer = signed_up_user()
    assert (
        'class="verified-badge"'
        not in client.get(reverse("profiles:detail", args=[newcomer.public_id])).content.decode()
    )


def test_accounts_from_the_managers_createsuperuser_load_demo_and_imports_are_verified():
    assert User.objects.create_user(
        email="Demo@Example.com", password="x", display_name="Demo"
    ).email_verified
    assert User.objects.create_superuser(
        email="root@example.com", password="x", display_name="Root"
    ).email_verified
    assert timezone.now() - User.objects.get(email="demo@example.com").email_verified_at < timedelta(
        minutes=1
    )


def test_the_admin_shows_when_an_address_was_verified(client):
    admin = User.objects.create_superuser(email="root@example.com", password="x", display_name="Root")
    newcomer = signed_up_user()
    client.force_login(admin)
    listing = client.get(reverse("admin:accounts_user_changelist")).content.decode()
    change = client.get(reverse("admin:accounts_user_change", args=[newcomer.pk]))
    assert "Email verified at" in listing
    assert change.status_code == 200 and "Email verified at" in change.content.decode()
