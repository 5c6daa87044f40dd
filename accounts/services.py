"""Writes to accounts: sign-up and email verification, profile, last seen, moderator role, blocks, push
subscriptions."""

from datetime import datetime

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import emails, signals
from accounts.models import ApiToken, AppPushDevice, PushSubscription, User, UserBlock
from marketplace import pushpin, web_push
from marketplace.images import process_uploaded_image

MODERATORS_GROUP = "Moderators"
AVATAR_MAX_BYTES = 5 * 1024 * 1024
AVATAR_MAX_PIXELS = 40_000_000


@transaction.atomic
def user_create(*, email: str, password: str, display_name: str, language: str = "") -> User:
    """Create and return an active user who logs in with *email*, its address not verified yet (see
    ``user_signup``); *language* (a code in settings.LANGUAGES, or "") is the one their emails and push
    notifications use.

    Raises ValidationError when the fields are invalid (duplicate email included).
    """
    user = User(email=email, display_name=display_name, language=language)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def user_signup(
    *,
    email: str,
    password: str,
    display_name: str,
    language: str = "",
    next_url: str = "",
    send_email: bool = True,
) -> User | None:
    """Sign *email* up without telling the caller whether it was free (addresses are not revealed).

    A free address gets a new, unverified account (see ``user_create``) and a confirmation link; a taken
    one (any letter case) is left as it is, and its owner gets a note with links to log in, reset the
    password and, while unconfirmed, confirm. Either way one email is sent after commit (none with
    *send_email* False, when the address's rate limit is spent) and the password is hashed once, so both
    take about as long. *next_url* (local) is carried into the emails' links.

    Returns the new user, or None when the address was taken. Raises ValidationError for invalid fields
    other than the address being taken.
    """
    email = User.objects.normalize_email(email).lower()
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                user = user_create(
                    email=email, password=password, display_name=display_name, language=language
                )
        except (IntegrityError, ValidationError) as error:
            # Another sign-up with this address committed in between (the unique constraint, or the
            # uniqueness check of full_clean): answered as a taken address.
            existing = User.objects.filter(email__iexact=email).first()
            if existing is None:
                raise
            if isinstance(error, ValidationError) and set(error.message_dict) != {"email"}:
                raise
        else:
            if send_email:
                transaction.on_commit(lambda: emails.send_verification_email(user=user, next_url=next_url))
            return user
    make_password(password)  # the cost a new account pays, so timing does not tell the two apart
    if send_email:
        transaction.on_commit(
            lambda: emails.send_existing_account_email(user=existing, language=language, next_url=next_url)
        )
    return None


def user_verification_send(*, user: User, next_url: str = "") -> bool:
    """Mail *user* a new confirmation link ("Resend confirmation email"), after commit; return False and
    send nothing when the address is already verified. Earlier links keep working until they expire."""
    if user.email_verified:
        return False
    transaction.on_commit(lambda: emails.send_verification_email(user=user, next_url=next_url))
    return True


@transaction.atomic
def user_email_verify(*, user_id: int, email: str) -> User | None:
    """Mark user *user_id*'s address verified if it is still *email* (from a confirmation link's token);
    return the user (also when it already was verified: the link may be opened twice), or None when there
    is no such user or the address has changed since the link was mailed. Locks the user's row.

    Sends ``user_profile_changed``: the "verified" badge shows on pages rendered for the other side.
    """
    user = User.objects.select_for_update().filter(pk=user_id, email__iexact=email).first()
    if user is None or user.email_verified:
        return user
    user.email_verified_at = timezone.now()
    user.save(update_fields=["email_verified_at"])
    signals.user_profile_changed.send(sender=User, user_id=user.pk)
    return user


def user_set_language(*, user: User, language: str) -> None:
    """Keep *language* (a code in settings.LANGUAGES) as *user*'s, for emails and push notifications.

    Raises ValidationError (code ``invalid_choice``) for any other code.
    """
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose English or Russian."), code="invalid_choice")
    User.objects.filter(pk=user.pk).update(language=language)
    user.language = language


def user_touch_last_seen(*, user_id: int, now: datetime) -> None:
    """Record that user *user_id* was active at *now* (aware datetime); one UPDATE, no signals. The pages
    watching their presence hear of it (``pushpin.presence_changed``: no query, never blocks): called at
    most once per online window per user, and on the first request after they closed the site, so
    "online" shows at once."""
    User.objects.filter(pk=user_id).update(last_seen_at=now)
    pushpin.presence_changed(user_id)


