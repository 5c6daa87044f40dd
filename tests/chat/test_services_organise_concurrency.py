"""The pin and label limits hold under concurrency: real threads and transactions on PostgreSQL."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from chat import services
from chat.models import ConversationLabel, ConversationParticipant
from tests.chat.test_services_concurrency import run_at_once
from tests.factories import AdFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL"),
]


def test_concurrent_pins_never_make_a_sixth():
    seller = UserFactory()
    conversations = [
        services.conversation_start(buyer=UserFactory(), ad=AdFactory(owner=seller), body="Hi")[0]
        for _ in range(8)
    ]
    services.conversation_set_pinned(conversation=conversations[0], user=seller, pinned=True)

    results, errors = run_at_once(
        7,
        lambda i: services.conversation_set_pinned(
            conversation=conversations[i + 1], user=seller, pinned=True
        ),
    )

    pinned = ConversationParticipant.objects.filter(user=seller, pin_slot__isnull=False)
    assert pinned.count() == 5
    assert sorted(pinned.values_list("pin_slot", flat=True)) == [1, 2, 3, 4, 5]
    assert results.count(True) == 4
    assert len(errors) == 3 and {error.code for error in errors} == {"pin_limit"}
    assert all(isinstance(error, ValidationError) for error in errors)


def test_concurrent_label_creations_stop_at_the_limit():
    user = UserFactory()
    for index in range(17):
        services.label_create(user=user, name=f"label {index}")

    _results, errors = run_at_once(6, lambda i: services.label_create(user=user, name=f"new {i}"))

    assert ConversationLabel.objects.filter(user=user).count() == 20
    assert len(errors) == 3 and {error.code for error in errors} == {"label_limit"}
