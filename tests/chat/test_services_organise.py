"""Pins and labels: the services, the list selector's order and filter, and the poll tokens they move."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from chat import selectors, services
from chat.models import ConversationLabel, ConversationParticipant, ParticipantLabel
from tests.conftest import list_token
from tests.factories import AdFactory, UserFactory

pytestmark = pytest.mark.django_db


def _conversations(seller, count):
    return [
        services.conversation_start(buyer=UserFactory(), ad=AdFactory(owner=seller), body=f"Hi {index}")[0]
        for index in range(count)
    ]


def test_pin_takes_a_slot_unpin_frees_it_and_repeats_change_nothing(seller, committed):
    first, second = _conversations(seller, 2)
    before = list_token(seller)
    with committed():
        assert services.conversation_set_pinned(conversation=first, user=seller, pinned=True) is True
    assert list_token(seller) != before  # the list's poll sees the pin
    assert services.conversation_set_pinned(conversation=first, user=seller, pinned=True) is True
    services.conversation_set_pinned(conversation=second, user=seller, pinned=True)
    slots = dict(
        ConversationParticipant.objects.filter(user=seller).values_list("conversation_id", "pin_slot")
    )
    assert slots == {first.pk: 1, second.pk: 2}
    assert services.conversation_set_pinned(conversation=first, user=seller, pinned=False) is False
    third = _conversations(seller, 1)[0]
    services.conversation_set_pinned(conversation=third, user=seller, pinned=True)
    assert ConversationParticipant.objects.get(user=seller, conversation=third).pin_slot == 1
    # Pins are per participant: the buyer's list is untouched.
    assert not ConversationParticipant.objects.filter(
        conversation=first, user=first.buyer, pin_slot__isnull=False
    ).exists()


def test_a_sixth_pin_is_refused_with_a_clear_message(seller):
    conversations = _conversations(seller, 6)
    for conversation in conversations[:5]:
        services.conversation_set_pinned(conversation=conversation, user=seller, pinned=True)
    with pytest.raises(ValidationError) as refused:
        services.conversation_set_pinned(conversation=conversations[5], user=seller, pinned=True)
    assert refused.value.code == "pin_limit"
    assert refused.value.messages == ["You can pin up to 5 conversations. Unpin one first."]
    assert ConversationParticipant.objects.filter(user=seller, pin_slot__isnull=False).count() == 5


def test_the_database_refuses_a_sixth_slot_and_a_shared_slot(seller):
    first, second = _conversations(seller, 2)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConversationParticipant.objects.filter(user=seller, conversation=first).update(pin_slot=6)
    ConversationParticipant.objects.filter(user=seller, conversation=first).update(pin_slot=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ConversationParticipant.objects.filter(user=seller, conversation=second).update(pin_slot=1)


def test_the_list_puts_pinned_apart_most_recently_pinned_first(seller):
    old, middle, new = _conversations(seller, 3)
    services.conversation_set_pinned(conversation=old, user=seller, pinned=True)
    services.conversation_set_pinned(conversation=middle, user=seller, pinned=True)
    pinned = [row.pk for row in selectors.conversation_list_for_user(user=seller, pinned=True)]
    others = [row.pk for row in selectors.conversation_list_for_user(user=seller, pinned=False)]
    everything = [row.pk for row in selectors.conversation_list_for_user(user=seller)]
    assert pinned == [middle.pk, old.pk] and others == [new.pk]
    assert everything == [new.pk, middle.pk, old.pk]


def test_labels_are_cleaned_unique_per_user_ignoring_case_and_limited(seller, buyer):
    assert services.label_create(user=seller, name="  to   ship ").name == "to ship"
    with pytest.raises(ValidationError) as exists:
        services.label_create(user=seller, name="TO SHIP")
    assert exists.value.code == "label_exists"
    services.label_create(user=buyer, name="to ship")  # another user's labels are their own
    for name, code in [("", "label_empty"), ("   ", "label_empty"), ("x" * 31, "label_too_long")]:
        with pytest.raises(ValidationError) as refused:
            services.label_create(user=seller, name=name)
        assert refused.value.code == code
    for index in range(19):
        services.label_create(user=seller, name=f"label {index}")
    with pytest.raises(ValidationError) as limit:
        services.label_create(user=seller, name="one more")
    assert limit.value.code == "label_limit"
    assert limit.value.messages == ["You can have up to 20 labels. Delete one you no longer use first."]


def test_labels_on_a_conversation_filter_the_list_and_stay_private(seller, committed):
    first, second = _conversations(seller, 2)
    sold = services.label_create(user=seller, name="sold")
    ship = services.label_create(user=seller, name="to ship")
    before = list_token(seller)
    with committed():
        assert services.conversation_set_labels(
            conversation=first, user=seller, label_ids=[ship.pk, sold.pk]
        ) == sorted([sold.pk, ship.pk])
    assert list_token(seller) != before
    services.conversation_set_labels(conversation=second, user=seller, label_ids=[ship.pk])
    filtered = [row.pk for row in selectors.conversation_list_for_user(user=seller, label_id=sold.pk)]
    assert filtered == [first.pk]
    # The buyer cannot filter by the seller's label, nor put it on their side.
    assert list(selectors.conversation_list_for_user(user=first.buyer, label_id=sold.pk)) == []
    with pytest.raises(ValidationError) as unknown:
        services.conversation_set_labels(conversation=first, user=first.buyer, label_ids=[sold.pk])
    assert unknown.value.code == "label_unknown"
    labels, on = selectors.labels_for_user(user=seller, conversation_ids=[first.pk, second.pk])
    assert [label.name for label in labels] == ["sold", "to ship"]
    assert {key: [label.name for label in value] for key, value in on.items()} == {
        first.pk: ["sold", "to ship"],
        second.pk: ["to ship"],
    }
    services.conversation_set_labels(conversation=first, user=seller, label_ids=[])
    assert not ParticipantLabel.objects.filter(participant__conversation=first).exists()


def test_deleting_a_label_takes_it_off_and_only_the_owner_can(seller, buyer):
    conversation = _conversations(seller, 1)[0]
    label = services.label_create(user=seller, name="paid")
    services.conversation_set_labels(conversation=conversation, user=seller, label_ids=[label.pk])
    assert services.label_delete(user=buyer, label_id=label.pk) is False
    assert services.label_delete(user=seller, label_id=label.pk) is True
    assert not ConversationLabel.objects.exists() and not ParticipantLabel.objects.exists()
