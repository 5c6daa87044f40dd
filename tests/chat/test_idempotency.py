"""Exactly once: each form that creates something carries a key; a repeated POST gets the first result."""

import re
import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from chat import services
from chat.models import Conversation, Message, Offer
from chat.moderation.models import HeldMessage, Report
from tests.conftest import HTMX
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db

KEY_INPUT = re.compile(r'name="idempotency_key" value="([A-Za-z0-9_-]+)"')


def keys_in(response) -> list[str]:
    return KEY_INPUT.findall(response.content.decode())


def test_the_same_composer_post_twice_stores_one_message_and_answers_the_same(login, conversation, buyer):
    client = login(buyer)
    page = client.get(conversation.get_absolute_url())
    composer_key = keys_in(page)[-1]  # the offer form's key comes first, the composer's last
    url = reverse("chat:send", args=[conversation.public_id])
    data = {"body": "Can I see it on Saturday?", "after": 0, "idempotency_key": composer_key}

    first = client.post(url, data)
    second = client.post(url, data)

    assert Message.objects.filter(body="Can I see it on Saturday?").count() == 1
    message = Message.objects.get(body="Can I see it on Saturday?")
    assert first.status_code == second.status_code == 302
    assert (
        first["Location"] == second["Location"] == f"{conversation.get_absolute_url()}#message-{message.id}"
    )


def test_an_htmx_repeat_renders_the_same_message_and_a_fresh_key_each_time(login, conversation, buyer):
    client = login(buyer)
    url = reverse("chat:send", args=[conversation.public_id])
    data = {"body": "Still there?", "after": 0, "idempotency_key": "k" * 21}

    first = client.post(url, data, headers=HTMX)
    second = client.post(url, data, headers=HTMX)

    message = Message.objects.get(body="Still there?")
    for response in (first, second):
        assert response.status_code == 200
        assert f'id="message-{message.id}"' in response.content.decode()
    # The composer comes back out of band with a new key, never the one just used.
    assert "k" * 21 not in keys_in(first) + keys_in(second)
    assert keys_in(first) != keys_in(second)


def test_a_repeat_is_not_charged_to_the_rate_limit(login, conversation, buyer, settings):
    settings.MARKETPLACE_RATE_LIMITS = {**settings.MARKETPLACE_RATE_LIMITS, "message_by_user": [(60, 1)]}
    client = login(buyer)
    url = reverse("chat:send", args=[conversation.public_id])
    data = {"body": "once", "after": 0, "idempotency_key": "a" * 21}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # the repeat: same answer, not refused
    refused = client.post(url, {"body": "twice", "after": 0, "idempotency_key": "b" * 21})
    assert refused.status_code == 429
    assert Message.objects.filter(body__in=["once", "twice"]).count() == 1


def test_every_page_shows_new_keys_even_from_the_cached_pane(login, conversation, buyer):
    client = login(buyer)
    first = keys_in(client.get(conversation.get_absolute_url()))
    second = keys_in(client.get(conversation.get_absolute_url()))
    assert len(first) == len(second) == 2  # the offer form and the composer
    assert len(set(first + second)) == 4


def test_a_refused_send_keeps_its_key_and_text(login, conversation, buyer):
    client = login(buyer)
    url = reverse("chat:send", args=[conversation.public_id])
    response = client.post(url, {"body": "x" * 4001, "after": 0, "idempotency_key": "c" * 21}, headers=HTMX)
    assert response["HX-Retarget"] == "#composer"
    assert keys_in(response) == ["c" * 21]


def test_a_malformed_key_is_refused_with_a_reason(login, conversation, buyer):
    client = login(buyer)
    url = reverse("chat:send", args=[conversation.public_id])
    response = client.post(url, {"body": "hello", "after": 0, "idempotency_key": "<bad>"}, headers=HTMX)
    assert response.status_code == 200
    assert "This form is out of date" in response.content.decode()
    assert not Message.objects.filter(body="hello").exists()


def test_a_key_reused_in_another_conversation_is_refused(login, conversation, buyer):
    other, _ = services.conversation_start(buyer=buyer, ad=AdFactory(), body="Hello")
    client = login(buyer)
    data = {"body": "one", "after": 0, "idempotency_key": "d" * 21}
    client.post(reverse("chat:send", args=[conversation.public_id]), data)
    response = client.post(reverse("chat:send", args=[other.public_id]), {**data, "body": "two"})
    assert response.status_code == 400
    assert "already used for another conversation" in response.content.decode()
    assert Message.objects.filter(body__in=["one", "two"]).count() == 1


def test_the_same_key_with_other_text_is_refused_in_place_keeping_the_text(login, conversation, buyer):
    client = login(buyer)
    url = reverse("chat:send", args=[conversation.public_id])
    data = {"body": "Can you do 400?", "after": 0, "idempotency_key": "e" * 21}
    client.post(url, data, headers=HTMX)

    changed = client.post(url, {**data, "body": "Can you do 380?"}, headers=HTMX)

    assert changed.status_code == 200 and changed["HX-Retarget"] == "#composer"
    page = changed.content.decode()
    assert "A different message was already sent from this form" in page
    assert "Can you do 380?" in page  # the typed text stays in the composer
    assert keys_in(changed) and "e" * 21 not in keys_in(changed)  # a fresh key: Send again sends it
    assert list(Message.objects.filter(sender=buyer).values_list("body", flat=True)) == [
        "Hi! Is this still available?",
        "Can you do 400?",
    ]
    again = client.post(url, {**data, "body": "Can you do 380?", "idempotency_key": keys_in(changed)[0]})
    assert again.status_code == 302 and Message.objects.filter(body="Can you do 380?").count() == 1


