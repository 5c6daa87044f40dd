"""Forms of a user's away message and quick replies (they only validate; chat.services.replies writes)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chat.models import AWAY_TEXT_MAX_LENGTH, QUICK_REPLIES_MAX, QUICK_REPLY_MAX_LENGTH, ReplySettings

# Service refusal codes and the field they belong to.
AWAY_ERROR_FIELDS = {"away_text_required": "text", "away_text_too_long": "text", "null_character": "text"}


class AwaySettingsForm(forms.Form):
    """Away on/off, its text and the last day away (inclusive, in the user's time zone)."""

    enabled = forms.BooleanField(label=_("Send an away message"), required=False)
    text = forms.CharField(
        label=_("Away message"),
        required=False,
        max_length=AWAY_TEXT_MAX_LENGTH,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Sent once in each conversation a buyer writes in while you are away. "
            "It does not count as your reply."
        ),
    )
    until = forms.DateField(
        label=_("Away until (last day, optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    @classmethod
    def for_settings(cls, row: ReplySettings) -> AwaySettingsForm:
        """Return the unbound form showing *row*'s away message."""
        until = None
        if row.away_until is not None:
            until = timezone.localtime(row.away_until - timedelta(microseconds=1)).date()
        return cls(initial={"enabled": row.away_enabled, "text": row.away_text, "until": until})

    def until_at(self) -> datetime | None:
        """Return when away ends: the start of the day after ``until`` in the current time zone."""
        day = self.cleaned_data.get("until")
        if day is None:
            return None
        return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


class QuickRepliesForm(forms.Form):
    """Up to QUICK_REPLIES_MAX quick replies in order; a blank field deletes that reply."""

    def __init__(self, *args, replies: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        replies = list(replies or [])
        for index in range(QUICK_REPLIES_MAX):
            self.fields[f"reply_{index}"] = forms.CharField(
                label=_("Quick reply %(number)s") % {"number": index + 1},
                required=False,
                max_length=QUICK_REPLY_MAX_LENGTH,
                initial=replies[index] if index < len(replies) else "",
            )

    def texts(self) -> list[str]:
        """Return the typed replies in order (blank ones included: the service drops them)."""
        return [self.cleaned_data.get(f"reply_{index}", "") for index in range(QUICK_REPLIES_MAX)]
