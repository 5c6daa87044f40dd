"""Views: the review page and prompt, the public profile, the seller line on ad pages, and reports of ads
and reviews."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from chat import services
from chat.models import Review
from chat.moderation.models import Report
from tests.chat.test_services_reputation import review, talked
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def _review_url(conversation):
    return reverse("chat:review", args=[conversation.public_id])


def test_the_prompt_and_the_review_page_through_the_gate(login, buyer, seller, ad):
    fresh, _ = services.conversation_start(buyer=UserFactory(), ad=AdFactory(owner=seller), body="Hi")
    client = login(seller)
    assert "Leave a review" not in client.get(fresh.get_absolute_url()).content.decode()
    page = client.get(_review_url(fresh)).content.decode()
    assert (
        "Reviews open once you have both written at least 2 messages" in page
        and "<form" not in page.split("</header>")[-1].split("<footer")[0]
    )

    conversation = talked(buyer, ad)
    buyer_client = login(buyer)
    assert "Leave a review" in buyer_client.get(conversation.get_absolute_url()).content.decode()
    response = buyer_client.post(
        _review_url(conversation), {"reliability": "5", "friendliness": "4", "text": "Fair & quick <3"}
    )
    assert response.status_code == 302 and response["Location"] == conversation.get_absolute_url()
    written = Review.objects.get()
    assert (written.reliability, written.friendliness, written.text) == (5, 4, "Fair & quick <3")
    page = buyer_client.get(conversation.get_absolute_url()).content.decode()
    assert f"You reviewed {seller.display_name}." in page and "Edit your review" in page


def test_a_refused_review_keeps_what_was_typed(login, buyer, ad):
    conversation = talked(buyer, ad)
    response = login(buyer).post(_review_url(conversation), {"reliability": "5", "text": "Kept this text"})
    body = response.content.decode()
    assert response.status_code == 400 and "Choose 1 to 5 stars." in body and "Kept this text" in body
    assert not Review.objects.exists()


def test_the_review_page_is_404_for_non_participants(login, buyer, ad):
    conversation = talked(buyer, ad)
    assert login(UserFactory()).get(_review_url(conversation)).status_code == 404


def test_the_profile_shows_published_reviews_only_and_escapes_them(client, buyer, seller, ad):
    conversation = talked(buyer, ad)
    review(conversation, buyer, stars=4, text="<b>great</b>")
    url = reverse("profiles:detail", args=[seller.public_id])
    page = client.get(url).content.decode()
    assert "No reviews yet" in page and "great" not in page  # waiting for the seller's review
    review(conversation, seller, stars=5)
    page = client.get(url).content.decode()
    assert "&lt;b&gt;great&lt;/b&gt;" in page and "4.0" in page and "from 1 review" in page
    assert ad.title in page  # their ads on sale
    assert client.get(reverse("profiles:detail", args=["nobody0000"])).status_code == 404


@pytest.mark.parametrize("count", [1, 30])
def test_the_profile_costs_the_same_for_1_and_30_reviews(client, seller, count, django_assert_num_queries):
    ad = AdFactory(owner=seller)
    for _ in range(count):
        conversation = talked(UserFactory(), ad)
        review(conversation, conversation.buyer)
        review(conversation, seller)
    # user, response time, review summary, latest reviews (+ authors), ads, their photos
    with django_assert_num_queries(6):
        response = client.get(reverse("profiles:detail", args=[seller.public_id]))
    assert response.content.decode().count('class="review"') == min(count, 10)


def test_response_time_on_the_ad_page_and_the_profile(client, seller):
    ad = AdFactory(owner=seller)
    for _ in range(5):
        talked(UserFactory(), ad, reply_after_s=20 * 60, each=1)
    assert "Usually replies within an hour" in client.get(ad.get_absolute_url()).content.decode()
    assert (
        "Usually replies within an hour"
        in client.get(reverse("profiles:detail", args=[seller.public_id])).content.decode()
    )
    other = AdFactory()
    talked(UserFactory(), other, reply_after_s=60, each=1)  # one conversation: too few to say
    assert "Usually replies" not in client.get(other.get_absolute_url()).content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_the_ad_page_costs_the_same_whatever_the_sellers_history(login, count, django_assert_num_queries):
    ad = AdFactory()
    for _ in range(count):
        conversation = talked(UserFactory(), ad)
        review(conversation, conversation.buyer)
    client = login(UserFactory())
    # ad with category, owner and the visitor's heart, its photos, session, user, header badge, reputation
    # (review summary, response time), the visitor's conversation about the ad, the visitor's last-seen
    # stamp, and the seller's other ads and similar ads (one query each; their photos when there are some),
    # and the notification bell's unread count (cold cache; served from the cache after)
    with django_assert_num_queries(12):
        client.get(ad.get_absolute_url())


def test_reporting_an_ad_goes_to_the_queue(login, ad, seller):
    reporter = UserFactory()
    client = login(reporter)
    assert "Report this ad" in client.get(ad.get_absolute_url()).content.decode()
    url = reverse("moderation:ad_report", args=[ad.public_id])
    response = client.post(
        url, {"reason": "scam", "details": "Asks for a deposit", "idempotency_key": "r" * 22}
    )
    assert response.status_code == 302 and response["Location"] == ad.get_absolute_url()
    report = Report.objects.get()
    assert (report.ad_id, report.conversation_id, report.reported_user_id) == (ad.pk, None, seller.pk)
    client.post(url, {"reason": "scam", "idempotency_key": "r" * 22})  # a repeat files nothing
    assert Report.objects.count() == 1
    assert login(seller).get(url).status_code == 404


def test_reporting_a_review_and_hiding_it(login, client, buyer, seller, ad):
    conversation = talked(buyer, ad)
    written = review(conversation, buyer, stars=1, text="Scammer!!!")
    review(conversation, seller)
    url = reverse("moderation:review_report", args=[written.pk])
    assert login(buyer).get(url).status_code == 404  # one's own review
    response = login(seller).post(url, {"reason": "harassment", "idempotency_key": "v" * 22})
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.review_id, report.conversation_id, report.reported_user_id) == (
        written.pk,
        conversation.pk,
        buyer.pk,
    )


def test_an_unpublished_review_cannot_be_reported(login, buyer, seller, ad):
    conversation = talked(buyer, ad)
    written = review(conversation, buyer)
    Review.objects.filter(pk=written.pk).update(created_at=timezone.now() - timedelta(days=1))
    assert login(seller).get(reverse("moderation:review_report", args=[written.pk])).status_code == 404
