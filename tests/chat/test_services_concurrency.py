"""Concurrency rules hold in the database, checked with real threads and transactions on PostgreSQL."""

import threading
import time

import pytest
from django.db import connection, connections, transaction

from chat import services
from chat.models import Conversation, ConversationParticipant, Message, MessageReaction, Offer
from tests.factories import AdFactory, UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks and races need PostgreSQL"),
]


def run_at_once(count, target):
    """Run *target(i)* in *count* threads released together; return results and exceptions."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(index):
        try:
            barrier.wait()
            results[index] = target(index)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_concurrent_write_to_seller_yields_one_conversation():
    buyer = UserFactory()
    ad = AdFactory()

    results, errors = run_at_once(
        8, lambda i: services.conversation_start(buyer=buyer, ad=ad, body=f"Hi {i}")
    )

    assert errors == []
    assert Conversation.objects.count() == 1
    conversation = Conversation.objects.get()
    assert {result[0].pk for result in results} == {conversation.pk}
    assert ConversationParticipant.objects.filter(conversation=conversation).count() == 2
    assert Message.objects.filter(conversation=conversation).count() == 8


def test_concurrent_sends_keep_id_and_time_order_and_the_last_message_pointer():
    buyer = UserFactory()
    ad = AdFactory()
    conversation, _ = services.conversation_start(buyer=buyer, ad=ad, body="first")
    senders = [buyer, ad.owner]

    _, errors = run_at_once(
        10, lambda i: services.message_send(conversation=conversation, sender=senders[i % 2], body=f"m{i}")
    )

    assert errors == []
    messages = list(Message.objects.filter(conversation=conversation).order_by("id"))
    assert len(messages) == 11
    assert messages == sorted(messages, key=lambda m: (m.created_at, m.id))
    conversation.refresh_from_db()
    assert conversation.last_message_id == messages[-1].id


def test_simultaneous_accept_and_decline_leave_one_outcome():
    from django.core.exceptions import ValidationError

    buyer = UserFactory()
    ad = AdFactory()
    conversation, _ = services.conversation_start(buyer=buyer, ad=ad, body="Would you take 300?")
    offer = services.offer_make(conversation=conversation, user=buyer, amount="300")
    actions = [services.offer_accept, services.offer_decline] * 3

    results, errors = run_at_once(len(actions), lambda i: actions[i](offer=offer, user=ad.owner))

    assert len([r for r in results if r is not None]) == 1
    assert len(errors) == len(actions) - 1
    assert all(isinstance(e, ValidationError) and e.code == "offer_not_pending" for e in errors)
    offer.refresh_from_db()
    assert offer.status in ("accepted", "declined")
    assert Message.objects.filter(conversation=conversation, kind="system").count() == 1
    assert Offer.objects.filter(conversation=conversation).count() == 1


def _wait_until_a_query_waits_for_a_lock(timeout_s=5.0):
    """Return True once another session of this database waits for a row lock."""
    deadline = time.monotonic() + timeout_s
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def test_a_read_that_waits_for_an_open_send_counts_that_send():
    """The read pointer moves while a send to the same participant is not yet committed: afterwards the
    unread count is the real number of unread messages (before the fix: 0 instead of 1)."""
    buyer = UserFactory()
    ad = AdFactory()
    conversation, _ = services.conversation_start(buyer=buyer, ad=ad, body="one")
    shown = services.message_send(conversation=conversation, sender=buyer, body="two")
    sent, release = threading.Event(), threading.Event()
    errors = []

    def send():
        try:
            with transaction.atomic():
                services.message_send(conversation=conversation, sender=buyer, body="three")
                sent.set()
                release.wait(10)
        except Exception as error:  # noqa: BLE001 - asserted below
            errors.append(error)
        finally:
            connections.close_all()

    def read():
        try:
            sent.wait(10)
            # The seller's page showed "two"; the poll marks it read while "three" is being committed.
            services.conversation_mark_read(
                conversation=conversation, user=ad.owner, up_to_message_id=shown.id
            )
        except Exception as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send), threading.Thread(target=read)]
    for thread in threads:
        thread.start()
    sent.wait(10)
    assert _wait_until_a_query_waits_for_a_lock(), "the read never waited for the send's row lock"
    release.set()
    for thread in threads:
        thread.join()

    assert errors == []
    participant = ConversationParticipant.objects.get(conversation=conversation, user=ad.owner)
    real_unread = Message.objects.filter(conversation=conversation, id__gt=shown.id).exclude(sender=ad.owner)
    assert participant.last_read_message_id == shown.id
    assert participant.unread_count == real_unread.count() == 1


def test_simultaneous_reactions_leave_one_reaction_per_user_and_an_exact_count():
    """Eight clicks at once by the same two people, different emoji: one row per person, and the count on
    the message matches the rows (the conversation lock orders them; the unique constraint backs it)."""
    buyer = UserFactory()
    ad = AdFactory()
    conversation, _ = services.conversation_start(buyer=buyer, ad=ad, body="Is it available?")
    message = conversation.messages.get()
    people = [buyer, ad.owner]
    emoji = ["👍", "❤️", "😂", "🙏"]

    _, errors = run_at_once(
        8, lambda i: services.message_react(message=message, user=people[i % 2], emoji=emoji[i % 4])
    )

    assert errors == []
    assert MessageReaction.objects.filter(message=message).count() == 2
    assert Message.objects.get(pk=message.pk).reaction_count == 2
    assert set(MessageReaction.objects.filter(user=buyer).values_list("emoji", flat=True)) <= {"👍", "😂"}
    conversation.refresh_from_db()
    # Each click that changed something took the next change seq (a repeat of the current emoji is no
    # change), and the message carries the last one.
    assert 2 <= conversation.change_seq <= 8
    assert Message.objects.get(pk=message.pk).change_seq == conversation.change_seq


def test_an_edit_racing_a_delete_leaves_a_deleted_message_with_one_history():
    """Edit and delete of the same message at once: they run one after the other, so the message ends
    deleted, and if the edit went first its previous text is in the history exactly once."""
    buyer = UserFactory()
    ad = AdFactory()
    conversation, _ = services.conversation_start(buyer=buyer, ad=ad, body="Is it available?")
    message = services.message_send(conversation=conversation, sender=buyer, body="wrong buyer")
    actions = [
        lambda: services.message_edit(message=message, editor=buyer, body="edited"),
        lambda: services.message_delete(message=message, user=buyer),
    ]

    _, errors = run_at_once(2, lambda i: actions[i]())

    stored = Message.objects.get(pk=message.pk)
    assert stored.deleted_at is not None
    if errors:  # the delete went first: the edit was refused with a reason
        assert [getattr(error, "code", None) for error in errors] == ["message_deleted"]
        assert stored.body == "wrong buyer" and not stored.edits.exists()
    else:
        assert stored.body == "edited"
        assert list(stored.edits.values_list("body", flat=True)) == ["wrong buyer"]
    conversation.refresh_from_db()
    assert conversation.change_seq == 2 - len(errors)


def test_concurrent_deliveries_never_move_the_pointer_back():
    """The newest fetch commits first and holds the row; older fetches waiting on its lock re-check
    ``delivered_up_to < theirs`` after it commits and write nothing (a plain UPDATE would move it back)."""
    conversation, _ = services.conversation_start(buyer=UserFactory(), ad=AdFactory(), body="Hi")
    buyer, seller = conversation.buyer, conversation.seller
    messages = [
        services.message_send(conversation=conversation, sender=buyer, body=f"m{i}") for i in range(5)
    ]
    newest = len(messages) - 1

    def deliver(index):
        if index != newest:
            time.sleep(0.1)  # let the newest one take the row lock first
        with transaction.atomic():
            moved = services.conversation_mark_delivered(
                conversation=conversation, user=seller, messages=[messages[index]]
            )
            if index == newest:
                time.sleep(0.4)  # hold the lock while the older ones queue behind it
        return moved

    results, errors = run_at_once(len(messages), deliver)

    assert errors == []
    assert results == [False] * newest + [True]
    row = ConversationParticipant.objects.get(conversation=conversation, user=seller)
    assert row.delivered_up_to == messages[newest].id


def test_concurrent_buyer_sends_get_one_away_message():
    seller = UserFactory()
    conversation, _ = services.conversation_start(buyer=UserFactory(), ad=AdFactory(owner=seller), body="Hi")
    services.away_settings_update(user=seller, enabled=True, text="Away until Monday.")
    buyer = conversation.buyer

    results, errors = run_at_once(
        6,
        lambda i: services.message_send(conversation=conversation, sender=buyer, body=f"Are you there? {i}"),
    )
    assert errors == [] and all(results)
    assert Message.objects.filter(conversation=conversation, notice="away").count() == 1
    assert Message.objects.filter(conversation=conversation, sender=buyer).count() == 7
