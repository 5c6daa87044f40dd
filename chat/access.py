"""Who may see or act on a conversation: the one check every front door calls (site views, API views,
moderation's participant views), as Zulip's ``access_message`` is.

A conversation that does not exist and one the user is not a participant of answer alike (Http404), so
a public id never tells whether a conversation exists. What a participant may then do in it (write, make
an offer, edit a message) is each service's own check.
"""

from __future__ import annotations

from django.http import Http404

from accounts.models import User
from chat.delivery import tokens
from chat.models import Conversation


def access_conversation(*, user: User, public_id: str) -> Conversation:
    """Return conversation *public_id* for participant *user*, annotated with *user*'s state
    (``my_last_read_id``, ``my_unread_count``, ``my_hidden_up_to_id``, …, see
    ``chat.managers.MEMBERSHIP_FIELDS``) and the block flags ``i_blocked_other`` / ``other_blocked_me``,
    both participants joined.

    Raises Http404 when it does not exist or *user* is not a participant (the same answer). One query:
    the hand-written ``ConversationManager.get_for_participant``, tested against the ORM form
    ``selectors.conversation_query_for_participant``.
    """
    conversation = Conversation.objects.get_for_participant(public_id=public_id, user_id=user.pk)
    if conversation is None:
        raise Http404("No such conversation.")
    return conversation


def access_conversation_with_token(*, user: User, public_id: str) -> tuple[str, Conversation]:
    """Return ``(poll token, conversation)`` for a page or poll that hands the token to the client: the
    token is read before the conversation (``tokens.read_before``: the only safe order) and created in
    the cache only after the access check passed, so a stranger's request stores nothing. Raises Http404
    as ``access_conversation``."""
    return tokens.read_before(
        tokens.conversation_key(public_id, user.pk),
        lambda _token: access_conversation(user=user, public_id=public_id),
        create_after_load=True,
    )
