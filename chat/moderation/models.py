"""Moderation models. Their tables keep the names they had when they lived in the chat app."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ads.models import Ad
from chat.models import MESSAGE_MAX_LENGTH, Conversation, Message, Review
from marketplace import idempotency


class Report(models.Model):
    """A report for the moderation queue: of a conversation or one message in it (by a participant), of an
    ad (by anyone logged in; ``conversation`` is then None), or of a review (its ``conversation`` too)."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        SCAM = "scam", _("Scam or fraud")
        HARASSMENT = "harassment", _("Harassment or abuse")
        PROHIBITED = "prohibited", _("Prohibited item")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DISMISSED = "dismissed", _("Dismissed")
        ACTIONED = "actioned", _("Action taken")

    class ScamLabel(models.TextChoices):
        SCAM = "scam", _("Scam")
        NOT_SCAM = "not_scam", _("Not a scam")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_made", db_index=False
    )
    reported_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reports_received"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, null=True, blank=True, related_name="reports"
    )
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, null=True, blank=True, related_name="reports", db_index=False
    )
    ad = models.ForeignKey(Ad, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    review = models.ForeignKey(Review, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("details"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    # A moderator's verdict on the reported message ("" = none yet): the labelled examples that
    # bench/scam_eval.py --export-labels turns into evaluation rows for chat.safety.
    scam_label = models.CharField(_("scam label"), max_length=10, choices=ScamLabel.choices, blank=True)
    # The key of the report form (marketplace.idempotency): a repeated POST files one report.
    idempotency_key = models.CharField(  # noqa: DJ001 - NULL is "no key": outside the unique index
        _("idempotency key"), max_length=idempotency.MAX_LENGTH, null=True, blank=True, editable=False
    )

    class Meta:
        db_table = "chat_report"
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["status", "created_at"], name="report_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="report_unique_idempotency_key",
            ),
            # Every report is about something: a conversation (its messages, a review in it) or an ad.
            models.CheckConstraint(
                condition=models.Q(conversation__isnull=False) | models.Q(ad__isnull=False),
                name="report_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} — report #{self.pk}"


class HeldMessage(models.Model):
    """A first message to a seller held for review instead of delivered (same text to many sellers).

    Released by a moderator, it is delivered through ``chat.services.conversation_start``; rejected, it
    stays here as evidence and is never delivered.
    """

    class Status(models.TextChoices):
        HELD = "held", _("Waiting for review")
        RELEASED = "released", _("Released")
        REJECTED = "rejected", _("Rejected")

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    ad = models.ForeignKey(Ad, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("body"), max_length=MESSAGE_MAX_LENGTH)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.HELD)
    created_at = models.DateTimeField(_("held at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # The key of the "Write to seller" form that sent it: a repeated POST holds one message.
    idempotency_key = models.CharField(  # noqa: DJ001 - NULL is "no key": outside the unique index
        _("idempotency key"), max_length=idempotency.MAX_LENGTH, null=True, blank=True, editable=False
    )

    class Meta:
        db_table = "chat_heldmessage"
        verbose_name = _("held message")
        verbose_name_plural = _("held messages")
        indexes = [models.Index(fields=["status", "created_at"], name="held_message_queue_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="held_message_unique_idempotency_key",
            )
        ]

    def __str__(self) -> str:
        return self.body[:60]


class ModerationAction(models.Model):
    """The audit log: one row per moderator action, written by chat.moderation.services in the action's
    transaction.

    Append-only: no one edits or deletes rows through the site or the admin.
    """

    class Action(models.TextChoices):
        DISMISS_REPORT = "dismiss_report", _("Dismissed the report")
        REMOVE_MESSAGE = "remove_message", _("Removed a message")
        REMOVE_AD = "remove_ad", _("Removed the ad")
        SUSPEND_USER = "suspend_user", _("Suspended a user")
        UNSUSPEND_USER = "unsuspend_user", _("Lifted a suspension")
        VIEW_CONVERSATION = "view_conversation", _("Read a conversation")
        VIEW_PHOTO = "view_photo", _("Viewed a chat photo")
        RELEASE_HELD = "release_held", _("Released a held message")
        REJECT_HELD = "reject_held", _("Rejected a held message")
        HIDE_REVIEW = "hide_review", _("Hid a review")
        SHOW_REVIEW = "show_review", _("Showed a hidden review again")
        LABEL_SCAM = "label_scam", _("Labelled a message a scam or not")

    moderator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    report = models.ForeignKey(
        Report, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        Message, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    ad = models.ForeignKey(Ad, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    held_message = models.ForeignKey(
        HeldMessage, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    review = models.ForeignKey(Review, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        db_table = "chat_moderationaction"
        ordering = ["-created_at", "-id"]
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation log")

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.moderator_id}"
