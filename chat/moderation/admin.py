"""The moderators' workplace: conversations, messages and offers (read-only), the report queue with its
case pages, held first messages and the moderation log."""

from django.contrib import admin
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.selectors import is_moderator
from chat.forms import read_id
from chat.models import Conversation, ConversationParticipant, Message, Offer, Review
from chat.moderation import selectors
from chat.moderation import services as moderation
from chat.moderation.models import HeldMessage, ModerationAction, Report


class ReadOnlyAdminMixin:
    """Chat state changes only through chat.services; the admin is for reading it."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ParticipantInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ConversationParticipant
    fields = ("user", "role", "last_read_message", "hidden_up_to", "hidden_at")
    readonly_fields = fields
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("public_id", "ad_title", "buyer", "seller", "ad_status", "created_at", "last_message_at")
    list_filter = ("ad_status", "ad_entity_type", "created_at", "last_message_at")
    search_fields = ("=public_id", "buyer__email", "seller__email", "ad_title", "=ad_public_id")
    list_select_related = ("buyer", "seller")
    date_hierarchy = "created_at"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "public_id",
                    "buyer",
                    "seller",
                    "ad",
                    "created_at",
                    "last_message_at",
                    "all_messages",
                )
            },
        ),
        (
            _("Ad snapshot"),
            {
                "fields": (
                    "ad_entity_type",
                    "ad_public_id",
                    "ad_title",
                    "ad_thumbnail_url",
                    "ad_price",
                    "ad_link",
                    "ad_status",
                )
            },
        ),
    )
    readonly_fields = [field for _, options in fieldsets for field in options["fields"]]
    inlines = [ParticipantInline]

    @admin.display(description=_("Messages"))
    def all_messages(self, obj):
        url = reverse("admin:chat_conversation_read", args=[obj.pk])
        return format_html(
            '<a href="{}">Read the messages</a> (recorded in the moderation log, with your reason)', url
        )

    def get_urls(self):
        read = path(
            "<int:conversation_id>/read/",
            self.admin_site.admin_view(self.read_view),
            name="chat_conversation_read",
        )
        return [read, *super().get_urls()]

    def read_view(self, request, conversation_id: int):
        """The logged "view conversation" action: GET asks for a reason, POST records it and shows the
        messages (newest READ_LIMIT)."""
        conversation = selectors.conversation_get_for_moderator(conversation_id=conversation_id)
        if not is_moderator(request.user):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "conversation": conversation,
            "title": _("Read a conversation"),
        }
        if request.method == "POST":
            try:
                moderation.conversation_view_logged(
                    conversation=conversation, moderator=request.user, reason=request.POST.get("reason", "")
                )
            except ValidationError as error:
                context["error"] = " ".join(error.messages)
            else:
                messages, truncated = selectors.conversation_messages_for_moderator(conversation=conversation)
                context.update(conversation_messages=messages, truncated=truncated)
        return TemplateResponse(request, "admin/chat/conversation_read.html", context)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """For superusers: moderators have no view_message permission (they read through reports or the
    logged "read the messages" action)."""

    list_display = ("created_at", "sender", "conversation_link", "short_body")
    list_filter = ("kind", "created_at")
    search_fields = ("body",)
    list_select_related = ("sender", "conversation")
    fields = ("conversation", "sender", "created_at", "body")
    readonly_fields = fields
    date_hierarchy = "created_at"
    show_full_result_count = False  # counting millions of rows on every search is slow

    @admin.display(description=_("Conversation"))
    def conversation_link(self, obj):
        url = reverse("admin:chat_conversation_change", args=[obj.conversation_id])
        return format_html('<a href="{}">{}</a>', url, obj.conversation.public_id)

    @admin.display(description=_("Body"))
    def short_body(self, obj):
        return obj.body[:100]


@admin.register(Offer)
class OfferAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("conversation", "made_by", "amount", "status", "created_at", "expires_at", "decided_at")
    list_filter = ("status", "created_at")
    search_fields = ("=conversation__public_id", "made_by__email")
    list_select_related = ("conversation", "made_by")
    fields = (*list_display, "counter_to")
    readonly_fields = fields


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """The moderation queue: open reports oldest first; each opens as a case page with its actions."""

    list_display = ("created_at", "status", "reason", "subject", "reported_user", "reporter")
    list_filter = ("status", "reason", "created_at")
    search_fields = ("=conversation__public_id", "reported_user__email", "reporter__email")
    list_select_related = ("reported_user", "reporter", "conversation", "ad")
    # "open" sorts after "dismissed" and "actioned": descending puts the open reports first, oldest first.
    ordering = ("-status", "created_at")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("about"))
    def subject(self, obj):
        if obj.review_id:
            return _("Review #%(id)s") % {"id": obj.review_id}
        if obj.ad_id:
            return _("Ad %(id)s") % {"id": obj.ad.public_id}
        return (
            _("Message in %(id)s") % {"id": obj.conversation.public_id}
            if obj.message_id
            else obj.conversation.public_id
        )

    def get_urls(self):
        act = path(
            "<int:report_id>/act/",
            self.admin_site.admin_view(require_POST(self.act_view)),
            name="moderation_report_act",
        )
        return [act, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The case page: the report, the messages around it, the ad (snapshot and live), both users'
        history, the log of this case and the action buttons."""
        report = selectors.report_get_for_case(report_id=read_id(object_id))
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        conversation = report.conversation
        live_ad = _reported_ad(report)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Report #%(id)s") % {"id": report.pk},
            "opts": self.model._meta,
            "report": report,
            "conversation": conversation,
            "live_ad": live_ad,
            # Offered only when the ad is the reported user's (a report about a buyer names the seller's ad).
            "removable_ad": live_ad
            if live_ad is not None
            and live_ad.owner_id == report.reported_user_id
            and live_ad.status != "removed"
            else None,
            "context_messages": selectors.report_context_messages(report=report),
            "histories": [
                selectors.user_history(user=report.reported_user),
                selectors.user_history(user=report.reporter),
            ],
            "case_log": report.actions.select_related("moderator"),
            "can_act": is_moderator(request.user),
        }
        return TemplateResponse(request, "admin/moderation/report/case.html", context)

    def act_view(self, request, report_id: int):
        """Run one moderator action from the case page (POST ``action``, optional ``message``, ``note``).

        Destructive actions (remove a message, remove the ad, suspend) first answer a confirmation page
        saying what will happen; its button posts again with ``confirmed=1``. No JavaScript involved, so
        it works under the admin's strict CSP."""
        report = selectors.report_get_for_case(report_id=report_id)
        action = request.POST.get("action", "")
        note = request.POST.get("note", "")[:2000]
        moderator = request.user
        if action in DESTRUCTIVE_ACTIONS and request.POST.get("confirmed") != "1":
            message = None
            if action == "remove_message":
                message = selectors.report_message_get(
                    report=report, message_id=read_id(request.POST.get("message"))
                )
            context = {
                **self.admin_site.each_context(request),
                "title": DESTRUCTIVE_ACTIONS[action],
                "opts": self.model._meta,
                "report": report,
                "action": action,
                "note": note,
                "target_message": message,
            }
            return TemplateResponse(request, "admin/moderation/report/confirm.html", context)
        try:
            if action == "dismiss":
                moderation.report_dismiss(report=report, moderator=moderator, note=note)
            elif action == "remove_message":
                message = selectors.report_message_get(
                    report=report, message_id=read_id(request.POST.get("message"))
                )
                moderation.message_remove(message=message, moderator=moderator, report=report, note=note)
            elif action == "remove_ad" and _reported_ad(report) is not None:
                moderation.ad_remove(ad=_reported_ad(report), moderator=moderator, report=report, note=note)
            elif action in ("hide_review", "show_review") and report.review is not None:
                moderation.review_set_hidden(
                    review=report.review,
                    moderator=moderator,
                    hidden=action == "hide_review",
                    report=report,
                    note=note,
                )
            elif action == "suspend":
                moderation.user_suspend(
                    user=report.reported_user, moderator=moderator, report=report, note=note
                )
            elif action == "unsuspend":
                moderation.user_unsuspend(user=report.reported_user, moderator=moderator, note=note)
            else:
                flash.error(request, _("Unknown action."))
                return redirect("admin:moderation_report_change", report.pk)
        except ValidationError as error:
            flash.error(request, " ".join(error.messages))
        else:
            flash.success(request, _("Done, and recorded in the moderation log."))
        return redirect("admin:moderation_report_change", report.pk)


def _reported_ad(report: Report):
    """The live ad a report is about: the reported ad, else the conversation's (None when deleted)."""
    if report.ad is not None:
        return report.ad
    return report.conversation.ad if report.conversation is not None else None


# The case page's actions that change what users see, each with the question its confirmation asks.
DESTRUCTIVE_ACTIONS = {
    "remove_message": _("Remove this message for both participants?"),
    "remove_ad": _("Remove the ad from the site?"),
    "suspend": _("Suspend this user?"),
    "hide_review": _("Hide this review from the profile and the averages?"),
}


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
