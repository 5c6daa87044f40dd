from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chat import signals


class ModerationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chat.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        # The receivers import models, which only exist once the app registry is ready.
        from chat.moderation import receivers

        signals.first_message_screen.connect(receivers.hold_repeated_first_message)
