"""What the accounts API returns and accepts: the login body, a user as others see them, a device (API
token) and the token answer. ``PublicUserSerializer`` is also the chat API's participant."""

from __future__ import annotations

from rest_framework import serializers

from marketplace import api


class LoginSerializer(serializers.Serializer):
    email = api.EmailField(max_length=254)
    password = api.CharField(max_length=4096, trim_whitespace=False)
    device = api.CharField(max_length=100, required=False, allow_blank=True, default="")


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


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Token <token>`; shown only once.")
    expiry = serializers.DateTimeField(allow_null=True)
    device = DeviceSerializer()
    user = PublicUserSerializer()
