"""What a user has the chat answer or offer for them: an away message and their own quick replies."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# An away message is read in the conversation as a notice: a few sentences ("Back on Monday; I answer
# every message then."), well inside a message's 4000 characters.
AWAY_TEXT_MAX_LENGTH = 500
# A quick reply is one tap above the composer, shown as a chip: 200 characters hold a two- or
# three-sentence canned answer (pickup address and hours) and keep ten chips scannable on a phone.
QUICK_REPLY_MAX_LENGTH = 200
QUICK_REPLIES_MAX = 10
# A seller's quick replies until they edit their own list (then that list replaces these, and the
# replies chosen by the ad's state in ``chat.forms.QUICK_REPLIES``, in their conversations as seller).
QUICK_REPLY_DEFAULTS = (
    _("Yes, it's available."),
    _("Sorry, it's sold."),
    _("When would you like to pick it up?"),
)


class ReplySettings(models.Model):
    """A user's away message and quick replies; no row means away off and the default quick replies.

    ``away_period`` counts the times away was turned on: each away message sent is keyed by it
    (``AwayReply``), so a conversation gets one per period, and turning away off and on starts a new one.
    ``quick_replies`` is None until the user edits their list (then the defaults by ad state give way to
    it), else a list of ``{"id": int, "text": str}`` in display order; ``quick_reply_seq`` is the last id
    given out, so an id is never reused.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="reply_settings"
    )
    away_enabled = models.BooleanField(_("away"), default=False)
    away_text = models.TextField(_("away message"), max_length=AWAY_TEXT_MAX_LENGTH, blank=True, default="")
    # Away ends at this moment (the start of the day after the date the user chose, in their time zone).
    away_until = models.DateTimeField(_("away until"), null=True, blank=True)
    away_period = models.PositiveIntegerField(_("away period"), default=0)
    quick_replies = models.JSONField(_("quick replies"), null=True, blank=True)
    quick_reply_seq = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("reply settings")
        verbose_name_plural = _("reply settings")
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("away_text"), AWAY_TEXT_MAX_LENGTH),
                name="reply_settings_away_text_max_length",
            ),
        ]

    def __str__(self) -> str:
        return f"Reply settings of user #{self.user_id}"

    def away_now(self, now=None) -> bool:
        """True when the away message goes out now: turned on, with text, and before ``away_until``."""
        now = now or timezone.now()
        return (
            self.away_enabled and bool(self.away_text) and (self.away_until is None or now < self.away_until)
        )


class AwayReply(models.Model):
    """The away message sent in a conversation during one of its seller's away periods: at most one per
    (conversation, period), however many buyer messages arrive at once (unique constraint)."""

    conversation = models.ForeignKey(
        "chat.Conversation", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    period = models.PositiveIntegerField(_("away period"))
    message = models.OneToOneField("chat.Message", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("away reply")
        verbose_name_plural = _("away replies")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "period"], name="away_reply_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"Away reply in conversation #{self.conversation_id}, period {self.period}"
