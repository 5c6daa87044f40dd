"""Moderation's JSON API (/api/v1/): reports into the moderators' queue. Mounted by
``chat.moderation.api.urls``."""
