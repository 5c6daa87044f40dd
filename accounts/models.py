from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken

from accounts.managers import UserManager
from marketplace.ids import new_public_id


def avatar_upload_to(instance: "User", filename: str) -> str:
    return f"avatars/{instance.pk or 'new'}/{filename}"


class User(AbstractBaseUser, PermissionsMixin):
    """A person using the marketplace: logs in with an email address, shown by display name."""

    email = models.EmailField(_("email address"), unique=True)
    # In the public profile's URL: not the row id, so profiles cannot be walked by counting.
    public_id = models.CharField(
        _("public id"), max_length=10, unique=True, default=new_public_id, editable=False
    )
    display_name = models.CharField(_("display name"), max_length=60)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_upload_to, blank=True)
    is_staff = models.BooleanField(
        _("staff status"), default=False, help_text=_("Can log into the admin site (moderators, admins).")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # Set when the owner opened the confirmation link mailed at sign-up (accounts.services.user_email_verify);
    # None until then: such an account can browse but not send messages or offers.
    email_verified_at = models.DateTimeField(_("email verified at"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    # When the user closed the site (the page's "pagehide" beacon, accounts.services.user_mark_away): not
    # online from then until a request writes last_seen_at again.
    left_at = models.DateTimeField(_("left the site at"), null=True, blank=True)
    email_unread_messages = models.BooleanField(
        _("email me about unread messages"),
        default=True,
        help_text=_(
            "One email per batch when you have unread messages and haven't been on the site for a while."
        ),
    )
    # Off after the notification emails' one-click unsubscribe (notifications.services
    # .notification_emails_stop): no kind is emailed, not even one added later, until the person ticks email
    # for a kind again. The default is in the database too: code before this column can still add users.
    email_notifications = models.BooleanField(_("email me notifications"), default=True, db_default=True)
    # Set with is_active=False by chat.moderation.user_suspend (cleared by unsuspend).
    suspended_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    # Privacy settings; both are reciprocal: turning one off also hides the others' from you.
    share_read_receipts = models.BooleanField(
        _("send read receipts"),
        default=True,
        help_text=_("Off: nobody sees when you read, and you don't see theirs."),
    )
    share_last_seen = models.BooleanField(
        _("show when I was last seen"),
        default=True,
        help_text=_("Off: nobody sees when you were online, and you don't see theirs."),
    )
    # "Play a sound for new messages" (the chat settings page): off by default, and the page only plays it
    # once the user turned it on (static/js/sound.js), so no browser refuses it as autoplay.
    chat_sound = models.BooleanField(_("play a sound for new messages"), default=False, db_default=False)

    # The language chosen with the footer switcher (accounts.views.set_language), for what is sent while
    # they are away: emails and push notifications. "" until they choose: the site's default then.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.display_name} <{self.email}>"

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()
        self.display_name = self.display_name.strip()

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def email_verified(self) -> bool:
        """Return True once the owner confirmed the email address (the "verified" badge)."""
        return self.email_verified_at is not None

    @property
    def initial(self) -> str:
        """Return the first letter of the display name, for avatar placeholders."""
        return (self.display_name[:1] or self.email[:1]).upper()

    def is_online(self, *, now=None) -> bool:
        """Return True when the user was seen within MARKETPLACE_ONLINE_WINDOW_S seconds and has not
        closed the site since (``left_at``)."""
        if self.last_seen_at is None or (self.left_at is not None and self.left_at >= self.last_seen_at):
            return False
        now = now or timezone.now()
        return now - self.last_seen_at < timedelta(seconds=settings.MARKETPLACE_ONLINE_WINDOW_S)


class UserBlock(models.Model):
    """*blocker* blocked *blocked*: neither can message the other (the blocker unblocks from "Blocked users").

    Blocking hides nothing that was already said: conversations and messages stay as evidence for reports.
    """

    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_made", db_index=False)
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocks_received")
    created_at = models.DateTimeField(_("blocked at"), default=timezone.now)

    class Meta:
        verbose_name = _("user block")
        verbose_name_plural = _("user blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="user_block_unique"),
            models.CheckConstraint(
                condition=~models.Q(blocker=models.F("blocked")), name="user_block_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocked {self.blocked_id}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription (a device that said "Notify me of new messages on this device").

    ``endpoint`` is the push service URL the browser gave; ``p256dh`` and ``auth`` are its keys
    (base64url), which encrypt every payload so the push service cannot read it (RFC 8291). Rows the push
    service answers 404/410 for are deleted (``chat.delivery.web_push``).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(_("endpoint"), max_length=1000, unique=True)
    p256dh = models.CharField(_("public key"), max_length=200)
    auth = models.CharField(_("auth secret"), max_length=100)
    # Shown on the profile page to tell devices apart ("Chrome on Android"); set from the User-Agent.
    device = models.CharField(_("device"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"{self.device or 'Device'} of user {self.user_id}"


class ApiToken(AbstractAuthToken):
    """A device's API token (django-rest-knox's model, swapped in by KNOX_TOKEN_MODEL): stored as a digest,
    expiring MARKETPLACE_API_TOKEN_TTL_S after its last use, listed by *device* on the profile page and
    revocable there or through the API."""

    public_id = models.CharField(
        _("public id"), max_length=10, unique=True, default=new_public_id, editable=False
    )
    device = models.CharField(_("device"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.device or 'A device'} ({self.public_id})"


class AppPushDevice(models.Model):
    """A signed-in app's native push registration: the FCM registration token of the device holding API
    token *api_token* (one per device; revoking the device deletes it). FCM delivers to Android and, with
    the app's APNs key uploaded to Firebase, to iOS; *platform* says which the app runs on. Tokens FCM
    answers 404 (UNREGISTERED) for are deleted (``chat.delivery.app_push``)."""

    class Platform(models.TextChoices):
        ANDROID = "android", "Android"
        IOS = "ios", "iOS"

    api_token = models.OneToOneField(ApiToken, on_delete=models.CASCADE, related_name="push_device")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="app_push_devices")
    platform = models.CharField(_("platform"), max_length=10, choices=Platform.choices)
    token = models.CharField(_("registration token"), max_length=500, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_sent_at = models.DateTimeField(_("last sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("app push device")
        verbose_name_plural = _("app push devices")

    def __str__(self) -> str:
        return f"{self.platform} device of user {self.user_id}"
