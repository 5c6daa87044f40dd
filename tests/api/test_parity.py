"""API parity with the site: the blocked-users list, releasing a reservation, the user's settings, public
profiles."""

import pytest

from accounts import services as account_services
from ads import services as ad_services
from ads.models import Ad
from chat import services
from chat.models import Message
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_blocked_users_list_shows_whom_and_since_when(token_client, buyer, seller, stranger):
    account_services.user_block(blocker=buyer, blocked=seller)
    account_services.user_block(blocker=buyer, blocked=stranger)
    account_services.user_block(blocker=seller, blocked=buyer)  # someone else's block: not listed

    response = token_client(buyer).get("/api/v1/blocks/")

    assert response.status_code == 200
    assert [row["user"]["public_id"] for row in response.json()] == [stranger.public_id, seller.public_id]
    assert response.json()[0]["blocked_at"]


def test_the_blocked_users_list_is_one_query(token_client, buyer, django_assert_num_queries):
    for _ in range(3):
        account_services.user_block(blocker=buyer, blocked=UserFactory())
    client = token_client(buyer)
    # the token with its user, knox's expired-token sweep over the user's tokens, the blocks with their
    # users (one query, whatever their number), the last-seen stamp
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/blocks/").json()) == 3


def test_releasing_a_reservation_puts_the_ad_back_on_sale_and_tells_the_buyer(
    token_client, buyer, seller, conversation, ad
):
    offer = services.offer_make(conversation=conversation, user=buyer, amount="400")
    services.offer_accept(offer=offer, user=seller)
    services.offer_reserve(offer=offer, user=seller)

    response = token_client(seller).post(f"/api/v1/ads/{ad.public_id}/reactivate/")

    assert response.status_code == 200 and response.json()["status"] == "active"
    ad.refresh_from_db()
    assert (ad.status, ad.buyer_id) == (Ad.Status.ACTIVE, None)
    notice = Message.objects.filter(conversation=conversation).latest("id")
    assert "released the reservation" in notice.text


def test_only_the_owner_may_release(token_client, buyer, ad, stranger):
    ad_services.ad_mark_sold(ad=ad, user=ad.owner)
    for user in (buyer, stranger):
        assert token_client(user).post(f"/api/v1/ads/{ad.public_id}/reactivate/").status_code == 404
    ad.refresh_from_db()
    assert ad.status == Ad.Status.SOLD


def test_settings_read_and_change_like_the_profile_page(token_client, buyer):
    client = token_client(buyer)
    before = client.get("/api/v1/settings/").json()
    assert before["share_read_receipts"] is True and before["email"] == buyer.email

    response = client.patch(
        "/api/v1/settings/",
        {"share_read_receipts": False, "email_unread_messages": False, "language": "ru"},
        format="json",
    )

    assert response.status_code == 200
    buyer.refresh_from_db()
    assert (buyer.share_read_receipts, buyer.email_unread_messages, buyer.language) == (False, False, "ru")
    assert buyer.share_last_seen is True and response.json()["display_name"] == buyer.display_name


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"display_name": "   "}, "display_name"),
        ({"language": "de"}, "language"),
        ({"share_last_seen": 1}, None),
    ],
)
def test_settings_refuse_what_the_profile_page_refuses(token_client, buyer, body, field):
    response = token_client(buyer).patch("/api/v1/settings/", body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert field is None or field in response.json()["fields"]
    buyer.refresh_from_db()
    assert buyer.display_name.strip() and buyer.language == "" and buyer.share_last_seen is True


def test_a_public_profile_shows_reviews_and_ads_to_anyone(api, buyer, seller, conversation, settings):
    settings.MARKETPLACE_REVIEW_AFTER_S = 0
    services.message_send(conversation=conversation, sender=seller, body="Yes, it is.")
    services.message_send(conversation=conversation, sender=seller, body="Come by.")
    services.message_send(conversation=conversation, sender=buyer, body="Great.")
    services.review_create(conversation=conversation, author=buyer, reliability=5, friendliness=4, text="Ok")
    services.review_create(conversation=conversation, author=seller, reliability=4, friendliness=4)
    AdFactory(owner=seller, status=Ad.Status.SOLD)  # not on sale: not shown

    response = api.get(f"/api/v1/users/{seller.public_id}/")

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["public_id"] == seller.public_id and body["user"]["member_since"]
    assert body["reviews"] == {"count": 1, "reliability": 5.0, "friendliness": 4.0, "overall": 4.5}
    assert [(r["author"], r["text"]) for r in body["latest_reviews"]] == [(buyer.display_name, "Ok")]
    assert [a["public_id"] for a in body["ads"]] == [conversation.ad.public_id]
    assert body["response_time_s"] is None and body["response_time"] == ""


def test_suspended_and_unknown_profiles_are_404(api, seller):
    seller.is_active = False
    seller.save(update_fields=["is_active"])
    assert api.get(f"/api/v1/users/{seller.public_id}/").status_code == 404
    assert api.get("/api/v1/users/AAAAAAAAAA/").status_code == 404
