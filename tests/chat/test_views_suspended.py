"""Views and API: a conversation with a suspended user says so in place of the composer, and sends to them
are refused with a reason."""

import html

import pytest
from django.urls import reverse

from accounts.services import user_make_moderator
from chat import services
from chat.models import Message, Offer
from chat.moderation import services as moderation
from tests.conftest import HTMX
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HINT = "Sam Seller's account is suspended, so they can't read or answer messages for now."
REFUSAL = "Sam Seller's account is suspended: your message can't be delivered for now."


def _suspend(user):
    moderation.user_suspend(user=user, moderator=user_make_moderator(user=UserFactory()))


def test_the_buyer_reads_why_they_cannot_write_instead_of_a_composer(login, conversation, buyer, seller):
    client = login(buyer)
    client.get(conversation.get_absolute_url())
    assert 'id="composer"' in client.get(conversation.get_absolute_url()).content.decode()  # cached now

    _suspend(seller)

    page = html.unescape(client.get(conversation.get_absolute_url()).content.decode())
    assert HINT in page
    assert 'id="composer"' not in page and "Make an offer" not in page


def test_a_send_to_a_suspended_user_is_refused_with_the_reason(login, conversation, buyer, seller):
    _suspend(seller)
    client = login(buyer)
    url = reverse("chat:send", args=[conversation.public_id])

    # A page opened before the suspension still has a composer: it keeps the text and says why.
    response = client.post(url, {"body": "Hello?", "idempotency_key": "s" * 22}, headers=HTMX)
    body = html.unescape(response.content.decode())
    assert response.status_code == 200 and "<html" not in body
    assert REFUSAL in body and ">Hello?</textarea>" in body
    # Without JavaScript: the page again, with the hint in place of the composer.
    response = client.post(url, {"body": "Hello?", "idempotency_key": "s" * 22})
    assert response.status_code == 400 and HINT in html.unescape(response.content.decode())
    offer = client.post(reverse("chat:offer_make", args=[conversation.public_id]), {"amount": "400"})
    assert offer.status_code == 302
    assert REFUSAL in html.unescape(client.get(offer["Location"]).content.decode())
    assert not Message.objects.filter(body="Hello?").exists() and not Offer.objects.exists()


def test_a_suspended_users_pending_offer_cannot_be_accepted(login, conversation, buyer, seller):
    offer = services.offer_make(conversation=conversation, user=seller, amount="420")
    _suspend(seller)
    client = login(buyer)

    response = client.post(reverse("chat:offer_act", args=[conversation.public_id, offer.id, "accept"]))

    assert REFUSAL in html.unescape(client.get(response["Location"]).content.decode())
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.PENDING


def test_nobody_starts_a_new_conversation_with_a_suspended_seller(login, ad, seller, buyer):
    # Their ads left the site (404), but "Write to seller" and the API still stored a first message.
    _suspend(seller)
    client = login(buyer)
    response = client.post(
        reverse("chat:start", args=[ad.public_id]), {"body": "Still for sale?", "idempotency_key": "n" * 22}
    )
    assert response.status_code in (200, 302, 400)
    api = client.post(
        reverse("api-start", args=[ad.public_id]),
        {"body": "Still for sale?"},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "ad_unavailable"
    assert not Message.objects.filter(body="Still for sale?").exists()


def test_a_suspended_partner_is_not_shown_online(login, conversation, buyer, seller):
    # Outside testing: a suspended seller still read "online" (their last request was a moment ago).
    login(seller).get(conversation.get_absolute_url())  # the seller is online now
    client = login(buyer)
    presence = reverse("chat:presence", args=[conversation.public_id])
    assert "online" in client.get(presence).content.decode()
    _suspend(seller)
    status = client.get(presence).content.decode()
    assert "online" not in status and "last seen" not in status
