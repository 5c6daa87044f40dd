"""Message rows (what each message shows and which actions it offers) and the composer's mode."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone

from chat import selectors, services
from chat.errors import refusal_text
from chat.models import MESSAGE_REACTIONS, Conversation, Message
from chat.presenters.safety import NONE as NO_NOTES
from chat.presenters.safety import safety_for


def message_rows(
    messages: list[Message],
    *,
    viewer_id: int,
    previous: datetime | None = None,
    can_act: bool = True,
    conversation: Conversation | None = None,
) -> list[dict]:
    """Pair each message with what its row shows: its local day, whether a day separator goes before it
    (*previous* is the time of the message shown just before the first one), its local time (``iso`` for
    ``datetime=``, ``clock`` as shown; ``edited_iso``/``edited_clock`` for an edit), the safety notes the
    viewer gets next to the other person's text messages (``chat.safety``, weighed by *conversation*'s
    context when given: ``safety_level`` "hold" folds the text behind "Show message"), its reactions
    grouped by emoji, and which actions the viewer has on it: ``can_react``
    (react and reply: not a notice, not deleted or removed, *can_act* = no block in the conversation) and
    ``editable_until`` (edit and delete: the viewer's own text message inside MARKETPLACE_EDIT_WINDOW_S,
    else None). Sets ``message.photo_list``. One query for photos and one for reactions, each only when
    some message has any."""
    photos = selectors.message_photos_for(messages)
    reactions = selectors.message_reactions_for(messages)
    now = timezone.now()
    rows = []
    notes = safety_for(messages, viewer_id=viewer_id, conversation=conversation, now=now)
    previous_day = timezone.localdate(previous) if previous else None
    for message in messages:
        message.photo_list = photos.get(message.id, [])
        local = timezone.localtime(message.created_at)
        day = local.date()
        own = message.sender_id == viewer_id
        groups = _reaction_groups(reactions.get(message.id, ()), viewer_id=viewer_id)
        live = message.kind != Message.Kind.SYSTEM and not message.is_withdrawn
        editable_until = None
        if can_act and live and own and message.kind == Message.Kind.TEXT:
            window_end = services.edit_window_ends(message)
            editable_until = window_end if now < window_end else None
        edited = timezone.localtime(message.edited_at) if message.edited_at and live else None
        rows.append(
            {
                "message": message,
                "day": day,
                "new_day": day != previous_day,
                # Formatted here, once: template date filters cost ~20 µs each, 50 messages a page.
                "iso": local.isoformat(timespec="seconds"),
                "clock": local.strftime("%H:%M"),
                "edited_iso": edited.isoformat(timespec="seconds") if edited else "",
                "edited_clock": edited.strftime("%H:%M") if edited else "",
                **notes.get(message.id, NO_NOTES),
                "reactions": groups if live else [],
                "my_reaction": next((group["emoji"] for group in groups if group["mine"]), None),
                "can_react": can_act and live,
                "editable_until": editable_until,
            }
        )
        previous_day = day
    return rows


def _reaction_groups(reactions, *, viewer_id: int) -> list[dict]:
    """Group one message's reactions by emoji, in MESSAGE_REACTIONS order: ``emoji``, ``count``, ``mine``
    (the viewer reacted with it) and ``others`` (the other participant did)."""
    groups = {}
    for reaction in reactions:
        group = groups.setdefault(reaction.emoji, {"emoji": reaction.emoji, "count": 0, "mine": False})
        group["count"] += 1
        group["mine"] |= reaction.user_id == viewer_id
    for group in groups.values():
        group["others"] = group["count"] > int(group["mine"])
    return [groups[emoji] for emoji in MESSAGE_REACTIONS if emoji in groups]


def composer_mode(
    request: HttpRequest, conversation: Conversation, *, reply: int | None, edit: int | None
) -> dict:
    """Return the composer's context for replying to message *reply* or editing message *edit* (ids from
    the query; both None: a plain composer): ``composer_mode`` ("reply", "edit" or ""),
    ``composer_target`` (the message), ``composer_editing``, and for an edit the current text as
    ``typed``. A message the viewer cannot see, or can no longer edit, leaves a plain composer, with the
    reason as ``composer_error`` for an edit. Raises nothing."""
    context = {"composer_mode": "", "composer_target": None, "composer_editing": False}
    if reply is None and edit is None:
        return context
    try:
        target = selectors.message_get_for_participant(conversation=conversation, message_id=edit or reply)
    except Http404:
        return context
    if edit is not None:
        try:
            services.message_edit_check(message=target, user=request.user)
        except (PermissionDenied, ValidationError) as error:
            return {**context, "composer_error": refusal_text(error)}
        return {
            "composer_mode": "edit",
            "composer_target": target,
            "composer_editing": True,
            "typed": target.body,
        }
    if target.is_withdrawn:
        return context
    return {**context, "composer_mode": "reply", "composer_target": target}
