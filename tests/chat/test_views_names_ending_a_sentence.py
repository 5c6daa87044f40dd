"""A display name that ends with a full stop ("Sam Jr.") is not followed by a second one in any sentence
that ends with it: notices, flash messages, errors and pages."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from chat import services
from chat.notices import notice_text
from tests.chat.test_services_reputation import review, talked
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def junior(db):
    return UserFactory(display_name="Sam Jr.")


def _flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_selling_to_a_name_with_a_full_stop(login, seller, junior, ad):
    conversation, _ = services.conversation_start(buyer=junior, ad=ad, body="Hi")
    offer = services.offer_accept(
        offer=services.offer_make(conversation=conversation, user=junior, amount="400"), user=seller
    )
    client = login(seller)
    response = client.post(reverse("chat:offer_act", args=[conversation.public_id, offer.id, "sell"]))
    assert _flashed(response) == ["Marked as sold to Sam Jr."]
    notice = conversation.messages.get(notice="deal_sold")
    assert notice.body == "Sam Seller marked this item as sold to Sam Jr."
    page = client.get(conversation.get_absolute_url()).content.decode()
    assert "marked this item as sold to Sam Jr.<" in page and "Jr.." not in page
    with translation.override("ru"):
        said = notice_text(notice.notice, notice.notice_params)
    assert said == "Sam Seller: товар продан, покупатель — Sam Jr."


def test_blocking_a_name_with_a_full_stop(login, seller, junior, ad):
    conversation, _ = services.conversation_start(buyer=junior, ad=ad, body="Hi")
    response = login(seller).post(reverse("chat:block", args=[conversation.public_id]))
    assert _flashed(response)[0].startswith("You blocked Sam Jr. They can't write to you;")
    with pytest.raises(ValidationError) as refused:
        services.message_send(conversation=conversation, sender=seller, body="hi")
    assert refused.value.messages == [
        "You blocked Sam Jr. Unblock them under “Blocked users” to write again."
    ]


def test_reviewing_and_reporting_a_name_with_a_full_stop(login, junior, buyer):
    ad = AdFactory(owner=junior)
    conversation = talked(buyer, ad)
    written = review(conversation, buyer)  # of Sam Jr.
    page = login(buyer).get(conversation.get_absolute_url()).content.decode()
    assert "You reviewed Sam Jr. It is published when" in page and "Jr.." not in page

    review(conversation, junior)  # both reviewed: published, so Sam Jr. may report it
    client = login(junior)
    page = client.get(reverse("moderation:review_report", args=[written.pk])).content.decode()
    assert "A review of Sam Jr. Moderators see it" in page
    page = login(buyer).get(reverse("moderation:ad_report", args=[ad.public_id])).content.decode()
    assert "by Sam Jr. Moderators look at the ad" in page and "Jr.." not in page
