from django import forms
from django.utils.translation import gettext_lazy as _

from chat.moderation.models import Report
from chat.moderation.services import REPORT_DETAILS_MAX_LENGTH


class ReportForm(forms.Form):
    """Why a conversation, message, ad or review is reported; the service re-checks every rule."""

    reason = forms.ChoiceField(
        label=_("What's wrong?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why you are reporting this.")},
    )
    details = forms.CharField(
        label=_("Anything else the moderators should know? (optional)"),
        required=False,
        strip=False,
        max_length=REPORT_DETAILS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": REPORT_DETAILS_MAX_LENGTH}),
    )
    block = forms.BooleanField(label=_("Also block this person"), required=False)

    def __init__(self, *args, with_block: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Blocking is offered where there is a conversation to block someone in.
        if not with_block:
            del self.fields["block"]
