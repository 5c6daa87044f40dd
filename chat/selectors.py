"""Reads of chat state that carry permission or shape. Each returns a QuerySet or raises Http404."""

from __future__ import annotations

from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.db import connection
from django.db.models import Exists, F, FilteredRelation, Func, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import User, UserBlock
from chat.managers import MEMBERSHIP_FIELDS
from chat.models import Conversation, ConversationParticipant, Message, MessagePhoto, Offer
from chat.polling import tokens


def _with_membership(queryset: QuerySet[Conversation], *, user: User) -> QuerySet[Conversation]:
    """Join *user*'s participant row (and the other participant's) and annotate the per-participant state.

    Annotations (``chat.managers.MEMBERSHIP_FIELDS``, shared with the hand-written query):
    ``my_hidden_up_to_id``, ``my_last_read_id`` (message ids or None), ``my_unread_count``,
    ``my_archived_at``, ``my_role``, ``my_last_message_at`` (the list's sort key) and
    ``other_last_read_id`` (the other participant's read pointer, for read receipts).
    """
    relation = {"m": "membership", "o": "other_membership"}
    participant = ConversationParticipant._meta
    return (
        queryset.annotate(
            membership=FilteredRelation("participants", condition=Q(participants__user=user)),
            other_membership=FilteredRelation("participants", condition=~Q(participants__user=user)),
        )
        .filter(membership__user=user)
        .annotate(
            **{
                name: F(f"{relation[row]}__{participant.get_field(field_name).attname}")
                for name, (row, field_name) in MEMBERSHIP_FIELDS.items()
            }
        )
    )


# The chat list's filters: name -> (label, condition on the annotated queryset).
LIST_FILTERS = {
    "all": ("All", Q(my_archived_at__isnull=True)),
    "unread": ("Unread", Q(my_unread_count__gt=0)),
    "buying": ("Buying", Q(my_role="buyer", my_archived_at__isnull=True)),
    "selling": ("Selling", Q(my_role="seller", my_archived_at__isnull=True)),
    "archived": ("Archived", Q(my_archived_at__isnull=False)),
}


def conversation_list_for_user(
    *,
    user: User,
    list_filter: str | None = "all",
    ad_public_id: str | None = None,
    before: tuple | None = None,
) -> QuerySet[Conversation]:
    """Return the conversations in *user*'s list, newest activity first, ready to render in one query.

    Leaves out conversations the user deleted that have had no message since. *list_filter* is a key of
    ``LIST_FILTERS`` (unknown keys mean "all"; "all" leaves archived conversations out; None applies no
    filter). *ad_public_id*
    narrows the list to one ad (a seller working through the buyers of one listing). *before* is a keyset
    cursor ``(last_message_at, id)``: only conversations older than it are returned (next page).
    Joins buyer, seller and the last message (with its sender id) so rows cost no extra queries.
    """
    # Filter on the annotation, not on membership__…: a second filter() across the relation would join
    # the participant table again.
    queryset = _with_membership(Conversation.objects.all(), user=user).filter(
        Q(my_hidden_up_to_id__isnull=True) | Q(last_message_id__gt=F("my_hidden_up_to_id")),
    )
    if list_filter is not None:
        queryset = queryset.filter(LIST_FILTERS.get(list_filter, LIST_FILTERS["all"])[1])
    if ad_public_id:
        queryset = queryset.filter(ad_public_id=ad_public_id)
    if before is not None:
        before_at, before_id = before
        queryset = queryset.filter(my_last_message_at__lte=before_at).exclude(
            my_last_message_at=before_at, id__gte=before_id
        )
    # Sorted by the participant's copy of last_message_at: PostgreSQL walks participant_list_idx for this
    # user (conversation.id equals membership.conversation_id through the join) and stops after one page.
    return queryset.select_related("buyer", "seller", "last_message").order_by("-my_last_message_at", "-id")


def conversation_rows_for_user(*, user_id: int, other_user_id: int | None = None) -> QuerySet:
    """Return ``(public_id, buyer_id, seller_id)`` of every conversation *user_id* is in (only those with
    *other_user_id* when given): the shape ``tokens.bump_conversations`` takes."""
    queryset = Conversation.objects.filter(Q(buyer_id=user_id) | Q(seller_id=user_id))
    if other_user_id is not None:
        queryset = queryset.filter(Q(buyer_id=other_user_id) | Q(seller_id=other_user_id))
    return queryset.values_list("public_id", "buyer_id", "seller_id")


def conversation_get_for_participant(*, public_id: str, user: User) -> Conversation:
    """Return the conversation *public_id* annotated with *user*'s state (see ``_with_membership``).

    Also annotates ``i_blocked_other`` and ``other_blocked_me`` (booleans). Raises Http404 when it does
    not exist or *user* is not a participant: the two cases answer alike so a conversation's existence
    never leaks. One query (buyer and seller joined).
    """
    # A hand-written query (ConversationManager.get_for_participant) equal to
    # conversation_query_for_participant below, which the tests compare it with.
    conversation = Conversation.objects.get_for_participant(public_id=public_id, user_id=user.pk)
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