def user_mark_away(*, user_id: int, now: datetime) -> None:
    """Record that user *user_id* closed the site at *now* (aware datetime): last seen then, and not
    online until their next request (``User.is_online``). One UPDATE; the pages watching their presence
    hear of it."""
    User.objects.filter(pk=user_id).update(last_seen_at=now, left_at=now)
    pushpin.presence_changed(user_id)


@transaction.atomic
def user_update_profile(
    *,
    user: User,
    display_name: str,
    avatar=None,
    share_read_receipts: bool | None = None,
    share_last_seen: bool | None = None,
    email_unread_messages: bool | None = None,
    chat_sound: bool | None = None,
) -> User:
    """Change *user*'s display name, privacy, email and new-message sound settings (when given) and, with
    *avatar* (an uploaded file), their avatar. The profile page, the chat settings page and the API's
    ``settings/`` all save through here.

    The avatar is verified and re-encoded by Pillow (EXIF stripped) and stored as a 256 px JPEG.
    Raises ValidationError for an invalid name or image.
    """
    user.display_name = display_name
    fields = ["display_name"]
    if share_read_receipts is not None:
        user.share_read_receipts = share_read_receipts
        fields.append("share_read_receipts")
    if share_last_seen is not None:
        user.share_last_seen = share_last_seen
        fields.append("share_last_seen")
    if email_unread_messages is not None:
        user.email_unread_messages = email_unread_messages
        fields.append("email_unread_messages")
    if chat_sound is not None:
        user.chat_sound = chat_sound
        fields.append("chat_sound")
    if avatar is not None:
        processed = process_uploaded_image(
            avatar, max_bytes=AVATAR_MAX_BYTES, max_pixels=AVATAR_MAX_PIXELS, max_side=256, thumbnail_side=64
        )
        user.avatar.save(f"avatar-{user.pk}.jpg", processed.image, save=False)
        fields.append("avatar")
    user.full_clean(exclude=["password"])
    user.save(update_fields=fields)
    # Names, avatars and privacy settings show in pages rendered (and cached) for the other side.
    signals.user_profile_changed.send(sender=User, user_id=user.pk)
    return user


@transaction.atomic
def user_make_moderator(*, user: User) -> User:
    """Give *user* staff access and membership of the "Moderators" group (created by a migration).

    Raises Group.DoesNotExist if the migrations have not been applied.
    """
    group = Group.objects.get(name=MODERATORS_GROUP)
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(group)
    return user


@transaction.atomic
def user_block(*, blocker: User, blocked: User) -> UserBlock:
    """Block *blocked* for *blocker* and return the block (the existing one if already blocked).

    From then on neither can send the other a message, an offer or a new conversation (checked by
    the chat services); nothing already said is hidden or deleted. Raises ValidationError (code
    ``block_self``) when both are the same user.
    """
    if blocker.pk == blocked.pk:
        raise ValidationError(_("You can't block yourself."), code="block_self")
    block, _created = UserBlock.objects.get_or_create(blocker=blocker, blocked=blocked)
    signals.user_block_changed.send(sender=UserBlock, blocker_id=blocker.pk, blocked_id=blocked.pk)
    return block


@transaction.atomic
def user_unblock(*, blocker: User, blocked_id: int) -> bool:
    """Lift *blocker*'s block on user *blocked_id*; return False when there was none."""
    deleted, _details = UserBlock.objects.filter(blocker=blocker, blocked_id=blocked_id).delete()
    if deleted:
        signals.user_block_changed.send(sender=UserBlock, blocker_id=blocker.pk, blocked_id=blocked_id)
    return bool(deleted)


def user_unsubscribe_unread_emails(*, user_id: int) -> bool:
    """Turn off unread-messages emails for user *user_id*; return False when no such user exists."""
    return bool(User.objects.filter(pk=user_id).update(email_unread_messages=False))


def push_subscription_save(
    *, user: User, endpoint: str, p256dh: str, auth: str, device: str = ""
) -> PushSubscription:
    """Store the browser push subscription *endpoint* (with its base64url keys *p256dh* and *auth*) for
    *user* and return it. The same endpoint again (the browser renewed its keys, or another account logged
    in on that device) updates the row and moves it to *user*: one device, one owner.

    The endpoint must be an https URL on a known push service (MARKETPLACE_WEBPUSH_HOSTS: the notifier
    POSTs to it, so any other host would let users make the server call arbitrary addresses) and the keys
    must be usable (``marketplace.web_push.check_subscription``). Raises ValidationError (code
    ``push_endpoint`` or ``push_keys``) otherwise."""
    web_push.check_subscription(endpoint=endpoint, p256dh=p256dh, auth=auth)
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth, "device": device[:100]}
    )
    return subscription


