"""Pins, labels and the chat settings page through the site: forms without JavaScript, htmx, 404 for
strangers, CSRF, the list's query budget and its nothing-new poll."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from chat import services
from chat.models import ConversationLabel, ConversationParticipant
from tests.conftest import HTMX, list_token, user_key
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def _pin(client, conversation, pinned="1", **extra):
    return client.post(
        reverse("chat:pin", args=[conversation.public_id]), {"pinned": pinned, **extra}, **extra.pop("h", {})
    )


def _row_names(body):
    return re.findall(
        r'class="row-name">(?:<span class="visually-hidden">[^<]*</span>)?([^<]+)<',
        body,
    )


def test_pinned_conversations_come_first_and_unpin_puts_them_back(login, seller):
    buyers = [UserFactory(display_name=f"Buyer {index}") for index in range(3)]
    conversations = [
        services.conversation_start(buyer=buyer, ad=AdFactory(owner=seller), body="Hi")[0] for buyer in buyers
    ]
    client = login(seller)
    answer = _pin(client, conversations[0], next="/chat/")
    assert answer.status_code == 302 and answer.url == "/chat/"
    body = client.get(reverse("chat:list")).content.decode()
    assert 'id="pinned-title"' in body
    assert _row_names(body) == ["Buyer 0", "Buyer 2", "Buyer 1"]
    assert "Pinned to the top of your chats." in body
    _pin(client, conversations[0], pinned="0")
    body = client.get(reverse("chat:list")).content.decode()
    assert 'id="pinned-title"' not in body and _row_names(body) == ["Buyer 2", "Buyer 1", "Buyer 0"]


def test_the_sixth_pin_says_why_with_and_without_htmx(login, seller):
    conversations = [
        services.conversation_start(buyer=UserFactory(), ad=AdFactory(owner=seller), body="Hi")[0]
        for _ in range(6)
    ]
    for conversation in conversations[:5]:
        services.conversation_set_pinned(conversation=conversation, user=seller, pinned=True)
    client = login(seller)
    plain = _pin(client, conversations[5], next="/chat/")
    assert plain.status_code == 302
    assert "You can pin up to 5 conversations. Unpin one first." in client.get("/chat/").content.decode()
    htmx = client.post(reverse("chat:pin", args=[conversations[5].public_id]), {"pinned": "1"}, headers=HTMX)
    assert htmx.status_code == 200 and htmx["HX-Retarget"] == "#list-status"
    assert htmx.content.decode() == "You can pin up to 5 conversations. Unpin one first."
    with translation.override("ru"):
        client.cookies["django_language"] = "ru"
        russian = client.post(
            reverse("chat:pin", args=[conversations[5].public_id]),
            {"pinned": "1"},
            headers={**HTMX, "Accept-Language": "ru"},
        )
    assert "Можно закрепить не больше 5 чатов" in russian.content.decode()


def test_strangers_get_404_and_forms_need_csrf(client, login, conversation, stranger, seller):
    stranger_client = login(stranger)
    for name in ("chat:pin", "chat:labels"):
        assert (
            stranger_client.post(reverse(name, args=[conversation.public_id]), {"pinned": "1"}).status_code
            == 404
        )
    assert stranger_client.get(reverse("chat:labels", args=[conversation.public_id])).status_code == 404
    label = services.label_create(user=seller, name="sold")
    assert stranger_client.post(reverse("chat:label_delete", args=[label.pk])).status_code == 404
    assert ConversationLabel.objects.filter(pk=label.pk).exists()
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(seller)
    assert strict.post(reverse("chat:pin", args=[conversation.public_id]), {"pinned": "1"}).status_code == 403
    assert strict.post(reverse("chat:label_create"), {"name": "x"}).status_code == 403
    assert strict.post(reverse("chat:settings"), {"chat_sound": "on"}).status_code == 403
    assert not ConversationParticipant.objects.filter(pin_slot__isnull=False).exists()


def test_labels_page_puts_labels_on_and_the_list_filters_by_them(login, seller, conversation):
    other = services.conversation_start(buyer=UserFactory(), ad=AdFactory(owner=seller), body="Hello")[0]
    client = login(seller)
    url = reverse("chat:labels", args=[conversation.public_id])
    assert client.post(url, {"new_label": "to ship"}).status_code == 302
    ship = ConversationLabel.objects.get(user=seller, name="to ship")
    page = client.get(url).content.decode()
    assert f'value="{ship.pk}"' in page and "checked" in page
    listed = client.get(reverse("chat:list")).content.decode()
    assert (
        f'href="/chat/?label={ship.pk}"' in listed
        and 'class="label-chip label-chip--small">to ship<' in listed
    )
    filtered = client.get(reverse("chat:list"), {"label": ship.pk}).content.decode()
    assert conversation.get_absolute_url() in filtered and other.get_absolute_url() not in filtered
    assert 'aria-current="true">to ship<' in filtered
    # A label that is not yours (or not a number) filters to nothing or to everything, never an error.
    theirs = services.label_create(user=UserFactory(), name="secret")
    assert (
        other.get_absolute_url()
        not in client.get(reverse("chat:list"), {"label": theirs.pk}).content.decode()
    )
    assert client.get(reverse("chat:list"), {"label": "x"}).status_code == 200
    too_long = client.post(url, {"new_label": "x" * 31})
    assert (
        too_long.status_code == 400 and "A label can be at most 30 characters." in too_long.content.decode()
    )


def test_list_query_count_stays_constant_with_pins_and_labels(
    client, seller, django_assert_num_queries, settings
):
    settings.MARKETPLACE_CONVERSATIONS_PAGE_SIZE = 50
    label = services.label_create(user=seller, name="sold")
    conversations = [
        services.conversation_start(buyer=UserFactory(), ad=AdFactory(owner=seller), body="Hi")[0]
        for _ in range(60)
    ]
    for conversation in conversations[:5]:
        services.conversation_set_pinned(conversation=conversation, user=seller, pinned=True)
    for conversation in conversations[::2]:
        services.conversation_set_labels(conversation=conversation, user=seller, label_ids=[label.pk])
    client.force_login(seller)
    client.get(reverse("ads:list"))
    # session, user, the page of other rows, the rows' last messages marked delivered (one UPDATE), the
    # labels (with those on the rows) and the pinned ids, the pinned rows, the badge
    with django_assert_num_queries(7):
        body = client.get(reverse("chat:list")).content.decode()
    assert body.count('<a class="conversation-row') == 55
    with django_assert_num_queries(6):  # a later page shows no pinned section: no pinned rows to read
        client.get(reverse("chat:list"), {"before": re.search(r"before=([0-9_]+)", body).group(1)})


def test_pinning_moves_the_list_poll_token_and_a_nothing_new_poll_costs_nothing(
    client, seller, conversation, committed, django_assert_num_queries
):
    client.force_login(seller)
    params = {"token": list_token(seller), "user_key": user_key(seller)}
    client.get(reverse("chat:list_poll"), params, headers=HTMX)  # last-seen stamp
    with django_assert_num_queries(0):
        assert client.get(reverse("chat:list_poll"), params, headers=HTMX).status_code == 204
    with committed():
        _pin(client, conversation)
    answer = client.get(reverse("chat:list_poll"), params, headers=HTMX)
    assert answer.status_code == 200 and 'id="pinned-title"' in answer.content.decode()


def test_chat_settings_page_saves_sound_and_privacy_and_manages_labels(login, seller, conversation):
    services.conversation_set_muted(conversation=conversation, user=seller, muted=True)
    client = login(seller)
    page = client.get(reverse("chat:settings")).content.decode()
    assert "Play a sound for new messages" in page and "Send read receipts" in page
    assert "INTEGRATION POINT" not in page  # the comment marks the spot in the template only
    assert conversation.get_absolute_url() in page and "Unmute notifications" in page
    assert "data-chat-sound=" not in page
    saved = client.post(reverse("chat:settings"), {"chat_sound": "on", "share_last_seen": "on"})
    assert saved.status_code == 302
    seller.refresh_from_db()
    assert seller.chat_sound and seller.share_last_seen and not seller.share_read_receipts
    assert (
        'data-chat-sound="/static/sounds/new-message.wav"'
        in client.get(reverse("chat:list")).content.decode()
    )
    assert client.post(reverse("chat:label_create"), {"name": "paid"}).status_code == 302
    duplicate = client.post(reverse("chat:label_create"), {"name": "PAID"})
    assert (
        duplicate.status_code == 400
        and "You already have a label called “PAID”." in duplicate.content.decode()
    )
    label = ConversationLabel.objects.get(user=seller)
    assert client.post(reverse("chat:label_delete", args=[label.pk])).status_code == 302
    assert not ConversationLabel.objects.exists()
    unmute = client.post(
        reverse("chat:mute", args=[conversation.public_id]), {"muted": "0", "next": "/chat/settings/"}
    )
    assert unmute.url == "/chat/settings/"


def test_the_account_menu_links_to_chat_settings_in_russian(login, seller):
    client = login(seller)
    client.post(reverse("accounts:set_language"), {"language": "ru", "next": "/"})
    page = client.get(reverse("chat:settings")).content.decode()
    assert "Настройки чатов" in page and "Звук при новых сообщениях" in page
    assert 'href="/chat/settings/">Настройки чатов<' in page


def test_the_conversation_menu_says_unpin_after_a_pin_even_from_the_fragment_cache(
    login, seller, conversation, committed
):
    client = login(seller)
    url = conversation.get_absolute_url()
    client.get(url)
    menu = re.compile(r'<summary aria-label="Conversation menu".*?</details>', re.S)
    assert "Pin to the top" in menu.search(client.get(url).content.decode()).group()
    with committed():
        _pin(client, conversation)
    page = client.get(url).content.decode()
    assert "Unpin" in menu.search(page).group() and "Pin to the top" not in menu.search(page).group()
    assert f'href="/chat/{conversation.public_id}/labels/"' in page
