"""The away message and quick replies: the settings forms' context and the composer's quick replies."""

from __future__ import annotations

from collections.abc import Callable

from accounts.models import User
from chat import selectors
from chat.forms_replies import AwaySettingsForm, QuickRepliesForm
from chat.models import QUICK_REPLIES_MAX, QUICK_REPLY_DEFAULTS, QUICK_REPLY_MAX_LENGTH


def reply_settings_context(
    user: User,
    *,
    away_form: AwaySettingsForm | None = None,
    quick_replies_form: QuickRepliesForm | None = None,
) -> dict:
    """Return the context of the settings partials ``chat/_away_settings.html`` and
    ``chat/_quick_replies_settings.html``: a bound form when given (refused input), else each showing
    *user*'s current settings (one query)."""
    row = selectors.reply_settings_of(user_id=user.pk)
    own = row.quick_replies
    texts = (
        [item["text"] for item in own] if own is not None else [str(text) for text in QUICK_REPLY_DEFAULTS]
    )
    return {
        "away_form": away_form or AwaySettingsForm.for_settings(row),
        "away_on_now": row.away_now(),
        "quick_replies_form": quick_replies_form or QuickRepliesForm(replies=texts),
        "quick_replies_max": QUICK_REPLIES_MAX,
        "quick_reply_max_length": QUICK_REPLY_MAX_LENGTH,
    }


def seller_quick_replies(*, user_id: int, defaults: list) -> Callable[[], list]:
    """Return a callable the template calls when it renders the composer (so a cached pane costs no
    query): seller *user_id*'s own quick replies, or *defaults* (by the ad's state) while they have not
    edited their list."""

    def replies() -> list:
        own = selectors.own_quick_replies(user_id=user_id)
        return defaults if own is None else [item["text"] for item in own]

    return replies
