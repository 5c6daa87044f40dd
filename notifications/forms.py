from __future__ import annotations

from django import forms

from notifications import kinds

CHANNELS = ("centre", "email", "push")


def cursor_from(query) -> int | None:
    """The centre's ``before`` cursor from *query* (a QueryDict): a positive id, else None (first page)."""
    value = query.get("before", "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**63 else None


class NotificationSettingsForm(forms.Form):
    """One checkbox per kind and channel (``<kind>__<channel>``); unchecked means off, as HTML sends it."""

    def __init__(self, *args, rows: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            for channel in CHANNELS:
                self.fields[f"{row['kind']}__{channel}"] = forms.BooleanField(
                    required=False, initial=row[channel], label=f"{row['label']}: {channel}"
                )

    def choices(self) -> dict[str, tuple[bool, bool, bool]]:
        """The cleaned grid as ``{kind: (centre, email, push)}`` for every kind."""
        return {
            kind: tuple(self.cleaned_data[f"{kind}__{channel}"] for channel in CHANNELS)
            for kind in kinds.KINDS
        }

    def rows_with_fields(self) -> list[dict]:
        """The rows for the template, each with its three bound fields."""
        return [
            {**row, "fields": [self[f"{row['kind']}__{channel}"] for channel in CHANNELS]}
            for row in self.rows
        ]
