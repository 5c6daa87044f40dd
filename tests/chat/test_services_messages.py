"""Services: message bodies and sending (chat.services.messages)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ads import services as ad_services
from chat import services
from chat.models import MESSAGE_MAX_LENGTH

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("x" * (MESSAGE_MAX_LENGTH + 1), "too_long"),
        ("a\x00b", "null_character"),
    ],
)
def test_message_body_is_rejected_with_a_code(body, code):
    with pytest.raises(ValidationError) as error:
        services.message_body_clean(body)
    assert error.value.code == code


def test_too_long_error_says_the_limit_and_the_length():
    with pytest.raises(ValidationError) as error:
        services.message_body_clean("x" * 4001)
    assert error.value.messages == ["Messages can be at most 4000 characters (yours has 4001)."]


def test_message_body_is_stored_exactly_apart_from_trimming_and_line_endings():
    assert services.message_body_clean("  <b>hi</b>\r\n & bye  ") == "<b>hi</b>\n & bye"
    assert services.message_body_clean("x" * MESSAGE_MAX_LENGTH) == "x" * MESSAGE_MAX_LENGTH


def test_message_send_by_a_non_participant_is_refused(conversation, stranger):
    with pytest.raises(PermissionDenied):
        services.message_send(conversation=conversation, sender=stranger, body="Hi")
    assert conversation.messages.count() == 1


def test_participants_can_write_after_the_ad_is_sold(conversation, seller, buyer, ad):
    ad_services.ad_mark_sold(ad=ad, user=seller)
    services.message_send(conversation=conversation, sender=seller, body="Sorry, it's sold")
    services.message_send(conversation=conversation, sender=buyer, body="No problem")
    # The first message, the "sold" notice, and the two written after it.
    assert list(conversation.messages.values_list("kind", flat=True)) == ["text", "system", "text", "text"]


def test_messages_never_sort_before_their_predecessor(conversation, seller):
    earlier = timezone.now() - timedelta(hours=1)
    late = services.message_send(
        conversation=conversation, sender=seller, body="Clock behind", created_at=earlier
    )
    first = conversation.messages.order_by("id").first()
    assert late.created_at >= first.created_at
    assert list(conversation.messages.order_by("created_at", "id")) == list(
        conversation.messages.order_by("id")
    )
