"""First-message screening: the one hook through which a room above chat (``chat.moderation``) keeps a new
conversation's first message for review instead of letting it be delivered.

Chat asks a question here ("was this message held?") and acts on the answer, so the hook is one registered
function with one answer, not a signal: signals announce, and no sender reads their receivers' answers.
Chat never imports moderation; ``ModerationConfig.ready`` registers moderation's screen, so the dependency
points up the layers in code import-linter sees (a dotted path in settings would hide it, and which screen
runs is not something deployments choose). Without a registered screen nothing is held.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from accounts.models import User
    from ads.models import Ad


class FirstMessageScreen(Protocol):
    def __call__(self, *, user: User, ad: Ad, body: str, idempotency_key: str | None) -> bool:
        """Return True when *body*, *user*'s first message about *ad*, was taken for review (then it is
        not delivered); a repeat with the same *idempotency_key* must be taken once."""


_screen: FirstMessageScreen | None = None


def register_first_message_screen(screen: FirstMessageScreen) -> None:
    """Make *screen* the one that decides whether a first message is held (a later call replaces it)."""
    global _screen
    _screen = screen


def first_message_held(*, buyer: User, ad: Ad, body: str, idempotency_key: str | None = None) -> bool:
    """Ask the registered screen whether *body*, the first message of a new conversation from *buyer*
    about *ad*, is held for review instead of delivered; False when no screen is registered."""
    if _screen is None:
        return False
    return _screen(user=buyer, ad=ad, body=body, idempotency_key=idempotency_key)
