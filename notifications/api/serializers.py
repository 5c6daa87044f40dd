"""What the notifications API returns and accepts."""

from __future__ import annotations

from rest_framework import serializers

from marketplace import api
from notifications import kinds


class NotificationSerializer(serializers.Serializer):
    """One notification, its ``text`` in the request's language (rendered from ``kind`` and ``params``)."""

    public_id = serializers.CharField()
    kind = serializers.ChoiceField(choices=kinds.KIND_CHOICES, help_text="What happened.")
    text = serializers.CharField(help_text="One sentence in the request's language.")
    params = serializers.DictField(help_text="The values the text is built from (names, titles, amounts).")
    url = serializers.CharField(help_text="The site path where it happened.")
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NotificationPageSerializer(serializers.Serializer):
    results = NotificationSerializer(many=True)
    next_before = serializers.IntegerField(
        allow_null=True, help_text="Pass as `before` for the next (older) page; null on the last page."
    )


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(
        help_text="Unread notifications shown in the centre (the bell's count)."
    )


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications this call marked read.")


class KindSettingSerializer(serializers.Serializer):
    """One kind's channels."""

    kind = serializers.ChoiceField(choices=kinds.KIND_CHOICES)
    label = serializers.CharField(read_only=True)
    centre = api.BooleanField(help_text="Shown in the centre and counted on the bell.")
    email = api.BooleanField(help_text="Emailed while away.")
    push = api.BooleanField(help_text="Sent by Web Push to subscribed devices.")


class NotificationSettingsInputSerializer(serializers.Serializer):
    kinds = KindSettingSerializer(many=True, help_text="The kinds to change; the others stay as they are.")
