"""API: the user's own settings, as on the profile page and the footer's language switcher: display name,
read receipts, last online, unread-message emails, the new-message sound, language."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from accounts import services
from accounts.api.serializers import SettingsInputSerializer, SettingsSerializer
from marketplace.api import REFUSALS

PROFILE_FIELDS = (
    "display_name",
    "share_read_receipts",
    "share_last_seen",
    "email_unread_messages",
    "chat_sound",
)


@extend_schema(responses={200: SettingsSerializer, **REFUSALS}, methods=["GET"])
@extend_schema(
    request=SettingsInputSerializer, responses={200: SettingsSerializer, **REFUSALS}, methods=["PATCH"]
)
@api_view(["GET", "PATCH"])
def user_settings(request):
    """GET: the user's settings. PATCH: change any of them (fields left out stay as they are); the same
    services and rules as the profile page (``accounts.services.user_update_profile``, a name of 1–60
    characters once stripped) and the language switcher (``user_set_language``). Answers the settings as
    they are now."""
    user = request.user
    if request.method == "PATCH":
        data = SettingsInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        if any(name in fields for name in PROFILE_FIELDS):
            services.user_update_profile(
                user=user,
                display_name=fields.get("display_name", user.display_name),
                share_read_receipts=fields.get("share_read_receipts"),
                share_last_seen=fields.get("share_last_seen"),
                email_unread_messages=fields.get("email_unread_messages"),
                chat_sound=fields.get("chat_sound"),
            )
        if "language" in fields:
            services.user_set_language(user=user, language=fields["language"])
    return Response(SettingsSerializer(user).data)
