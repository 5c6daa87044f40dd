from datetime import UTC, datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.forms import PrivacySettingsForm
from chat import services
from chat.delivery.cursor import PollCursor, change_seq_name
from chat.models import MESSAGE_MAX_LENGTH, QUICK_REPLY_DEFAULTS, REVIEW_TEXT_MAX_LENGTH
from chat.selectors import LIST_FILTERS
from marketplace.forms import MultiplePhotoField

# Ids are bigint: a larger number would fail in the database instead of reading as "no such message".
MAX_ID = 2**63 - 1
SUGGESTED_FIRST_MESSAGE = _("Hi! Is this still available?")
# One click fills the text box; the person still edits and sends it themselves.
# Quick replies by the viewer's role and the ad's state as the conversation shows it
# (``chat.presenters.quick_replies``): "deal" is reserved for or sold to this conversation's buyer,
# "reserved" and "sold" are to someone else (or to nobody named). Nobody is offered "Is it still
# available?" about an item sold to them or removed.
QUICK_REPLIES = {
    ("buyer", "active"): [
        _("Is it still available?"),
        _("What's the lowest price?"),
        _("Where can I pick it up?"),
    ],
    ("buyer", "deal"): [_("When can I pick it up?"), _("Where can I pick it up?")],
    ("buyer", "reserved"): [_("Can I be next if the deal falls through?")],
    ("buyer", "sold"): [_("Do you have anything similar?")],
    ("buyer", "removed"): [],
    ("seller", "active"): list(QUICK_REPLY_DEFAULTS),
    ("seller", "deal"): [_("When would you like to pick it up?")],
    ("seller", "reserved"): [
        _("Sorry, it's reserved for another buyer."),
        _("I'll let you know if it's available again."),
    ],
    ("seller", "sold"): [_("Sorry, it's sold.")],
    ("seller", "removed"): [_("Sorry, it's no longer available.")],
}


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


class MessageEditForm(forms.Form):
    """A message's new text; ``services.message_edit`` applies the body rules (a photo message's text may
    become empty)."""

    body = forms.CharField(label=_("Edited message"), strip=False, required=False)


class ReactionForm(forms.Form):
    """A reaction button: ``add=<emoji>`` sets the viewer's reaction, ``remove=<emoji>`` takes it back
    (the state wanted, so a repeated POST changes nothing). Unknown emoji are refused by the service."""

    add = forms.CharField(required=False, max_length=8)
    remove = forms.CharField(required=False, max_length=8)

    def wanted(self) -> tuple[str, bool]:
        """Return ``(emoji, on)`` from the valid form."""
        if self.cleaned_data["add"]:
            return self.cleaned_data["add"], True
        return self.cleaned_data["remove"], False


