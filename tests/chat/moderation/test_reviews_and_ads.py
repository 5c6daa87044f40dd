"""Moderation of reported ads and reviews: the case page, hiding a review (logged), the review admin."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from accounts.services import user_make_moderator
from chat.models import Review
from chat.moderation import services as moderation
from chat.moderation.models import ModerationAction, Report
from tests.chat.test_services_reputation import review, talked
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return user_make_moderator(user=UserFactory(email="mod@example.com"))


@pytest.fixture
def published(buyer, seller, ad):
    conversation = talked(buyer, ad)
    written = review(conversation, buyer, stars=1, text="Rude and late, avoid")
    review(conversation, seller)
    return written


def test_a_moderator_hides_a_reported_review_from_the_case_page(client, moderator, seller, published):
    report = moderation.report_review_create(reporter=seller, review=published, reason="harassment")
    client.force_login(moderator)
    page = client.get(reverse("admin:moderation_report_change", args=[report.pk])).content.decode()
    assert "Rude and late, avoid" in page and "for their review" in page and "Hide the review" in page
    act = reverse("admin:moderation_report_act", args=[report.pk])
    assert "Hide this review" in client.post(act, {"action": "hide_review"}).content.decode()  # asks first
    client.post(act, {"action": "hide_review", "confirmed": "1", "note": "insults"})

    published.refresh_from_db()
    report.refresh_from_db()
    assert published.hidden_at is not None and report.status == Report.Status.ACTIONED
    logged = ModerationAction.objects.get(action=ModerationAction.Action.HIDE_REVIEW)
    assert (logged.review_id, logged.moderator_id, logged.note) == (published.pk, moderator.pk, "insults")
    profile = client.get(reverse("profiles:detail", args=[seller.public_id])).content.decode()
    assert "Rude and late" not in profile and "No reviews yet" in profile
    assert not Review.objects.published().filter(pk=published.pk).exists()


def test_only_moderators_hide_reviews(buyer, published):
    with pytest.raises(PermissionDenied):
        moderation.review_set_hidden(review=published, moderator=buyer, hidden=True)


def test_the_review_admin_hides_and_shows_with_a_log(client, moderator, published):
    client.force_login(moderator)
    changelist = reverse("admin:chat_review_changelist")
    client.post(changelist, {"action": "hide", "_selected_action": [published.pk]})
    published.refresh_from_db()
    assert published.hidden_at is not None
    client.post(changelist, {"action": "show", "_selected_action": [published.pk]})
    published.refresh_from_db()
    assert published.hidden_at is None
    assert list(ModerationAction.objects.order_by("id").values_list("action", flat=True)) == [
        "hide_review",
        "show_review",
    ]


def test_the_case_page_of_an_ad_report_offers_removing_the_ad(client, moderator, ad, seller):
    report = moderation.report_ad_create(
        reporter=UserFactory(), ad=ad, reason="prohibited", details="A replica"
    )
    client.force_login(moderator)
    page = client.get(reverse("admin:moderation_report_change", args=[report.pk])).content.decode()
    assert "for their ad" in page and "A replica" in page and "Remove the ad" in page
    assert "latest messages" not in page
    act = reverse("admin:moderation_report_act", args=[report.pk])
    client.post(act, {"action": "remove_ad", "confirmed": "1"})
    ad.refresh_from_db()
    assert ad.status == "removed"
