from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from accounts import signals as account_signals
from ads import signals as ad_signals


class ChatConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chat"
    verbose_name = _("Chat")

    def ready(self) -> None:
        # The receivers import models, which only exist once the app registry is ready.
        from chat import receivers

        ad_signals.ad_status_changed.connect(receivers.sync_snapshots_on_ad_status)
        ad_signals.ad_details_changed.connect(receivers.sync_snapshots_on_ad_details)
        account_signals.user_profile_changed.connect(receivers.refresh_tokens_on_profile_change)
        account_signals.user_block_changed.connect(receivers.refresh_tokens_on_block_change)
