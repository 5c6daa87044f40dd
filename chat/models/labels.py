"""A participant's own labels on conversations ("sold", "to ship"): private to the user who made them."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A label is a word or two on a chip in a 320 px list row, and a seller's working set: "to ship", "paid",
# "sold", "waiting for photos"… Twenty covers any such workflow while keeping the filter row short.
LABEL_NAME_MAX_LENGTH = 30
LABELS_PER_USER = 20


class ConversationLabel(models.Model):
    """A label one user made; only they see it, on the conversations they put it on (``ParticipantLabel``).
    Names are unique per user ignoring case. At most ``LABELS_PER_USER`` per user
    (``chat.services.label_create`` counts under a lock on the user's row)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conversation_labels",
        verbose_name=_("user"),
        db_index=False,
    )
    name = models.CharField(_("name"), max_length=LABEL_NAME_MAX_LENGTH)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("conversation label")
        verbose_name_plural = _("conversation labels")
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint("user", Lower("name"), name="label_unique_name_per_user"),
        ]

    def __str__(self) -> str:
        return self.name


class ParticipantLabel(models.Model):
    """A label on a conversation, for the participant who owns both."""

    participant = models.ForeignKey(
        "ConversationParticipant", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    label = models.ForeignKey(ConversationLabel, on_delete=models.CASCADE, related_name="assignments")

    class Meta:
        verbose_name = _("conversation label assignment")
        verbose_name_plural = _("conversation label assignments")
        constraints = [
            models.UniqueConstraint(fields=["participant", "label"], name="participant_label_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.label_id} on {self.participant_id}"
