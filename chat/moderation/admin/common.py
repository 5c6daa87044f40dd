"""Shared by the moderation admin pages."""


class ReadOnlyAdminMixin:
    """Chat state changes only through chat.services; the admin is for reading it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
