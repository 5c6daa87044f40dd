"""Services: editing a message, deleting it for everyone, replies, and the change seqs polls read."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import services as account_services
from chat import access, selectors, services
from chat.models import ConversationParticipant, Message, MessageEdit
from marketplace.images import process_uploaded_image
from tests.conftest import conversation_token, list_token, make_image_bytes
from tests.factories import AdFactory

pytestmark = pytest.mark.django_db


def _send(conversation, sender, body="Is the sofa 200 cm long?", **kwargs):
    return services.message_send(conversation=conversation, sender=sender, body=body, **kwargs)


def _age(message, seconds):
    """Move *message* *seconds* into the past (the edit window counts from created_at)."""
    Message.objects.filter(pk=message.pk).update(created_at=message.created_at - timedelta(seconds=seconds))
    message.refresh_from_db()
    return message


def _code(excinfo):
    return excinfo.value.code


# --- Edit -----------------------------------------------------------------------------------------


def test_edit_replaces_the_text_and_keeps_the_previous_version(conversation, buyer):
    message = _send(conversation, buyer, "Is the sofa 200 cm long?")

    edited = services.message_edit(message=message, editor=buyer, body="  Is the sofa 210 cm long?\r\n")

    stored = Message.objects.get(pk=message.pk)
    assert stored.body == "Is the sofa 210 cm long?"  # cleaned like a send
    assert stored.edited_at is not None
    assert edited.change_seq == stored.change_seq == 1
    assert list(MessageEdit.objects.filter(message=message).values_list("body", flat=True)) == [
        "Is the sofa 200 cm long?"
    ]


def test_each_edit_adds_a_version_and_moves_the_change_number(conversation, buyer):
    message = _send(conversation, buyer, "one")
    services.message_edit(message=message, editor=buyer, body="two")
    services.message_edit(message=message, editor=buyer, body="three")

    assert list(message.edits.values_list("body", flat=True)) == ["one", "two"]
    conversation.refresh_from_db()
    assert conversation.change_seq == 2
    assert Message.objects.get(pk=message.pk).change_seq == 2


def test_an_unchanged_edit_writes_nothing(conversation, buyer):
    message = _send(conversation, buyer, "same text")

    services.message_edit(message=message, editor=buyer, body="same text  ")

    stored = Message.objects.get(pk=message.pk)
    assert stored.edited_at is None and stored.change_seq is None
    assert not MessageEdit.objects.exists()


def test_edit_is_refused_after_the_window(conversation, buyer, settings):
    settings.MARKETPLACE_EDIT_WINDOW_S = 900
    message = _age(_send(conversation, buyer), 900)

    with pytest.raises(ValidationError) as excinfo:
        services.message_edit(message=message, editor=buyer, body="new")

    assert _code(excinfo) == "edit_window_closed"
    assert excinfo.value.messages == ["Messages can be edited or deleted for 15 minutes after sending."]
    assert Message.objects.get(pk=message.pk).body == "Is the sofa 200 cm long?"


def test_edit_just_inside_the_window_is_accepted(conversation, buyer, settings):
    settings.MARKETPLACE_EDIT_WINDOW_S = 900
    message = _age(_send(conversation, buyer), 890)

    services.message_edit(message=message, editor=buyer, body="new")

    assert Message.objects.get(pk=message.pk).body == "new"


def test_only_the_sender_edits(conversation, buyer, seller):
    message = _send(conversation, buyer)

    with pytest.raises(PermissionDenied):
        services.message_edit(message=message, editor=seller, body="rewritten by the seller")


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"removed_by_moderator_at": timezone.now()}, "message_removed"),
        ({"deleted_at": timezone.now()}, "message_deleted"),
        ({"kind": Message.Kind.OFFER}, "not_editable"),
    ],
)
def test_edit_is_refused_for_removed_deleted_and_offer_messages(conversation, buyer, change, code):
    message = _send(conversation, buyer)
    Message.objects.filter(pk=message.pk).update(**change)

    with pytest.raises(ValidationError) as excinfo:
        services.message_edit(message=message, editor=buyer, body="new")

    assert _code(excinfo) == code


def test_edit_is_refused_in_a_blocked_conversation(conversation, buyer, seller):
    message = _send(conversation, buyer)
    account_services.user_block(blocker=seller, blocked=buyer)

    with pytest.raises(ValidationError) as excinfo:
        services.message_edit(message=message, editor=buyer, body="new")

    assert _code(excinfo) == "blocked"


@pytest.mark.parametrize(
    ("body", "code"), [("   ", "empty"), ("x" * 4001, "too_long"), ("a\x00b", "null_character")]
)
def test_edit_applies_the_body_rules(conversation, buyer, body, code):
    message = _send(conversation, buyer)

    with pytest.raises(ValidationError) as excinfo:
        services.message_edit(message=message, editor=buyer, body=body)

    assert _code(excinfo) == code


def test_a_photo_message_may_lose_its_text_but_keeps_its_photos(conversation, buyer):
    photo = _photo()
    message = _send(conversation, buyer, "the scratch", photos=[photo])

    services.message_edit(message=message, editor=buyer, body="")

    stored = Message.objects.get(pk=message.pk)
    assert stored.body == "" and stored.photo_count == 1 and stored.photos.count() == 1


def _photo():
    upload = SimpleUploadedFile("photo.jpg", make_image_bytes(), content_type="image/jpeg")
    return process_uploaded_image(upload, max_bytes=10_000_000, max_pixels=40_000_000)


def test_search_finds_the_current_text_only(conversation, buyer):
    message = _send(conversation, buyer, "walnut legs")
    services.message_edit(message=message, editor=buyer, body="oak legs")

    assert selectors.message_search_for_user(user=buyer, text="oak") == [Message.objects.get(pk=message.pk)]
    assert selectors.message_search_for_user(user=buyer, text="walnut") == []


def test_editing_the_last_message_moves_both_lists_and_views(conversation, buyer, seller, committed):
    message = _send(conversation, buyer)
    before = {
        "seller_list": list_token(seller),
        "seller_view": conversation_token(conversation, seller),
        "buyer_view": conversation_token(conversation, buyer),
    }

    with committed():
        services.message_edit(message=message, editor=buyer, body="new")

    assert list_token(seller) != before["seller_list"]  # the list preview shows the new text
    assert conversation_token(conversation, seller) != before["seller_view"]
    assert conversation_token(conversation, buyer) != before["buyer_view"]


def test_editing_an_older_message_leaves_the_lists_alone(conversation, buyer, seller, committed):
    message = _send(conversation, buyer)
    _send(conversation, seller, "a later message")
    seller_list = list_token(seller)

    with committed():
        services.message_edit(message=message, editor=buyer, body="new")

    assert list_token(seller) == seller_list


# --- Delete ---------------------------------------------------------------------------------------


def test_delete_keeps_the_body_as_evidence_and_marks_the_change(conversation, buyer):
    message = _send(conversation, buyer, "Pay me by gift card")

    services.message_delete(message=message, user=buyer)

    stored = Message.objects.get(pk=message.pk)
    assert stored.deleted_at is not None
    assert stored.body == "Pay me by gift card"
    assert stored.change_seq == 1


def test_deleting_an_unread_message_takes_it_off_the_unread_count(conversation, buyer, seller):
    _send(conversation, buyer, "first unread")
    second = _send(conversation, buyer, "sent to the wrong person")
    seller_row = ConversationParticipant.objects.get(conversation=conversation, user=seller)
    assert seller_row.unread_count == 3  # the opening message and these two

    services.message_delete(message=second, user=buyer)

    seller_row.refresh_from_db()
    assert seller_row.unread_count == 2
    # Opening the conversation counts what is left after the pointer: deleted messages never count.
    services.conversation_mark_read(conversation=conversation, user=seller, up_to_message_id=second.id - 1)
    seller_row.refresh_from_db()
    assert seller_row.unread_count == 0


def test_deleting_a_read_message_leaves_the_unread_count(conversation, buyer, seller):
    message = _send(conversation, buyer)
    services.conversation_mark_read(conversation=conversation, user=seller, up_to_message_id=message.id)

    services.message_delete(message=message, user=buyer)

    assert ConversationParticipant.objects.get(conversation=conversation, user=seller).unread_count == 0


def test_deleting_twice_changes_nothing_more(conversation, buyer, seller):
    message = _send(conversation, buyer)
    services.message_delete(message=message, user=buyer)
    first = Message.objects.get(pk=message.pk)

    services.message_delete(message=message, user=buyer)

    again = Message.objects.get(pk=message.pk)
    assert (again.deleted_at, again.change_seq) == (first.deleted_at, first.change_seq)
    assert ConversationParticipant.objects.get(conversation=conversation, user=seller).unread_count == 1


def test_delete_is_refused_after_the_window_and_for_others(conversation, buyer, seller, settings):
    message = _send(conversation, buyer)
    with pytest.raises(PermissionDenied):
        services.message_delete(message=message, user=seller)
    _age(message, settings.MARKETPLACE_EDIT_WINDOW_S + 1)
    with pytest.raises(ValidationError) as excinfo:
        services.message_delete(message=message, user=buyer)
    assert _code(excinfo) == "edit_window_closed"
    assert Message.objects.get(pk=message.pk).deleted_at is None


def test_a_deleted_message_leaves_search_and_its_photos_leave_the_photo_view(conversation, buyer, seller):
    message = _send(conversation, buyer, "walnut photo", photos=[_photo()])
    photo = message.photos.get()

    services.message_delete(message=message, user=buyer)

    assert selectors.message_search_for_user(user=seller, text="walnut") == []
    with pytest.raises(Exception, match="No such photo"):
        selectors.message_photo_get_for_viewer(
            public_id=conversation.public_id, photo_id=photo.id, user=seller
        )


# --- Replies and change seqs ------------------------------------------------------------------------


def test_a_reply_stores_what_it_answers(conversation, buyer, seller):
    question = _send(conversation, buyer)

    reply = _send(conversation, seller, "210 cm", reply_to_id=question.id)

    assert Message.objects.get(pk=reply.pk).reply_to_id == question.id


def test_a_reply_to_a_message_of_another_conversation_is_refused(conversation, buyer, seller, stranger):
    other, _ = services.conversation_start(buyer=stranger, ad=AdFactory(owner=seller), body="Hello")
    elsewhere = other.messages.get()

    with pytest.raises(ValidationError) as excinfo:
        _send(conversation, seller, "210 cm", reply_to_id=elsewhere.id)

    assert _code(excinfo) == "reply_unknown"
    assert conversation.messages.count() == 1


def test_editing_a_message_marks_the_replies_quoting_it_changed(conversation, buyer, seller):
    question = _send(conversation, buyer)
    reply = _send(conversation, seller, "210 cm", reply_to_id=question.id)
    unrelated = _send(conversation, seller, "Anything else?")

    services.message_edit(message=question, editor=buyer, body="Is it 210 cm long?")

    changed, cut = selectors.message_list_changed(
        conversation=access.access_conversation(public_id=conversation.public_id, user=seller),
        since_change_seq=0,
        from_id=0,
        up_to_id=unrelated.id,
        limit=50,
    )
    assert [message.id for message in changed] == [question.id, reply.id]
    assert not cut
    assert changed[1].reply_to.body == "Is it 210 cm long?"  # the quote reads the original as it is now


def test_changed_messages_are_read_only_when_the_counter_moved(
    conversation, buyer, django_assert_num_queries
):
    message = _send(conversation, buyer)
    viewer = access.access_conversation(public_id=conversation.public_id, user=buyer)

    with django_assert_num_queries(0):
        assert selectors.message_list_changed(
            conversation=viewer, since_change_seq=0, from_id=0, up_to_id=message.id, limit=50
        ) == ([], False)


def test_the_change_counter_skips_nothing_when_a_page_lags(conversation, buyer):
    """Changes are returned in change order and cut at *limit*; the caller resumes after the last one."""
    messages = [_send(conversation, buyer, f"m{n}") for n in range(3)]
    for message in messages:
        services.message_edit(message=message, editor=buyer, body=message.body + "!")
    viewer = access.access_conversation(public_id=conversation.public_id, user=buyer)

    first, cut = selectors.message_list_changed(
        conversation=viewer, since_change_seq=0, from_id=0, up_to_id=messages[-1].id, limit=2
    )
    rest, rest_cut = selectors.message_list_changed(
        conversation=viewer,
        since_change_seq=first[-1].change_seq,
        from_id=0,
        up_to_id=messages[-1].id,
        limit=2,
    )
    assert (cut, rest_cut) == (True, False)
    assert [m.id for m in first + rest] == [m.id for m in messages]


def test_a_cut_never_splits_one_change_marking_several_messages(conversation, buyer, seller):
    """An edit marks the message and every reply quoting it with one change seq; a page cut inside that
    group would resume after it and lose the rest of the group (found in review)."""
    before = _send(conversation, buyer, "first")
    question = _send(conversation, buyer, "How long is it?")
    replies = [_send(conversation, seller, f"{n} cm", reply_to_id=question.id) for n in (200, 210)]
    services.message_edit(message=before, editor=buyer, body="first!")
    services.message_edit(message=question, editor=buyer, body="How long is it, in cm?")
    viewer = access.access_conversation(public_id=conversation.public_id, user=buyer)
    shown = {"from_id": 0, "up_to_id": replies[-1].id, "limit": 2}

    first, cut = selectors.message_list_changed(conversation=viewer, since_change_seq=0, **shown)
    rest, _ = selectors.message_list_changed(
        conversation=viewer, since_change_seq=first[-1].change_seq, **shown
    )
    assert cut
    assert [m.id for m in first] == [before.id]  # the question's group would not fit: it waits whole
    assert [m.id for m in rest] == [question.id, *[r.id for r in replies]]


def test_one_change_larger_than_the_limit_comes_whole(conversation, buyer, seller):
    question = _send(conversation, buyer, "How long is it?")
    replies = [_send(conversation, seller, f"{n} cm", reply_to_id=question.id) for n in (200, 210)]
    services.message_edit(message=question, editor=buyer, body="How long is it, in cm?")
    viewer = access.access_conversation(public_id=conversation.public_id, user=buyer)

    changed, cut = selectors.message_list_changed(
        conversation=viewer, since_change_seq=0, from_id=0, up_to_id=replies[-1].id, limit=2
    )
    assert cut
    assert [m.id for m in changed] == [question.id, *[r.id for r in replies]]