def test_without_javascript_the_mismatch_is_the_page_with_status_400(login, conversation, buyer):
    client = login(buyer)
    url = reverse("chat:send", args=[conversation.public_id])
    data = {"body": "Pick up at 5?", "after": 0, "idempotency_key": "f" * 21}
    client.post(url, data)

    changed = client.post(url, {**data, "body": "Pick up at 6?"})

    assert changed.status_code == 400
    assert "A different message was already sent from this form" in changed.content.decode()
    assert "Pick up at 6?" in changed.content.decode()
    assert not Message.objects.filter(body="Pick up at 6?").exists()


def test_write_to_seller_twice_stores_one_message(login, buyer, ad):
    client = login(buyer)
    page = client.get(ad.get_absolute_url())
    [key] = keys_in(page)
    url = reverse("chat:start", args=[ad.public_id])
    first = client.post(url, {"body": "Is it available?", "idempotency_key": key})
    second = client.post(url, {"body": "Is it available?", "idempotency_key": key})
    assert first["Location"] == second["Location"]
    assert Message.objects.filter(sender=buyer).count() == 1
    assert keys_in(client.get(ad.get_absolute_url())) != [key]


def test_write_to_seller_again_with_the_same_key_and_other_text_is_refused_keeping_it(login, buyer, ad):
    client = login(buyer)
    url = reverse("chat:start", args=[ad.public_id])
    client.post(url, {"body": "Is it available?", "idempotency_key": "g" * 21})

    changed = client.post(url, {"body": "Would you take 300?", "idempotency_key": "g" * 21})

    assert changed.status_code == 400
    page = changed.content.decode()
    assert "A different message was already sent from this form" in page and "Would you take 300?" in page
    assert keys_in(changed) and keys_in(changed) != ["g" * 21]
    assert list(Message.objects.filter(sender=buyer).values_list("body", flat=True)) == ["Is it available?"]
    again = client.post(url, {"body": "Would you take 300?", "idempotency_key": keys_in(changed)[0]})
    assert again.status_code == 302 and Message.objects.filter(body="Would you take 300?").exists()


def test_a_held_first_message_posted_twice_is_held_once(login, buyer, settings):
    settings.MARKETPLACE_DUPLICATE_TEXT_MAX_RECIPIENTS = 1
    client = login(buyer)
    client.post(reverse("chat:start", args=[AdFactory().public_id]), {"body": "Cheap phones!"})
    ad = AdFactory()
    data = {"body": "Cheap phones!", "idempotency_key": "e" * 21}
    client.post(reverse("chat:start", args=[ad.public_id]), data)
    client.post(reverse("chat:start", args=[ad.public_id]), data)
    assert HeldMessage.objects.filter(sender=buyer).count() == 1


def test_an_offer_posted_twice_is_one_offer(login, conversation, buyer):
    client = login(buyer)
    [offer_key, _composer_key] = keys_in(client.get(conversation.get_absolute_url()))
    url = reverse("chat:offer_make", args=[conversation.public_id])
    first = client.post(url, {"amount": "400", "idempotency_key": offer_key})
    second = client.post(url, {"amount": "400", "idempotency_key": offer_key})
    offer = Offer.objects.get()
    assert offer.status == Offer.Status.PENDING  # not replaced by its own repeat
    assert first["Location"] == second["Location"] == f"{conversation.get_absolute_url()}#offer-{offer.id}"


def test_an_offer_again_with_the_same_key_and_another_amount_is_refused_keeping_it(
    login, conversation, buyer
):
    client = login(buyer)
    url = reverse("chat:offer_make", args=[conversation.public_id])
    client.post(url, {"amount": "400", "idempotency_key": "h" * 21})

    changed = client.post(url, {"amount": "380", "idempotency_key": "h" * 21})

    assert changed.status_code == 400
    page = changed.content.decode()
    assert "A different message was already sent from this form" in page and 'value="380"' in page
    [offer_key, _composer_key] = keys_in(changed)
    assert offer_key != "h" * 21
    assert list(Offer.objects.values_list("amount", flat=True)) == [400]
    again = client.post(url, {"amount": "380", "idempotency_key": offer_key})
    assert again.status_code == 302 and Offer.objects.filter(amount=380).exists()


def test_a_report_posted_twice_is_one_report(login, conversation, seller):
    client = login(seller)
    url = reverse("moderation:report", args=[conversation.public_id])
    [key] = keys_in(client.get(url))
    data = {"reason": "spam", "details": "", "idempotency_key": key}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL")
@pytest.mark.parametrize("kind", ["send", "start"])
def test_identical_posts_at_once_store_one_message(kind):
    buyer = UserFactory()
    ad = AdFactory()
    if kind == "send":
        conversation, _ = services.conversation_start(buyer=buyer, ad=ad, body="first")
        url = reverse("chat:send", args=[conversation.public_id])
    else:
        url = reverse("chat:start", args=[ad.public_id])
    data = {"body": "Is Saturday fine?", "after": 0, "idempotency_key": "f" * 21}
    count = 6
    barrier = threading.Barrier(count)
    statuses, errors = [], []

    def post():
        try:
            client = Client()
            client.force_login(buyer)
            barrier.wait()
            statuses.append(client.post(url, data).status_code)
        except Exception as error:  # noqa: BLE001 - asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert statuses == [302] * count
    assert Message.objects.filter(body="Is Saturday fine?").count() == 1
    assert Conversation.objects.count() == 1