def push_subscription_delete(*, user: User, subscription_id: int) -> bool:
    """Delete *user*'s push subscription *subscription_id* ("Remove" on the profile page); return whether
    there was one. Another user's subscription is never touched."""
    deleted, _rows = PushSubscription.objects.filter(pk=subscription_id, user=user).delete()
    return bool(deleted)


def push_to_user(*, user_id: int, payload: dict) -> int:
    """Send *payload* (a JSON-able dict: ``title``, ``body``, ``url``, ``tag``) to every device of user
    *user_id* through ``marketplace.web_push``; return how many push services accepted it. A subscription
    the push service answers gone for (404/410), or that the transport refuses to connect to, is deleted
    (the device can subscribe again with a good one). Does nothing without VAPID keys. Call it outside
    any transaction: each push service may take up to ``web_push.TIMEOUT_S`` seconds to answer."""
    if not web_push.configured():
        return 0
    accepted = 0
    for subscription in list(PushSubscription.objects.filter(user_id=user_id)):
        status = web_push.send(
            endpoint=subscription.endpoint,
            p256dh=subscription.p256dh,
            auth=subscription.auth,
            payload=payload,
        )
        if status in web_push.GONE or status == web_push.REFUSED:
            PushSubscription.objects.filter(pk=subscription.pk).delete()
        elif 200 <= status < 300:
            accepted += 1
            PushSubscription.objects.filter(pk=subscription.pk).update(last_sent_at=timezone.now())
    return accepted


API_TOKENS_PER_USER = 20


def api_token_create(*, user: User, device: str = "") -> tuple[ApiToken, str]:
    """Create a device token for *user* (``device``: a name the user recognises, up to 100 characters)
    and return ``(token row, the token itself)``; the token is shown once (only its digest is stored).

    Raises ValidationError ``too_many_devices`` past API_TOKENS_PER_USER live tokens (revoke one on the
    profile page first)."""
    live = ApiToken.objects.filter(user=user).exclude(expiry__lt=timezone.now())
    if live.count() >= API_TOKENS_PER_USER:
        raise ValidationError(
            _("You are signed in on too many devices. Sign out on one under “Your devices” first."),
            code="too_many_devices",
        )
    return ApiToken.objects.create(user=user, device=(device or "").strip()[:100])


def api_token_revoke(*, user: User, public_id: str) -> bool:
    """Revoke *user*'s device token *public_id* (that device is signed out at once); False when there is
    no such token of theirs. Its open event streams end after the commit (``pushpin.device_channel``)."""
    deleted, _details = ApiToken.objects.filter(user=user, public_id=public_id).delete()
    if deleted:
        transaction.on_commit(lambda: pushpin.close(pushpin.device_channel(public_id)))
    return bool(deleted)


@transaction.atomic
def app_push_register(*, api_token: ApiToken, token: str, platform: str) -> AppPushDevice:
    """Register the device signed in with *api_token* for native push with FCM registration *token* on
    *platform* (``AppPushDevice.Platform``); returns the row. The device's previous registration is
    replaced, and *token* leaves whichever device held it (an app reinstalled under another account).
    Locks the token's row, so two registrations at once leave one."""
    AppPushDevice.objects.select_for_update().filter(token=token).exclude(api_token=api_token).delete()
    device, _created = AppPushDevice.objects.update_or_create(
        api_token=api_token, defaults={"user_id": api_token.user_id, "token": token, "platform": platform}
    )
    return device


def app_push_unregister(*, api_token: ApiToken) -> bool:
    """Stop native push to the device signed in with *api_token*; False when it was not registered."""
    deleted, _details = AppPushDevice.objects.filter(api_token=api_token).delete()
    return bool(deleted)


def api_tokens_revoke_all(*, user: User) -> int:
    """Sign every app of *user* out (a password was reset: whoever knew the old one may hold a device
    token); their event streams end after the commit. Returns how many tokens were revoked."""
    deleted = ApiToken.objects.filter(user=user).delete()[1].get(ApiToken._meta.label, 0)
    transaction.on_commit(lambda: pushpin.close(pushpin.user_channel(user.pk)))
    return deleted
