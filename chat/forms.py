from django import forms
from django.utils.translation import gettext_lazy as _

from ads.forms import MultiplePhotoField
from chat import services
from chat.models import MESSAGE_MAX_LENGTH, Report
from chat.moderation import REPORT_DETAILS_MAX_LENGTH

SUGGESTED_FIRST_MESSAGE = _("Hi! Is this still available?")
# One click fills the text box; the person still edits and sends it themselves.
BUYER_QUICK_REPLIES = [
    _("Is it still available?"),
    _("What's the lowest price?"),
    _("Where can I pick it up?"),
]
SELLER_QUICK_REPLIES = [
    _("Yes, it's available."),
    _("Sorry, it's sold."),
    _("When would you like to pick it up?"),
]


class MessageForm(forms.Form):
    """A message body; validated by the same rules the service enforces (``message_body_clean``)."""

    body = forms.CharField(
        label=_("Message"),
        strip=False,
        required=False,  # emptiness is reported by message_body_clean with the chat's own wording
        widget=forms.Textarea(
            attrs={
                "rows": 1,
                "placeholder": _("Write a message"),
                "maxlength": MESSAGE_MAX_LENGTH,
                "autocomplete": "off",
                "enterkeyhint": "send",
            }
        ),
    )

    photos = MultiplePhotoField(
        label=_("Photos"),
        required=False,
        max_count_setting="MARKETPLACE_PHOTOS_PER_MESSAGE",
        help_text=_("Up to 5 photos, JPEG, PNG or WebP, 10 MB each."),
    )

    def clean(self):
        cleaned = super().clean()
        photos = cleaned.get("photos") or []
        if "body" in cleaned:
            try:
                cleaned["body"] = services.message_body_clean(cleaned["body"], allow_empty=bool(photos))
            except forms.ValidationError as error:
                self.add_error("body", error)
        return cleaned


class StartConversationForm(MessageForm):
    """The "Write to seller" box on an ad page, prefilled with a suggested first message (text only)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"body": SUGGESTED_FIRST_MESSAGE})
        super().__init__(*args, **kwargs)
        del self.fields["photos"]
        self.fields["body"].widget.attrs.update({"rows": 3, "enterkeyhint": "enter"})


class ReportForm(forms.Form):
    """Why a conversation or message is reported; the service re-checks every rule."""

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
