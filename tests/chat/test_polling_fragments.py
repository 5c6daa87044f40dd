"""Cached list panes and message pages are never stale: every change that shows moves the key."""

import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from chat import services
from chat.polling import fragments
from tests.factories import TEST_PASSWORD

THREAD = re.compile(r'id="message-list".*?</ol>', re.S)


def thread(response) -> str:
    return THREAD.search(response.content.decode()).group()


def test_a_new_message_and_a_read_receipt_reach_a_cached_page(login, conversation, buyer, seller):
    client = login(buyer)
    client.get(conversation.get_absolute_url())  # cached now
    services.message_send(conversation=conversation, sender=seller, body="Yes, still here")
    page = client.get(conversation.get_absolute_url())
    assert "Yes, still here" in thread(page)

    services.message_send(conversation=conversation, sender=buyer, body="Great, tomorrow?")
    before = thread(client.get(conversation.get_absolute_url())).count("✓✓")
    services.conversation_mark_read(
        conversation=conversation, user=seller, up_to_message_id=conversation.messages.latest("id").id
    )
    assert thread(client.get(conversation.get_absolute_url())).count("✓✓") == before + 1


def test_the_other_persons_new_name_shows_in_a_cached_list(login, conversation, buyer, seller, committed):
    client = login(seller)
    assert buyer.display_name in client.get(reverse("chat:list")).content.decode()
    with committed():
        account_services.user_update_profile(user=buyer, display_name="Beatrice B.")
    assert "Beatrice B." in client.get(reverse("chat:list")).content.decode()


def test_times_follow_the_viewers_time_zone(login, conversation, buyer):
    client = login(buyer)
    client.cookies["tz"] = "UTC"
    utc = thread(client.get(conversation.get_absolute_url()))
    client.cookies["tz"] = "Asia/Kolkata"  # UTC+5:30: every clock reading differs
    kolkata = thread(client.get(conversation.get_absolute_url()))
    assert re.search(r"\+05:30", kolkata) and not re.search(r"\+05:30", utc)


def test_each_session_gets_offer_forms_with_its_own_csrf_token(conversation, buyer, seller):
    services.offer_make(conversation=conversation, buyer=buyer, amount="100")
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
