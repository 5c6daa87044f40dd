"""Reads of messages and what hangs off them (photos, reactions, quotes, offers), for a viewer whose access
the caller checked with ``chat.access.access_conversation``."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, QuerySet
from django.http import Http404

from accounts.models import User
from chat.models import Conversation, Message, MessagePhoto, MessageReaction, Offer


def message_list_visible(*, conversation: Conversation) -> QuerySet[Message]:
    """Return the messages of *conversation* its viewer may see (after their deleted history), oldest first.

    *conversation* must come from ``chat.access.access_conversation`` (it carries the viewer's
    ``my_hidden_up_to_id``). Each message comes with its offer and the message it replies to (joined).
    """
    queryset = Message.objects.filter(conversation=conversation).select_related("offer", "reply_to")
    if conversation.my_hidden_up_to_id is not None:
        queryset = queryset.filter(id__gt=conversation.my_hidden_up_to_id)
    return queryset.order_by("created_at", "id")


def message_page(
    *, conversation: Conversation, limit: int, before_message_id: int | None = None, inclusive: bool = False
) -> tuple[list[Message], bool]:
    """Return up to *limit* visible messages, oldest first, ending just before *before_message_id*
    (or with it, when *inclusive*: a search result opened in its context).

    Without *before_message_id* this is the latest page. Keyset pagination on (created_at, id), which
    the index ``message_conversation_time_idx`` serves; never OFFSET. Returns ``(messages, has_earlier)``.
    Costs one query, plus one to read the cursor message's time when *before_message_id* is given;
    an unknown cursor (or one from another conversation) yields an empty page.
    """
    queryset = message_list_visible(conversation=conversation)
    if before_message_id is not None:
        cursor = (
            Message.objects.filter(conversation=conversation, id=before_message_id)
            .values("created_at")
            .first()
        )
        if cursor is None:
            return [], False
        after_cursor = {"id__gt": before_message_id} if inclusive else {"id__gte": before_message_id}
        queryset = queryset.filter(created_at__lte=cursor["created_at"]).exclude(
            created_at=cursor["created_at"], **after_cursor
        )
    newest_first = list(queryset.order_by("-created_at", "-id")[: limit + 1])
    has_earlier = len(newest_first) > limit
    return list(reversed(newest_first[:limit])), has_earlier


def message_list_after(
    *, conversation: Conversation, after_id: int, limit: int
) -> tuple[list[Message], bool, datetime | None]:
    """Return up to *limit* visible messages of *conversation* newer than message id *after_id*, oldest
    first, whether more follow, and the ``created_at`` of message *after_id* itself (None when it is not
    visible): ``(messages, has_more, cursor_at)``, one query (the cursor row comes with the new ones; its
    time decides whether the first new message opens a new day).

    Message ids grow with time inside a conversation (sends are serialised by a row lock in
    ``chat.services``), so an id cursor is exact. The LIMIT keeps a poll from a stale or missing cursor
    from returning the whole history; the rest comes with the next poll.
    """
    rows = Message.objects.list_from(
        conversation_id=conversation.pk,
        from_id=after_id,
        after_hidden_id=conversation.my_hidden_up_to_id,
        limit=limit + 2,
    )
    cursor_at = None
    if rows and rows[0].id == after_id:
        cursor_at = rows.pop(0).created_at
    return rows[:limit], len(rows) > limit, cursor_at


def message_list_newly_read(
    *, conversation: Conversation, sender_id: int, after_id: int, up_to_id: int, limit: int
) -> list[Message]:
    """Return *sender_id*'s messages with ids in (*after_id*, *up_to_id*], oldest first, at most *limit*:
    the receipts that turned ✓✓ since a page showed *after_id* as the read pointer (one query)."""
    if up_to_id <= after_id:
        return []
    return list(
        Message.objects.filter(
            conversation=conversation, sender_id=sender_id, id__gt=after_id, id__lte=up_to_id
        )
        .exclude(kind=Message.Kind.SYSTEM)
        .only("id")
        .order_by("-id")[:limit][::-1]
    )


def message_created_at(*, conversation: Conversation, message_id: int):
    """Return the ``created_at`` of message *message_id* in *conversation*, or None (one query)."""
    return (
        Message.objects.filter(conversation=conversation, id=message_id)
        .values_list("created_at", flat=True)
        .first()
    )


def message_photos_for(messages: list[Message]) -> dict[int, list[MessagePhoto]]:
    """Return the photos of *messages* by message id, in position order: one query, and none when no
    message has photos (``Message.photo_count``)."""
    with_photos = [message.id for message in messages if message.photo_count]
    by_message: dict[int, list[MessagePhoto]] = {}
    if with_photos:
        for photo in MessagePhoto.objects.filter(message_id__in=with_photos).order_by("position", "id"):
            by_message.setdefault(photo.message_id, []).append(photo)
    return by_message


def message_get_reportable(*, conversation: Conversation, message_id: int, user: User) -> Message:
    """Return the other participant's text message *message_id* in *conversation* (from
    ``chat.access.access_conversation`` for *user*); Http404 for anything else (own, system, another
    conversation)."""
    message = Message.objects.filter(
        pk=message_id,
        conversation=conversation,
        sender_id=conversation.other_user_id(user.pk),
        kind=Message.Kind.TEXT,
    ).first()
    if message is None:
        raise Http404("No such message.")
    return message


def message_opened_conversation(*, message: Message) -> bool:
    """Return True when *message* is the first of its conversation (it opened it), False when an earlier
    one exists (one query). "Write to seller" counts a conversation against the new-conversation limits
    only when its message opened it: a concurrent request may have opened it a moment before."""
    return not Message.objects.filter(conversation_id=message.conversation_id, id__lt=message.id).exists()


def message_sent_with_key(*, sender: User, idempotency_key: str | None) -> Message | None:
    """Return the message (with its conversation and offer) *sender* created with *idempotency_key*
    (``marketplace.idempotency``), or None, also for no key. Views answer a repeated POST with it before
    charging rate limits; the services decide races under the conversation lock."""
    if not idempotency_key:
        return None
    return (
        Message.objects.filter(sender=sender, idempotency_key=idempotency_key)
        .select_related("conversation", "offer")
        .first()
    )


def offer_sent_with_key(*, sender: User, idempotency_key: str, conversation: Conversation) -> Offer | None:
    """Return the offer *sender* made in *conversation* with *idempotency_key*, or None (also when the key
    sent a text message, or an offer elsewhere: the service refuses those). A repeated offer is not charged
    to the rate limit again (``marketplace.requests.guarded``)."""
    earlier = message_sent_with_key(sender=sender, idempotency_key=idempotency_key)
    if earlier is None or earlier.conversation_id != conversation.pk:
        return None
    return earlier.offer


def message_photo_get(*, public_id: str, photo_id: int) -> MessagePhoto:
    """Return photo *photo_id* of conversation *public_id* with its message and conversation, for a caller
    that checks access itself (moderation's gate); Http404 for a missing photo."""
    photo = (
        MessagePhoto.objects.select_related("message__conversation")
        .filter(pk=photo_id, message__conversation__public_id=public_id)
        .first()
    )
    if photo is None:
        raise Http404("No such photo.")
    return photo


def message_photo_get_for_viewer(*, public_id: str, photo_id: int, user: User) -> MessagePhoto:
    """Return photo *photo_id* of conversation *public_id* if *user* is a participant and neither a
    moderator removed the message nor its sender deleted it. Http404 for everyone else (moderators too:
    they see photos through moderation's gated, logged view) and for a missing photo: the answer says
    nothing about whether it exists."""
    photo = message_photo_get(public_id=public_id, photo_id=photo_id)
    conversation = photo.message.conversation
    if user.pk not in (conversation.buyer_id, conversation.seller_id) or photo.message.is_withdrawn:
        raise Http404("No such photo.")
    return photo


def offer_get_for_conversation(*, conversation: Conversation, offer_id: int) -> Offer:
    """Return offer *offer_id* of *conversation* (already checked for the viewer); Http404 otherwise."""
    offer = Offer.objects.filter(pk=offer_id, conversation=conversation).first()
    if offer is None:
        raise Http404("No such offer.")
    return offer


def message_list_changed(
    *, conversation: Conversation, since_change_seq: int, from_id: int, up_to_id: int, limit: int
) -> tuple[list[Message], bool]:
    """Return the visible messages of *conversation* with ids from *from_id* to *up_to_id* (those a page
    shows) that changed after change seq *since_change_seq* (edited, deleted, reacted to, removed, or
    quoting one that was), in change seq order (then id), each with its offer and quoted message, and
    whether the list was cut.

    About *limit* of them: one change marks several messages with the same change seq (an edit and the
    replies quoting it), so a cut never splits a change seq: the caller resumes after the highest change
    seq returned and misses none. A single change larger than *limit* comes whole.

    *conversation* comes from ``chat.access.access_conversation``: when its ``change_seq`` is not above
    *since_change_seq* nothing changed and no query runs; else one query on ``message_change_seq_idx``
    (two when one change alone is larger than *limit*).
    """
    if conversation.change_seq <= since_change_seq or up_to_id <= 0:
        return [], False
    shown = message_list_visible(conversation=conversation).filter(id__gte=from_id, id__lte=up_to_id)
    changed = list(shown.filter(change_seq__gt=since_change_seq).order_by("change_seq", "id")[: limit + 1])
    if len(changed) <= limit:
        return changed, False
    straddling = changed[limit].change_seq
    whole = [message for message in changed[:limit] if message.change_seq != straddling]
    if not whole:  # one change marked more than a page: send it whole
        whole = list(shown.filter(change_seq=straddling).order_by("id"))
    return whole, True


def message_reactions_for(messages: list[Message]) -> dict[int, list[MessageReaction]]:
    """Return the reactions of *messages* by message id, oldest first: one query, and none when no
    message has any (``Message.reaction_count``)."""
    with_reactions = [message.id for message in messages if message.reaction_count]
    by_message: dict[int, list[MessageReaction]] = {}
    if with_reactions:
        for reaction in MessageReaction.objects.filter(message_id__in=with_reactions).order_by(
            "created_at", "id"
        ):
            by_message.setdefault(reaction.message_id, []).append(reaction)
    return by_message


def message_get_for_participant(*, conversation: Conversation, message_id: int | None) -> Message:
    """Return message *message_id* of *conversation* (from ``chat.access.access_conversation``) if its
    viewer can see it: not a system notice, not in history they hid. Http404 otherwise (None too), so a
    message id says nothing about other conversations. One query, with the quoted message joined."""
    message = (
        message_list_visible(conversation=conversation)
        .exclude(kind=Message.Kind.SYSTEM)
        .filter(pk=message_id)
        .first()
        if message_id
        else None
    )
    if message is None:
        raise Http404("No such message.")
    return message


def message_bodies_repeated(
    *, sender_id: int, bodies: set[str], exclude_conversation_id: int, since: datetime, min_conversations: int
) -> set[str]:
    """Return which of *bodies* *sender_id* also sent, word for word, in at least *min_conversations* other
    conversations (not *exclude_conversation_id*) since *since*: copy-pasted text, a scam context signal
    (``chat.safety.SignalContext.repeated``). One query, none for no *bodies*."""
    if not bodies:
        return set()
    return set(
        Message.objects.filter(sender_id=sender_id, body__in=bodies, created_at__gte=since)
        .exclude(conversation_id=exclude_conversation_id)
        .values("body")
        .annotate(conversations=Count("conversation_id", distinct=True))
        .filter(conversations__gte=min_conversations)
        .values_list("body", flat=True)
    )
