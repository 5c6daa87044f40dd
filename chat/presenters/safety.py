"""The scam notes a viewer gets next to the other person's text messages (``chat.safety``), weighed by the
conversation's context: one place for the web page (``message_rows``) and the API (``MessageSerializer``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings

from chat import safety, selectors
from chat.models import Conversation, Message
from marketplace.http import cached_reverse

NONE = {"safety_notes": (), "safety_level": ""}


def safety_for(
    messages: list[Message], *, viewer_id: int, conversation: Conversation | None, now: datetime
) -> dict[int, dict]:
    """Return ``{message id: {"safety_notes": [...], "safety_level": str}}`` for the messages of *messages*
    that get any note: the other person's live text messages whose text has a signal, or a money word
    in a risky context. Each note is ``{"category", "text", "help_anchor", "help_url"}`` (``help_url`` the
    site path of the help page's section).

    The context (``safety.SignalContext``) comes from *conversation* (its buyer and seller loaded by the
    conversation selector): the sender's account age, whether the message is in the conversation's first
    MARKETPLACE_SCAM_EARLY_S seconds, whether the sender is the buyer, and whether the same text went to
    other conversations (``safety.repeat_rule``). The text rules run once per message; one query, only
    when a message's context can matter and *conversation* is given. No *conversation*: text alone."""
    read = {
        message.id: safety.read_text(message.body)
        for message in messages
        if message.sender_id != viewer_id
        and message.kind == Message.Kind.TEXT
        and not message.is_withdrawn
        and message.body
    }
    candidates = {message_id for message_id, signals in read.items() if signals.context_matters()}
    if not candidates:
        return {}
    contexts = _contexts([m for m in messages if m.id in candidates], conversation=conversation, now=now)
    help_url = cached_reverse("chat:safety_help")
    answer = {}
    for message_id in candidates:
        categories, level = safety.assess(read[message_id], context=contexts.get(message_id))
        if categories:
            notes = safety.notes_for(categories)
            for note in notes:
                note["help_url"] = f"{help_url}#{note['help_anchor']}"
            answer[message_id] = {"safety_notes": notes, "safety_level": level}
    return answer


def _contexts(
    messages: list[Message], *, conversation: Conversation | None, now: datetime
) -> dict[int, safety.SignalContext]:
    if conversation is None:
        return {}
    window_s, other_conversations = safety.repeat_rule()
    early_s = getattr(settings, "MARKETPLACE_SCAM_EARLY_S", safety.EARLY_S)
    contexts = {}
    # All candidates have one sender: the viewer's other participant.
    sender_id = messages[0].sender_id
    repeated = selectors.message_bodies_repeated(
        sender_id=sender_id,
        bodies={message.body for message in messages},
        exclude_conversation_id=conversation.id,
        since=now - timedelta(seconds=window_s),
        min_conversations=other_conversations,
    )
    sender = conversation.buyer if sender_id == conversation.buyer_id else conversation.seller
    for message in messages:
        contexts[message.id] = safety.SignalContext(
            sender_account_days=(now - sender.date_joined).total_seconds() / 86400,
            early_in_conversation=(message.created_at - conversation.created_at).total_seconds() < early_s,
            sender_is_buyer=sender_id == conversation.buyer_id,
            repeated=message.body in repeated,
        )
    return contexts
