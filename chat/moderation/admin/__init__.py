"""The moderators' Django admin: importing the modules registers their ModelAdmins."""

from chat.moderation.admin import queues, records, reports

__all__ = ["queues", "records", "reports"]
