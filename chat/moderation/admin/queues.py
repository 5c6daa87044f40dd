"""The other queues and records: reviews (hide/show), held first messages, the moderation log."""

from django.contrib import admin
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.selectors import is_moderator
from chat.models import Review
from chat.moderation import services as moderation
from chat.moderation.admin.common import ReadOnlyAdminMixin
from chat.moderation.models import HeldMessage, ModerationAction


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Reviews as written; moderators hide one (or show it again) with a logged action, never edit it."""

    list_display = (
        "created_at",
        "author",
        "subject",
        "reliability",
        "friendliness",
        "published_at",
        "hidden_at",
    )
    list_filter = ("hidden_at", "created_at")
    list_select_related = ("author", "subject")
    search_fields = ("author__email", "subject__email", "=conversation__public_id")
    fields = (
        "conversation",
        "author",
        "subject",
        "author_role",
        "reliability",
        "friendliness",
        "text",
        "created_at",
        "published_at",
        "hidden_at",
    )
    readonly_fields = fields
    actions = ["hide", "show"]

    def has_change_permission(self, request, obj=None):
        # The actions need it; every field is read-only.
        return is_moderator(request.user)

    def _set_hidden(self, request, queryset, hidden: bool):
        for review in queryset:
            moderation.review_set_hidden(review=review, moderator=request.user, hidden=hidden)
        flash.success(request, _("Done, and recorded in the moderation log."))

    @admin.action(description=_("Hide the selected reviews"))
    def hide(self, request, queryset):
        self._set_hidden(request, queryset.filter(hidden_at__isnull=True), True)

    @admin.action(description=_("Show the selected reviews again"))
    def show(self, request, queryset):
        self._set_hidden(request, queryset.filter(hidden_at__isnull=False), False)


@admin.register(HeldMessage)
class HeldMessageAdmin(admin.ModelAdmin):
    """First messages held because the same text went to many sellers: release (deliver) or reject."""

    list_display = ("created_at", "short_body", "sender", "status", "ad", "reviewed_by")
    list_filter = ("status", "created_at")
    list_select_related = ("sender", "ad", "reviewed_by")
    search_fields = ("sender__email", "body")
    fields = ("sender", "ad", "body", "status", "created_at", "reviewed_by", "reviewed_at")
    readonly_fields = fields
    actions = ["release", "reject"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Message"))
    def short_body(self, obj):
        return obj.body[:100]

    def _review(self, request, queryset, service, verb):
        done = 0
        for held in queryset.filter(status=HeldMessage.Status.HELD):
            try:
                service(held=held, moderator=request.user)
            except ValidationError as error:
                flash.error(request, f"{held}: {' '.join(error.messages)}")
            else:
                done += 1
        flash.success(request, _("%(count)s message(s) %(verb)s.") % {"count": done, "verb": verb})

    @admin.action(description=_("Release: deliver the selected messages"), permissions=["change"])
    def release(self, request, queryset):
        self._review(request, queryset, moderation.held_message_release, _("delivered"))

    @admin.action(description=_("Reject: never deliver the selected messages"), permissions=["change"])
    def reject(self, request, queryset):
        self._review(request, queryset, moderation.held_message_reject, _("rejected"))


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The audit log: read-only for everyone, superusers included."""

    list_display = (
        "created_at",
        "moderator",
        "action",
        "report",
        "conversation",
        "ad",
        "target_user",
        "note",
    )
    list_filter = ("action", "created_at")
    list_select_related = ("moderator", "report", "conversation", "ad", "target_user")
    search_fields = ("moderator__email", "target_user__email", "=conversation__public_id")
    fields = list_display + ("message", "held_message")
    readonly_fields = fields
    date_hierarchy = "created_at"
