"""Writes that organise a participant's own list: pins and labels. Each changes only the caller's rows and
moves their list's poll token (a pin also their view of the conversation, whose menu says "Unpin"), so
open pages show it at their next poll and cached fragments are never stale."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from chat import delivery
from chat.errors import ERROR_MESSAGES
from chat.models import (
    LABEL_NAME_MAX_LENGTH,
    LABELS_PER_USER,
    PIN_SLOTS,
    Conversation,
    ConversationLabel,
    ConversationParticipant,
    ParticipantLabel,
)


def _announce(*, user: User, public_ids: list[str] = ()) -> None:
    """Move *user*'s list token and their views of the conversations *public_ids* (a view shows the pin,
    and the API's conversation representation the viewer's labels)."""
    delivery.announce(
        conversation_views=[(public_id, user.pk) for public_id in public_ids], user_ids=[user.pk]
    )


@transaction.atomic
def conversation_set_pinned(*, conversation: Conversation, user: User, pinned: bool) -> bool:
    """Pin *conversation* to the top of *user*'s list (or unpin it); return whether it is pinned now.

    A pin takes the lowest free of ``PIN_SLOTS`` numbered slots; the database holds the limit (a unique
    constraint on (user, slot) and a range check), so two pins at once cannot make a sixth: the one that
    loses a slot tries the next free one, and with none left raises ValidationError ``pin_limit``.
    Pinning a pinned conversation (or unpinning an unpinned one) changes nothing. Raises
    ConversationParticipant.DoesNotExist for a non-participant (callers check access first).
    """
    participant = ConversationParticipant.objects.select_for_update().get(
        conversation=conversation, user=user
    )
    if (participant.pin_slot is not None) == pinned:
        return pinned
    now = timezone.now()
    if not pinned:
        participant.pin_slot, participant.pinned_at, participant.updated_at = None, None, now
        participant.save(update_fields=["pin_slot", "pinned_at", "updated_at"])
        _announce(user=user, public_ids=[conversation.public_id])
        return False
    for _attempt in range(PIN_SLOTS):
        taken = set(
            ConversationParticipant.objects.filter(user=user, pin_slot__isnull=False).values_list(
                "pin_slot", flat=True
            )
        )
        free = [slot for slot in range(1, PIN_SLOTS + 1) if slot not in taken]
        if not free:
            break
        try:
            with transaction.atomic():  # savepoint: a concurrent pin may have taken this slot first
                ConversationParticipant.objects.filter(pk=participant.pk).update(
                    pin_slot=free[0], pinned_at=now, updated_at=now
                )
        except IntegrityError:
            continue
        _announce(user=user, public_ids=[conversation.public_id])
        return True
    raise ValidationError(ERROR_MESSAGES["pin_limit"], code="pin_limit", params={"limit": PIN_SLOTS})


def label_name_clean(name: str) -> str:
    """Return *name* with its white space collapsed; raise ValidationError ``label_empty`` or
    ``label_too_long`` (over ``LABEL_NAME_MAX_LENGTH`` characters)."""
    name = " ".join(str(name).split())
    if not name:
        raise ValidationError(ERROR_MESSAGES["label_empty"], code="label_empty")
    if len(name) > LABEL_NAME_MAX_LENGTH:
        raise ValidationError(
            ERROR_MESSAGES["label_too_long"], code="label_too_long", params={"limit": LABEL_NAME_MAX_LENGTH}
        )
    return name


@transaction.atomic
def label_create(*, user: User, name: str) -> ConversationLabel:
    """Create *user*'s label *name* (cleaned by ``label_name_clean``) and return it.

    Raises ValidationError ``label_exists`` (the user has a label of that name, ignoring case) or
    ``label_limit`` (already ``LABELS_PER_USER``). The count runs under a lock on the user's row, so two
    creations at once cannot pass the limit; the unique constraint on the lowercased name holds the rest.
    """
    name = label_name_clean(name)
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).get()
    labels = ConversationLabel.objects.filter(user=user)
    if labels.filter(name__iexact=name).exists():
        raise ValidationError(ERROR_MESSAGES["label_exists"], code="label_exists", params={"name": name})
    if labels.count() >= LABELS_PER_USER:
        raise ValidationError(
            ERROR_MESSAGES["label_limit"], code="label_limit", params={"limit": LABELS_PER_USER}
        )
    label = ConversationLabel.objects.create(user=user, name=name)
    _announce(user=user)
    return label


@transaction.atomic
def label_delete(*, user: User, label_id: int) -> bool:
    """Delete *user*'s label *label_id* and take it off their conversations; return False when they have
    no such label (someone else's label counts as none)."""
    carried = list(
        ParticipantLabel.objects.filter(label_id=label_id, label__user=user).values_list(
            "participant__conversation__public_id", flat=True
        )
    )
    deleted, _by_model = ConversationLabel.objects.filter(user=user, pk=label_id).delete()
    if deleted:
        _announce(user=user, public_ids=carried)
    return bool(deleted)


@transaction.atomic
def conversation_set_labels(*, conversation: Conversation, user: User, label_ids: list[int]) -> list[int]:
    """Make *user*'s labels on *conversation* exactly *label_ids* (ids of their own labels) and return the
    ids now on it, sorted. Raises ValidationError ``label_unknown`` for an id that is not one of *user*'s
    labels, and ConversationParticipant.DoesNotExist for a non-participant (callers check access first).
    Locks the participant row, so two changes at once leave one of the two sets."""
    wanted = set(label_ids)
    own = set(ConversationLabel.objects.filter(user=user, pk__in=wanted).values_list("pk", flat=True))
    if own != wanted:
        raise ValidationError(ERROR_MESSAGES["label_unknown"], code="label_unknown")
    participant = ConversationParticipant.objects.select_for_update().get(
        conversation=conversation, user=user
    )
    current = set(ParticipantLabel.objects.filter(participant=participant).values_list("label_id", flat=True))
    if current != wanted:
        ParticipantLabel.objects.filter(participant=participant, label_id__in=current - wanted).delete()
        ParticipantLabel.objects.bulk_create(
            [ParticipantLabel(participant=participant, label_id=label_id) for label_id in wanted - current]
        )
        # Labels show in the list's rows and in the API's conversation representation (changes/, answered
        # 304 on the view's own token); the page's menu only links to its labels page.
        _announce(user=user, public_ids=[conversation.public_id])
    return sorted(wanted)
