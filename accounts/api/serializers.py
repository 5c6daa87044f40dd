"""What the accounts API returns and accepts: the login body, a user as others see them, a device (API
token) and the token answer. ``PublicUserSerializer`` is also the chat API's participant."""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from accounts.models import User
from marketplace import api


class LoginSerializer(serializers.Serializer):
    email = api.EmailField(max_length=254)
    password = api.CharField(max_length=4096, trim_whitespace=False)
    device = api.CharField(max_length=100, required=False, allow_blank=True, default="")
    sign_out_device = api.CharField(
        max_length=64,
        required=False,
        help_text=(
            "A device's `public_id` to sign out before this one signs in: the way out of 409 "
            "`too_many_devices`, whose answer lists them (the password is the re-authentication)."
        ),
    )


class PublicUserSerializer(serializers.Serializer):
    public_id = serializers.CharField()
    display_name = serializers.CharField()
    email_verified = serializers.BooleanField(help_text="The account confirmed its email address.")
    avatar_url = serializers.SerializerMethodField()

    def get_avatar_url(self, user) -> str | None:
        return user.avatar.url if user.avatar else None


class DeviceSerializer(serializers.Serializer):
    public_id = serializers.CharField()
    device = serializers.CharField()
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField(allow_null=True)
    current = serializers.SerializerMethodField()

    def get_current(self, token) -> bool:
        current = self.context.get("current")
        return current is not None and token.pk == current.pk


class TooManyDevicesSerializer(serializers.Serializer):
    """409 ``too_many_devices`` from a login with the right password: the devices signed in, so the app
    can offer to sign one out (log in again with ``sign_out_device``)."""

    code = serializers.CharField()
    message = serializers.CharField()
    devices = DeviceSerializer(many=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown only once.")
    expiry = serializers.DateTimeField(allow_null=True)
    device = DeviceSerializer()
    user = PublicUserSerializer()


class BlockSerializer(serializers.Serializer):
    """A block the user made: whom, since when (``DELETE /blocks/{user.public_id}/`` lifts it)."""

    user = PublicUserSerializer(source="blocked")
    blocked_at = serializers.DateTimeField(source="created_at")


DISPLAY_NAME_MAX_LENGTH = User._meta.get_field("display_name").max_length


class SettingsSerializer(serializers.Serializer):
    """The user's own settings (the profile page's and the language switcher's)."""

    public_id = serializers.CharField()
    email = serializers.EmailField()
    email_verified = serializers.BooleanField()
    display_name = serializers.CharField()
    avatar_url = serializers.SerializerMethodField()
    share_read_receipts = serializers.BooleanField(
        help_text="Off: nobody sees when you read their messages, and you don't see theirs."
    )
    share_last_seen = serializers.BooleanField(
        help_text="Off: nobody sees when you were last online, and you don't see theirs."
    )
    email_unread_messages = serializers.BooleanField(help_text="Email about unread messages while away.")
    chat_sound = serializers.BooleanField(
        help_text="Play a sound for new messages (the site's pages; off by default)."
    )
    language = serializers.CharField(help_text="For emails and notifications; empty: not chosen yet.")

    def get_avatar_url(self, user) -> str | None:
        return user.avatar.url if user.avatar else None


class SettingsInputSerializer(serializers.Serializer):
    display_name = api.CharField(max_length=DISPLAY_NAME_MAX_LENGTH, required=False)
    share_read_receipts = api.BooleanField(required=False)
    share_last_seen = api.BooleanField(required=False)
    email_unread_messages = api.BooleanField(required=False)
    chat_sound = api.BooleanField(required=False)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
