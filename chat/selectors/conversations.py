"""Reads of conversations and their participants' state. Each returns a QuerySet or plain data; who may
see a conversation at all is ``chat.access``."""

from __future__ import annotations

from django.db import connections
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User, UserBlock
from chat.delivery import tokens
from chat.managers import MEMBERSHIP_FIELDS
from chat.models import Conversation, ConversationLabel, ConversationParticipant, ParticipantLabel


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
    "all": (_("All"), Q(my_archived_at__isnull=True)),
    "unread": (_("Unread"), Q(my_unread_count__gt=0)),
    "buying": (_("Buying"), Q(my_role="buyer", my_archived_at__isnull=True)),
    "selling": (_("Selling"), Q(my_role="seller", my_archived_at__isnull=True)),
    "archived": (_("Archived"), Q(my_archived_at__isnull=False)),
}


def conversation_list_for_user(
    *,
    user: User,
    list_filter: str | None = "all",
    ad_public_id: str | None = None,
    before: tuple | None = None,
    label_id: int | None = None,
    pinned: bool | None = None,
) -> QuerySet[Conversation]:
    """Return the conversations in *user*'s list, newest activity first, ready to render in one query.

    Leaves out conversations the user deleted that have had no message since. *list_filter* is a key of
    ``LIST_FILTERS`` (unknown keys mean "all"; "all" leaves archived conversations out; None applies no
    filter). *ad_public_id*
    narrows the list to one ad (a seller working through the buyers of one listing). *before* is a keyset
    cursor ``(last_message_at, id)``: only conversations older than it are returned (next page).
    *label_id* keeps the conversations *user* put that label on (someone else's label matches nothing).
    *pinned* True keeps only *user*'s pinned conversations, most recently pinned first (at most
    ``PIN_SLOTS``: no paging), False leaves them out (the site shows them above the list), None ignores pins.
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
    if label_id is not None:
        queryset = queryset.filter(
            Exists(
                ParticipantLabel.objects.filter(
                    label_id=label_id, participant__user=user, participant__conversation_id=OuterRef("pk")
                )
            )
        )
    if pinned is not None:
        queryset = queryset.filter(my_pin_slot__isnull=not pinned)
    if pinned:
        return queryset.select_related("buyer", "seller", "last_message").order_by("-my_pinned_at", "-id")
    if before is not None:
        before_at, before_id = before
        queryset = queryset.filter(my_last_message_at__lte=before_at).exclude(
            my_last_message_at=before_at, id__gte=before_id
        )
    # Sorted by the participant's copy of last_message_at: PostgreSQL walks participant_list_idx for this
    # user (conversation.id equals membership.conversation_id through the join) and stops after one page.
    return queryset.select_related("buyer", "seller", "last_message").order_by("-my_last_message_at", "-id")


def conversation_list_muted(*, user: User, limit: int = 50) -> list[Conversation]:
    """Return up to *limit* of *user*'s conversations with muted notifications, newest activity first
    (the chat settings page lists them with "Unmute"); one query."""
    rows = conversation_list_for_user(user=user, list_filter=None).filter(my_muted_at__isnull=False)
    return list(rows[:limit])


def labels_for_user(*, user: User, conversation_ids: list[int] = ()) -> tuple[list, dict[int, list]]:
    """Return ``(labels, on)``: *user*'s labels (``ConversationLabel``, by name) and, for those of
    *conversation_ids* that carry any, ``{conversation id: [labels]}``. One query (the labels joined to
    their assignments on these conversations only), whatever the number of rows."""
    labels, on, _pinned = labels_and_pins_for_list(user=user, conversation_ids=conversation_ids, pins=False)
    return labels, on


def labels_and_pins_for_list(
    *, user: User, conversation_ids: list[int] = (), pins: bool = True
) -> tuple[list, dict[int, list], list[int]]:
    """Return ``(labels, on, pinned_ids)`` for the chat list in one hand-written query: *user*'s labels (by
    name), ``{conversation id: [labels]}`` for *conversation_ids* and (with *pins*) the user's pinned
    conversations, and the ids of those pinned conversations (``[]`` without *pins*). The list reads its
    pinned rows only when there are any, so a user who pinned nothing pays no query for them.

    Hand-written: the ORM's FilteredRelation cannot put a condition on the second hop, and this runs on
    every list render, where compiling ORM queries costs more than running them."""
    ids = [int(conversation_id) for conversation_id in conversation_ids]
    label, assignment, participant = (
        model._meta.db_table for model in (ConversationLabel, ParticipantLabel, ConversationParticipant)
    )
    wanted = [f"p.conversation_id IN ({', '.join(['%s'] * len(ids))})"] if ids else []
    wanted += ["p.pin_slot IS NOT NULL"] if pins else []
    sql = (
        f'SELECT l.id, l.name, p.conversation_id FROM "{label}" l LEFT JOIN ("{assignment}" pl'
        f' JOIN "{participant}" p ON p.id = pl.participant_id AND p.user_id = %s'
        f" AND ({' OR '.join(wanted) or '1 = 0'})) ON pl.label_id = l.id WHERE l.user_id = %s"
    )
    params = [user.pk, *ids, user.pk]
    if pins:
        # Pinned conversations come as rows without a label (the unique index on (user, pin_slot)).
        sql += f' UNION ALL SELECT NULL, NULL, p.conversation_id FROM "{participant}" p'
        sql += " WHERE p.user_id = %s AND p.pin_slot IS NOT NULL"
        params.append(user.pk)
    with connections[ConversationLabel.objects.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    labels, on, pinned_ids = {}, {}, []
    for label_id, name, conversation_id in sorted(
        rows, key=lambda row: (row[0] is None, str(row[1]).lower(), row[0] or 0)
    ):
        if label_id is None:
            pinned_ids.append(conversation_id)
            continue
        found = labels.setdefault(label_id, ConversationLabel(id=label_id, user=user, name=name))
        if conversation_id is not None:
            on.setdefault(conversation_id, []).append(found)
    return list(labels.values()), on, pinned_ids


def conversation_rows_for_user(*, user_id: int, other_user_id: int | None = None) -> QuerySet:
    """Return ``(public_id, buyer_id, seller_id)`` of every conversation *user_id* is in (only those with
    *other_user_id* when given): the shape ``delivery.announce(conversations=…)`` takes."""
    queryset = Conversation.objects.filter(Q(buyer_id=user_id) | Q(seller_id=user_id))
    if other_user_id is not None:
        queryset = queryset.filter(Q(buyer_id=other_user_id) | Q(seller_id=other_user_id))
    return queryset.values_list("public_id", "buyer_id", "seller_id")


def conversation_query_for_participant(*, public_id: str, user: User) -> QuerySet[Conversation]:
    """Return the ORM query that ``chat.access.access_conversation`` runs as hand-written SQL: the
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


