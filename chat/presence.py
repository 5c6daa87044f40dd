"""The live side's rules, for both front doors (the page's ``chat.views.live`` and the API's
``chat.api.live``): who sees whose presence, and when a typing ping reaches the other participant."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache

from accounts.models import User
from chat.delivery import hints
from chat.models import Conversation


def shown(viewer: User, other: User) -> bool:
    """Return True when *viewer* may see *other*'s "online / last seen": both share "when I was last
    online" (reciprocal), and *other* is not suspended (a suspended user is never "online")."""
    return viewer.share_last_seen and other.share_last_seen and other.is_active


def typing_ping(*, conversation: Conversation, user: User) -> bool:
    """Tell the other participant of *conversation* that *user* is typing (a ``typing-<public id>`` hint,
    no text). Sent only when hints are on, both share "when I was last online" and neither blocked the
    other; at most one per MARKETPLACE_TYPING_PING_S seconds per person and conversation (a cache add).
    Returns True when a hint was published. The caller checked *user* is a participant."""
    other = conversation.other_participant(user)
    allowed = (
        hints.enabled()
        and user.share_last_seen
        and other.share_last_seen
        and not (conversation.i_blocked_other or conversation.other_blocked_me)
    )
    throttle_key = f"chat:typing:{conversation.public_id}:{user.pk}"
    if allowed and cache.add(throttle_key, 1, timeout=settings.MARKETPLACE_TYPING_PING_S):
        hints.typing(public_id=conversation.public_id, to_user_id=other.pk)
        return True
    return False
