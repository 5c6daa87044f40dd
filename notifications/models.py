"""The notification centre's rows: one notification per recipient, and each user's channels per kind."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.ids import new_public_id
from notifications import kinds


class Notification(models.Model):
    """Something that happened to *user* outside their chats: an offer, a favourite's price drop, a
    moderator's decision… Stored as a ``kind`` and ``params`` and rendered in the reader's language
    (``notifications.kinds``); ``url`` is the site path it links to."""

    public_id = models.CharField(max_length=10, unique=True, default=new_public_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # the (user, -id) index leads with user
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=500)
    # The same event announced twice (a retried pass, a repeated click) is stored once per user.
    dedupe_key = models.CharField(_("dedupe key"), max_length=120, null=True, blank=True)  # noqa: DJ001
    # False: the user turned this kind off in the centre and on for email or Web Push only.
    in_centre = models.BooleanField(_("in the centre"), default=True)
    email_due = models.BooleanField(_("email due"), default=False)
    push_due = models.BooleanField(_("Web Push due"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "dedupe_key"],
                condition=models.Q(dedupe_key__isnull=False),
                name="notification_dedupe_once",
            ),
        ]
        indexes = [
            # The centre, newest first (keyset on id).
            models.Index(fields=["user", "-id"], name="notification_user_idx"),
            # The bell's count: only the unread rows shown in the centre.
            models.Index(
                fields=["user"],
                condition=models.Q(read_at__isnull=True, in_centre=True),
                name="notification_unread_idx",
            ),
            # The notifier's passes: only rows still owing an email or a push.
            models.Index(fields=["id"], condition=models.Q(email_due=True), name="notification_email_idx"),
            models.Index(fields=["id"], condition=models.Q(push_due=True), name="notification_push_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.user_id}"

    @property
    def text(self) -> str:
        """The sentence in the active language (``notifications.kinds.text``)."""
        return kinds.text(self.kind, self.params)


class NotificationSetting(models.Model):
    """A user's choice for one kind, stored only once they changed the defaults (``kinds.KINDS``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_settings",
        db_index=False,
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    centre = models.BooleanField(_("in the centre"))
    email = models.BooleanField(_("by email"))
    push = models.BooleanField(_("by Web Push"))

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notification_setting_once")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind}"
