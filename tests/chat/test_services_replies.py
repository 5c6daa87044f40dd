"""Services: the away message (once per conversation and away period, a notice, never a reply) and a user's
own quick replies."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from chat import presenters, selectors, services
from chat.models import AwayReply, ConversationParticipant, Message, ResponseTime
from chat.moderation.services import duplicate_first_message_recipients
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db

AWAY = "Back on Monday. I answer every message then."


def _away_messages(conversation):
    return list(conversation.messages.filter(notice="away"))


def test_a_buyer_writing_twice_gets_one_away_message_from_the_seller(seller, buyer, ad):
    services.away_settings_update(user=seller, enabled=True, text=AWAY)
    conversation, _ = services.conversation_start(buyer=buyer, ad=ad, body="Is it available?")
    services.message_send(conversation=conversation, sender=buyer, body="Hello?")
    (away,) = _away_messages(conversation)
    assert away.sender_id == seller.pk and away.kind == Message.Kind.SYSTEM
    assert away.body == f"Automatic reply from {seller.display_name}: {AWAY}"
    assert [m.body for m in conversation.messages.all()][:2] == ["Is it available?", away.body]
    with translation.override("ru"):
        assert away.text.startswith(f"Автоответ от {seller.display_name}: ")
    assert AwayReply.objects.get().message == away


def test_the_away_message_is_no_reply_and_leaves_the_seller_unread(seller, buyer, ad):
    services.away_settings_update(user=seller, enabled=True, text=AWAY)
    conversation, first = services.conversation_start(buyer=buyer, ad=ad, body="Is it available?")
    conversation.refresh_from_db()
    # The response-time badge counts only what the seller wrote: no first reply yet, no sample.
    assert conversation.first_reply_at is None and conversation.first_reply_delay_s is None
    assert not ResponseTime.objects.filter(user=seller).exists()
    mine = ConversationParticipant.objects.get(conversation=conversation, user=seller)
    assert mine.unread_count == 1 and mine.last_read_message_id is None and mine.sent_count == 0
    reply = services.message_send(conversation=conversation, sender=seller, body="Yes, it is.")
    conversation.refresh_from_db()
    assert conversation.first_reply_at == reply.created_at
    assert ResponseTime.objects.get(user=seller).sample_size == 1


def test_turning_away_off_and_on_starts_a_new_period(seller, buyer, conversation):
    services.away_settings_update(user=seller, enabled=True, text=AWAY)
    services.message_send(conversation=conversation, sender=buyer, body="One")
    services.away_settings_update(user=seller, enabled=True, text="Changed text, same period.")
    services.message_send(conversation=conversation, sender=buyer, body="Two")
    assert len(_away_messages(conversation)) == 1
    services.away_settings_update(user=seller, enabled=False, text=AWAY)
    services.message_send(conversation=conversation, sender=buyer, body="Three")
    assert len(_away_messages(conversation)) == 1
    services.away_settings_update(user=seller, enabled=True, text=AWAY)
    services.message_send(conversation=conversation, sender=buyer, body="Four")
    assert len(_away_messages(conversation)) == 2


def test_away_ends_at_its_until_date_and_never_answers_the_seller(seller, buyer, conversation):
    services.away_settings_update(
        user=seller, enabled=True, text=AWAY, until=timezone.now() + timedelta(minutes=1)
    )
    services.message_send(conversation=conversation, sender=seller, body="From me")
    assert _away_messages(conversation) == []
    settings_row = selectors.away_settings_of(user_id=seller.pk)
    settings_row.away_until = timezone.now() - timedelta(seconds=1)
    settings_row.save()
    services.message_send(conversation=conversation, sender=buyer, body="Hello?")
    assert _away_messages(conversation) == []


def test_the_away_message_is_not_screened_as_the_sellers_scam_or_repeat(seller, buyer, ad):
    text = "Away. Pay by western union to my cousin, or WhatsApp +1 202 555 0143."
    services.away_settings_update(user=seller, enabled=True, text=text)
    conversation, _ = services.conversation_start(buyer=buyer, ad=ad, body="Hi")
    for _ in range(4):
        services.conversation_start(buyer=UserFactory(), ad=AdFactory(owner=seller), body="Hi")
    away = _away_messages(conversation)[0]
    rows = presenters.message_rows([away], viewer_id=buyer.pk, conversation=conversation)
    assert rows[0]["safety_notes"] == () and rows[0]["safety_level"] == ""
    # Five identical away messages are not five first messages of the seller to sellers.
    assert duplicate_first_message_recipients(sender=seller, body=away.body) == 0


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"enabled": True, "text": "  "}, "away_text_required"),
        ({"enabled": True, "text": "x" * 501}, "away_text_too_long"),
        ({"enabled": True, "text": "a\x00b"}, "null_character"),
        ({"enabled": True, "text": AWAY, "until": timezone.now() - timedelta(days=1)}, "away_until_past"),
    ],
)
def test_away_settings_refuse_bad_input(seller, kwargs, code):
    with pytest.raises(ValidationError) as refused:
        services.away_settings_update(user=seller, **kwargs)
    assert refused.value.code == code


def test_quick_replies_start_from_the_defaults_and_keep_their_ids(seller):
    assert selectors.own_quick_replies(user_id=seller.pk) is None
    added = services.quick_reply_add(user=seller, text="Pickup is after 6 pm.")
    texts = [item["text"] for item in selectors.own_quick_replies(user_id=seller.pk)]
    assert texts == [
        "Yes, it's available.",
        "Sorry, it's sold.",
        "When would you like to pick it up?",
        added["text"],
    ]
    items = services.quick_reply_change(user=seller, reply_id=added["id"], text="Pickup after 7 pm.")
    assert items[-1] == {"id": added["id"], "text": "Pickup after 7 pm."}
    items = services.quick_reply_change(user=seller, reply_id=items[0]["id"], text=None)
    assert [item["text"] for item in items] == [
        "Sorry, it's sold.",
        "When would you like to pick it up?",
        "Pickup after 7 pm.",
    ]
    reordered = services.quick_replies_set(user=seller, texts=["Pickup after 7 pm.", "Sorry, it's sold."])
    assert reordered[0]["id"] == added["id"] and len({item["id"] for item in reordered}) == 2
    assert services.quick_replies_set(user=seller, texts=[]) == []
    assert selectors.own_quick_replies(user_id=seller.pk) == []


@pytest.mark.parametrize(
    ("call", "code"),
    [
        (
            lambda user: services.quick_replies_set(user=user, texts=[f"r{n}" for n in range(11)]),
            "quick_replies_too_many",
        ),
        (lambda user: services.quick_reply_add(user=user, text="x" * 201), "quick_reply_too_long"),
        (lambda user: services.quick_reply_add(user=user, text=" "), "quick_reply_empty"),
        (lambda user: services.quick_reply_change(user=user, reply_id=99, text="x"), "quick_reply_unknown"),
        (lambda user: services.quick_reply_change(user=user, reply_id=0, text=None), "quick_reply_unknown"),
    ],
)
def test_quick_replies_refuse_bad_input(seller, call, code):
    with pytest.raises(ValidationError) as refused:
        call(seller)
    assert refused.value.code == code


def test_the_eleventh_quick_reply_is_refused(seller):
    services.quick_replies_set(user=seller, texts=[f"r{n}" for n in range(10)])
    with pytest.raises(ValidationError) as refused:
        services.quick_reply_add(user=seller, text="one more")
    assert refused.value.code == "quick_replies_too_many"
