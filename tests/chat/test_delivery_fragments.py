"""Cached list panes and message pages are never stale: every change that shows moves the key."""

import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from chat import services
from chat.delivery import fragments
from tests.factories import TEST_PASSWORD

MESSAGE_LIST = re.compile(r'id="message-list".*?</ol>', re.S)


def message_list(response) -> str:
    return MESSAGE_LIST.search(response.content.decode()).group()


def test_a_new_message_and_a_read_receipt_reach_a_cached_page(login, conversation, buyer, seller, committed):
    client = login(buyer)
    client.get(conversation.get_absolute_url())  # sets the CSRF cookie the cache keys need
    client.get(conversation.get_absolute_url())  # cached now
    with committed():
        services.message_send(conversation=conversation, sender=seller, body="Yes, still here")
    page = client.get(conversation.get_absolute_url())
    assert "Yes, still here" in message_list(page)

    with committed():
        services.message_send(conversation=conversation, sender=buyer, body="Great, tomorrow?")
    before = message_list(client.get(conversation.get_absolute_url())).count("✓✓")
    with committed():
        services.conversation_mark_read(
            conversation=conversation, user=seller, up_to_message_id=conversation.messages.latest("id").id
        )
    assert message_list(client.get(conversation.get_absolute_url())).count("✓✓") == before + 1


def test_the_other_persons_new_name_shows_in_a_cached_list(login, conversation, buyer, seller, committed):
    client = login(seller)
    assert buyer.display_name in client.get(reverse("chat:list")).content.decode()
    with committed():
        account_services.user_update_profile(user=buyer, display_name="Beatrice B.")
    assert "Beatrice B." in client.get(reverse("chat:list")).content.decode()


def test_times_follow_the_viewers_time_zone(login, conversation, buyer):
    client = login(buyer)
    client.cookies["tz"] = "UTC"
    utc = message_list(client.get(conversation.get_absolute_url()))
    client.cookies["tz"] = "Asia/Kolkata"  # UTC+5:30: every clock reading differs
    kolkata = message_list(client.get(conversation.get_absolute_url()))
    assert re.search(r"\+05:30", kolkata) and not re.search(r"\+05:30", utc)


def test_each_session_gets_offer_forms_with_its_own_csrf_token(conversation, buyer, seller):
    services.offer_make(conversation=conversation, user=buyer, amount="100")
    first = Client(enforce_csrf_checks=True)
    first.login(username=seller.email, password=TEST_PASSWORD)
    first.get(conversation.get_absolute_url())
    first.get(conversation.get_absolute_url())  # cached for this session's CSRF secret
    second = Client(enforce_csrf_checks=True)
    second.login(username=seller.email, password=TEST_PASSWORD)
    second.get(reverse("ads:list"))  # gets its CSRF cookie
    page = second.get(conversation.get_absolute_url()).content.decode()
    token = re.search(r'/accept/">\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', page)
    offer = conversation.offers.get()
    response = second.post(
        reverse("chat:offer_act", args=[conversation.public_id, offer.id, "accept"]),
        {"csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == "accepted"


def test_an_entry_is_ignored_after_its_valid_until(settings):
    settings.MARKETPLACE_FRAGMENT_CACHE_S = 600
    key = fragments.key("test", 1)
    fragments.put(key, "<p>soon stale</p>", valid_until=timezone.now() + timedelta(seconds=60))
    assert fragments.get(key)["html"] == "<p>soon stale</p>"
    fragments.put(key, "<p>stale</p>", valid_until=timezone.now() - timedelta(seconds=1))
    assert fragments.get(key) is None
    settings.MARKETPLACE_FRAGMENT_CACHE_S = 0
    fragments.put(key, "<p>off</p>")
    assert fragments.get(key) is None


def test_the_cached_conversation_pane_keeps_the_status_fresh_and_follows_archive_and_blocks(
    login, conversation, buyer, seller, committed
):
    client = login(buyer)
    client.get(conversation.get_absolute_url())
    account_services.user_touch_last_seen(user_id=seller.pk, now=timezone.now())
    assert (
        ">\n          online\n" in client.get(conversation.get_absolute_url()).content.decode()
    )  # cached now
    # Time alone (no token change) turns "online" into "last seen": the status is never cached.
    account_services.user_touch_last_seen(user_id=seller.pk, now=timezone.now() - timedelta(hours=3))
    assert "last seen 3\xa0hours ago" in client.get(conversation.get_absolute_url()).content.decode()
    # Archiving replaces only the list token; the menu still changes.
    with committed():
        client.post(reverse("chat:archive", args=[conversation.public_id]), {"archived": "1"})
    assert "Move back to chats" in client.get(conversation.get_absolute_url()).content.decode()
    with committed():
        account_services.user_block(blocker=seller, blocked=buyer)
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "You can't reply to this conversation." in page and 'id="composer"' not in page


def test_a_refused_send_with_typed_text_is_never_cached(login, conversation, buyer):
    client = login(buyer)
    client.get(conversation.get_absolute_url())
    client.get(conversation.get_absolute_url())  # cached without text
    refused = client.post(reverse("chat:send", args=[conversation.public_id]), {"body": "x" * 4001})
    assert refused.status_code == 400 and "x" * 4001 in refused.content.decode()
    assert "x" * 4001 not in client.get(conversation.get_absolute_url()).content.decode()
