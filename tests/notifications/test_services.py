"""The centre's service: notify (settings, dedupe, live hint, cache), marking read, settings; and what
feeds it: favourite alerts, offers, deals, moderation, review prompts."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from ads import alerts
from ads import services as ad_services
from ads.models import FavouriteAlert
from chat import services as chat_services
from chat.models import Offer
from chat.moderation.services import actions as moderation_actions
from chat.services import review_prompts
from notifications import selectors, services
from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notify_stores_one_row_per_recipient_rendered_in_the_readers_language(buyer, stranger, committed):
    params = {"title": "Walnut sofa", "price": "400", "previous": "450"}
    with committed():
        stored = services.notify(
            [buyer, stranger.pk, buyer.pk], "favourite_price_drop", params=params, url="/x/"
        )
    assert stored == 2
    row = Notification.objects.get(user=buyer)
    assert row.text == "Price drop: “Walnut sofa” now costs $400 (was $450)"
    with translation.override("ru"):
        assert row.text == "Снижение цены: «Walnut sofa» теперь стоит 400 $ (было 450 $)"
    assert selectors.unread_count(user_id=buyer.pk) == 1


def test_a_dedupe_key_stores_an_event_once_per_user(buyer):
    for _ in range(2):
        services.notify(
            buyer, "review_prompt", params={"name": "Sam", "title": "Sofa"}, url="/c/", dedupe_key="k"
        )
    assert Notification.objects.filter(user=buyer).count() == 1


def test_saved_search_matches_render_the_count_and_the_name(buyer):
    services.notify(buyer, "saved_search_match", params={"count": 3, "name": "Bikes"}, url="/?q=bike")
    row = Notification.objects.get(user=buyer)
    assert row.text == "3 new ads for “Bikes”"
    assert row.url == "/?q=bike"
    with translation.override("ru"):
        assert row.text == "3 новых объявления по запросу «Bikes»"


@pytest.mark.parametrize(
    ("kind", "url", "code"),
    [("nope", "/x/", "unknown_kind"), ("review_prompt", "https://evil.example/", "bad_url")],
)
def test_bad_kind_or_url_is_refused(buyer, kind, url, code):
    with pytest.raises(ValidationError) as error:
        services.notify(buyer, kind, params={}, url=url)
    assert error.value.code == code


def test_settings_choose_the_channels_and_all_off_stores_nothing(buyer):
    services.notification_settings_set(user=buyer, choices={"favourite_sold": (False, False, False)})
    services.notification_settings_set(user=buyer, choices={"favourite_reserved": (False, True, False)})
    assert services.notify(buyer, "favourite_sold", params={"title": "A"}, url="/a/") == 0
    services.notify(buyer, "favourite_reserved", params={"title": "A"}, url="/a/")
    row = Notification.objects.get(user=buyer)
    assert (row.in_centre, row.email_due, row.push_due) == (False, True, False)
    assert selectors.unread_count(user_id=buyer.pk) == 0  # not in the centre: not on the bell


def test_marking_read_drops_the_cached_count(buyer, committed):
    services.notify(buyer, "review_prompt", params={"name": "Sam", "title": "Sofa"}, url="/c/")
    assert selectors.unread_count(user_id=buyer.pk) == 1
    with committed():
        services.notification_mark_read(notification=Notification.objects.get(user=buyer))
    assert selectors.unread_count(user_id=buyer.pk) == 0
    services.notify(buyer, "review_prompt", params={"name": "Sam", "title": "Chair"}, url="/c/")
    with committed():
        assert services.notifications_mark_all_read(user=buyer) == 1
    assert services.notifications_mark_all_read(user=buyer) == 0


def test_a_price_drop_reaches_who_saved_the_ad_through_the_notifier(ad, seller, buyer, stranger):
    ad_services.favourite_set(user=buyer, ad=ad, saved=True)
    ad_services.favourite_set(user=stranger, ad=ad, saved=True)
    fields = {"category": ad.category, "title": ad.title, "description": "", "city": ""}
    ad_services.ad_update(ad=ad, user=seller, price=Decimal("500"), **fields)  # up: nobody told
    assert not FavouriteAlert.objects.exists()
    ad_services.ad_update(ad=ad, user=seller, price=Decimal("400"), **fields)
    assert Notification.objects.count() == 0  # not in the seller's request
    assert alerts.favourite_alerts_send() == 1
    rows = Notification.objects.filter(kind="favourite_price_drop")
    assert sorted(rows.values_list("user_id", flat=True)) == sorted([buyer.pk, stranger.pk])
    assert rows[0].url == ad.get_absolute_url()
    assert alerts.favourite_alerts_send() == 0  # finished


def test_favourite_alerts_go_in_batches_and_never_twice(ad, seller, monkeypatch):
    monkeypatch.setattr(alerts, "BATCH_SIZE", 2)
    fans = UserFactory.create_batch(5)
    for fan in fans:
        ad_services.favourite_set(user=fan, ad=ad, saved=True)
    ad_services.ad_mark_sold(ad=ad, user=seller, buyer=fans[0])
    assert alerts.favourite_alerts_send(max_batches=2) == 2
    assert Notification.objects.count() == 3  # fans[0] bought it: told in the conversation instead
    assert alerts.favourite_alerts_send() == 1
    assert sorted(Notification.objects.values_list("user_id", flat=True)) == sorted(f.pk for f in fans[1:])
    assert set(Notification.objects.values_list("kind", flat=True)) == {"favourite_sold"}


@pytest.mark.parametrize("deal", ["reserve", "sell"])
def test_savers_hear_when_the_ad_is_back_on_sale_but_not_the_buyer_whose_deal_ended(ad, seller, buyer, deal):
    fans = UserFactory.create_batch(2)
    for user in (buyer, *fans):
        ad_services.favourite_set(user=user, ad=ad, saved=True)
    if deal == "reserve":
        ad_services.ad_reserve(ad=ad, user=seller, buyer=buyer)
    else:
        ad_services.ad_mark_sold(ad=ad, user=seller, buyer=buyer)
    ad_services.ad_reactivate(ad=ad, user=seller)
    ad_services.ad_reactivate(ad=ad, user=seller)  # a repeat: no second alert
    alerts.favourite_alerts_send()
    rows = Notification.objects.filter(kind="favourite_back_on_sale")
    assert sorted(rows.values_list("user_id", flat=True)) == sorted(f.pk for f in fans)
    assert rows[0].url == ad.get_absolute_url()
    with translation.override("ru"):
        assert rows[0].text == "«Walnut sofa» из вашего избранного снова в продаже"


def test_offers_and_counter_offers_reach_the_other_side(conversation, buyer, seller):
    buyer.email_verified_at = seller.email_verified_at = conversation.created_at
    buyer.save()
    seller.save()
    chat_services.offer_make(conversation=conversation, user=buyer, amount="400")
    chat_services.offer_make(conversation=conversation, user=seller, amount="430")
    to_seller, to_buyer = Notification.objects.get(user=seller), Notification.objects.get(user=buyer)
    assert to_seller.text == "Bea Buyer offered $400 for “Walnut sofa”"
    assert to_buyer.text == "Sam Seller made a counter-offer of $430 for “Walnut sofa”"
    assert to_buyer.url == conversation.get_absolute_url()


def test_the_deal_buyer_is_told_reserved_then_sold(conversation, buyer, seller):
    buyer.email_verified_at = seller.email_verified_at = conversation.created_at
    buyer.save()
    seller.save()
    offer = chat_services.offer_make(conversation=conversation, user=buyer, amount="400")
    chat_services.offer_accept(offer=offer, user=seller)
    offer = Offer.objects.get(pk=offer.pk)
    chat_services.offer_reserve(offer=offer, user=seller)
    chat_services.offer_mark_sold(offer=offer, user=seller)
    texts = list(
        Notification.objects.filter(user=buyer, kind__startswith="deal_").values_list("kind", flat=True)
    )
    assert sorted(texts) == ["deal_reserved", "deal_sold"]


def test_a_moderator_removing_an_ad_tells_its_owner(ad, seller):
    moderator = UserFactory(is_staff=True, is_superuser=True)
    moderation_actions.ad_remove(ad=ad, moderator=moderator)
    row = Notification.objects.get(user=seller)
    assert row.text == "A moderator removed your ad “Walnut sofa”"


def test_review_prompts_come_once_when_the_gate_opens(conversation, buyer, seller, settings):
    settings.MARKETPLACE_REVIEW_AFTER_S = 0
    settings.MARKETPLACE_REVIEW_MIN_MESSAGES = 1
    assert review_prompts.review_prompts_send() == 0  # the seller has not written yet
    chat_services.message_send(conversation=conversation, sender=seller, body="Yes, it is.")
    assert review_prompts.review_prompts_send() == 2
    assert review_prompts.review_prompts_send() == 0
    assert Notification.objects.get(user=buyer).text == (
        "How did it go with Sam Seller? Review your deal for “Walnut sofa”"
    )


def test_offers_are_not_pushed_by_the_centre_by_default(conversation, buyer, seller):
    chat_services.offer_make(conversation=conversation, user=buyer, amount="400")
    row = Notification.objects.get(user=seller)
    assert (row.in_centre, row.email_due, row.push_due) == (True, False, False)