def unread_badge(*, user: User, list_token: str | None = None, count: int | None = None) -> dict:
    """Return the header badge's state: ``{"token": list poll token, "count": unread conversations,
    "user_key": signed key for polls}``; the token is read first (see ``chat.delivery.tokens``).

    *list_token* is the list token the caller already read earlier in this request (the list pane): an
    older token is always safe, it only means one full poll more. *count* is the count read after that
    token (the list pane's, stored with its fragment): the badge shows what the token vouches for.
    """
    if list_token is None:
        list_token, count = tokens.read_before(
            tokens.list_key(user.pk), lambda _token: unread_conversation_count(user=user)
        )
    elif count is None:
        count = unread_conversation_count(user=user)
    return {"token": list_token, "count": count, "user_key": tokens.user_poll_key(user.pk)}


def conversation_exists(*, buyer: User, ad) -> bool:
    """Return True when *buyer* already has a conversation with the owner of *ad* about it (one query)."""
    return Conversation.objects.filter(buyer=buyer, seller_id=ad.owner_id, ad=ad).exists()


def conversation_count_for_ad(*, user: User, ad_public_id: str) -> int:
    """Return how many conversations *user* (the seller) has about the ad *ad_public_id*."""
    return Conversation.objects.filter(seller=user, ad_public_id=ad_public_id).count()


def conversation_of_buyer_about_ad(*, user: User, ad_id: int) -> dict | None:
    """Return ``{"url", "my_unread"}`` of *user*'s conversation as the buyer about ad *ad_id*, or None
    (one query on the participant's list index)."""
    row = (
        ConversationParticipant.objects.filter(
            user=user, role=ConversationParticipant.Role.BUYER, conversation__ad_id=ad_id
        )
        .values("conversation__public_id", "unread_count")
        .first()
    )
    if row is None:
        return None
    url = Conversation(public_id=row["conversation__public_id"]).get_absolute_url()
    return {"url": url, "my_unread": row["unread_count"]}


def conversation_change_seq(*, conversation: Conversation) -> int:
    """Return *conversation*'s current ``change_seq`` (one query): what a view that just changed a
    message hands its page, since the conversation row it holds was read before the change."""
    return Conversation.objects.filter(pk=conversation.pk).values_list("change_seq", flat=True).get()


def receipt_pointers(*, viewer: User, conversation: Conversation) -> tuple[int, int]:
    """Return ``(read_up_to, delivered_up_to)``: the viewer's own messages with ids up to the first are
    read by the other participant, up to the second delivered to their device. *conversation* carries the
    other participant's pointers (``other_last_read_id``, ``other_delivered_up_to``, as ``chat.access``
    returns it; missing counts as 0). The read pointer is 0 unless both share read receipts (the setting
    is reciprocal); the delivery pointer shows whatever the setting, and counts what was read (read
    implies fetched), so it is never behind the read pointer."""
    other = conversation.other_participant(viewer)
    read = getattr(conversation, "other_last_read_id", None) or 0
    delivered = max(getattr(conversation, "other_delivered_up_to", None) or 0, read)
    receipts = viewer.share_read_receipts and other.share_read_receipts
    return (read if receipts else 0), delivered


def message_status(message_id: int, *, read_up_to: int, delivered_up_to: int) -> str:
    """Return an own message's receipt, ``"read"``, ``"delivered"`` or ``"sent"``, from the pointers
    ``receipt_pointers`` returns."""
    if message_id <= read_up_to:
        return "read"
    return "delivered" if message_id <= delivered_up_to else "sent"
