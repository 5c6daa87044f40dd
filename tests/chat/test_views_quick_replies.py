"""Views: the quick replies offered above the composer and on the ad page fit the ad's state."""

import re

import pytest

from ads import services as ad_services
from chat import services
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _quick_replies(page: str) -> list[str]:
    return [
        reply.replace("&#x27;", "'")
        for reply in re.findall(r'class="quick-reply" data-quick-reply="([^"]*)"', page)
    ]


def _deal(conversation, buyer, seller, *, sell: bool):
    offer = services.offer_make(conversation=conversation, user=buyer, amount="400")
    services.offer_accept(offer=offer, user=seller)
    (services.offer_mark_sold if sell else services.offer_reserve)(offer=offer, user=seller)


def test_on_sale_buyers_ask_about_it_and_sellers_answer(login, conversation, buyer, seller):
    assert _quick_replies(login(buyer).get(conversation.get_absolute_url()).content.decode()) == [
        "Is it still available?",
        "What's the lowest price?",
        "Where can I pick it up?",
    ]
    assert "Yes, it's available." in _quick_replies(
        login(seller).get(conversation.get_absolute_url()).content.decode()
    )


@pytest.mark.parametrize("sell", [False, True])
def test_the_buyer_of_the_deal_is_not_asked_whether_it_is_available(login, conversation, buyer, seller, sell):
    _deal(conversation, buyer, seller, sell=sell)
    replies = _quick_replies(login(buyer).get(conversation.get_absolute_url()).content.decode())
    assert replies == ["When can I pick it up?", "Where can I pick it up?"]
    replies = _quick_replies(login(seller).get(conversation.get_absolute_url()).content.decode())
    assert replies == ["When would you like to pick it up?"]


def test_other_buyers_of_a_reserved_or_sold_ad_get_replies_that_fit(login, conversation, buyer, seller, ad):
    other, _ = services.conversation_start(buyer=UserFactory(), ad=ad, body="Hi")
    _deal(conversation, buyer, seller, sell=False)
    assert _quick_replies(login(other.buyer).get(other.get_absolute_url()).content.decode()) == [
        "Can I be next if the deal falls through?"
    ]
    assert _quick_replies(login(seller).get(other.get_absolute_url()).content.decode()) == [
        "Sorry, it's reserved for another buyer.",
        "I'll let you know if it's available again.",
    ]
    # The ad page's "Write to seller" for a newcomer, too.
    page = login(UserFactory()).get(ad.get_absolute_url()).content.decode()
    assert _quick_replies(page) == ["Can I be next if the deal falls through?"]
    services.offer_mark_sold(offer=conversation.offers.get(), user=seller)
    assert _quick_replies(login(other.buyer).get(other.get_absolute_url()).content.decode()) == [
        "Do you have anything similar?"
    ]
    assert _quick_replies(login(seller).get(other.get_absolute_url()).content.decode()) == [
        "Sorry, it's sold."
    ]


def test_a_removed_ad_offers_no_buyer_reply(login, conversation, buyer, seller, ad):
    ad_services.ad_remove(ad=ad, user=seller)
    page = login(buyer).get(conversation.get_absolute_url()).content.decode()
    assert _quick_replies(page) == [] and 'class="quick-replies' not in page
    page = login(seller).get(conversation.get_absolute_url()).content.decode()
    assert _quick_replies(page) == ["Sorry, it's no longer available."]
