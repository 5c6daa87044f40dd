"""Services: reviews gated by real conversations, revenge protection, and sellers' response time."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from chat import services
from chat.models import Conversation, ResponseTime, Review
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def talked(buyer, ad, *, days_ago=2, each=2, reply_after_s=60):
    """A conversation started *days_ago* in which buyer and seller each wrote *each* messages."""
    start = timezone.now() - timedelta(days=days_ago)
    conversation, _ = services.conversation_start(
        buyer=buyer, ad=ad, body="Hi, still available?", created_at=start
    )
    at = start + timedelta(seconds=reply_after_s)
    for index in range(each * 2 - 1):
        sender = ad.owner if index % 2 == 0 else buyer
        services.message_send(conversation=conversation, sender=sender, body=f"m{index}", created_at=at)
        at += timedelta(minutes=1)
    conversation.refresh_from_db()
    return conversation


def review(conversation, author, stars=5, text="Smooth pickup."):
    return services.review_create(
        conversation=conversation, author=author, reliability=stars, friendliness=stars, text=text
    )


def test_the_gate_needs_two_messages_each_and_a_day(buyer, seller, ad):
    conversation, _ = services.conversation_start(buyer=buyer, ad=ad, body="Hi")
    services.message_send(conversation=conversation, sender=seller, body="Hello")
    services.message_send(conversation=conversation, sender=buyer, body="Can I come at 6?")
    assert services.review_refusal(conversation=conversation, user=buyer) == "review_too_few_messages"
    services.message_send(conversation=conversation, sender=seller, body="Sure")
    conversation.refresh_from_db()
    assert services.review_refusal(conversation=conversation, user=buyer) == "review_too_early"
    with pytest.raises(ValidationError) as error:
        review(conversation, buyer)
    assert error.value.messages == ["Reviews open 24 hours after the conversation started."]
    later = timezone.now() + timedelta(days=1, minutes=1)
    assert services.review_refusal(conversation=conversation, user=buyer, now=later) is None
    assert services.review_refusal(conversation=conversation, user=UserFactory(), now=later) == (
        "review_not_participant"
    )
    assert services.review_refusal(conversation=conversation, user=buyer, now=later + timedelta(days=31)) == (
        "review_window_closed"
    )


def test_notices_do_not_count_as_messages(buyer, seller, ad):
    conversation = talked(buyer, ad, each=1)
    # Offers count (written by a participant); their system notices do not.
    offer = services.offer_make(conversation=conversation, user=buyer, amount="100")
    services.offer_decline(offer=offer, user=seller)
    counts = dict(conversation.participants.values_list("role", "sent_count"))
    assert counts == {"buyer": 2, "seller": 1}
    assert services.review_refusal(conversation=conversation, user=buyer) == "review_too_few_messages"


def test_a_review_waits_until_both_reviewed(buyer, seller, ad):
    conversation = talked(buyer, ad)
    first = review(conversation, buyer, stars=4)
    assert (first.subject_id, first.author_role, first.published_at) == (seller.pk, "buyer", None)
    assert not Review.objects.published().exists()
    second = review(conversation, seller, stars=5)
    first.refresh_from_db()
    assert first.published_at == second.published_at is not None
    assert Review.objects.published().count() == 2
    with pytest.raises(ValidationError) as error:
        review(conversation, buyer)
    assert error.value.code == "review_exists"
    with pytest.raises(PermissionDenied):
        review(conversation, UserFactory())


def test_an_unanswered_review_is_published_after_14_days(buyer, ad):
    conversation = talked(buyer, ad)
    written = review(conversation, buyer)
    assert not Review.objects.published(now=timezone.now() + timedelta(days=13)).exists()
    assert list(Review.objects.published(now=timezone.now() + timedelta(days=14))) == [written]


def test_a_review_is_editable_for_7_days_while_unpublished(buyer, seller, ad):
    conversation = talked(buyer, ad)
    written = review(conversation, buyer, stars=2, text="Late.")
    changed = services.review_update(
        review=written, author=buyer, reliability=4, friendliness=3, text="Late, but fine."
    )
    assert (changed.reliability, changed.friendliness, changed.text) == (4, 3, "Late, but fine.")
    with pytest.raises(PermissionDenied):
        services.review_update(review=written, author=seller, reliability=1, friendliness=1)
    Review.objects.filter(pk=written.pk).update(created_at=timezone.now() - timedelta(days=8))
    written.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.review_update(review=written, author=buyer, reliability=5, friendliness=5)
    assert error.value.code == "review_not_editable"


def test_once_the_other_review_is_readable_one_can_no_longer_change_ones_own(buyer, seller, ad):
    conversation = talked(buyer, ad)
    mine = review(conversation, buyer, stars=5)
    review(conversation, seller, stars=1, text="Never showed up.")
    mine.refresh_from_db()
    assert services.review_editable_until(mine) is None
    with pytest.raises(ValidationError):
        services.review_update(review=mine, author=buyer, reliability=1, friendliness=1)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"reliability": 0, "friendliness": 5}, "review_stars"),
        ({"reliability": "five", "friendliness": 5}, "review_stars"),
        ({"reliability": 5, "friendliness": 6}, "review_stars"),
        ({"reliability": 5, "friendliness": 5, "text": "x" * 1001}, "review_too_long"),
    ],
)
def test_bad_review_input_is_refused_with_a_code(buyer, ad, fields, code):
    conversation = talked(buyer, ad)
    with pytest.raises(ValidationError) as error:
        services.review_create(conversation=conversation, author=buyer, **fields)
    assert error.value.code == code
    assert not Review.objects.exists()


def test_response_time_is_the_median_first_reply_delay(seller):
    ad = AdFactory(owner=seller)
    for minutes in (5, 10, 30, 40, 300):
        talked(UserFactory(), ad, reply_after_s=minutes * 60, each=1)
    row = ResponseTime.objects.get(user=seller)
    assert (row.median_s, row.sample_size) == (30 * 60, 5)
    # The seller writing first, and notices sent in the seller's name, are no sample.
    conversation, _ = services.conversation_start(
        buyer=UserFactory(), ad=ad, body="Hello from the seller", first_sender_is_seller=True
    )
    assert Conversation.objects.get(pk=conversation.pk).first_reply_delay_s is None
    assert ResponseTime.objects.get(user=seller).sample_size == 5


def test_replies_older_than_the_window_drop_out(seller):
    ad = AdFactory(owner=seller)
    talked(UserFactory(), ad, days_ago=100, reply_after_s=60, each=1)
    talked(UserFactory(), ad, days_ago=1, reply_after_s=7200, each=1)
    row = services.response_time_refresh(user_id=seller.pk)
    assert (row.median_s, row.sample_size) == (7200, 1)


def test_the_daily_command_refreshes_stale_response_times(seller):
    ad = AdFactory(owner=seller)
    talked(UserFactory(), ad, reply_after_s=60, each=1)
    # The only reply leaves the window; the stored row still says 60 s until the command runs.
    Conversation.objects.filter(seller=seller).update(first_reply_at=timezone.now() - timedelta(days=91))
    ResponseTime.objects.filter(user=seller).update(computed_at=timezone.now() - timedelta(days=2))
    out = StringIO()
    call_command("refresh_response_times", stdout=out)
    assert "Refreshed 1 response time(s)." in out.getvalue()
    row = ResponseTime.objects.get(user=seller)
    assert (row.median_s, row.sample_size) == (None, 0)
