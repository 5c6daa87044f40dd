"""Chat's reactions to the lower layers' signals (connected in ``ChatConfig.ready``)."""

from __future__ import annotations

from ads.models import Ad
from chat import delivery, selectors, services


def sync_snapshots_on_ad_status(*, ad: Ad, **kwargs) -> None:
    """``ads.signals.ad_status_changed`` (the owner's ad page, the admin, a moderator): copy the new status
    into every conversation's snapshot and tell the buyers, in the ad's transaction. A deal does this in
    ``chat.services.deals`` itself."""
    services.conversations_sync_ad_status(ad=ad)


def sync_snapshots_on_ad_details(*, ad: Ad, **kwargs) -> None:
    """``ads.signals.ad_details_changed``: copy the new title and price beside every conversation's
    snapshot (in the ad's transaction); their pages get new tokens on commit."""
    services.conversations_sync_ad_details(ad=ad)


def refresh_tokens_on_profile_change(*, user_id: int, **kwargs) -> None:
    """``accounts.signals.user_profile_changed``: names, avatars and privacy settings show in pages rendered
    (and cached) for both sides, so every conversation of the user gets new tokens on commit."""
    delivery.announce(conversations=selectors.conversation_rows_for_user(user_id=user_id))


def refresh_tokens_on_block_change(*, blocker_id: int, blocked_id: int, **kwargs) -> None:
    """``accounts.signals.user_block_changed``: the composer and notices of the two users' conversations
    change for both, so those conversations get new tokens on commit."""
    delivery.announce(
        conversations=selectors.conversation_rows_for_user(user_id=blocker_id, other_user_id=blocked_id)
    )
