import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import services as account_services
from accounts.models import UserBlock
from chat import services
from chat.models import Conversation, Message
from tests.conftest import HTMX
from tests.factories import AdFactory


def send_url(conversation):
    return reverse("chat:send", args=[conversation.public_id])


def test_block_from_the_conversation_menu_keeps_every_message(login, conversation, seller, buyer):
    client = login(seller)
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert f"Block {buyer.display_name}" in page

    response = client.post(reverse("chat:block", args=[conversation.public_id]))

    assert response.status_code == 302
    assert UserBlock.objects.filter(blocker=seller, blocked=buyer).exists()
    assert Message.objects.filter(conversation=conversation).count() == 1
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "You blocked" in page and "Unblock" in page
    assert 'id="composer"' not in page
    # The evidence stays visible to both.
    first = conversation.messages.get()
    assert f'id="message-{first.id}"' in page
    assert f'id="message-{first.id}"' in login(buyer).get(conversation.get_absolute_url()).content.decode()


def test_blocked_user_sees_the_notice_and_a_crafted_post_is_refused_with_the_text_kept(
    login, conversation, seller, buyer
):
    account_services.user_block(blocker=seller, blocked=buyer)
    client = login(buyer)
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "You can't reply to this conversation." in page
    assert 'id="composer"' not in page

    response = client.post(send_url(conversation), {"body": "Are you there?", "after": 0}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#composer"
    assert "You can&#x27;t reply to this conversation." in body
    assert "Are you there?" in body
    no_js = client.post(send_url(conversation), {"body": "Are you there?"})
    assert no_js.status_code == 400
    assert conversation.messages.count() == 1


def test_the_blocker_cannot_write_either_until_unblocking(login, conversation, seller, buyer):
    account_services.user_block(blocker=seller, blocked=buyer)
    with pytest.raises(ValidationError) as refused:
        services.message_send(conversation=conversation, sender=seller, body="hi")
    assert refused.value.code == "blocked_by_you"

    client = login(seller)
    blocked_page = client.get(reverse("accounts:blocked")).content.decode()
    assert buyer.display_name in blocked_page
    response = client.post(reverse("accounts:unblock", args=[buyer.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:blocked")
    assert not UserBlock.objects.exists()
    services.message_send(conversation=conversation, sender=buyer, body="Still available?")
    assert conversation.messages.count() == 2


def test_blocked_buyer_cannot_start_a_conversation_about_another_ad(login, seller, buyer):
    account_services.user_block(blocker=seller, blocked=buyer)
    other_ad = AdFactory(owner=seller)
    response = login(buyer).post(
        reverse("chat:start", args=[other_ad.public_id]), {"body": "Hi, is this still for sale?"}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "You can&#x27;t write to this seller." in body
    assert "Hi, is this still for sale?" in body
    assert not Conversation.objects.filter(ad=other_ad).exists()


def test_offers_are_refused_between_blocked_users(conversation, seller, buyer):
    account_services.user_block(blocker=buyer, blocked=seller)
    with pytest.raises(ValidationError) as refused:
        services.offer_make(conversation=conversation, user=buyer, amount="10")
    assert refused.value.code == "blocked_by_you"


def test_blocking_is_idempotent_and_not_for_oneself(seller, buyer):
    first = account_services.user_block(blocker=seller, blocked=buyer)
    assert account_services.user_block(blocker=seller, blocked=buyer) == first
    with pytest.raises(ValidationError):
        account_services.user_block(blocker=seller, blocked=seller)


def test_strangers_cannot_block_through_a_conversation_and_get_is_refused(
    login, conversation, stranger, seller
):
    client = login(stranger)
    assert client.post(reverse("chat:block", args=[conversation.public_id])).status_code == 404
    assert login(seller).get(reverse("chat:block", args=[conversation.public_id])).status_code == 405
    assert not UserBlock.objects.exists()


def test_blocked_users_page_has_an_empty_state(login, buyer):
    page = login(buyer).get(reverse("accounts:blocked")).content.decode()
    assert "You haven't blocked anyone." in page
