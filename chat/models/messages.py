"""Messages and what hangs off them: photos, edit history, reactions."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chat.managers import MessageManager
from chat.models.conversations import Conversation, Offer
from chat.notices import notice_text
from chat.storage import PrivateMediaStorage
from marketplace import idempotency

MESSAGE_MAX_LENGTH = 4000


class Message(models.Model):
    """A message: plain text as sent (trimmed, escaped on output), an offer card, or a system notice."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        OFFER = "offer", _("Offer")
        SYSTEM = "system", _("System notice")

    # No separate index: message_conversation_time_idx starts with conversation_id.
    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("conversation"),
        db_index=False,
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sender")
    )
    body = models.TextField(_("body"), max_length=MESSAGE_MAX_LENGTH)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    # An offer card's or system notice's text as a code and parameters (chat.notices), rendered in the
    # reader's language; "" for what people wrote (and notices stored before codes existed).
    notice = models.CharField(_("notice"), max_length=30, blank=True, default="")
    notice_params = models.JSONField(_("notice parameters"), default=dict, blank=True)
    # The offer an offer card shows, or the offer a system notice is about.
    offer = models.ForeignKey(
        Offer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("offer"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # How many MessagePhoto rows the message has: pages fetch photos only for messages that have some.
    photo_count = models.PositiveSmallIntegerField(_("photos"), default=0)
    # Set by chat.moderation.message_remove: both participants see "Removed by a moderator" instead of
    # the body, which stays in the row for the report's evidence.
    removed_by_moderator_at = models.DateTimeField(_("removed by a moderator at"), null=True, blank=True)
    # The key of the form that sent it (marketplace.idempotency): a repeated POST finds this row.
    idempotency_key = models.CharField(  # noqa: DJ001 - NULL is "no key": outside the unique index
        _("idempotency key"), max_length=idempotency.MAX_LENGTH, null=True, blank=True, editable=False
    )
    # What the keyed request asked for (idempotency.fingerprint): the same key with another request is
    # refused. "" for messages sent without a key or before fingerprints were kept.
    idempotency_fingerprint = models.CharField(
        _("request fingerprint"),
        max_length=idempotency.FINGERPRINT_LENGTH,
        blank=True,
        default="",
        editable=False,
    )
    # The message this one answers; its quote shows the original's current state (edited, deleted).
    reply_to = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replies",
        db_index=False,
        verbose_name=_("reply to"),
    )
    # The sender changed the text (within MARKETPLACE_EDIT_WINDOW_S); earlier versions are MessageEdit rows.
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)
    # "Delete for everyone" by the sender: both participants see "Message deleted"; body and photos stay
    # in the row as evidence for moderators (like removed_by_moderator_at).
    deleted_at = models.DateTimeField(_("deleted by the sender at"), null=True, blank=True)
    # How many MessageReaction rows the message has: pages fetch reactions only for messages that have some.
    reaction_count = models.PositiveSmallIntegerField(_("reactions"), default=0)
    # Conversation.change_seq at this message's last change after sending, NULL if none.
    change_seq = models.PositiveBigIntegerField(_("change seq"), null=True, blank=True, editable=False)

    objects = MessageManager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["conversation", "created_at", "id"], name="message_conversation_time_idx"),
            # A poll's "changed since N" read; only changed messages are in it.
            models.Index(
                fields=["conversation", "change_seq"],
                condition=models.Q(change_seq__isnull=False),
                name="message_change_seq_idx",
            ),
            # Replies to a message, whose quotes change with it; most messages are no reply.
            models.Index(
                fields=["reply_to"], condition=models.Q(reply_to__isnull=False), name="message_reply_to_idx"
            ),
        ]
        constraints = [
            # Text, or at least one photo (a photo-only message has an empty body).
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("body"), 1) | models.Q(photo_count__gt=0),
                name="message_body_or_photos",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), MESSAGE_MAX_LENGTH), name="message_body_max_length"
            ),
            # Exactly once: one message per form submission, however often it is posted.
            models.UniqueConstraint(
                fields=["sender", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="message_unique_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        # Not the body: admin pages print related messages by str(), and moderators read message text
        # only through a report or the logged "read the messages" action.
        return f"Message #{self.pk}"

    @property
    def text(self) -> str:
        """What readers see as the text: a notice in the active language, else the body as written."""
        if self.notice:
            return notice_text(self.notice, self.notice_params)
        return self.body

    @property
    def is_withdrawn(self) -> bool:
        """True when participants see a stand-in instead of the message (deleted by its sender or removed
        by a moderator)."""
        return self.deleted_at is not None or self.removed_by_moderator_at is not None


class MessageEdit(models.Model):
    """A message's text before one edit by its sender: the version history moderators read (the other
    participant sees only the current text, marked "edited")."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="edits")
    body = models.TextField(_("text before the edit"), max_length=MESSAGE_MAX_LENGTH)
    edited_at = models.DateTimeField(_("replaced at"), default=timezone.now)

    class Meta:
        ordering = ["edited_at", "id"]
        verbose_name = _("message edit")
        verbose_name_plural = _("message edits")

    def __str__(self) -> str:
        return f"Edit of message #{self.message_id} at {self.edited_at:%Y-%m-%d %H:%M}"


# A fixed set, as in most marketplace chats: quick acknowledgements, not a picker to browse.
MESSAGE_REACTIONS = ("👍", "❤️", "😂", "😮", "🙏")


class MessageReaction(models.Model):
    """One participant's reaction to a message: one of MESSAGE_REACTIONS, at most one per user per message."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions", db_index=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    emoji = models.CharField(
        _("reaction"), max_length=8, choices=[(emoji, emoji) for emoji in MESSAGE_REACTIONS]
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message reaction")
        verbose_name_plural = _("message reactions")
        constraints = [
            # Starts with message_id, so it also serves "the reactions of these messages".
            models.UniqueConstraint(fields=["message", "user"], name="reaction_one_per_user"),
            models.CheckConstraint(
                condition=models.Q(emoji__in=MESSAGE_REACTIONS), name="reaction_known_emoji"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.emoji} on message #{self.message_id}"


def message_photo_upload_to(instance: "MessagePhoto", filename: str) -> str:
    return f"chat/{instance.message.conversation_id}/{filename}"


class MessagePhoto(models.Model):
    """A photo sent in a message: verified and re-encoded by Pillow (EXIF/GPS gone), thumbnail made once.

    Stored in PrivateMediaStorage, so the only way to fetch it is the access-checked photo view.
    """

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(
        _("image"),
        storage=PrivateMediaStorage(),
        upload_to=message_photo_upload_to,
        width_field="width",
        height_field="height",
    )
    thumbnail = models.ImageField(
        _("thumbnail"), storage=PrivateMediaStorage(), upload_to=message_photo_upload_to
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("message photo")
        verbose_name_plural = _("message photos")

    def __str__(self) -> str:
        return f"Photo {self.position} of message #{self.message_id}"