class StartConversationForm(MessageForm):
    """The "Write to seller" box on an ad page, prefilled with a suggested first message (text only)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"body": SUGGESTED_FIRST_MESSAGE})
        super().__init__(*args, **kwargs)
        del self.fields["photos"]
        self.fields["body"].widget.attrs.update({"rows": 3, "enterkeyhint": "enter"})


STAR_CHOICES = [(str(stars), str(stars)) for stars in range(5, 0, -1)]


def _stars_field(label) -> forms.TypedChoiceField:
    """A 1–5 stars rating, shown as radio buttons from five down."""
    return forms.TypedChoiceField(
        label=label,
        choices=STAR_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose 1 to 5 stars.")},
    )


class ReviewForm(forms.Form):
    """A review of the other participant; ``chat.services.review_create`` re-checks every rule."""

    reliability = _stars_field(_("Reliability: kept to what was agreed, on time"))
    friendliness = _stars_field(_("Friendliness: polite and easy to deal with"))
    text = forms.CharField(
        label=_("Your review (optional)"),
        required=False,
        strip=False,
        max_length=REVIEW_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": REVIEW_TEXT_MAX_LENGTH}),
    )


class LenientQueryForm(forms.Form):
    """A form over query parameters where a malformed value reads as absent, never as an error: a stale or
    hand-edited URL shows the default page."""

    @classmethod
    def values(cls, data) -> dict:
        """Return the cleaned values of *data* (a QueryDict or dict); invalid and absent fields are left
        out (callers read them with ``.get``)."""
        if not any(name in data for name in cls.base_fields):
            return {}  # the common page view with none of them: no form to build (it is deep-copied)
        form = cls(data)
        form.is_valid()  # invalid fields are simply missing from cleaned_data
        return form.cleaned_data


def _id_field() -> forms.IntegerField:
    return forms.IntegerField(min_value=0, max_value=MAX_ID, required=False)


class MessageCursorForm(LenientQueryForm):
    """The message-id parameters of conversation pages, polls, reports and moderator actions."""

    after = _id_field()
    before = _id_field()
    at = _id_field()
    message = _id_field()
    # The other participant's read pointer as the page last showed it (polls send it back).
    read_up_to = _id_field()
    # ... and its delivery pointer (own messages up to it show "delivered").
    delivered_up_to = _id_field()
    # The conversation's change seq the page has seen, and the oldest message it shows (0: all).
    change_seq = _id_field()
    changes = _id_field()  # change_seq's old name, still read from pages and apps that send it
    earliest = _id_field()
    # 1 when the page shows the offer form, 0 when it does not (a poll re-renders it when that changed).
    offers = _id_field()
    # The composer's mode on a conversation page: replying to or editing that message.
    reply = _id_field()
    edit = _id_field()

    @classmethod
    def read(cls, data, *names: str):
        """Return the value of *names* in *data* (a QueryDict): one int or None, or a tuple for several."""
        values = cls.values(data)
        found = tuple(values.get(name) for name in names)
        return found[0] if len(names) == 1 else found

    @classmethod
    def read_cursor(cls, data) -> PollCursor:
        """Return the page's cursor from *data* (a QueryDict: ``after``, ``earliest``, ``change_seq``,
        ``read_up_to``, ``delivered_up_to``, ``offers``); missing or invalid values take the cursor's
        defaults. ``changes`` is read for ``change_seq`` when that is absent (its old name: pages rendered
        before the rename)."""
        values = cls.values(data)
        after, earliest, read_up_to, delivered_up_to, offers = (
            values.get(name) for name in ("after", "earliest", "read_up_to", "delivered_up_to", "offers")
        )
        change_seq = values.get(change_seq_name(data))
        return PollCursor(
            after=after or 0,
            earliest=earliest or 0,
            change_seq=change_seq,
            read_up_to=read_up_to,
            delivered_up_to=delivered_up_to,
            offers_shown=offers,
        )


def read_id(value) -> int | None:
    """Return *value* (a string from a URL or a form) as a row id, or None when it is not one."""
    return MessageCursorForm.read({"message": value}, "message") or None


class ListQueryForm(LenientQueryForm):
    """The chat list's query parameters: ``filter`` (a ``selectors.LIST_FILTERS`` key, else "all"), ``ad``
    (an ad's public id), ``label`` (the id of one of the user's labels) and ``before``, the "older
    conversations" keyset cursor ``<microseconds>_<id>`` (malformed: the first page)."""

    filter = forms.ChoiceField(choices=[(key, key) for key in LIST_FILTERS], required=False)
    ad = forms.CharField(max_length=10, required=False)
    label = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)
    before = forms.CharField(max_length=40, required=False)

    def clean_before(self) -> tuple[datetime, int] | None:
        value = self.cleaned_data["before"]
        try:
            micros, conversation_id = value.split("_")
            return datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC), int(conversation_id)
        except (ValueError, OverflowError, OSError):
            return None

    @classmethod
    def read(cls, data) -> dict:
        """Return ``{"filter", "ad", "label", "before", "before_raw"}`` from *data* (a QueryDict), defaults
        for anything invalid; ``before_raw`` is the cursor as sent (fragment cache keys and links use it)."""
        values = cls.values(data)
        before = values.get("before")
        return {
            "filter": values.get("filter") or "all",
            "ad": values.get("ad") or "",
            "label": values.get("label"),
            "before": before,
            "before_raw": data.get("before", "")[:40] if before else "",
        }


class ChatSettingsForm(PrivacySettingsForm):
    """The chat settings page's preferences: the new-message sound and the privacy and email settings."""

    chat_sound = forms.BooleanField(
        label=_("Play a sound for new messages"),
        required=False,
        help_text=_(
            "Only while a page of the site is open, for messages in other conversations or another tab."
        ),
    )
    field_order = ["chat_sound", "share_read_receipts", "share_last_seen", "email_unread_messages"]


class LabelForm(forms.Form):
    """A new label's name (``services.label_name_clean`` says what a name may be)."""

    name = forms.CharField(label=_("New label"), max_length=200, required=False, strip=True)

    def clean_name(self) -> str:
        return services.label_name_clean(self.cleaned_data["name"])


class ConversationLabelsForm(forms.Form):
    """The labels on one conversation: any of the user's *labels* (checkboxes), and optionally a new one."""

    labels = forms.TypedMultipleChoiceField(
        label=_("Your labels"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    new_label = forms.CharField(label=_("New label"), max_length=200, required=False, strip=True)

    def __init__(self, *args, labels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["labels"].choices = [(label.id, label.name) for label in labels]

    def clean_new_label(self) -> str:
        name = self.cleaned_data["new_label"]
        return services.label_name_clean(name) if name.strip() else ""
