from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from chat import screening


class ModerationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chat.moderation"
    label = "moderation"
    verbose_name = _("Moderation")

    def ready(self) -> None:
        # The screen imports models, which only exist once the app registry is ready.
        from chat.moderation.screening import hold_repeated_first_message

        screening.register_first_message_screen(hold_repeated_first_message)