def conversation_query_for_participant(*, public_id: str, user: User) -> QuerySet[Conversation]:
    """Return the ORM query that ``conversation_get_for_participant`` runs as hand-written SQL: the
    conversation with *user*'s state (``_with_membership``), the two block flags and both participants.
    Kept as the specification the SQL is tested against (and for EXPLAIN in bench/run)."""
    return (
        _with_membership(Conversation.objects.filter(public_id=public_id), user=user)
        .annotate(
            i_blocked_other=Exists(
                UserBlock.objects.filter(blocker=user).filter(
                    Q(blocked_id=OuterRef("buyer_id")) | Q(blocked_id=OuterRef("seller_id"))
                )
            ),
            other_blocked_me=Exists(
                UserBlock.objects.filter(blocked=user).filter(
                    Q(blocker_id=OuterRef("buyer_id")) | Q(blocker_id=OuterRef("seller_id"))
                )
            ),
        )
        .select_related("buyer", "seller")
    )


def unread_conversation_count(*, user: User) -> int:
    """Return how many of *user*'s conversations have unread messages: one query on a partial index."""
    return ConversationParticipant.objects.unread_conversation_count(user_id=user.pk)


def unread_badge(*, user: User, list_token: str | None = None) -> dict:
    """Return the header badge's state: ``{"token": list poll token, "count": unread conversations,
    "user_key": signed key for polls}``; the token is read first (see ``chat.polling.tokens``).

    *list_token* is the list token the caller already read earlier in this request (the list pane): an
    older token is always safe, it only means one full poll more.
    """
    if list_token is None:
        list_token, count = tokens.read_before(
            tokens.list_key(user.pk), lambda _token: unread_conversation_count(user=user)
        )
    else:
        count = unread_conversation_count(user=user)
    return {"token": list_token, "count": count, "user_key": tokens.user_poll_key(user.pk)}


def message_list_visible(*, conversation: Conversation) -> QuerySet[Message]:
    """Return the messages of *conversation* its viewer may see (after their deleted history), oldest first.

    *conversation* must come from ``conversation_get_for_participant`` (it carries the viewer's
    ``my_hidden_up_to_id``).
    """
    queryset = Message.objects.filter(conversation=conversation).select_related("offer")
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
    ``conversation_get_for_participant`` for *user*); Http404 for anything else (own, system, another
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
    """Return photo *photo_id* of conversation *public_id* if *user* is a participant and no moderator
    removed the message. Http404 for everyone else (moderators too: they see photos through moderation's
    gated, logged view) and for a missing photo: the answer says nothing about whether it exists."""
    photo = message_photo_get(public_id=public_id, photo_id=photo_id)
    conversation = photo.message.conversation
    if (
        user.pk not in (conversation.buyer_id, conversation.seller_id)
        or photo.message.removed_by_moderator_at
    ):
        raise Http404("No such photo.")
    return photo


def offer_get_for_conversation(*, conversation: Conversation, offer_id: int) -> Offer:
    """Return offer *offer_id* of *conversation* (already checked for the viewer); Http404 otherwise."""
    offer = Offer.objects.filter(pk=offer_id, conversation=conversation).first()
    if offer is None:
        raise Http404("No such offer.")
    return offer


def conversation_exists(*, buyer: User, ad) -> bool:
    """Return True when *buyer* already has a conversation with the owner of *ad* about it (one query)."""
    return Conversation.objects.filter(buyer=buyer, seller_id=ad.owner_id, ad=ad).exists()


def conversation_count_for_ad(*, user: User, ad_public_id: str) -> int:
    """Return how many conversations *user* (the seller) has about the ad *ad_public_id*."""
    return Conversation.objects.filter(seller=user, ad_public_id=ad_public_id).count()


class MessageDocument(Func):
    """``to_tsvector('english', body)``: the exact expression of the GIN index ``message_body_fts_idx``."""

    template = "to_tsvector('english'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


SEARCH_RESULTS_LIMIT = 30


def message_search_for_user(*, user: User, text: str) -> list[Message]:
    """Return up to SEARCH_RESULTS_LIMIT messages matching *text* in *user*'s conversations, newest first.

    Only conversations *user* takes part in, and only messages after history they deleted. On PostgreSQL
    this is full-text search (English stemming, web-search syntax: quotes, ``-word``, ``or``) served by the
    GIN index ``message_body_fts_idx``; elsewhere every word must appear as a substring. One query,
    with the conversation and both participants joined.
    """
    text = text.strip()[:200]
    if not text:
        return []
    queryset = Message.objects.annotate(
        membership=FilteredRelation(
            "conversation__participants", condition=Q(conversation__participants__user=user)
        )
    ).filter(
        # One filter() call: a second one across the relation would join the participant table again.
        Q(membership__user=user)
        & Q(removed_by_moderator_at__isnull=True)
        & (Q(membership__hidden_up_to__isnull=True) | Q(id__gt=F("membership__hidden_up_to")))
    )
    if connection.vendor == "postgresql":
        queryset = queryset.annotate(document=MessageDocument("body")).filter(
            document=SearchQuery(text, config="english", search_type="websearch")
        )
    else:
        for word in text.split()[:8]:
            queryset = queryset.filter(body__icontains=word)
    return list(
        queryset.select_related("conversation__buyer", "conversation__seller").order_by("-created_at", "-id")[
            :SEARCH_RESULTS_LIMIT
        ]
    )


def conversation_search_for_user(*, user: User, text: str) -> list[Conversation]:
    """Return *user*'s conversations whose ad title or other participant's name contains *text*."""
    text = text.strip()[:200]
    if not text:
        return []
    matches = (
        Q(ad_title__icontains=text)
        | (Q(buyer__display_name__icontains=text) & ~Q(buyer=user))
        | (Q(seller__display_name__icontains=text) & ~Q(seller=user))
    )
    return list(
        conversation_list_for_user(user=user, list_filter=None).filter(matches)[:SEARCH_RESULTS_LIMIT]
    )
